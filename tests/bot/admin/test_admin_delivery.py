"""The overview shows officers what is stuck, why messages were not delivered, and Zalo's quota."""

from __future__ import annotations

from datetime import timedelta

from conversations import outbox as ob
from conversations.channels.inbox import ANSWERED, InboxEvent
from conversations.channels.tables import ReplyQuota
from conversations.clock import utcnow
from conversations.models import User
from conversations.outbox import OutboxMessage
from tests.bot.admin.conftest import Dashboard
from tests.support import Database


async def test_overview_shows_stuck_counts_reasons_and_zalo_quota(
    dashboard: Dashboard, database: Database
) -> None:
    now = utcnow()
    async with database.sessions() as session, session.begin():
        for n, (status, attempts, reason) in enumerate(
            [(ob.PENDING, 3, None), (ob.PENDING, 1, None), (ob.FAILED, 2, "quota"),
             (ob.FAILED, 90, "gave_up"), (ob.WINDOW_CLOSED, 1, "window")]
        ):  # fmt: skip
            session.add(
                OutboxMessage(dedupe_key=f"d{n}", ref=f"r{n}", kind="reminder", text="Nhắc",
                              status=status, attempts=attempts, reason=reason)
            )  # fmt: skip
        session.add(
            OutboxMessage(dedupe_key="stuck", ref="rs", kind="reminder", text="Nhắc",
                          status=ob.SENDING, claimed_at=now - timedelta(hours=1))
        )  # fmt: skip
        session.add(
            InboxEvent(channel="zalo", dedupe_key="m1", user_key="70", kind="user_send_text",
                       status=ANSWERED, attempts=4)
        )  # fmt: skip
        session.add(User(channel="zalo", external_id="70", last_inbound_at=now))
        session.add(
            ReplyQuota(channel="zalo", user_key="70", window_from=now, replies=8,
                       quota_type="reply", remain=0, total=8, updated_at=now)
        )  # fmt: skip
    client = await dashboard.logged_in()
    page = (await client.get("/admin")).text
    assert "Đang gửi lại: 2 tin chủ động, 1 tin trả lời; kẹt do tiến trình đã dừng: 1." in page
    assert "Zalo: 1 người nhắn trong 48 giờ qua; đã dùng 8 tin trả lời" in page
    assert "1 người đã hết" in page and "còn 0 (reply)" in page
    for reason in ("Hết hạn mức tin Zalo", "Đã gửi lại đến khi hết hạn",
                   "Ngoài thời hạn được trả lời"):  # fmt: skip
        assert reason in page
