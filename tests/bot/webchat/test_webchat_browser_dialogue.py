"""The web chat on a 360 px phone: numbered buttons, only the live buttons on screen, a stale
tap answered with the question again, and a long message refused before it is sent (issue 16,
items 2, 4, 5 and 9)."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import expect

from conversations.i18n import Catalogs
from conversations.menu import MENU_ITEMS
from conversations.messages import MAX_TEXT, Choice, Reply
from tests.bot.webchat.browser import ChatPage

pytestmark = pytest.mark.browser


async def test_buttons_are_numbered_and_a_typed_number_picks_one(
    chat_page: ChatPage, catalogs: Catalogs
) -> None:
    await chat_page.open()
    menu = [catalogs.texts("vi")(label) for _, label in MENU_ITEMS]
    assert await chat_page.labels() == menu
    assert await chat_page.numbers() == [f"{i}." for i in range(1, len(menu) + 1)]
    first = chat_page.choices.first
    await expect(first).to_have_text(f"1. {menu[0]}")
    box = await first.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360  # fits the phone's width
    await chat_page.type("1")
    await expect(chat_page.outgoing.last).to_contain_text("Anh/chị đồng ý chứ?")
    assert await chat_page.numbers() == ["1.", "2."]
    await chat_page.type("ok")  # teen-code for "Đồng ý"
    await expect(chat_page.outgoing.last).to_contain_text("Họ tên đầy đủ")


async def test_old_buttons_go_away_and_a_stale_tap_gets_the_question_again(
    chat_page: ChatPage,
) -> None:
    await chat_page.open()
    await chat_page.type("1")
    await expect(chat_page.choices).to_have_count(2)
    await chat_page.tap("Đồng ý")
    await expect(chat_page.outgoing.last).to_contain_text("Họ tên đầy đủ")
    await expect(chat_page.choices).to_have_count(0)  # a question to type into: no buttons
    # A tap on an older button (as a slow phone could still send): the step comes back.
    old = chat_page.page.locator("[data-testid=choice][data-value=yes]")
    await old.evaluate("b => b.closest('.choices').hidden = false")
    await old.click()
    await expect(chat_page.outgoing.last).to_contain_text("tin nhắn cũ")
    await expect(chat_page.outgoing.last).to_contain_text("Họ tên đầy đủ")
    await expect(chat_page.choices).to_have_count(0)


async def test_an_announcement_keeps_the_steps_buttons(chat_page: ChatPage) -> None:
    await chat_page.open()
    await chat_page.type("1")
    await expect(chat_page.choices).to_have_count(2)
    await asyncio.sleep(0.5)  # the page is waiting in its long-poll
    await chat_page.served.send(
        await chat_page.visitor(),
        [Reply("📢 Họp chủ thể OCOP sáng thứ Hai.", choices=(Choice("🔕 Dừng", "announce:off"),))],
    )
    await expect(chat_page.outgoing.last).to_contain_text("Họp chủ thể", timeout=5000)
    assert await chat_page.labels() == ["✅ Đồng ý", "❌ Không, cảm ơn", "🔕 Dừng"]
    await chat_page.tap("Đồng ý")  # the step's button still works under the announcement
    await expect(chat_page.outgoing.last).to_contain_text("Họ tên đầy đủ")


async def test_a_long_message_is_refused_before_sending_not_cut(chat_page: ChatPage) -> None:
    await chat_page.open()
    long = "ạ" * (MAX_TEXT + 1000)
    await chat_page.input.fill(long)
    await expect(chat_page.notice).to_be_visible()
    await expect(chat_page.notice).to_contain_text(f"{MAX_TEXT + 1000}/{MAX_TEXT}")
    assert len(await chat_page.input.input_value()) == MAX_TEXT + 1000  # nothing cut
    await chat_page.input.press("Enter")
    await asyncio.sleep(0.3)
    await expect(chat_page.pending).to_have_count(0)
    assert [i.text for i in chat_page.served.received[1:]] == []  # never sent
    assert len(await chat_page.input.input_value()) == MAX_TEXT + 1000  # kept to shorten
    await chat_page.input.fill("ngắn thôi")
    await expect(chat_page.notice).to_be_hidden()
    await chat_page.input.press("Enter")
    await expect(chat_page.incoming.last).to_have_text("ngắn thôi")
