"""Reminders and the outbox: right days, only incomplete dossiers, quiet hours, opt-outs,
restarts and two workers, 429s and blocked users."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from sqlmodel import select

from bot.channels.errors import RateLimited
from bot.workers.delivery import DeliveryWorker, QuietHours
from bot.workers.ratelimit import ChannelLimiter
from bot.workers.scheduler import ReminderScheduler
from conversations.clock import utcnow
from conversations.engine import Engine
from conversations.messages import Reply
from conversations.models import User
from conversations.outbox import CalendarOverride, OutboxMessage, enqueue
from conversations.registration.exchange import import_producers
from conversations.registration.tables import DossierItem, Product
from conversations.services import Services
from knowledge.library import Library
from tests.bot.fake_sender import FakeSender
from tests.conversations.registration.test_registration import RATED
from tests.support import Chat, Database

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
HEADER = [
    "producer",
    "representative",
    "phone",
    "commune",
    "product",
    "group",
    "stars",
    "decision_date",
]


def at(day: date, hour: int = 10) -> datetime:
    """A local moment on `day`, as aware UTC."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE).astimezone(UTC)


async def _import(db: Database, library: Library, *rows: list[str]) -> None:
    async with db.sessions() as session, session.begin():
        report = await import_producers(session, [HEADER, *rows], library, utcnow())
        assert not report.errors, report.errors


async def _rows(db: Database) -> list[OutboxMessage]:
    async with db.sessions() as session:
        return list((await session.exec(select(OutboxMessage).order_by(OutboxMessage.id))).all())


def _scheduler(db: Database, services: Services, now: list[datetime]) -> ReminderScheduler:
    return ReminderScheduler(db.open(), services, clock=lambda: now[0])


async def test_certificate_reminders_on_the_right_days(
    database: Database, services: Services, library: Library
) -> None:
    await _import(
        database,
        library,
        ["HTX A", "An", "0912345678", "Xã Tân Ân", "Tôm khô", "1", "4", "10/06/2024"],
    )
    expiry = date(2027, 6, 10)
    now = [at(expiry - timedelta(days=200))]
    scheduler = _scheduler(database, services, now)
    await scheduler.run_once()  # the first run starts today: nothing due
    sent_on: list[date] = []
    day = expiry - timedelta(days=199)
    while day <= expiry:
        now[0] = at(day)
        if await scheduler.run_once():
            sent_on.append(day)
        day += timedelta(days=1)
    assert sent_on == [expiry - timedelta(days=d) for d in (180, 90, 30)]
    rows = await _rows(database)
    assert [r.status for r in rows] == ["no_channel"] * 3  # imported, never chatted
    assert "10/06/2027" in rows[0].text and "(còn 180 ngày" in rows[0].text


async def test_time_travel_catch_up_after_downtime(
    database: Database, services: Services, library: Library
) -> None:
    await _import(
        database,
        library,
        ["HTX A", "An", "0912345678", "Xã Tân Ân", "Tôm khô", "1", "4", "10/06/2024"],
    )
    with time_machine.travel(at(date(2026, 12, 1)), tick=False):
        scheduler = ReminderScheduler(database.open(), services)
        assert await scheduler.run_once() == 0
    # down from 3 to 13 Dec: the 180-day reminder (12 Dec) is caught up on restart
    with time_machine.travel(at(date(2026, 12, 14)), tick=False):
        restarted = ReminderScheduler(database.open(), services)
        assert await restarted.run_once() == 1
        assert await restarted.run_once() == 0  # never twice
    [row] = await _rows(database)
    assert row.series.endswith("2027-06-10") and row.dedupe_key.endswith(":180")


async def test_dossier_deadline_only_for_incomplete_dossiers(
    database: Database, services: Services, library: Library, assistant: Callable[[], Engine]
) -> None:
    await _import(
        database,
        library,
        ["HTX Đủ", "An", "0912345678", "Xã Tân Ân", "Mắm", "1", "", ""],
        ["HTX Thiếu", "Bé", "0987654321", "Xã U Minh", "Khô cá", "1", "", ""],
    )
    deadline = date(2026, 9, 30)
    async with database.sessions() as session, session.begin():
        session.add(
            CalendarOverride(
                province_id="ca-mau", year=2026, milestone_id="dossier-deadline-2026", day=deadline
            )
        )
        full = (await session.exec(select(Product).where(Product.name == "Mắm"))).one()
        for item in library.checklist.items_for("first", full.group_id, full.set_id):
            if item.kind == "required":
                session.add(DossierItem(product_id=full.id or 0, item_id=item.id, status="have"))
    now = [at(deadline - timedelta(days=15))]
    scheduler = _scheduler(database, services, now)
    await scheduler.run_once()
    for days in (14, 13, 3, 1):
        now[0] = at(deadline - timedelta(days=days))
        await scheduler.run_once()
    rows = await _rows(database)
    assert [r.dedupe_key.rsplit(":", 1)[1] for r in rows] == ["14", "3", "1"]
    assert all("Khô cá" in r.text and "Phiếu đăng ký" in r.text for r in rows)


