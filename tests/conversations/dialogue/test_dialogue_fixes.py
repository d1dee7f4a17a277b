"""Stale buttons, language after the menu, the summary for officers, and one voice (issue 16,
items 4, 6, 10 and 11)."""

from __future__ import annotations

import re
from collections.abc import Callable

from babel.messages.pofile import read_po
from sqlmodel import select

from conversations.engine import Engine
from conversations.faq.tables import Escalation
from conversations.i18n import locales_dir
from conversations.officers import roles as officers
from tests.conversations.registration.test_registration import RATED
from tests.support import Chat, Database

Factory = Callable[[], Engine]


async def _register(chat: Chat) -> None:
    for line, _ in RATED:
        await chat.say(line)
    await chat.say("Lưu")


async def _answer(chat: Chat) -> None:
    """Answer the current quiz question with its first option (ticked, then done)."""
    multiple = "✔️" in chat.choices[-1][0]  # a "select all that apply" question
    await chat.tap(chat.choices[0][1])
    if multiple:  # asked before the tap: after it, a single answer shows the next question
        await chat.tap(chat.choices[-1][1])


async def test_a_stale_tap_repeats_the_current_question(assistant: Factory) -> None:
    chat = Chat(assistant())
    await chat.say("menu")
    await chat.say("1")
    await chat.tap("yes")
    await chat.say("Nguyễn Văn An")
    await chat.say("HTX Tôm khô")
    assert "loại hình nào" in chat.text
    await chat.tap("yes")  # the consent button, three messages ago
    assert "tin nhắn cũ" in chat.text
    assert "loại hình nào" in chat.replies[-1].text  # the question itself, not only a line
    assert [v for _, v in chat.choices][:2] == ["enterprise", "cooperative"]
    await chat.say("2")
    assert "Số điện thoại" in chat.text


async def test_language_after_leaving_a_quiz_by_the_menu(assistant: Factory) -> None:
    chat = Chat(assistant())
    await chat.say("menu")
    await chat.tap("menu:quiz")
    await chat.tap("mixed")
    assert "(1/" in chat.text
    await _answer(chat)
    assert "(2/" in chat.text
    await chat.say("menu")
    await chat.say("ngôn ngữ")
    await chat.say("English")
    assert "(2/" not in chat.text  # the quiz left through the menu stays closed
    assert "What would you like to do?" in chat.text
    await chat.tap("menu:quiz")  # opening it again still resumes it
    assert "(2/" in chat.text


async def test_language_inside_a_step_comes_back_to_it(assistant: Factory) -> None:
    chat = Chat(assistant())
    await chat.say("menu")
    await chat.say("1")
    await chat.say("ok")
    await chat.say("ngôn ngữ")
    await chat.tap("en")
    assert "full name of the representative" in chat.text


async def test_quiz_stop_keeps_the_answers_and_shows_the_score(assistant: Factory) -> None:
    chat = Chat(assistant())
    await chat.say("menu")
    await chat.tap("menu:quiz")
    assert "0 câu đến hạn" not in str(chat.choices)  # a new trainee: a quiz first
    assert chat.choices[0][1] == "mixed"
    await chat.tap("mixed")
    await _answer(chat)
    await chat.say("dừng lại")
    assert "vẫn được lưu" in chat.text and re.search(r"đúng [01]/1", chat.text)
    assert "không được lưu" not in chat.text


async def test_the_summary_goes_to_the_officers_inbox(
    assistant: Factory, database: Database
) -> None:
    chat = Chat(assistant())
    await _register(chat)
    await chat.say("Bắt đầu làm hồ sơ")
    await chat.say("Đánh giá lần đầu")
    await chat.tap("forward")
    assert "hộp thư của cán bộ" in chat.text and "ngày làm việc" in chat.text
    assert "Tân Thành" in chat.text
    await chat.tap("forward")  # twice: still one row in the inbox
    async with database.sessions() as session:
        rows = (await session.exec(select(Escalation))).all()
    assert len(rows) == 1
    assert "Nguyễn Văn An" in rows[0].question and "tôm khô Rạch Gốc" in rows[0].question


async def test_passing_a_question_on_says_when_and_refuses_gibberish(
    assistant: Factory, database: Database
) -> None:
    chat = Chat(assistant())
    await chat.say("menu")
    await chat.say("asdkjh qwe")
    assert "faq:escalate" not in [v for _, v in chat.choices]
    await chat.tap("faq:escalate")  # a forged or old button: still not passed on
    assert "gõ câu hỏi trước" in chat.text
    await chat.say("giá vé máy bay đi Hà Nội tháng sau là bao nhiêu tiền")
    await chat.tap("faq:escalate")
    assert "Đã chuyển cho cán bộ OCOP" in chat.text and "2 ngày làm việc" in chat.text
    async with database.sessions() as session:
        questions = [e.question for e in (await session.exec(select(Escalation))).all()]
    assert questions == ["giá vé máy bay đi Hà Nội tháng sau là bao nhiêu tiền"]
    assert "tôi" in chat.text and " em " not in chat.text


async def test_ask_about_ocop_offers_the_most_asked_questions(assistant: Factory) -> None:
    chat = Chat(assistant())
    await chat.say("menu")
    await chat.tap("menu:ask")
    shown = [v for _, v in chat.choices if v.startswith("faq:show:")]
    assert 6 <= len(shown) <= 8
    await chat.say("1")
    assert "📖 Nguồn:" in chat.text


async def test_reminders_say_expected_once_and_dates_as_written(assistant: Factory) -> None:
    chat = Chat(assistant())
    await _register(chat)
    await chat.say("lich")
    assert "dự kiến: Dự kiến" not in chat.text and "dự kiến: Chưa" not in chat.text
    assert "Chưa có ngày xác nhận" in chat.text  # the calendar says plainly no date is set
    assert "13/05/2027" in chat.text  # the certificate, as producers write dates


async def test_officers_slash_thongbao_starts_an_announcement(
    assistant: Factory, database: Database
) -> None:
    chat = Chat(assistant(), "officer-1")
    await chat.say("menu")
    async with database.sessions() as session, session.begin():
        await officers.grant(session, chat.channel, chat.user)
    await chat.say("/thongbao")
    slash = chat.text
    await chat.say("hủy")
    await chat.say("thông báo")
    assert slash == chat.text and slash


def test_the_bot_calls_itself_toi() -> None:
    path = locales_dir() / "vi" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="vi")
    selves = [
        m.string for m in catalog if m.id and re.search(r"\b(mình|Mình|em|Em)\b", str(m.string))
    ]
    assert selves == []
