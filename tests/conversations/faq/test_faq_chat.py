"""FAQ in the chat: sourced answers, English content, small talk, out of scope, feedback,
suggestions and handing a question to an officer."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select

from conversations.engine import Engine
from conversations.faq.tables import Escalation, FaqFeedback
from conversations.services import Services
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


# Questions from issue 17 that used to stop at "Tôi chưa chắc đã hiểu đúng. Có phải…".
ANSWERED_NOW = [
    "phan b duoc bao nhieu diem",
    "5 sao thi ai cong nhan",
    "ocop co bao nhieu nhom san pham",
    "điểm ocop tối đa là bao nhiêu",
    "giay chung nhan ocop co gia tri bao lau ke tu ngay ky",
]


async def test_a_likely_entry_is_answered_instead_of_offering_choices(
    assistant: Factory,
) -> None:
    chat = Chat(assistant())
    for question in ANSWERED_NOW:
        await chat.say(question)
        assert "📖 Nguồn:" in chat.text, (question, chat.text)
        assert "Tôi chưa chắc" not in chat.text, question
        assert any(v.startswith("faq:up:") for _, v in chat.choices), question
    await chat.say("giay chung nhan ocop co gia tri bao lau ke tu ngay ky")
    assert "36 tháng" in chat.text


async def test_an_unsure_answer_offers_the_runner_up_as_a_button(
    assistant: Factory, services: Services
) -> None:
    candidates = ["logo ocop", "tem ocop", "nhãn ocop", "in logo ocop", "5 sao"]
    results = [(q, services.faq.ask(q, "vi")) for q in candidates]
    unsure = [(q, r) for q, r in results if r.kind == "answer" and r.alternative is not None]
    assert unsure, [(q, r.band) for q, r in results]
    question, result = unsure[0]
    assert result.entry is not None and result.alternative is not None
    chat = Chat(assistant())
    await chat.say(question)
    alternative = result.alternative
    assert "📖 Nguồn:" in chat.text
    assert f"Hoặc anh/chị muốn hỏi: {alternative.question['vi']}" in chat.text
    values = [v for _, v in chat.choices]
    assert f"faq:up:{result.entry.id}" in values
    show = f"faq:show:{alternative.id}"
    assert values.count(show) == 1
    assert values.index(show) < values.index("menu:home")
    await chat.tap(show)
    assert alternative.answer["vi"][:40] in chat.text
    assert "faq:up:" + alternative.id in [v for _, v in chat.choices]


async def test_english_alternative_line(assistant: Factory, services: Services) -> None:
    result = services.faq.ask("ocop logo", "en")
    chat = Chat(assistant(), lang="en")
    await chat.say("ocop logo")
    assert "📖 Source:" in chat.text
    if result.alternative is not None:
        assert f"Or did you mean: {result.alternative.question['en']}" in chat.text
    else:
        assert "Or did you mean" not in chat.text


async def test_entries_about_different_things_still_offer_a_choice(
    assistant: Factory, database: Database
) -> None:
    chat = Chat(assistant())
    await chat.say("hồ sơ")
    assert "Tôi chưa chắc đã hiểu đúng" in chat.text and "📖" not in chat.text
    values = [v for _, v in chat.choices]
    assert len([v for v in values if v.startswith("faq:show:")]) >= 2
    assert "faq:escalate" in values


async def test_source_lines_name_documents_never_codes(assistant: Factory) -> None:
    """Answers about the assistant itself carry their source but no "quy định: bot"."""
    chat = Chat(assistant())
    await chat.send(action="faq:show:bot-what-can-do")
    assert "📖 Nguồn:" in chat.text
    for code in ("quy định: bot", "quy định: general", "rule: bot", "rule: general", "· bot"):
        assert code not in chat.text
    await chat.send(action="faq:show:stars-bands")
    assert "quy định: QĐ 148/QĐ-TTg" in chat.text
