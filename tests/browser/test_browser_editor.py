"""The pipeline editor in Chromium: an error marked at its line, a form-added step, preview, save, try-run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.code_editor import edit, wait_for_marks, wait_for_text
from tests.browser.probar import greet_in_probar

pytestmark = pytest.mark.browser

PIPELINE = """\
# Un saludo corto: este comentario debe sobrevivir a los cambios hechos desde el formulario.
name: prueba_editor
description: Pregunta el nombre y saluda
inputs:
  nombre: {type: string, description: "a quién saludar"}
steps:
  - id: pedir_nombre
    kind: ask
    slot: nombre
    question: "¿Cómo te llamas?"
  # el saludo final
  - id: saludar
    kind: reply
    message: "Hola, {{ nombre }}"
    end: true
"""


def _node_count(page: Page) -> int:
    return page.locator("#preview svg g.node").count()


def test_edit_validate_add_step_preview_save_and_try_run(page: Page, pipelines_dir: Path, tmp_path: Path) -> None:
    (pipelines_dir / "prueba_editor.yaml").write_text(PIPELINE, encoding="utf-8")
    page.goto("/editor?name=prueba_editor")
    wait_for_text(page, re.compile("^" + re.escape(PIPELINE) + "$"))
    expect(page.locator("#pick")).to_have_value("prueba_editor")
    expect(page.locator("#validity")).to_have_text(re.compile("válido"))

    edit(page, "    kind: reply", "    kind: responder")
    line = PIPELINE.splitlines().index("    kind: reply") + 1
    wait_for_marks(page, [line])
    expect(page.locator("#errors li").first).to_contain_text(f"Línea {line}")
    expect(page.locator("#errors li").first).to_contain_text("responder")
    page.screenshot(path=tmp_path / "editor-error.png")

    edit(page, "    kind: responder", "    kind: reply")
    expect(page.locator("#validity")).to_have_text(re.compile("válido"))
    wait_for_marks(page, [])

    page.click("#tab-graph")
    expect(page.locator("#preview svg")).to_be_visible()
    nodes_before = _node_count(page)
    page.click("#tab-form")
    page.select_option("#new-kind", "reply")
    page.click("#add-step")
    page.fill("#field-id", "despedida")
    page.fill("#field-message", "Encantado, {{ nombre }}")
    page.select_option("#step-position", label="después de pedir_nombre")
    page.click("#step-apply")
    text = wait_for_text(page, r"- id: pedir_nombre[\s\S]*- id: despedida\n    kind: reply[\s\S]*- id: saludar")
    assert text.startswith("# Un saludo corto")
    assert "  # el saludo final\n  - id: saludar\n" in text
    expect(page.locator("#step-list button[data-step='despedida']")).to_be_visible()
    expect(page.locator("#validity")).to_have_text(re.compile("válido"))

    page.click("#tab-graph")
    expect(page.locator("#preview svg g.node", has_text="despedida")).to_have_count(1)
    assert _node_count(page) == nodes_before + 1
    page.screenshot(path=tmp_path / "editor-graph.png")

    page.click("#save")
    expect(page.locator("#save-status")).to_contain_text("Guardado")
    saved = (pipelines_dir / "prueba_editor.yaml").read_text(encoding="utf-8")
    assert "- id: despedida" in saved and saved.startswith("# Un saludo corto")

    expect(greet_in_probar(page, "Ana")).to_contain_text("Encantado, Ana")
    page.screenshot(path=tmp_path / "editor-run.png")


def test_form_edits_an_existing_step_and_follows_the_text(page: Page, pipelines_dir: Path) -> None:
    (pipelines_dir / "prueba_editor.yaml").write_text(PIPELINE, encoding="utf-8")
    page.goto("/editor?name=prueba_editor")
    expect(page.locator("#validity")).to_have_text(re.compile("válido"))
    page.click("#step-list button[data-step='pedir_nombre']")
    expect(page.locator("#field-question")).to_have_value("¿Cómo te llamas?")

    edit(page, '"¿Cómo te llamas?"', '"¿Tu nombre?"')
    expect(page.locator("#field-question")).to_have_value("¿Tu nombre?")

    page.fill("#field-question", "¿Y tu nombre, por favor?")
    page.click("#step-apply")
    wait_for_text(page, r"question: ¿Y tu nombre, por favor\?")
    expect(page.locator("#validity")).to_have_text(re.compile("válido"))

    page.click("#step-remove")
    wait_for_text(page, "pedir_nombre", present=False)
    expect(page.locator("#step-list button")).to_have_count(1)


def test_create_a_new_pipeline_and_save_it(page: Page, pipelines_dir: Path) -> None:
    page.goto("/editor")
    expect(page.locator("#editor[data-ready='true']")).to_have_count(1)
    page.fill("#new-name", "saludo_nuevo")
    page.click("#create")
    wait_for_text(page, "^name: saludo_nuevo")
    expect(page.locator("#validity")).to_have_text(re.compile("válido"))
    page.click("#save")
    expect(page.locator("#save-status")).to_contain_text("Guardado")
    assert (pipelines_dir / "saludo_nuevo.yaml").is_file()
    expect(page.locator("#pick")).to_have_value("saludo_nuevo")
