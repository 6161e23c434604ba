"""The editor's «Probar» tab in Chromium: a conversation tried is saved as a test, and the saved tests are run."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page, expect

from tests.browser.probar import greet_in_probar

pytestmark = pytest.mark.browser

WRONG = """\
name: siempre_falla
turns:
  - user: "!run ejemplo_simple"
    expect: {status: waiting}
  - user: "Eva"
    expect: {status: completed, reply_contains: [Adiós]}
"""


def test_save_the_conversation_as_a_test_and_run_the_saved_tests(
    page: Page, pipelines_dir: Path, tmp_path: Path
) -> None:
    page.goto("/editor?name=ejemplo_simple")
    expect(page.locator("#pick")).to_have_value("ejemplo_simple")
    page.click("#tab-run")
    expect(page.locator("#test-save")).to_be_disabled()
    greet_in_probar(page, "Ana")

    expect(page.locator("#test-name")).to_have_value("ejemplo_simple")
    page.fill("#test-name", "saludo_ana")
    page.click("#test-save")
    expect(page.locator("#test-status")).to_contain_text("Prueba «saludo_ana» guardada (2 turnos)")
    saved = yaml.safe_load((pipelines_dir / "tests" / "ejemplo_simple" / "saludo_ana.yaml").read_text("utf-8"))
    assert saved["turns"][0] == {
        "user": "!run ejemplo_simple",
        "expect": {"status": "waiting", "reply_contains": ["Cómo te llamas"]},
    }
    assert saved["turns"][1] == {
        "user": "Ana",
        "expect": {"status": "completed", "reply_contains": ["Encantado de ayudarte"]},
    }
    expect(page.locator("#test-list li[data-test='saludo_ana']")).to_contain_text("2 turnos")

    (pipelines_dir / "tests" / "ejemplo_simple" / "siempre_falla.yaml").write_text(WRONG, encoding="utf-8")
    page.click("#tests-run")
    expect(page.locator("#test-status")).to_have_text("1 pasan, 1 fallan.")
    passing = page.locator("#test-list li[data-test='saludo_ana'] [data-result]")
    expect(passing).to_have_text("pasa")
    expect(passing).to_have_attribute("data-result", "pass")
    failing = page.locator("#test-list li[data-test='siempre_falla']")
    expect(failing.locator("[data-result]")).to_have_text("falla")
    expect(failing).to_contain_text("Turno 2 «Eva»")
    expect(failing).to_contain_text("esperado: «Adiós» in the reply")
    page.screenshot(path=tmp_path / "editor-tests.png")


def test_a_bad_test_name_is_explained_and_nothing_is_saved(page: Page, pipelines_dir: Path) -> None:
    page.goto("/editor?name=ejemplo_simple")
    expect(page.locator("#pick")).to_have_value("ejemplo_simple")
    page.click("#tab-run")
    page.fill("#arg-nombre", "Luis")
    page.click("#run-start")
    expect(page.locator("#run-status-badge")).to_have_attribute("data-status", "completed")
    page.fill("#test-name", "Con Espacios")
    page.click("#test-save")
    expect(page.locator("#test-status")).to_contain_text("El nombre solo puede tener minúsculas")
    assert not (pipelines_dir / "tests").exists()


def test_an_order_tried_in_probar_passes_as_a_test_with_its_order(page: Page, pipelines_dir: Path) -> None:
    page.goto("/editor?name=alta_pedido")
    expect(page.locator("#pick")).to_have_value("alta_pedido")
    page.click("#tab-run")
    page.fill("#arg-cliente", "ACME S.A.")
    page.fill("#arg-productos", "3 teclado mecánico, 2 ratón inalámbrico")
    page.click("#run-start")
    expect(page.locator("#run-status-badge")).to_have_attribute("data-status", "waiting")
    page.click("#run-result .options button:has-text('sí')")
    expect(page.locator("#run-status-badge")).to_have_attribute("data-status", "completed")
    page.fill("#test-name", "pedido_acme")
    page.click("#test-save")
    expect(page.locator("#test-status")).to_contain_text("guardada (2 turnos)")
    saved = yaml.safe_load((pipelines_dir / "tests" / "alta_pedido" / "pedido_acme.yaml").read_text("utf-8"))
    assert saved["turns"][0]["user"] == (
        '!run alta_pedido cliente="ACME S.A." productos="3 teclado mecánico, 2 ratón inalámbrico"'
    )
    assert saved["turns"][0]["expect"]["options_first"] == "sí"
    assert saved["turns"][1]["expect"]["order"] == {
        "customer": "ACME S.A.",
        "lines": {"Teclado mecánico": 3, "Ratón inalámbrico": 2},
    }
    page.click("#tests-run")
    expect(page.locator("#test-status")).to_have_text("1 pasan, 0 fallan.")
    expect(page.locator("#test-list li[data-test='pedido_acme'] [data-result]")).to_have_text("pasa")
