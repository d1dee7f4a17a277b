"""The page gives a message back after a few server errors instead of retrying it forever."""

from __future__ import annotations

import pytest
from playwright.async_api import Route, expect

from conversations.i18n import Catalogs
from tests.bot.webchat.browser import ChatPage

pytestmark = pytest.mark.browser

GAVE_UP = (
    "This message could not be sent: the server had a problem several times. "
    "Please try again later, or write it differently."
)


async def test_a_message_the_server_keeps_failing_is_given_back(
    chat_page: ChatPage, catalogs: Catalogs
) -> None:
    await chat_page.open()
    page = chat_page.page
    tries: list[str] = []

    async def fail(route: Route) -> None:
        if route.request.method != "POST":
            await route.continue_()
            return
        tries.append(route.request.post_data or "")
        await route.fulfill(status=500, body='{"error":"boom"}', content_type="application/json")

    await page.route("**/chat/api/messages", fail)
    await chat_page.type("tin nhắn làm máy chủ lỗi")
    await expect(chat_page.notice).to_have_text(catalogs.texts("vi")(GAVE_UP), timeout=15_000)
    await expect(chat_page.pending).to_have_count(0)
    await expect(chat_page.input).to_have_value("tin nhắn làm máy chủ lỗi")
    assert len(tries) == 3
    await page.unroute("**/chat/api/messages", fail)
    await chat_page.input.fill("")
    await chat_page.type("tin sau vẫn gửi được")
    await expect(chat_page.incoming.last).to_have_text("tin sau vẫn gửi được")
