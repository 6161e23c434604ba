"""With API tokens configured, the graph viewer asks for one and then works with it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from config import Config

pytestmark = pytest.mark.browser

TOKEN = "token-de-prueba-1234567890"


@pytest.fixture
def settings(settings: Config) -> Config:
    """The usual offline settings, with one API token required by the orchestrator API."""
    return settings.model_copy(update={"API_TOKENS": [TOKEN]})


def test_graph_viewer_asks_for_the_token_then_draws(page: Page) -> None:
    page.goto("/graph/ejemplo_simple")
    expect(page.locator("#token-form")).to_be_visible()
    expect(page.locator("#graph svg")).to_have_count(0)
    page.fill("#token-form input[name=token]", TOKEN)
    page.click("#token-form button")
    expect(page.locator("#graph svg")).to_be_visible()
    expect(page.locator("#token-form")).to_be_hidden()
