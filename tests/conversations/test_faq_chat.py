"""FAQ in the chat: sourced answers, English content, small talk, out of scope, feedback,
suggestions and handing a question to an officer."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select

from conversations.engine import Engine
from conversations.faq_models import Escalation, FaqFeedback
from tests.support import Chat, Database

Factory = Callable[[], Engine]


async def test_a_question_without_diacritics_gets_a_sourced_answer(
    assistant: Factory, database: Database
) -> None:
    chat = Chat(assistant())
    await chat.say("giay chung nhan ocop co hieu luc bao lau vay ad")
    assert "36 tháng" in chat.text
    assert "📖 Nguồn:" in chat.text and "quy định:" in chat.text
    values = [v for _, v in chat.choices]
    assert "faq:up:cert-validity" in values and "faq:down:cert-validity" in values
    await chat.tap("faq:up:cert-validity")
    assert "Cảm ơn" in chat.text
    async with database.sessions() as session:
        [feedback] = (await session.exec(select(FaqFeedback))).all()
    assert feedback.entry_id == "cert-validity" and feedback.helpful
    assert "hieu luc" in feedback.question


async def test_english_users_get_english_content(assistant: Factory) -> None:
    chat = Chat(assistant(), lang="en")
    await chat.say("how long is an OCOP certificate valid?")
    assert "36 months" in chat.text and "📖 Source:" in chat.text


async def test_small_talk_and_out_of_scope_never_get_an_entry(assistant: Factory) -> None:
    chat = Chat(assistant())
    await chat.say("xin chào")
    assert "faq:up" not in str(chat.choices)
    await chat.say("kết quả xổ số miền nam hôm nay")
    assert "📖" not in chat.text and "faq:up" not in str(chat.choices)
    await chat.say("🙂🙂")
    assert "📖" not in chat.text


async def test_unknown_question_goes_to_an_officer_once(
    assistant: Factory, database: Database
) -> None:
    chat = Chat(assistant())
    question = "máy hút chân không loại nào tốt để đóng gói khô cá cho OCOP"
    await chat.say(question)
    assert "faq:escalate" in [v for _, v in chat.choices]
    await chat.tap("faq:escalate")
    assert "cán bộ" in chat.text
    await chat.say(question)
    if "faq:escalate" in [v for _, v in chat.choices]:
        await chat.tap("faq:escalate")
    async with database.sessions() as session:
        rows = (await session.exec(select(Escalation))).all()
    assert [r.question for r in rows] == [question]
    assert rows[0].status == "open" and rows[0].lang == "vi"


async def test_read_more_and_related_questions(assistant: Factory) -> None:
    chat = Chat(assistant())
    await chat.say("bo tieu chi ocop gom may phan, moi phan bao nhieu diem")
    shows = [v for _, v in chat.choices if v.startswith("faq:show:")]
    assert shows, chat.choices
    await chat.tap(shows[0])
    assert "📖 Nguồn:" in chat.text
    more = [v for _, v in chat.choices if v.startswith("faq:more:")]
    if more:
        await chat.tap(more[0])
        assert chat.text
