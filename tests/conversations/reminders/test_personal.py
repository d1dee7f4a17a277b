"""Personal reminders typed in the producer's own words (issue 16 §12): set, list, cancel,
refused when wrong, and sent through the outbox at their time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.workers.delivery import QuietHours
from conversations.engine import Engine
from conversations.outbox import OutboxMessage
from conversations.reminders.requests import read_request
from conversations.reminders.tables import PersonalReminder
from conversations.services import Services
from tests.bot.fake_sender import FakeSender
from tests.bot.workers.test_reminders import _worker
from tests.support import Chat, Database

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=ZONE).astimezone(UTC)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE).astimezone(UTC)


@pytest.mark.parametrize(
    ("typed", "day", "at", "text"),
    [
        ("nhac toi ngay 15/12 di nop ho so", (15, 12), None, "di nop ho so"),
        ("nhắc tôi 15/12 lúc 8h đi nộp hồ sơ", (15, 12), time(8), "đi nộp hồ sơ"),
        ("nhac 20/1 nop mau", (20, 1), None, "nop mau"),
        (
            "Nhắc tôi ngày 15 tháng 12 gọi cán bộ xã lúc 14h30",
            (15, 12),
            time(14, 30),
            "gọi cán bộ xã",
        ),
        ("remind me on 15/12 to submit the dossier", (15, 12), None, "submit the dossier"),
        ("nhắc mình 3/1/27: mang mẫu lên xã", (3, 1), None, "mang mẫu lên xã"),
    ],
)
def test_requests_in_the_producers_words(
    typed: str, day: tuple[int, int], at: time | None, text: str
) -> None:
    request = read_request(typed)
    assert request is not None and request.parts is not None
    assert (request.parts.day, request.parts.month, request.at, request.text) == (*day, at, text)


@pytest.mark.parametrize("typed", ["nhắc lại giúp tôi", "nhac", "hôm nay nhắc tôi", "reminders"])
def test_what_is_not_a_request(typed: str) -> None:
    request = read_request(typed)
    assert request is None or (request.parts is None and request.relative is None)


async def _reminders(db: Database) -> list[PersonalReminder]:
    async with db.sessions() as session:
        query = select(PersonalReminder).order_by(PersonalReminder.id)  # type: ignore[arg-type]
        return list((await session.exec(query)).all())


async def _outbox(db: Database) -> list[OutboxMessage]:
    async with db.sessions() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)  # type: ignore[arg-type]
        return list((await session.exec(query)).all())


async def test_set_list_and_cancel_reminders(
    assistant: Callable[[], Engine], services: Services, database: Database
) -> None:
    services.clock = lambda: NOW
    chat = Chat(assistant())
    await chat.say("nhac toi ngay 15/12 di nop ho so")
    assert "Tôi sẽ nhắc anh/chị vào 15/12/2026: “di nop ho so”" in chat.text
    await chat.say("nhắc tôi 20/1 lúc 5h sáng gọi HTX")  # no year: the next 20/1; quiet hours
    assert "20/01/2027 lúc 05:00" in chat.text
    await chat.say("remind me on 15/12 to submit the dossier")
    assert "“submit the dossier”" in chat.text
    first, early, english = await _reminders(database)
    assert (first.remind_on, first.at, english.text) == (
        date(2026, 12, 15),
        None,
        "submit the dossier",
    )
    rows = await _outbox(database)
    assert [r.kind for r in rows] == ["personal"] * 3
    assert [r.next_attempt_at for r in rows] == [
        local(date(2026, 12, 15), 8),
        local(date(2027, 1, 20), 5),
        local(date(2026, 12, 15), 8),
    ]
    assert [r.urgent for r in rows] == [False, True, False]  # a time set inside quiet hours
    assert rows[0].text == "⏰ Nhắc hẹn của anh/chị: di nop ho so"

    await chat.say("lịch")
    assert "Nhắc hẹn anh/chị tự đặt: 3" in chat.text
    await chat.tap("mine:list")
    listing = chat.text
    assert listing.index("di nop ho so") < listing.index("submit") < listing.index("gọi HTX")
    await chat.say("hủy nhắc 2")  # the second in the list: the English one
    assert "Đã hủy nhắc hẹn" in chat.text and "submit the dossier" in chat.text
    assert "submit the dossier" not in chat.text.split("Nhắc hẹn của anh/chị:")[1]
    await chat.say("huy nhac 9")
    assert "Không có nhắc hẹn số 9" in chat.text
    cancel_first = f"mine:cancel:{first.id}"
    await chat.tap(cancel_first)  # the button from the first confirmation, still valid: theirs
    assert "Đã hủy" in chat.text
    statuses = [r.status for r in await _outbox(database)]
    assert statuses == ["cancelled", "pending", "cancelled"]
    assert [r.status for r in await _reminders(database)] == ["cancelled", "active", "cancelled"]

    other = Chat(assistant(), user="u2")
    await other.say("menu")
    await other.tap(f"mine:cancel:{early.id}")  # someone else's reminder: nothing happens
    assert [r.status for r in await _outbox(database)][1] == "pending"


async def test_bad_requests_are_answered_and_store_nothing(
    assistant: Callable[[], Engine], services: Services, database: Database
) -> None:
    services.clock = lambda: NOW
    chat = Chat(assistant())
    for typed, answer in [
        ("nhac toi 31/2 nop ho so", "Không có ngày 31/02"),
        ("nhắc tôi đi nộp hồ sơ", "nhắc vào ngày nào"),
        ("nhắc tôi 15/12", "nhắc việc gì"),
        ("nhac toi 1/12/2026 nop ho so", "đã qua"),
        ("nhắc tôi hôm nay lúc 8h nộp hồ sơ", "Giờ này hôm nay đã qua"),
        ("nhac toi 1/1/2035 nop ho so", "xa quá"),
    ]:
        await chat.say(typed)
        assert answer in chat.text, typed
    assert await _reminders(database) == [] and await _outbox(database) == []


async def test_a_reminder_goes_out_at_its_time(
    assistant: Callable[[], Engine], services: Services, database: Database
) -> None:
    services.clock = lambda: NOW
    chat = Chat(assistant())
    await chat.say("nhắc tôi ngày 3/12 lúc 22h gọi cán bộ xã")  # inside quiet hours, on purpose
    await chat.say("nhac toi ngay 3/12 di nop ho so")  # no time: the morning, not at night
    sender = FakeSender()
    now = [local(date(2026, 12, 3), 7, 59)]
    worker = _worker(database, sender, now, quiet=QuietHours())
    await worker.run_once()
    assert sender.sent == []
    now[0] = local(date(2026, 12, 3), 8, 0)
    await worker.run_once()
    assert sender.sent == [("u1", "⏰ Nhắc hẹn của anh/chị: di nop ho so")]
    now[0] = local(date(2026, 12, 3), 22, 0)
    await worker.run_once()
    assert sender.sent[-1] == ("u1", "⏰ Nhắc hẹn của anh/chị: gọi cán bộ xã")
    services.clock = lambda: local(date(2026, 12, 3), 22, 1)
    await chat.tap("mine:list")
    assert "chưa có nhắc hẹn nào" in chat.text  # both went out
