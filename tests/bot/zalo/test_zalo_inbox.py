"""Acknowledged events are never lost: stored before the 200, drained after crashes and outages."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import select

from conversations.channels.inbox import ANSWERED, DONE, FAILED, NEW, InboxEvent
from conversations.clock import utcnow
from conversations.models import ProcessedMessage
from testbed.zalo_api import FakeZalo
from tests.bot.zalo import payloads
from tests.bot.zalo.conftest import Harness, Served

CS = "/v3.0/oa/message/cs"
DUNG = "7004000000001"


async def test_an_event_acknowledged_before_a_crash_is_answered_after_restart(
    zalo: Harness, zalo_api: FakeZalo
) -> None:
    first = await zalo.start()
    await first.channel.inbox.stop()  # the process is going down: nothing drains any more
    assert await first.post(payloads.text(DUNG, "menu")) == 200
    [stored] = await first.events()
    assert stored.status == NEW and zalo_api.to(DUNG) == []

    second = await zalo.start()  # a new process on the same database
    await second.settle()
    assert len(zalo_api.to(DUNG)) == 1 and "trợ lý OCOP" in zalo_api.texts(DUNG)[0]


async def test_a_turn_committed_before_a_crash_is_answered_after_restart(
    zalo: Harness, zalo_api: FakeZalo
) -> None:
    """The engine committed the turn, then the process died before the replies were stored on
    the event: the next process handles the event again and sends that turn's replies, once."""
    first = await zalo.start()
    inbox = first.channel.inbox
    keep = inbox._save

    async def dies_before_storing_replies(row_id: int, status: str, *args: Any, **kw: Any) -> None:
        if status == ANSWERED:
            raise RuntimeError("the process died here")
        await keep(row_id, status, *args, **kw)

    inbox._save = dies_before_storing_replies  # type: ignore[method-assign]
    assert await first.post(payloads.text(DUNG, "menu")) == 200
    async with asyncio.timeout(10):
        while not await _processed(first):  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    await inbox.stop()
    [event] = await first.events()
    assert event.status == NEW and zalo_api.to(DUNG) == []
    async with first.runtime.sessions() as session, session.begin():  # the dead worker's lease ends
        await session.exec(  # type: ignore[call-overload]
            update(InboxEvent).values(claimed_until=utcnow() - timedelta(seconds=1))
        )

    second = await zalo.start()
    await second.settle()
    assert len(zalo_api.to(DUNG)) == 1 and "trợ lý OCOP" in zalo_api.texts(DUNG)[0]
    assert len(await _processed(second)) == 1  # the engine did not take the turn twice


async def _processed(served: Served) -> list[ProcessedMessage]:
    async with served.runtime.sessions() as session:
        return list(await session.exec(select(ProcessedMessage)))


async def test_replies_wait_out_a_zalo_outage_and_are_sent_once(
    zalo: Harness, zalo_api: FakeZalo
) -> None:
    served = await zalo.start()
    zalo_api.fail(CS, status=502, times=3)
    assert await served.post(payloads.text(DUNG, "menu")) == 200
    await served.settle()
    assert len(zalo_api.to(DUNG)) == 1
    assert len(zalo_api.calls_to(CS)) == 4
    async with served.runtime.sessions() as session:
        processed = list(await session.exec(select(ProcessedMessage)))
    assert len(processed) == 1  # the engine answered once; only the sending was retried
    [event] = await served.events()
    assert (event.status, event.attempts, event.replies) == (DONE, 3, [])


async def test_a_users_events_are_answered_in_order(zalo: Harness, zalo_api: FakeZalo) -> None:
    first = await zalo.start()
    await first.channel.inbox.stop()  # let the events pile up, then drain them all at once
    for word in ["menu", "1", "1", "Nguyễn Văn Dũng"]:
        assert await first.post(payloads.text(DUNG, word)) == 200
    second = await zalo.start()
    await second.settle()
    texts = zalo_api.texts(DUNG)
    order = ["trợ lý OCOP", "đồng ý chứ", "Họ tên đầy đủ", "Tên cơ sở"]
    positions = [next(i for i, t in enumerate(texts) if key in t) for key in order]
    assert positions == sorted(positions)


async def test_an_event_held_by_a_dead_worker_is_taken_over(
    zalo: Harness, zalo_api: FakeZalo
) -> None:
    first = await zalo.start()
    await first.channel.inbox.stop()
    assert await first.post(payloads.text(DUNG, "menu")) == 200
    async with first.runtime.sessions() as session, session.begin():
        await session.exec(  # type: ignore[call-overload]
            update(InboxEvent).values(claimed_until=utcnow() + timedelta(seconds=2))
        )
    second = await zalo.start()
    await asyncio.sleep(0.3)
    assert zalo_api.to(DUNG) == []  # still claimed by the worker that died
    await second.settle()
    assert len(zalo_api.to(DUNG)) == 1


@pytest.mark.parametrize(
    ("code", "reason"),
    [(-211, "quota"), (-230, "window"), (-244, "opted_out"), (-248, "policy"), (-321, "billing")],
)
async def test_a_final_refusal_is_not_retried_and_its_reason_is_kept(
    zalo: Harness, zalo_api: FakeZalo, code: int, reason: str
) -> None:
    served = await zalo.start()
    zalo_api.fail(CS, code)
    assert await served.post(payloads.text(DUNG, "menu")) == 200
    await served.settle()
    [event] = await served.events()
    assert (event.status, event.reason) == (DONE, reason)
    assert event.error is not None and str(code) in event.error
    assert len(zalo_api.calls_to(CS)) == 1  # refused for good: not tried again


async def test_an_event_the_engine_keeps_failing_on_is_given_up_and_kept_for_officers(
    zalo: Harness, zalo_api: FakeZalo, caplog: pytest.LogCaptureFixture
) -> None:
    served = await zalo.start(max_attempts=3)

    async def broken(_event: object) -> list[object]:
        raise RuntimeError("engine bug")

    served.channel.inbox.handle = broken  # type: ignore[assignment]
    with caplog.at_level(logging.ERROR):
        assert await served.post(payloads.text(DUNG, "menu")) == 200
        await served.settle()
    [event] = await served.events()
    assert event.status == FAILED and event.error is not None and "engine bug" in event.error
    assert any("given up" in r.getMessage() for r in caplog.records)


async def test_two_processes_drain_one_inbox_and_answer_each_event_once(
    zalo: Harness, zalo_api: FakeZalo
) -> None:
    apps = [await zalo.start(), await zalo.start()]
    people = [f"70050000000{n:02d}" for n in range(12)]
    posts = [
        apps[i % 2].post(payloads.text(uid, word))
        for word in ("menu", "1")
        for i, uid in enumerate(people)
    ]
    for post in posts:  # in order per user, spread over both processes
        assert await post == 200
    await apps[0].settle()
    await apps[1].settle()
    for uid in people:
        texts = zalo_api.texts(uid)
        assert len(texts) == 2, (uid, texts)
        assert "trợ lý OCOP" in texts[0] and "đồng ý chứ" in texts[1]
    events = await apps[0].events()
    assert len(events) == 24 and {e.status for e in events} == {DONE}
    assert all(e.claimed_until is None for e in events)
