"""Steps the chat-page browser tests share: type a message, wait for the reply."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

REPLIES = ".msg.bot:not(.pending)"


def wait_reply(page: Page, before: int) -> Locator:
    """The newest bot reply once there are `before + 1` of them."""
    replies = page.locator(REPLIES)
    expect(replies).to_have_count(before + 1)
    return replies.last


def replies_count(page: Page) -> int:
    """How many finished bot replies the page shows."""
    return page.locator(REPLIES).count()


def say(page: Page, text: str) -> Locator:
    """Type `text` into the chat box, press Enter and return the reply."""
    before = replies_count(page)
    page.fill("#chat-input", text)
    page.press("#chat-input", "Enter")
    return wait_reply(page, before)


def click_and_wait(page: Page, target: Locator) -> Locator:
    """Click a button (an option, an inline edit) and return the reply it brings."""
    before = replies_count(page)
    target.click()
    return wait_reply(page, before)
