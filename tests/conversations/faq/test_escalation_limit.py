"""One person cannot fill the officers' inbox: a few open questions at a time."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select

from conversations.engine import Engine
from conversations.faq.chat import MAX_WAITING
from conversations.faq.tables import Escalation
from tests.support import Chat, Database

QUESTIONS = [
    "máy hút chân không loại nào tốt để đóng gói khô cá",
    "giá thuê kho lạnh ở Năm Căn bao nhiêu một tháng",
    "xe tải nhỏ chở tôm khô đi Sài Gòn mất mấy tiếng",
    "mua thùng xốp loại lớn ở đâu rẻ nhất Cà Mau",
    "máy sấy năng lượng mặt trời có bền không",
]


async def test_escalations_per_person_are_capped(
    assistant: Callable[[], Engine], database: Database
) -> None:
    chat = Chat(assistant())
    passed = 0
    for question in QUESTIONS:
        await chat.say(question)
        if "faq:escalate" not in [v for _, v in chat.choices]:
            continue
        await chat.tap("faq:escalate")
        passed += 1
    assert passed > MAX_WAITING, "the questions must reach the escalation offer"
    assert "đang có 3 câu hỏi chờ cán bộ OCOP" in chat.text
    async with database.sessions() as session:
        rows = (await session.exec(select(Escalation))).all()
    assert len(rows) == MAX_WAITING
    other = Chat(assistant(), "u2")
    await other.say(QUESTIONS[0])
    await other.tap("faq:escalate")
    async with database.sessions() as session:
        assert len((await session.exec(select(Escalation))).all()) == MAX_WAITING + 1
