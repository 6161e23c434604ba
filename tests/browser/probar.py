"""The editor's «Probar» tab, as the browser tests drive it."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


def greet_in_probar(page: Page, name: str) -> Locator:
    """Run the open greeting pipeline in «Probar», answer «¿Cómo te llamas?» with `name`; the final message."""
    page.click("#tab-run")
    page.click("#run-start")
    expect(page.locator("#run-result .question")).to_have_text("¿Cómo te llamas?")
    page.fill("#run-answer", name)
    page.click("#run-reply")
    expect(page.locator("#run-status-badge")).to_have_attribute("data-status", "completed")
    return page.locator("#run-result .message")
