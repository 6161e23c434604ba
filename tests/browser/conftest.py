"""Browser tests share the live-server and Chromium fixtures of tests/browser_fixtures.py."""

from tests.browser_fixtures import browser, live_server, page, page_problems

__all__ = ["browser", "live_server", "page", "page_problems"]
