"""Announcements on Zalo go as promotion messages (the type Zalo requires), never at night."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from bot.workers.delivery import DeliveryWorker, night_ends
from bot.workers.ratelimit import ChannelLimiter
from conversations import outbox as ob
from conversations.channels.tables import ReplyQuota
from conversations.clock import QuietHours
from conversations.messages import Choice, Reply
from conversations.models import User
from conversations.outbox import OutboxMessage, enqueue
from testbed.zalo_api import ZONE, FakeZalo
from tests.bot.zalo import payloads
from tests.bot.zalo.conftest import Harness, Served

PROMOTION = "/v3.0/oa/message/promotion"
HOA = "7013000000001"


async def _announce(served: Served, at: datetime) -> DeliveryWorker:
    assert await served.post(payloads.text(HOA, "menu")) == 200
    await served.settle()
    async with served.runtime.sessions() as session, session.begin():
        user = (await session.exec(select(User).where(User.external_id == HOA))).one()
        stop = Choice("🔕 Dừng thông báo", "announce:stop")
        await enqueue(
            session,
            dedupe_key="announce:1",
            user_id=user.id,
            kind="announcement",
            reply=Reply("Hội chợ OCOP Cà Mau 20/12.", choices=(stop,)),
            not_before=at,
            urgent=True,
        )
    never = QuietHours(datetime.min.time(), datetime.min.time())
    return DeliveryWorker(
        served.runtime.sessions,
        {"zalo": served.channel},
        {"zalo": ChannelLimiter(rate=1000)},
        served.runtime.settings.zone,
        quiet=never,
        clock=lambda: at,
    )


async def _row(served: Served) -> OutboxMessage:
    async with served.runtime.sessions() as session:
        return (await session.exec(select(OutboxMessage))).one()


async def test_an_announcement_is_a_promotion_message_and_its_quota_is_kept(
    zalo: Harness, zalo_api: FakeZalo
) -> None:
    served = await zalo.start()
    noon = datetime(2026, 12, 3, 12, 0, tzinfo=ZONE).astimezone(UTC)
    zalo_api.now = lambda: noon.timestamp()
    worker = await _announce(served, noon)
    assert await worker.run_once() == 1
    [sent] = zalo_api.promotions
    payload = sent.message["attachment"]["payload"]
    assert payload["template_type"] == "promotion"
    assert "Hội chợ OCOP" in sent.text and payload["buttons"][0]["payload"].startswith("🔕")
    assert (await _row(served)).status == ob.SENT
    async with served.runtime.sessions() as session:
        row = await session.get(ReplyQuota, ("zalo", HOA))
    assert row is not None and (row.quota_type, row.remain) == ("promotion", 999)


async def test_no_announcement_goes_out_at_night(zalo: Harness, zalo_api: FakeZalo) -> None:
    served = await zalo.start()
    late = datetime(2026, 12, 3, 23, 30, tzinfo=ZONE).astimezone(UTC)
    zalo_api.now = lambda: late.timestamp()
    worker = await _announce(served, late)  # urgent, and quiet hours off: still not at night
    assert await worker.run_once() == 1
    assert zalo_api.calls_to(PROMOTION) == []
    row = await _row(served)
    morning = datetime(2026, 12, 4, 6, 0, tzinfo=ZONE)
    assert row.status == ob.PENDING and row.next_attempt_at == morning.astimezone(UTC)


async def test_zalo_refuses_a_promotion_at_night_for_good(
    zalo: Harness, zalo_api: FakeZalo
) -> None:
    served = await zalo.start()
    zalo_api.user_wrote(HOA)
    zalo_api.now = lambda: datetime(2026, 12, 3, 23, 0, tzinfo=ZONE).timestamp()
    try:
        await served.channel.announce(HOA, Reply("Thông báo"))
    except Exception as exc:
        assert getattr(exc, "reason", "") == "night" and "-234" in str(exc)
    else:
        raise AssertionError("Zalo sends no promotion at night")


def test_night_ends_at_six_the_same_or_next_morning() -> None:
    night = QuietHours(datetime.min.time().replace(hour=22), datetime.min.time().replace(hour=6))
    at = datetime(2026, 12, 3, 23, 0, tzinfo=ZONE)
    assert night_ends(night, at, ZONE) == datetime(2026, 12, 4, 6, 0, tzinfo=ZONE)
    early = datetime(2026, 12, 4, 2, 0, tzinfo=ZONE)
    assert night_ends(night, early, ZONE) == datetime(2026, 12, 4, 6, 0, tzinfo=ZONE)
