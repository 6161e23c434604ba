"""The chat page in Chromium follows a turn live: the step being run and the model's tokens before the reply."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.chat_steps import click_and_wait, replies_count, wait_reply
from tests.llm_server import OpenAICompatServer

pytestmark = pytest.mark.browser

LINES = {"lines": [{"text": "Teclado mecánico", "quantity": 3}, {"text": "Webcam HD", "quantity": 1}]}


@pytest.fixture
def app(llm_app: Flask) -> Flask:
    """The app the tests (and the live server) use: its model is the local server."""
    return llm_app


def test_progress_and_tokens_show_before_the_reply(page: Page, server: OpenAICompatServer, tmp_path: Path) -> None:
    gate = threading.Event()  # the model sends half its answer, then waits until the test has looked
    server.reply(LINES, gate=gate, chunk_delay=0.05)
    try:
        page.goto("/")
        before = replies_count(page)
        page.fill("#chat-input", '!run alta_pedido cliente=Globex productos="tres mecánicos y una cámara"')
        page.press("#chat-input", "Enter")

        pending = page.locator(".msg.bot.pending")
        step = pending.locator(".progress-step")
        expect(step).to_have_attribute("data-step", "leer_lineas")
        expect(step).to_have_attribute("data-kind", "llm")
        expect(step).to_have_text("Leyendo las líneas del pedido…")
        expect(pending.locator(".progress-tokens")).to_contain_text('{"lines": [{"text"')
        page.screenshot(path=tmp_path / "chat-progress.png")
        assert replies_count(page) == before  # the model is held mid-answer: no reply can be there yet
    finally:
        gate.set()

    reply = wait_reply(page, before)
    expect(reply.locator("table.order-lines")).to_be_visible()
    expect(reply.locator("table.order-lines")).to_contain_text("Teclado mecánico")
    expect(reply.locator("table.order-lines")).to_contain_text("Webcam HD")
    expect(page.locator(".msg.pending")).to_have_count(0)
    assert server.requests[-1]["json"]["stream"] is True

    done = click_and_wait(page, reply.locator(".options button", has_text="sí"))
    expect(done).to_have_attribute("data-status", "completed")
    expect(done).to_contain_text("Globex")
