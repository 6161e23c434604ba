"""The CodeMirror YAML editor in Chromium: lint markers at the server's lines, completions from the schema and the
document, then save and run what was typed."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from pipelines.schema import PipelineConfig
from tests.browser.code_editor import editor_text, type_text, wait_for_marks, wait_for_text
from tests.browser.probar import greet_in_probar

pytestmark = pytest.mark.browser

BROKEN = """\
name: prueba_codigo
description: Saluda por el nombre
inputs:
  nombre: {type: string, description: a quién saludar}
steps:
  - id: pedir_nombre
    kind: ask
    slot: nombre
    question: "¿Cómo te llamas?"
    next:
      - goto: saluda
  - id: saludar
    kind: reply
    mesage: "Hola, {{ nombre }}"
    end: true
"""
GOTO_LINE = 11
KEY_LINE = 14
UNREACHABLE_LINE = 12


def _completion(page: Page) -> list[str]:
    """The labels in the open completion popup."""
    popup = page.locator(".cm-tooltip-autocomplete")
    expect(popup).to_be_visible()
    return popup.locator("li .cm-completionLabel").all_inner_texts()


def _accept(page: Page) -> None:
    """Enter on the open popup, once CodeMirror takes keys on it (it ignores them for 75 ms after it changes)."""
    page.wait_for_timeout(200)
    page.keyboard.press("Enter")


def _choose(page: Page, typed: str, label: str) -> None:
    """Type `typed`, wait for `label` to be offered first, take it with Enter."""
    page.keyboard.type(typed)
    expect(page.locator(".cm-tooltip-autocomplete li[aria-selected] .cm-completionLabel")).to_have_text(label)
    _accept(page)
    expect(page.locator(".cm-tooltip-autocomplete")).to_have_count(0)


def _error_item(page: Page, line: int):
    return page.locator(f"#errors li[data-line='{line}']")


def test_lint_marks_the_line_completion_fixes_it_then_save_and_run(
    page: Page, pipelines_dir: Path, live_server: str, tmp_path: Path
) -> None:
    page.goto("/editor")
    expect(page.locator("#editor[data-ready='true']")).to_have_count(1)
    page.fill("#new-name", "prueba_codigo")
    page.click("#create")
    wait_for_text(page, "^name: prueba_codigo")
    expect(page.locator("#validity")).to_have_text(re.compile("válido"))

    type_text(page, BROKEN)
    # pydantic's errors first: the misspelt key (and the required key it hides), on their own lines.
    wait_for_marks(page, [UNREACHABLE_LINE, KEY_LINE])
    expect(_error_item(page, KEY_LINE)).to_contain_text("mesage")
    expect(page.locator("#validity")).to_have_text("✗ 2 error(es)")
    page.screenshot(path=tmp_path / "code-editor-key.png")

    # The error list puts the cursor on the key; the typed prefix offers the keys of a `reply` step.
    _error_item(page, KEY_LINE).click()
    page.keyboard.press("Shift+Control+ArrowRight")
    page.keyboard.type("me")
    labels = _completion(page)
    assert "message" in labels and "question" not in labels
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    _choose(page, "mess", "message")
    wait_for_text(page, '\n    message: "Hola, {{ nombre }}"\n')

    # Then the semantic check: the unknown goto target, marked at its line and column.
    wait_for_marks(page, [GOTO_LINE, UNREACHABLE_LINE])
    expect(_error_item(page, GOTO_LINE)).to_contain_text("saluda")
    # From the reported column (9: the `goto` key) to the end of the line, nothing before it.
    squiggles = page.locator("#yaml .cm-lintRange-error")
    expect(squiggles).to_have_text(["goto: saluda", "id: saludar"])
    page.screenshot(path=tmp_path / "code-editor-goto.png")

    _error_item(page, GOTO_LINE).click()
    page.keyboard.press("End")
    for _ in "saluda":
        page.keyboard.press("Backspace")
    page.keyboard.type("s")
    assert _completion(page) == ["saludar"]
    _accept(page)
    text = wait_for_text(page, "\n      - goto: saludar\n")
    assert text == BROKEN.replace("mesage", "message").replace("goto: saluda\n", "goto: saludar\n")
    expect(page.locator("#validity")).to_have_text(re.compile("válido"))
    wait_for_marks(page, [])
    expect(page.locator("#errors li.ok")).to_have_text("Sin errores.")

    page.click("#save")
    expect(page.locator("#save-status")).to_contain_text("Guardado")
    assert (pipelines_dir / "prueba_codigo.yaml").read_text(encoding="utf-8") == text
    assert page.request.get(f"{live_server}/orchestrator/pipelines/prueba_codigo").json()["valid"] is True

    expect(greet_in_probar(page, "Ana")).to_contain_text("Hola, Ana")


TOOLS = """\
name: con_herramientas
inputs:
  nombre: {type: string}
tools:
  lector: {kind: parse_order_lines}
  catalogo: {kind: resolve_product}
steps:
  - id: pedir_nombre
    kind: ask
    slot: nombre
    question: "¿Cómo te llamas?"