async def test_expected_dates_cause_no_reminder(
    database: Database, services: Services, library: Library
) -> None:
    await _import(database, library, ["HTX B", "Bé", "0987654321", "", "Khô cá", "1", "", ""])
    now = [at(date(2026, 1, 1))]
    scheduler = _scheduler(database, services, now)
    for _ in range(400):
        now[0] += timedelta(days=1)
        await scheduler.run_once()
    assert await _rows(database) == []


async def _registered_user(assistant: Callable[[], Engine], user: str = "u1") -> Chat:
    chat = Chat(assistant(), user=user)
    for line, _ in RATED:
        await chat.say(line)
    await chat.say("Lưu")
    return chat


def _worker(db: Database, sender: FakeSender, now: list[datetime], **kw: object) -> DeliveryWorker:
    """A worker on a fake clock; no quiet hours unless given (tests run at any time of day)."""
    limiters = {"test": ChannelLimiter(rate=1000)}
    kw.setdefault("quiet", QuietHours(time(0, 0), time(0, 0)))
    return DeliveryWorker(db.open(), {"test": sender}, limiters, ZONE, clock=lambda: now[0], **kw)  # type: ignore[arg-type]


async def _queue(
    db: Database, user_id: int | None, key: str, when: datetime, urgent: bool = False
) -> None:
    async with db.sessions() as session, session.begin():
        await enqueue(
            session,
            dedupe_key=key,
            user_id=user_id,
            kind="test",
            reply=Reply(f"hello {key}"),
            not_before=when,
            urgent=urgent,
        )


async def _user_id(db: Database, external: str) -> int:
    async with db.sessions() as session:
        user = (await session.exec(select(User).where(User.external_id == external))).one()
        return user.id or 0


async def test_quiet_hours_hold_all_but_urgent(
    database: Database, assistant: Callable[[], Engine]
) -> None:
    chat = Chat(assistant())
    await chat.say("menu")
    uid = await _user_id(database, "u1")
    evening = datetime(2026, 12, 1, 22, 0, tzinfo=ZONE).astimezone(UTC)
    await _queue(database, uid, "calm", evening)
    await _queue(database, uid, "urgent", evening, urgent=True)
    sender = FakeSender()
    now = [evening]
    worker = _worker(database, sender, now, quiet=QuietHours())
    await worker.run_once()
    assert sender.sent == [("u1", "hello urgent")]
    now[0] = datetime(2026, 12, 2, 7, 5, tzinfo=ZONE).astimezone(UTC)
    await worker.run_once()
    assert sender.sent[-1] == ("u1", "hello calm")


async def test_opt_out_and_done_stop_reminders(
    database: Database, services: Services, assistant: Callable[[], Engine]
) -> None:
    chat = await _registered_user(assistant)  # a 4-star product decided 13/5/2024
    expiry = date(2027, 5, 13)
    now = [at(expiry - timedelta(days=181))]
    scheduler = _scheduler(database, services, now)
    await scheduler.run_once()
    now[0] = at(expiry - timedelta(days=180))
    assert await scheduler.run_once() == 1
    [row] = await _rows(database)
    assert row.status == "pending" and row.choices[0][1].startswith("rem:done:")
    await chat.tap(row.choices[0][1])  # "done" from an old message: accepted, it is theirs
    assert "không nhắc" in chat.text
    now[0] = at(expiry - timedelta(days=90))
    assert await scheduler.run_once() == 0  # the series is done
    other = await _registered_user(assistant, "u2")
    await other.say("menu")
    await other.say("Lịch & nhắc hẹn")
    assert "hiệu lực đến 13/05/2027" in other.text or "13/05/2027" in other.text
    await other.tap(other.value("Giấy chứng nhận"))
    assert "Bật" in str(other.choices)
    now[0] = at(expiry - timedelta(days=30))
    assert await scheduler.run_once() == 0  # u1 said done, u2 opted out
    await other.tap(row.choices[0][1])  # someone else's reminder button does nothing
    assert "tin nhắn cũ" in other.text


async def test_restart_mid_delivery_and_stuck_rows(
    database: Database, assistant: Callable[[], Engine]
) -> None:
    chat = Chat(assistant())
    await chat.say("menu")
    uid = await _user_id(database, "u1")
    start = utcnow()
    for i in range(5):
        await _queue(database, uid, f"r{i}", start)
    async with database.sessions() as session, session.begin():  # a worker that died mid-send
        for row in (await session.exec(select(OutboxMessage).limit(2))).all():
            row.status, row.claimed_at = "sending", start
            session.add(row)
    sender = FakeSender()
    now = [start]
    await _worker(database, sender, now).run_once()
    assert len(sender.sent) == 3
    now[0] = start + timedelta(minutes=6)  # past the stuck timeout: reclaimed by a new worker
    await _worker(database, sender, now).run_once()
    assert sorted(t for _, t in sender.sent) == [f"hello r{i}" for i in range(5)]
    assert {r.status for r in await _rows(database)} == {"sent"}


