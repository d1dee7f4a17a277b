"""Outages lose nothing: replies wait out Zalo being down, the outbox retries for a day.

Time is simulated (the channel's and the fake's clocks), so ten minutes or a day of outage
take a second or two.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlmodel import select

from bot.workers.delivery import DeliveryWorker
from bot.workers.ratelimit import ChannelLimiter
from conversations import outbox as ob
from conversations.channels.inbox import DONE, InboxEvent
from conversations.clock import utcnow
from conversations.messages import Reply
from conversations.models import User
from conversations.outbox import OutboxMessage, enqueue
from testbed.zalo_api import FakeZalo
from tests.bot.zalo import payloads
from tests.bot.zalo.conftest import Harness, Served

CS = "/v3.0/oa/message/cs"


class SimClock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _simulated(zalo_api: FakeZalo) -> SimClock:
    clock = SimClock()
    zalo_api.now = lambda: clock().timestamp()
    return clock


async def test_ten_minutes_of_outage_while_50_users_write_lose_no_reply(
    zalo: Harness, zalo_api: FakeZalo
) -> None:
    clock = _simulated(zalo_api)
    # Production backoff (2 s doubling, capped at 5 minutes); only the polling is fast.
    served = await zalo.start(clock=clock, backoff=2.0, max_backoff=300.0)
    people = [f"70100000000{n:02d}" for n in range(50)]
    zalo_api.down = True
    for uid in people:
        assert await served.post(payloads.text(uid, "menu")) == 200
    for _ in range(40):  # ten simulated minutes, 15 s at a time
        await _caught_up(served, clock)
        clock.advance(15)
    tried = len(zalo_api.calls_to(CS))
    assert tried >= 50 * 6 and zalo_api.sent == []  # retried all along, nothing got through
    async with served.runtime.sessions() as session:
        events = list(await session.exec(select(InboxEvent)))
    assert len(events) == 50 and all(e.status != DONE for e in events)

    zalo_api.down = False
    clock.advance(300)  # the longest wait between two tries
    await served.settle(within=120)
    for uid in people:
        texts = zalo_api.texts(uid)
        assert len(texts) == 1 and "trợ lý OCOP" in texts[0], (uid, texts)
    assert {e.status for e in await served.events()} == {DONE}


async def _caught_up(served: Served, clock: SimClock) -> None:
    """Wait until the inbox has tried everything that is due at the simulated time."""
    async with asyncio.timeout(90):  # generous: the shared test machine is often loaded
        while True:
            async with served.runtime.sessions() as session:
                events = list(await session.exec(select(InboxEvent)))
            now = clock()
            if all(e.status == DONE or (e.next_attempt_at > now and e.claimed_until is None)
                   for e in events):  # fmt: skip
                return
            await asyncio.sleep(0.02)


async def _zalo_user(served: Served, uid: str) -> int:
    assert await served.post(payloads.text(uid, "menu")) == 200
    await served.settle()
    async with served.runtime.sessions() as session:
        user = (await session.exec(select(User).where(User.external_id == uid))).one()
    assert user.id is not None
    return user.id


async def _reminder(served: Served, user_id: int, key: str) -> None:
    async with served.runtime.sessions() as session, session.begin():
        await enqueue(
            session,
            dedupe_key=key,
            user_id=user_id,
            kind="reminder",
            reply=Reply("Nhắc: hạn nộp hồ sơ OCOP là 30/6."),
            not_before=utcnow(),
            urgent=True,
        )


def _worker(served: Served, clock: SimClock) -> DeliveryWorker:
    """The delivery worker on the simulated clock, with no pacing to speak of."""
    return DeliveryWorker(
        served.runtime.sessions,
        {"zalo": served.channel},
        {"zalo": ChannelLimiter(rate=1000)},
        served.runtime.settings.zone,
        clock=clock,
    )


async def _row(served: Served, key: str) -> OutboxMessage:
    async with served.runtime.sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.dedupe_key == key)
        return (await session.exec(query)).one()


async def test_an_outbox_row_is_retried_through_hours_of_outage_then_sent_once(
    zalo: Harness, zalo_api: FakeZalo
) -> None:
    served = await zalo.start()
    user_id = await _zalo_user(served, "7011000000001")
    await _reminder(served, user_id, "remind:hours")
    clock = _simulated(zalo_api)
    worker = _worker(served, clock)
    zalo_api.down = True
    for _ in range(40):  # 10 hours
        clock.advance(900)
        await worker.run_once()
    row = await _row(served, "remind:hours")
    assert row.status == ob.PENDING and row.attempts > 30  # today's code gave up after 5
    zalo_api.down = False
    clock.advance(900)
    assert await worker.run_once() == 1
    row = await _row(served, "remind:hours")
    assert (row.status, row.reason) == (ob.SENT, None)
    assert zalo_api.texts("7011000000001")[-1].startswith("Nhắc: hạn nộp")


async def test_an_outbox_row_is_given_up_after_a_day_with_its_reason(
    zalo: Harness, zalo_api: FakeZalo
) -> None:
    served = await zalo.start()
    user_id = await _zalo_user(served, "7011000000002")
    await _reminder(served, user_id, "remind:day")
    clock = _simulated(zalo_api)
    worker = _worker(served, clock)
    zalo_api.down = True
    for hour in range(30):
        for _ in range(4):
            clock.advance(900)
            await worker.run_once()
        row = await _row(served, "remind:day")
        if hour < 23:
            assert row.status == ob.PENDING, hour
    assert (row.status, row.reason) == (ob.FAILED, "gave_up")


async def test_a_final_refusal_of_an_outbox_row_is_recorded_with_its_reason(
    zalo: Harness, zalo_api: FakeZalo
) -> None:
    served = await zalo.start()
    user_id = await _zalo_user(served, "7011000000003")
    await _reminder(served, user_id, "remind:quota")
    zalo_api.fail(CS, -211)
    worker = DeliveryWorker(
        served.runtime.sessions,
        {"zalo": served.channel},
        {"zalo": ChannelLimiter(rate=1000)},
        served.runtime.settings.zone,
    )
    before = len(zalo_api.calls_to(CS))
    assert await worker.run_once() == 1
    row = await _row(served, "remind:quota")
    assert (row.status, row.reason) == (ob.FAILED, "quota") and "-211" in (row.error or "")
    assert len(zalo_api.calls_to(CS)) == before + 1
    assert await worker.run_once() == 0  # not retried
