"""static/js/step_text.js in Chromium: one step replaced, inserted or removed while every other line is kept."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

BLOCK = """\
# cabecera
name: demo
steps:
  - id: uno  # primero
    kind: reply
    message: "1"

  # comentario del dos
  - id: dos
    kind: reply
    message: "2"
    end: true
outputs: {}
"""
NEW = {"id": "nuevo", "kind": "reply", "message": "Hola, {{ nombre }}"}


def _change(page: Page, text: str, change: dict[str, Any]) -> dict[str, Any]:
    script = "async ([text, change]) => (await import('/static/js/step_text.js')).changeSteps(text, change)"
    return page.evaluate(script, [text, change])


@pytest.fixture
def editor(page: Page) -> Page:
    """A page with js-yaml loaded (the editor)."""
    page.goto("/editor")
    page.wait_for_function("typeof window.jsyaml === 'object'")
    return page


def test_insert_keeps_comments_and_attaches_to_the_right_place(editor: Page) -> None:
    first = _change(editor, BLOCK, {"op": "insert", "index": 0, "step": NEW})
    assert not first["rewritten"]
    assert first["text"].startswith("# cabecera\nname: demo\nsteps:\n  - id: nuevo\n    kind: reply\n")
    middle = _change(editor, BLOCK, {"op": "insert", "index": 1, "step": NEW})["text"]
    assert '    message: "1"\n  - id: nuevo' in middle and "  # comentario del dos\n  - id: dos" in middle
    last = _change(editor, BLOCK, {"op": "insert", "index": 2, "step": NEW})["text"]
    assert "    end: true\n  - id: nuevo\n    kind: reply\n    message: Hola, {{ nombre }}\noutputs: {}\n" in last


def test_replace_and_remove_touch_only_their_step(editor: Page) -> None:
    replaced = _change(editor, BLOCK, {"op": "replace", "index": 1, "step": {**NEW, "id": "dos"}})
    assert not replaced["rewritten"]
    assert replaced["text"].replace("  - id: dos\n    kind: reply\n    message: Hola, {{ nombre }}\n", "") == (
        BLOCK.replace('  - id: dos\n    kind: reply\n    message: "2"\n    end: true\n', "")
    )
    removed = _change(editor, BLOCK, {"op": "remove", "index": 0})["text"]
    assert "id: uno" not in removed and removed.startswith("# cabecera\nname: demo\nsteps:\n\n  # comentario del dos")


def test_items_at_column_zero_and_flow_style(editor: Page) -> None:
    flush = "name: demo\nsteps:\n- id: uno\n  kind: reply\n  message: a\noutputs: {}\n"
    result = _change(editor, flush, {"op": "insert", "index": 1, "step": NEW})
    assert not result["rewritten"]
    assert "  message: a\n- id: nuevo\n  kind: reply\n" in result["text"]
    flow = "name: demo\nsteps: [{id: uno, kind: reply, message: a}]\n"
    rewritten = _change(editor, flow, {"op": "insert", "index": 1, "step": NEW})
    assert rewritten["rewritten"]
    steps = editor.evaluate("(text) => jsyaml.load(text).steps.map((s) => s.id)", rewritten["text"])
    assert steps == ["uno", "nuevo"]
