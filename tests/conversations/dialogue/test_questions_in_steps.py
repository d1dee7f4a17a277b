"""A question or a global phrase typed inside a step is answered, then the same step comes
back with its choices and nothing changed (issue 16, items 1 and 5)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.database import create_engine, session_factory
from conversations.assistant import build_engine
from conversations.engine import Engine
from conversations.models import Conversation, User
from conversations.officers import roles as officers
from conversations.services import Services
from tests.conftest import run_coroutine
from tests.conversations.registration.test_registration import RATED
from tests.support import Chat, Database

Factory = Callable[[], Engine]

QUESTIONS = [
    "giay chung nhan ocop co thoi han bao lau vay",
    "Giấy chứng nhận OCOP có hiệu lực bao lâu?",
    "san pham 3 sao can bao nhieu diem?",
]
"""Questions the FAQ answers with confidence, as producers type them."""
SOURCE = "📖 Nguồn:"
BACK = "Quay lại bước:"

TYPED = {
    "representative": "Nguyễn Văn An",
    "producer_name": "HTX Tôm khô Rạch Gốc",
    "phone": "0912345678",
    "province": "Cà Mau",
    "commune": "Tân Thành",
    "product_name": "Tôm khô Rạch Gốc",
    "decision_number": "1234/QĐ-UBND",
    "decision_date": "13/5/2024",
    "text": "Họp chủ thể OCOP sáng thứ Hai tại UBND xã.",
}
"""A usable typed answer for each step that asks for text."""


async def _conversation(db: Any, user_key: str) -> tuple[str, dict[str, Any], list[list[str]]]:
    async with db() as session:
        row = (
            await session.exec(
                select(Conversation)
                .join(User, User.id == Conversation.user_id)  # type: ignore[arg-type]
                .where(User.external_id == user_key)
            )
        ).one()
        data = {k: v for k, v in row.data.items() if k != "faq_last"}
        return row.state, data, row.choices


async def _register(chat: Chat) -> None:
    for line, _ in RATED:
        await chat.say(line)
    await chat.say("Lưu")


async def test_a_question_inside_a_dossier_step(assistant: Factory, database: Database) -> None:
    chat = Chat(assistant())
    await _register(chat)
    await chat.say("Bắt đầu làm hồ sơ")
    await chat.say("Đánh giá lần đầu")
    await chat.say("Làm từng mục")
    before = await _conversation(database.sessions, chat.user)
    await chat.say("giay chung nhan ocop co thoi han bao lau vay")
    assert "36 tháng" in chat.replies[0].text and SOURCE in chat.replies[0].text
    assert chat.replies[-1].text.startswith(BACK)
    assert "Phiếu đăng ký" in chat.replies[-1].text  # the same item again, with its buttons
    assert "Đã có" in str(chat.choices)
    assert await _conversation(database.sessions, chat.user) == before
    await chat.say("1")  # the step's own first button still works
    assert "gửi ảnh hoặc PDF" in chat.text


async def test_global_phrases_inside_a_step(assistant: Factory, database: Database) -> None:
    chat = Chat(assistant())
    await _register(chat)
    await chat.say("Bắt đầu làm hồ sơ")
    await chat.say("Đánh giá lần đầu")
    await chat.say("Làm từng mục")
    before = await _conversation(database.sessions, chat.user)
    await chat.say("lich")
    assert "Lịch và nhắc hẹn" in chat.text
    assert chat.replies[-1].text.startswith(BACK) and "Phiếu đăng ký" in chat.replies[-1].text
    assert await _conversation(database.sessions, chat.user) == before
    await chat.say("dừng thông báo")
    assert "Quay lại bước" in chat.text and "Phiếu đăng ký" in chat.text
    assert await _conversation(database.sessions, chat.user) == before
    async with database.sessions() as session:
        from conversations.outbox import ReminderOptOut

        assert (await session.exec(select(ReminderOptOut))).all()
    await chat.say("nhận thông báo")
    assert "Phiếu đăng ký" in chat.replies[-1].text
    async with database.sessions() as session:
        from conversations.outbox import ReminderOptOut

        assert not (await session.exec(select(ReminderOptOut))).all()


async def test_a_bad_answer_still_gets_the_step_retry(assistant: Factory) -> None:
    chat = Chat(assistant())
    await chat.say("menu")
    await chat.say("1")
    await chat.say("xyz")
    assert "Đồng ý" in chat.text and SOURCE not in chat.text


async def test_a_question_at_a_text_step_is_not_stored(
    assistant: Factory, database: Database
) -> None:
    chat = Chat(assistant())
    await chat.say("menu")
    await chat.say("1")
    await chat.say("ok")
    await chat.say("giấy chứng nhận OCOP có hiệu lực bao lâu?")
    assert SOURCE in chat.text and "Họ tên đầy đủ" in chat.replies[-1].text
    state, data, _ = await _conversation(database.sessions, chat.user)
    assert state == "registration:representative" and "representative" not in data["form"]


_users = itertools.count()
PROSE = {"broadcast:text"}
"""Steps that take any text as it is (an announcement's text): a question there is the text."""


class World:
    """The database and services of the property test, with a short repr for hypothesis."""

    def __init__(self, database: Database, services: Services) -> None:
        self.database = database
        self.services = services

    def __repr__(self) -> str:
        return f"World({self.database.dialect})"


@pytest.fixture
def world(database: Database, services: Services) -> World:
    """What the property test walks in."""
    return World(database, services)


@settings(
    max_examples=16,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    registered=st.booleans(),
    officer=st.booleans(),
    picks=st.lists(st.integers(min_value=0, max_value=9), min_size=3, max_size=9),
    question=st.sampled_from(QUESTIONS),
)
def test_a_known_question_at_any_step_returns_to_that_step(
    world: World, registered: bool, officer: bool, picks: list[int], question: str
) -> None:
    """Walk the assistant by random buttons; at every step reached, a known FAQ question gets
    the FAQ answer, then the same step again, with state, form and choices unchanged."""
    user = f"walk{next(_users)}"

    async def walk() -> set[str]:
        engine = create_engine(world.database.url)
        sessions = session_factory(engine)
        seen: set[str] = set()
        try:
            chat = Chat(build_engine(sessions, world.services), user=user)
            if registered:
                await _register(chat)
            await chat.say("menu")
            if officer:
                async with sessions() as session, session.begin():
                    await officers.grant(session, chat.channel, user)
                await chat.say("menu")
            for pick in picks:
                state, data, choices = await _conversation(sessions, user)
                if ":" in state and state not in PROSE:
                    seen.add(state)
                    await chat.say(question)
                    # The walk may have switched to English (the language menu is a button).
                    first, last = chat.replies[0].text, chat.replies[-1].text
                    assert SOURCE in first or "📖 Source:" in first, (state, chat.text)
                    assert last.startswith((BACK, "Back to the step:")), (state, chat.text)
                    assert await _conversation(sessions, user) == (state, data, choices), state
                step = state.partition(":")[2]
                if choices:
                    await chat.tap(choices[pick % len(choices)][1])
                else:
                    await chat.say(TYPED.get(step, "bỏ qua"))
        finally:
            await engine.dispose()
        return seen

    run_coroutine(walk())
