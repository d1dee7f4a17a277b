"""Real flows through the page: into registration from the menu, answers typed, a reload between."""

from __future__ import annotations

import pytest
from playwright.async_api import expect
from sqlmodel import col, select

from conversations.i18n import Catalogs
from conversations.menu import MENU_ITEMS
from conversations.models import Conversation, User
from tests.bot.webchat.browser import ChatPage

pytestmark = pytest.mark.browser


async def state_of(chat_page: ChatPage) -> str:
    """The stored conversation state of the page's visitor."""
    visitor = await chat_page.visitor()
    query = (
        select(Conversation.state)
        .join(User, col(User.id) == col(Conversation.user_id))
        .where(User.channel == "web", User.external_id == visitor)
    )
    async with chat_page.served.runtime.sessions() as session:
        return (await session.exec(query)).one()


async def test_register_from_the_menu_typing_two_answers_across_a_reload(
    chat_page: ChatPage, catalogs: Catalogs
) -> None:
    vi = catalogs.texts("vi")
    await chat_page.open()
    await chat_page.tap(vi(dict(MENU_ITEMS)["menu:register"]))
    await chat_page.tap(vi("✅ I agree"))
    ask_name = vi("What is the full name of the representative? (e.g. Nguyễn Văn An)")
    await expect(chat_page.outgoing.last).to_have_text(ask_name)
    await chat_page.type("Nguyễn Thị Hoa")
    ask_producer = vi(
        "What is the name of your establishment, cooperative or company? "
        "(e.g. HTX Tôm khô Rạch Gốc)"
    )
    await expect(chat_page.outgoing.last).to_have_text(ask_producer)
    assert await state_of(chat_page) == "registration:producer_name"

    await chat_page.page.reload()
    await expect(chat_page.outgoing.last).to_have_text(ask_producer)
    await chat_page.type("HTX Mắm tôm Năm Căn")
    await expect(chat_page.outgoing.last).to_contain_text(vi("What kind of producer are you?"))
    assert len(await chat_page.labels()) >= 2
    assert await state_of(chat_page) == "registration:entity_type"
    typed = [i.text for i in chat_page.served.received if i.text]
    assert typed[-2:] == ["Nguyễn Thị Hoa", "HTX Mắm tôm Năm Căn"]


async def test_a_question_without_diacritics_gets_a_sourced_answer(
    chat_page: ChatPage, catalogs: Catalogs
) -> None:
    await chat_page.open()
    await chat_page.type("giay chung nhan ocop co hieu luc bao lau vay ad")
    await expect(chat_page.outgoing.last).to_contain_text("36 tháng")
    await expect(chat_page.outgoing.last).to_contain_text("📖 Nguồn:")
    labels = await chat_page.labels()
    assert catalogs.texts("vi")("👍 Helpful") in labels
