"""Proactive messages through the delivery worker: the Zalo reply window, and Zalo's own -230."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, select

from bot.channels.zalo import ZaloConfig
from bot.settings import Settings
from bot.workers.delivery import DeliveryWorker
from bot.workers.ratelimit import ChannelLimiter
from conversations import outbox as ob
from conversations.clock import utcnow
from conversations.messages import Reply
from conversations.models import User
from conversations.outbox import OutboxMessage, enqueue
from testbed.zalo_api import FakeZalo
from tests.bot.zalo import payloads
from tests.bot.zalo.conftest import Harness, Served

CS = "/v3.0/oa/message/cs"
FRESH, OLD, SILENT = "7003000000001", "7003000000002", "7003000000003"


def test_the_reply_window_comes_from_the_settings() -> None:
    assert ZaloConfig.from_settings(_settings()).reply_window == timedelta(days=7)
    hours48 = _settings(zalo_reply_window_hours=48)
    assert ZaloConfig.from_settings(hours48).reply_window == timedelta(hours=48)


def _settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "zalo_app_id": "1",
        "zalo_app_secret": "s",
        "zalo_oa_secret_key": "k",
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


async def _user_ids(served: Served) -> dict[str, int]:
    async with served.runtime.sessions() as session:
        rows = await session.exec(select(User).where(User.channel == "zalo"))
        return {u.external_id: u.id or 0 for u in rows}


async def test_outside_the_window_nothing_is_attempted(zalo: Harness, zalo_api: FakeZalo) -> None:
    served = await zalo.start(reply_window=timedelta(hours=48))
    for uid in (FRESH, OLD, SILENT):
        assert await served.post(payloads.text(uid, "menu")) == 200
    await served.settle()
    async with served.runtime.sessions() as session, session.begin():
        await session.exec(  # type: ignore[call-overload]
            update(User)
            .where(col(User.external_id) == OLD)
            .values(last_inbound_at=utcnow() - timedelta(hours=49))
        )
    ids = await _user_ids(served)
    async with served.runtime.sessions() as session, session.begin():
        for uid in (FRESH, OLD, SILENT):
            await enqueue(
                session,
                dedupe_key=f"announce:{uid}",
                user_id=ids[uid],
                kind="reminder",  # announcements go as promotions, and never at night
                reply=Reply("Hạn nộp hồ sơ OCOP là 30/6."),
                not_before=utcnow(),
                urgent=True,
            )
    zalo_api.fail(CS, -230)  # Zalo itself says the window is closed, for the first attempt
    before = len(zalo_api.calls_to(CS))
    worker = DeliveryWorker(
        served.runtime.sessions,
        {"zalo": served.channel},
        {"zalo": ChannelLimiter(rate=1000)},
        served.runtime.settings.zone,
    )
    assert await worker.run_once() == 3
    async with served.runtime.sessions() as session:
        rows = {r.dedupe_key: r for r in await session.exec(select(OutboxMessage))}
    statuses = {key.split(":")[1]: row.status for key, row in rows.items()}
    assert statuses[OLD] == ob.WINDOW_CLOSED  # recorded without calling Zalo
    assert sorted(statuses.values()) == sorted([ob.SENT, ob.WINDOW_CLOSED, ob.WINDOW_CLOSED])
    attempted = {c.params["recipient"]["user_id"] for c in zalo_api.calls_to(CS)[before:]}
    assert OLD not in attempted and attempted == {FRESH, SILENT}
