"""The broadcast dispatcher: scheduled broadcasts start at their time, quiet hours hold them
unless urgent, officers get progress and a final report, cancelled ones send nothing more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.workers.broadcasts import BroadcastDispatcher
from bot.workers.delivery import DeliveryWorker
from conversations.announcements import broadcasts
from conversations.announcements.audience import Audience
from conversations.announcements.broadcasts import Broadcast
from conversations.i18n import Catalogs
from conversations.models import User
from conversations.outbox import OutboxMessage
from conversations.services import Services
from knowledge.library import Library
from testbed.producers import add_producer
from tests.bot.fake_sender import FakeSender
from tests.support import Database

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOON = datetime(2026, 12, 10, 5, 0, tzinfo=UTC)  # 12:00 in Cà Mau
NIGHT = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)  # 22:00 in Cà Mau


class Editing(FakeSender):
    """A fake channel that can also edit the messages it sent (as Telegram can)."""

    def __init__(self) -> None:
        super().__init__("test")
        self.edits: list[tuple[str, str, str]] = []

    async def edit(self, external_id: str, message_id: str, text: str) -> None:
        """Record the edit."""
        self.edits.append((external_id, message_id, text))


async def _world(database: Database, send_at: datetime, urgent: bool = False) -> int:
    async with database.sessions() as session, session.begin():
        for i in range(3):
            await add_producer(session, name=f"r{i}", commune="Xã A", channel="test")
        officer = User(channel="test", external_id="officer", locale="en", role="officer")
        session.add(officer)
        await session.flush()
        broadcast = await broadcasts.create(
            session,
            officer=officer,
            text="Tập huấn",
            audience=Audience(),
            send_at=send_at,
            urgent=urgent,
        )
        return broadcast.id or 0


def _machines(
    database: Database, catalogs: Catalogs, library: Library, sender: FakeSender, now: list
) -> tuple[BroadcastDispatcher, DeliveryWorker]:
    sessions = database.sessions
    services = Services(catalogs=catalogs, knowledge=library, timezone=ZONE)
    dispatcher = BroadcastDispatcher(
        sessions,
        services,
        {"test": sender},
        {},
        progress_every=timedelta(0),
        clock=lambda: now[0],
    )
    worker = DeliveryWorker(sessions, {"test": sender}, {}, ZONE, clock=lambda: now[0])
    return dispatcher, worker


async def _rows(database: Database, broadcast_id: int) -> list[OutboxMessage]:
    async with database.sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.series == broadcasts.series(broadcast_id))
        return list((await session.exec(query.order_by(col(OutboxMessage.id)))).all())


async def _status(database: Database, broadcast_id: int) -> str:
    async with database.sessions() as session:
        row = await session.get(Broadcast, broadcast_id)
        assert row is not None
        return row.status


async def test_a_scheduled_broadcast_goes_out_at_its_time(
    database: Database, catalogs: Catalogs, library: Library
) -> None:
    broadcast_id = await _world(database, NOON)
    sender = Editing()
    now = [NOON - timedelta(minutes=1)]
    dispatcher, worker = _machines(database, catalogs, library, sender, now)
    await dispatcher.run_once()
    assert await _rows(database, broadcast_id) == []
    assert await _status(database, broadcast_id) == "scheduled"

    now[0] = NOON + timedelta(seconds=1)
    await dispatcher.run_once()
    assert len(await _rows(database, broadcast_id)) == 3
    assert await _status(database, broadcast_id) == "sending"
    progress = [text for user, text in sender.sent if user == "officer"]
    assert progress and "sent 0/3" in progress[0]

    await worker.run_once()
    await dispatcher.run_once()  # every row is final: done, report queued
    assert await _status(database, broadcast_id) == "done"
    assert sorted(u for u, t in sender.sent if "Tập huấn" in t) == ["r0", "r1", "r2"]
    await worker.run_once()
    report = [t for u, t in sender.sent if u == "officer" and "Report" in t]
    assert report and "Delivered: 3" in report[0] and "Recipients: 3" in report[0]


async def test_progress_is_edited_in_place(
    database: Database, catalogs: Catalogs, library: Library
) -> None:
    broadcast_id = await _world(database, NOON)
    sender = Editing()
    now = [NOON]
    dispatcher, _worker = _machines(database, catalogs, library, sender, now)
    await dispatcher.run_once()  # starts, sends the progress line
    now[0] += timedelta(seconds=5)
    await dispatcher.run_once()  # nothing sent yet: edited with the same numbers
    assert sender.edits and sender.edits[-1][0] == "officer"
    assert "sent 0/3" in sender.edits[-1][2]
    assert len([u for u, _ in sender.sent if u == "officer"]) == 1
    async with database.sessions() as session:
        row = await session.get(Broadcast, broadcast_id)
        assert row is not None and row.progress_ref == sender.edits[-1][1]


async def test_quiet_hours_hold_a_broadcast_unless_urgent(
    database: Database, catalogs: Catalogs, library: Library
) -> None:
    quiet_id = await _world(database, NIGHT)
    sender = Editing()
    now = [NIGHT + timedelta(seconds=1)]
    dispatcher, worker = _machines(database, catalogs, library, sender, now)
    await dispatcher.run_once()
    await worker.run_once()
    assert not [t for _, t in sender.sent if "Tập huấn" in t]  # held until 07:00
    async with database.sessions() as session, session.begin():
        officer = (await session.exec(select(User).where(User.external_id == "officer"))).one()
        urgent = await broadcasts.create(
            session,
            officer=officer,
            text="Khẩn: bão",
            audience=Audience(),
            send_at=now[0],
            urgent=True,
        )
        urgent_id = urgent.id or 0
    await dispatcher.run_once()
    await worker.run_once()
    assert len([t for _, t in sender.sent if "Khẩn: bão" in t]) == 3
    now[0] = datetime(2026, 12, 11, 0, 1, tzinfo=UTC)  # 07:01 the next morning
    await worker.run_once()
    assert len([t for _, t in sender.sent if "Tập huấn" in t]) == 3
    assert {r.status for r in await _rows(database, quiet_id)} == {"sent"}
    assert {r.status for r in await _rows(database, urgent_id)} == {"sent"}


async def test_cancelled_broadcast_sends_nothing_more(
    database: Database, catalogs: Catalogs, library: Library
) -> None:
    broadcast_id = await _world(database, NOON)
    sender = Editing()
    now = [NOON]
    dispatcher, worker = _machines(database, catalogs, library, sender, now)
    await dispatcher.run_once()
    async with database.sessions() as session, session.begin():
        assert await broadcasts.cancel(session, broadcast_id, now[0]) is not None
    await worker.run_once()
    assert not [t for _, t in sender.sent if "Tập huấn" in t]
    assert {r.status for r in await _rows(database, broadcast_id)} == {"cancelled"}
    async with database.sessions() as session, session.begin():
        assert await broadcasts.cancel(session, broadcast_id, now[0]) is None  # only once


async def test_a_dashboard_officer_gets_no_chat_progress(
    database: Database, catalogs: Catalogs, library: Library
) -> None:
    from conversations.officers.roles import OfficerCredential

    broadcast_id = await _world(database, NOON)
    async with database.sessions() as session, session.begin():
        officer = (await session.exec(select(User).where(User.external_id == "officer"))).one()
        session.add(OfficerCredential(user_id=officer.id or 0, password_hash="x"))
    sender = Editing()
    now = [NOON]
    dispatcher, worker = _machines(database, catalogs, library, sender, now)
    await dispatcher.run_once()
    await worker.run_once()
    await dispatcher.run_once()
    await worker.run_once()
    assert await _status(database, broadcast_id) == "done"
    assert not [u for u, _ in sender.sent if u == "officer"] and not sender.edits