async def test_two_workers_send_each_row_once(
    database: Database, assistant: Callable[[], Engine]
) -> None:
    users = []
    engine = assistant()
    for n in range(20):
        chat = Chat(engine, user=f"w{n}")
        await chat.say("menu")
        users.append(await _user_id(database, f"w{n}"))
    now = [utcnow()]
    for i in range(200):
        await _queue(database, users[i % 20], f"m{i}", now[0])
    sender = FakeSender(latency=0.001)
    workers = [_worker(database, sender, now, batch=20) for _ in range(2)]

    async def drain(worker: DeliveryWorker) -> None:
        while await worker.run_once():
            pass

    await asyncio.gather(*(drain(w) for w in workers))
    assert len(sender.sent) == 200
    assert len({t for _, t in sender.sent}) == 200


async def test_rate_limited_is_retried_and_blocked_is_not(
    database: Database, assistant: Callable[[], Engine]
) -> None:
    for name in ("u1", "blocked-1"):
        chat = Chat(assistant(), user=name)
        await chat.say("menu")
    now = [utcnow()]
    await _queue(database, await _user_id(database, "u1"), "a", now[0])
    await _queue(database, await _user_id(database, "blocked-1"), "b", now[0])
    await _queue(database, await _user_id(database, "blocked-1"), "c", now[0] + timedelta(hours=1))
    sender = FakeSender()
    sender.fail["u1"] = [RateLimited(5)]
    worker = _worker(database, sender, now)
    await worker.run_once()
    assert sender.sent == []
    rows = {r.dedupe_key: r for r in await _rows(database)}
    assert rows["a"].status == "pending" and rows["b"].status == "blocked"
    now[0] += timedelta(hours=2)
    await worker.run_once()
    assert sender.sent == [("u1", "hello a")]
    rows = {r.dedupe_key: r for r in await _rows(database)}
    assert rows["a"].status == "sent" and rows["c"].status == "blocked"
    assert sender.calls["blocked-1"] == 1  # marked unreachable after the first refusal
    async with database.sessions() as session:
        blocked = (await session.exec(select(User).where(User.external_id == "blocked-1"))).one()
    assert blocked.reachable is False


async def test_opted_in_trainees_get_one_review_reminder_a_day(
    database: Database, services: Services, assistant: Callable[[], Engine]
) -> None:
    from conversations.quiz.tables import QuizCard, QuizLearner

    keen, quiet = Chat(assistant(), user="keen"), Chat(assistant(), user="quiet")
    for chat in (keen, quiet):
        await chat.say("menu")
    day = date(2026, 12, 10)
    async with database.sessions() as session, session.begin():
        for name, opted in (("keen", True), ("quiet", False)):
            uid = (await session.exec(select(User).where(User.external_id == name))).one().id
            session.add(QuizLearner(user_id=uid or 0, review_reminders=opted))
            session.add(QuizCard(user_id=uid or 0, question_id="q1", card={}, due=at(day, 6)))
    now = [at(day)]
    scheduler = _scheduler(database, services, now)
    await scheduler.run_once()
    await scheduler.run_once()
    [row] = await _rows(database)
    assert row.kind == "quiz_review" and "có 1 câu hỏi" in row.text
    assert row.choices[0][1] == "quizdue"
    await keen.tap("quizdue")  # from the reminder, any time later
    assert "tin nhắn cũ" not in keen.text


async def test_a_worker_never_reclaims_rows_it_is_still_sending(
    database: Database, assistant: Callable[[], Engine]
) -> None:
    """With a stuck timeout shorter than a send, the worker's own claimed rows stay its own."""
    engine = assistant()
    users = []
    for n in range(6):
        await Chat(engine, user=f"s{n}").say("menu")
        users.append(await _user_id(database, f"s{n}"))
    start = utcnow()
    for i, uid in enumerate(users):
        await _queue(database, uid, f"slow{i}", start)
    sender = FakeSender(latency=0.3)
    worker = DeliveryWorker(
        database.sessions,
        {"test": sender},
        {"test": ChannelLimiter(rate=1000)},
        ZONE,
        quiet=QuietHours(time(0, 0), time(0, 0)),
        batch=2,
        stuck_after=timedelta(milliseconds=50),
    )
    assert await worker.run_once() == 6
    assert sorted(t for _, t in sender.sent) == [f"hello slow{i}" for i in range(6)]
    assert {r.status for r in await _rows(database)} == {"sent"}
