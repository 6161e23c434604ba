"""Browser-test fixtures: the app served on a free local port in a thread, and Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install playwright)"
    return None


def require_browser() -> None:
    """Skip with the reason when Chromium or Playwright is missing; in CI (CI=true) fail instead."""
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served by werkzeug on 127.0.0.1 and a free port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole test session."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class PageProblems:
    """What went wrong inside the page: uncaught script errors, console errors and JavaScript dialogs."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []

    def on_console(self, message: Any) -> None:
        """Keep console errors; HTTP error statuses are the tests' own business (they assert on the page)."""
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"console: {message.text}")

    def on_dialog(self, dialog: Any) -> None:
        """An alert/confirm means injected or unexpected script: record it and dismiss it."""
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def page_problems() -> PageProblems:
    """Errors and dialogs seen by the `page` fixture's page."""
    return PageProblems()


@pytest.fixture
def page(browser: Browser, live_server: str, page_problems: PageProblems) -> Iterator[Page]:
    """A fresh browser context and page on the live server; fails the test on any script error or dialog."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 860}, locale="es-ES")
    context.set_default_timeout(15_000)
    opened = context.new_page()
    opened.on("pageerror", lambda exc: page_problems.errors.append(f"pageerror: {exc}"))
    opened.on("console", page_problems.on_console)
    opened.on("dialog", page_problems.on_dialog)
    try:
        yield opened
    finally:
        context.close()
    assert page_problems.errors == [], page_problems.errors
    assert page_problems.dialogs == [], page_problems.dialogs
