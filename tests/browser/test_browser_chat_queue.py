"""The chat page while a reply is pending: the user keeps typing, the waiting messages show as queued, and every
reply lands next to its own message, in order."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from graphs.chat.conversation import Conversation
from tests.browser.chat_steps import say

pytestmark = pytest.mark.browser


def test_messages_typed_while_a_reply_is_pending_wait_and_are_answered_in_order(
    app: Flask, page: Page, tmp_path: Path
) -> None:
    page.goto("/")
    expect(say(page, "!run ejemplo_simple")).to_contain_text("¿Cómo te llamas?")
    session = page.evaluate("localStorage.getItem('t7.session_id')")
    inbox, key = app.extensions["t7"].delivery.inbox, Conversation.owner(session)
    token = inbox.take_turn(key)  # another turn of this session is running (e.g. in another tab)
    assert token is not None
    try:
        for text in ("Ana", "!help"):
            page.fill("#chat-input", text)
            page.press("#chat-input", "Enter")
        pending = page.locator(".msg.bot.pending")
        expect(pending).to_have_count(2)
        expect(pending.nth(1)).to_have_class("msg bot pending queued")
        expect(pending.nth(1)).to_contain_text("En cola")
        page.screenshot(path=tmp_path / "chat-queued.png", full_page=True)
    finally:
        inbox.give_back(key, token)
    expect(page.locator(".msg.bot.pending")).to_have_count(0)
    items = page.locator("#messages > li")
    texts = items.all_inner_texts()
    ana = texts.index("Ana")
    assert "¡Hola, Ana!" in texts[ana + 1]
    assert texts[ana + 2] == "!help" and "Puedo ejecutar" in texts[ana + 3]
