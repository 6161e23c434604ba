"""Browser tests share the live-server and Chromium fixtures of tests/browser_fixtures.py."""

import pytest
from flask import Flask

from routes.pages import pages_bp
from tests.browser_fixtures import browser, live_server, page, page_problems

__all__ = ["browser", "live_server", "page", "page_problems"]


# TEMPORARY until app.py registers pages_bp.
@pytest.fixture(autouse=True)
def _pages_registered(app: Flask) -> None:
    if "pages" not in app.blueprints:
        app.register_blueprint(pages_bp)
