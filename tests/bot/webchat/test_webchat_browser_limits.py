"""The page under a tight rate limit: a friendly notice, and every message still goes through."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from bot.channels.webchat.ratelimit import RateLimiter
from conversations.i18n import Catalogs
from tests.bot.webchat.browser import ChatPage

pytestmark = pytest.mark.browser

RATE_LIMITED = (
    "You are sending messages too fast. Please wait a moment; your message will be sent by itself."
)


async def test_too_fast_shows_a_friendly_notice_and_loses_nothing(
    chat_page: ChatPage, catalogs: Catalogs
) -> None:
    await chat_page.open()
    now = [0.0]  # the limiter's clock stands still until the test moves it
    chat_page.served.chat.visitor_limit = RateLimiter(60, burst=2, clock=lambda: now[0])
    message = catalogs.texts("vi")(RATE_LIMITED)
    lines = ["một", "hai", "ba"]
    for line in lines:
        await chat_page.type(line)
    await expect(chat_page.notice).to_have_text(message)
    await expect(chat_page.incoming).to_have_text(lines[:2])
    await expect(chat_page.pending).to_have_count(1)  # kept, and sent once allowed
    await expect(chat_page.pending).to_contain_text("ba")
    now[0] += 60
    await expect(chat_page.incoming).to_have_text(lines, timeout=10_000)
    await expect(chat_page.pending).to_have_count(0)
    await expect(chat_page.notice).to_be_hidden()
    assert [i.text for i in chat_page.served.received[1:]] == lines