"""


def test_step_kinds_keys_tools_and_slots_are_offered(page: Page, pipelines_dir: Path, tmp_path: Path) -> None:
    (pipelines_dir / "con_herramientas.yaml").write_text(TOOLS, encoding="utf-8")
    page.goto("/editor?name=con_herramientas")
    wait_for_text(page, "^name: con_herramientas")
    expect(page.locator("#validity")).to_have_text(re.compile("válido"))
    type_text(page, TOOLS + "  - id: nuevo\n    ")

    page.keyboard.type("kind: ")
    page.keyboard.press("Control+Space")
    mapping = PipelineConfig.model_json_schema()["properties"]["steps"]["items"]["discriminator"]["mapping"]
    assert set(_completion(page)) == set(mapping)
    _choose(page, "too", "tool")
    page.keyboard.press("Enter")
    page.keyboard.type("to")
    labels = _completion(page)
    assert labels[0] == "tool" and "question" not in labels
    page.screenshot(path=tmp_path / "code-editor-completion.png")
    _accept(page)
    page.keyboard.press("Control+Space")
    assert sorted(_completion(page)) == ["catalogo", "lector"]
    page.keyboard.press("Escape")
    page.keyboard.type('lector\nsave_as: lineas\nwith: {text: "{{ ')
    page.keyboard.press("Control+Space")
    assert sorted(_completion(page)) == ["lineas", "nombre"]
    page.keyboard.press("Escape")
    typed = editor_text(page)
    assert '  - id: nuevo\n    kind: tool\n    tool: lector\n    save_as: lineas\n    with: {text: "{{ ' in typed


def test_completions_follow_the_schema_generically(page: Page) -> None:
    """A step kind added to the schema is offered with its own keys, nested steps and tool references, without
    changing the editor's code."""
    page.goto("/editor")
    expect(page.locator("#editor[data-ready='true']")).to_have_count(1)
    schema = copy.deepcopy(PipelineConfig.model_json_schema())
    steps = schema["properties"]["steps"]["items"]
    schema["$defs"]["GatherStep"] = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "kind": {"const": "gather"},
            "fields": {"type": "array"},
            "reader": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "a tool reading the answer"},
            "body": {"type": "array", "items": copy.deepcopy(steps)},
        },
        "required": ["id", "kind", "fields"],
    }
    steps["oneOf"].append({"$ref": "#/$defs/GatherStep"})
    steps["discriminator"]["mapping"]["gather"] = "#/$defs/GatherStep"
    script = """async ([schema, text]) => {
      const { completePipeline } = await import('/static/js/yaml_completion.js');
      const labels = (marker) => {
        const result = completePipeline(text, text.indexOf(marker) + marker.length, { schema, explicit: true });
        return result ? result.options.map((o) => o.label) : [];
      };
      return {
        kinds: labels('kind: g'), keys: labels('\\n    f'), gotos: labels('goto: '), readers: labels('reader: '),
        nested: labels('\\n        q'),
      };
    }"""
    text = (
        "name: demo\ntools:\n  lector: {kind: parse_order_lines}\nsteps:\n  - id: juntar\n    kind: g\n"
        "  - id: otro\n    kind: gather\n    f\n    reader: \n    body:\n      - id: dentro\n        kind: ask\n"
        "        q\n    next: [{goto: }]\n"
    )
    found = page.evaluate(script, [schema, text])
    assert "gather" in found["kinds"] and "reply" in found["kinds"]
    # `kind` and `body` are written already; `message` belongs to other kinds.
    assert "fields" in found["keys"] and not {"kind", "body", "message"} & set(found["keys"])
    assert found["readers"] == ["lector"]
    assert "question" in found["nested"] and "message" not in found["nested"]
    assert found["gotos"] == ["juntar", "otro", "dentro", "end"]


PATH_TEXT = """\
name: demo
inputs:
  nombre: {type: string, des}
steps:
  - id: uno
    kind: ask
    # a comment with kind: in it
    question: "hola {{ nom"
  - id: dos
    kind: foreach
    steps:
      - id: tres
        kind: reply
        mess
    next: [{when: x, goto: un}]
  - ki
"""


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        ("string, des", {"path": ["inputs", "nombre"], "mode": "key", "word": "des"}),
        ("kind: ask", {"path": ["steps", 0], "mode": "value", "key": "kind", "word": "ask"}),
        ("kind: in", {"mode": "comment"}),
        ('"hola {{ nom', {"path": ["steps", 0], "mode": "string", "key": "question", "word": "nom"}),
        ("        mess", {"path": ["steps", 1, "steps", 0], "mode": "key", "word": "mess"}),
        ("goto: un", {"path": ["steps", 1, "next", 0], "mode": "value", "key": "goto", "word": "un"}),
        ("  - ki", {"path": ["steps", 2], "mode": "key", "word": "ki"}),
    ],
)
def test_yaml_path_reads_the_cursor_position_from_indentation(page: Page, marker: str, expected: dict) -> None:
    page.goto("/editor")
    script = """async ([text, marker]) => {
      const { yamlContext } = await import('/static/js/yaml_path.js');
      return yamlContext(text, text.indexOf(marker) + marker.length);
    }"""
    found = page.evaluate(script, [PATH_TEXT, marker])
    assert {key: found.get(key) for key in expected} == expected
