"""The embed: a province website pastes one script tag and gets a chat button and panel."""

from __future__ import annotations

import pytest
from playwright.async_api import Route, expect

from conversations.i18n import Catalogs
from tests.bot.webchat.browser import ChatPage

pytestmark = pytest.mark.browser

PROVINCE = "https://ocop.camau.test"
"""A made-up province site (served by the test through request interception): another site than
the bot's, so the chat runs in a cross-site iframe where only the partitioned cookie works."""


async def test_embedded_chat_works_and_continues_on_another_site(
    chat_page: ChatPage, catalogs: Catalogs
) -> None:
    page = chat_page.page
    html = (
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'></head>"
        "<body><h1>Cổng thông tin OCOP Cà Mau</h1>"
        f"<script src='{chat_page.served.url}/chat/embed.js' async></script></body></html>"
    )

    async def province_site(route: Route) -> None:
        await route.fulfill(body=html, content_type="text/html; charset=utf-8")

    await page.route(f"{PROVINCE}/**", province_site)
    # Only because the bot is on 127.0.0.1 here: Chromium asks before a public site may reach
    # the local network. A real deployment has both sites public.
    await page.context.grant_permissions(["local-network-access"], origin=PROVINCE)
    await page.goto(f"{PROVINCE}/")
    button = page.get_by_test_id("ocop-chat-button")
    await expect(button).to_have_text("💬 Hỏi đáp OCOP")
    assert await page.locator("iframe").count() == 0  # nothing loads until it is opened
    await button.click()
    frame = page.frame_locator("iframe")
    greeting = catalogs.texts("vi")("Hello! I am the OCOP assistant of Cà Mau.")
    await expect(frame.get_by_test_id("msg-out").first).to_contain_text(greeting)
    await frame.get_by_test_id("input").fill("Hợp tác xã của tôi ở Năm Căn")
    await frame.get_by_test_id("input").press("Enter")
    await expect(frame.get_by_test_id("msg-in")).to_have_text(["Hợp tác xã của tôi ở Năm Căn"])
    box = await page.get_by_test_id("ocop-chat-panel").bounding_box()
    assert box is not None and box["width"] == 360  # full screen on a phone

    await page.reload()  # the visitor comes back to the province site later
    await page.get_by_test_id("ocop-chat-button").click()
    await expect(frame.get_by_test_id("msg-in")).to_have_text(["Hợp tác xã của tôi ở Năm Căn"])
    assert len({i.user_key for i in chat_page.served.received}) == 1
