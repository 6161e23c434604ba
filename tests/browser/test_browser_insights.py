"""The insights page in Chromium: dialogs are played through the chat, then the page's charts and tables must show
what they did, and each table exports as CSV. The screenshot of the docs' «Insights» page is taken here
(`make docs-screenshots` writes it to docs/img/insights.png)."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.test_insights import DIALOGS

pytestmark = pytest.mark.browser
DOCS_IMAGE = Path(__file__).resolve().parents[2] / "docs" / "img" / "insights.png"
BAR_PIXELS = """(id) => {
  const canvas = document.getElementById(id);
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let count = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - 0x5b) < 8 && Math.abs(data[i + 1] - 0x7f) < 8 && Math.abs(data[i + 2] - 0xd6) < 8) count++;
  }
  return count;
}"""


def _play(page: Page) -> None:
    for number, (messages, status) in enumerate(DIALOGS):
        for text in messages:
            reply = page.request.post("/chat", data={"message": text, "session_id": f"browser-{number:04d}"})
            assert reply.ok, reply.text()
        assert reply.json()["status"] == status


def _table(page: Page, key: str) -> list[list[str]]:
    rows = page.locator(f'table[data-table="{key}"] tr')
    return [[cell.strip() for cell in row.locator("th, td").all_inner_texts()] for row in rows.all()]


def test_the_page_shows_the_dialogs_played_and_exports_csv(page: Page, tmp_path: Path) -> None:
    _play(page)
    page.goto("/")
    page.get_by_role("link", name="Análisis").click()
    expect(page).to_have_url(re.compile(r"/insights$"))
    expect(page.locator("#insights-page")).to_have_attribute("data-loaded", "1")
    page.goto("/insights?pipeline=alta_pedido")
    expect(page.locator("#insights-pipeline")).to_have_value("alta_pedido")
    expect(page.locator("#insights-page")).to_have_attribute("data-loaded", "1")
    runs = dict((row[0], row[1]) for row in _table(page, "runs")[1:])
    assert runs == {
        "Iniciadas": "4",
        "Completadas": "2",
        "Canceladas": "1",
        "Fallidas": "0",
        "Abandonadas": "0",
        "En curso": "1",
    }
    expect(page.locator("#median-turns")).to_have_text("2,5")
    funnel = {row[0]: row[1:] for row in _table(page, "funnel")[1:]}
    assert funnel["confirmar"] == ["2", "2", "0"] and funnel["productos"] == ["1", "1", "1"]
    repairs = {(row[0], row[1]): row[2] for row in _table(page, "repairs")[1:]}
    assert repairs == {("productos", "cancelar"): "1", ("producto__choose", "elección"): "1",
                       ("producto__choose", "ayuda"): "1"}  # fmt: skip
    lowest = {(row[2], row[3]) for row in _table(page, "lowest_confidence")[1:]}
    assert lowest == {("sí", "sí"), ("elección", "el primero"), ("cancelar", "cancelar"), ("ayuda", "no entiendo")}
    for chart in ("chart-runs", "chart-funnel"):  # Chart.js drew bars: many pixels of the bars' blue
        assert page.evaluate(BAR_PIXELS, chart) > 500
    with page.expect_download() as download:
        page.locator('[data-export="funnel"]').click()
    saved = tmp_path / "funnel.csv"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "alta_pedido-funnel.csv"
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert rows[0] == ["Pregunta", "Alcanzada", "Respondida", "Abandonada"]
    assert ["confirmar", "2", "2", "0"] in rows
    shot = DOCS_IMAGE if os.environ.get("T7_DOCS_SCREENSHOTS") == "1" else tmp_path / "insights.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=shot, full_page=True)


def test_another_pipeline_and_period_reload_the_figures(page: Page) -> None:
    _play(page)
    page.goto("/insights?pipeline=stock")
    expect(page.locator("#insights-page")).to_have_attribute("data-loaded", "1")
    assert dict((r[0], r[1]) for r in _table(page, "runs")[1:])["Iniciadas"] == "0"
    expect(page.locator("#table-funnel")).to_contain_text("Sin datos en este periodo.")
    page.select_option("#insights-pipeline", "alta_pedido")
    page.select_option("#insights-days", "1")
    expect(page.locator("#insights-page")).to_have_attribute("data-loaded", "3")
    assert dict((r[0], r[1]) for r in _table(page, "runs")[1:])["Iniciadas"] == "4"
