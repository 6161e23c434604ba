"""Helpers for the editor's CodeMirror YAML editor (#yaml): read its text, type into it, find its lint markers."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page

CONTENT = "#yaml .cm-content"

# For each lint squiggle and gutter marker, the number shown in the line-number gutter at the same height.
_MARKED_LINES = """
() => {
  const numbers = [...document.querySelectorAll("#yaml .cm-lineNumbers .cm-gutterElement")]
    .filter((node) => /^\\d+$/.test(node.textContent)).map((node) => [node.getBoundingClientRect(), node.textContent]);
  const lineOf = (node) => {
    const box = node.getBoundingClientRect();
    const middle = box.top + box.height / 2;
    const found = numbers.find(([rect]) => rect.top <= middle && middle < rect.bottom);
    return found ? Number(found[1]) : null;
  };
  const squiggles = [...document.querySelectorAll("#yaml .cm-lintRange-error")].map(lineOf);
  const markers = [...document.querySelectorAll("#yaml .cm-lint-marker-error")].map(lineOf);
  return { squiggles, markers };
}
"""


def editor_text(page: Page) -> str:
    """The whole text of the YAML editor, through the page's own wrapper (CodeMirror draws only what is visible)."""
    return page.locator("#yaml").evaluate("host => host.codeEditor.getValue()")


def type_text(page: Page, text: str) -> None:
    """Replace the editor's text as a user would: select all, then insert `text` as typed input."""
    page.click(CONTENT)
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)
    assert editor_text(page) == text


def edit(page: Page, old: str, new: str) -> None:
    """Replace the first `old` of the editor's text with `new`, typed as user input."""
    text = editor_text(page)
    assert old in text
    type_text(page, text.replace(old, new, 1))


def wait_for_text(page: Page, pattern: str | re.Pattern[str], *, present: bool = True, timeout: float = 15) -> str:
    """Wait until the editor's text matches `pattern` (re.search), or no longer does with present=False."""
    regex = re.compile(pattern) if isinstance(pattern, str) else pattern
    deadline = time.monotonic() + timeout
    while True:
        text = editor_text(page)
        if bool(regex.search(text)) == present:
            return text
        if time.monotonic() > deadline:
            raise AssertionError(
                f"editor text {'does not match' if present else 'still matches'} {regex.pattern!r}:\n{text}"
            )
        page.wait_for_timeout(50)


def marked_lines(page: Page) -> dict[str, list[int | None]]:
    """The line numbers, as the gutter shows them, of the lint squiggles and of the gutter's error markers."""
    return page.evaluate(_MARKED_LINES)


def wait_for_marks(page: Page, lines: list[int], *, timeout: float = 15) -> None:
    """Wait until exactly `lines` carry an error squiggle and an error marker in the gutter."""
    deadline = time.monotonic() + timeout
    while True:
        marks = marked_lines(page)
        if sorted(set(marks["squiggles"])) == lines and sorted(set(marks["markers"])) == lines:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"expected error marks on lines {lines}, found {marks}")
        page.wait_for_timeout(50)
