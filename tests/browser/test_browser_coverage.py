"""The editor's «Probar» tab in Chromium: running the saved tests shows their coverage, and the YAML's gutter marks
every step, branch and correction no test visits, until the text is edited."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.code_editor import edit
from tests.test_coverage import COLOURS, RED

pytestmark = pytest.mark.browser

# The line (as the line-number gutter shows it) of each gutter marker of a severity.
_MARKER_LINES = """
(severity) => {
  const numbers = [...document.querySelectorAll("#yaml .cm-lineNumbers .cm-gutterElement")]
    .filter((node) => /^\\d+$/.test(node.textContent)).map((node) => [node.getBoundingClientRect(), node.textContent]);
  return [...document.querySelectorAll(`#yaml .cm-lint-marker-${severity}`)].map((node) => {
    const box = node.getBoundingClientRect();
    const middle = box.top + box.height / 2;
    const found = numbers.find(([rect]) => rect.top <= middle && middle < rect.bottom);
    return found ? Number(found[1]) : null;
  }).sort((a, b) => a - b);
}
"""


def test_running_the_tests_marks_what_they_leave_unvisited(page: Page, pipelines_dir: Path, tmp_path: Path) -> None:
    (pipelines_dir / "colores.yaml").write_text(COLOURS, encoding="utf-8")
    tests = pipelines_dir / "tests" / "colores"
    tests.mkdir(parents=True)
    (tests / "01_rojo.yaml").write_text(RED, encoding="utf-8")
    page.goto("/editor?name=colores")
    expect(page.locator("#pick")).to_have_value("colores")
    expect(page.locator("#validity")).to_have_text("✓ YAML válido")
    page.click("#tab-run")
    page.click("#tests-run")
    expect(page.locator("#test-status")).to_have_text("1 pasan, 0 fallan.", timeout=90_000)
    expect(page.locator("#test-coverage")).to_have_text(
        re.compile(r"^Cobertura: 55,6\s%\s\(pasos 4/5, ramas 1/2, correcciones 0/2\)\. Lo que ninguna prueba visita")
    )
    # otro (13) and the way out of decidir (12) are never taken; color (7) and tono (8) are never corrected
    page.wait_for_function(f"({_MARKER_LINES})('info').length === 4")
    assert page.evaluate(_MARKER_LINES, "info") == [7, 8, 12, 13]
    assert page.evaluate(_MARKER_LINES, "error") == []
    page.screenshot(path=tmp_path / "editor-coverage.png")
    edit(page, "Otro color", "Otro tono")  # the coverage was of the saved text: its marks go
    page.wait_for_function(f"({_MARKER_LINES})('info').length === 0")
