"""Reply quotas: each send counted against the user's window, with what the channel reported.

Zalo gives an OA 8 free replies within 48 h of a user's message (the count starts again with
each message); its send answer reports the quota it used (`data.quota`). Both are kept per
user, so officers see how much of the allowance replies and announcements use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.channels.tables import ReplyQuota
from conversations.models import User

FREE_REPLIES = 8
FREE_FOR = timedelta(hours=48)


def _number(value: object) -> int | None:
    try:
        return int(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


async def record(
    session: AsyncSession, channel: str, user_key: str, quota: dict[str, Any], now: datetime
) -> ReplyQuota:
    """Count one message sent to `user_key` and keep the quota the channel reported with it."""
    opened = (
        await session.exec(
            select(User.last_inbound_at).where(
                User.channel == channel, User.external_id == user_key
            )
        )
    ).first()
    row = await session.get(ReplyQuota, (channel, user_key), with_for_update=True)
    if row is None:
        row = ReplyQuota(channel=channel, user_key=user_key, replies=0)
        session.add(row)
    if row.window_from != opened:
        row.window_from, row.replies = opened, 0
    row.replies += 1
    row.quota_type = str(quota.get("quota_type") or quota.get("type") or "")[:24]
    row.remain = _number(quota.get("remain", quota.get("remaining")))
    row.total = _number(quota.get("total"))
    row.updated_at = now
    return row


@dataclass(frozen=True, slots=True)
class Summary:
    """The reply allowance of one channel's users whose free window is open now."""

    open_windows: int
    replies: int
    """Sent within those windows (of `FREE_REPLIES` each)."""
    at_limit: int
    """Users with no free reply left (by our count or by the channel's)."""
    latest_remain: int | None
    latest_type: str


async def summary(session: AsyncSession, channel: str, now: datetime) -> Summary:
    """The allowance of `channel`'s users who wrote within the free window."""
    since = now - FREE_FOR
    query = (
        select(ReplyQuota)
        .join(
            User,
            (col(User.channel) == col(ReplyQuota.channel))
            & (col(User.external_id) == col(ReplyQuota.user_key)),
        )
        .where(col(ReplyQuota.channel) == channel, col(User.last_inbound_at) >= since)
        .where(col(ReplyQuota.window_from) == col(User.last_inbound_at))
    )
    rows = list(await session.exec(query))
    writers = (
        await session.exec(
            select(func.count())
            .select_from(User)
            .where(col(User.channel) == channel, col(User.last_inbound_at) >= since)
        )
    ).one()
    latest = (
        await session.exec(
            select(ReplyQuota)
            .where(col(ReplyQuota.channel) == channel)
            .order_by(col(ReplyQuota.updated_at).desc())
            .limit(1)
        )
    ).first()
    at_limit = sum(1 for r in rows if r.replies >= FREE_REPLIES or r.remain == 0)
    return Summary(
        open_windows=int(writers),
        replies=sum(r.replies for r in rows),
        at_limit=at_limit,
        latest_remain=latest.remain if latest else None,
        latest_type=latest.quota_type if latest else "",
    )


async def latest_remain(session: AsyncSession, channel: str, quota_type: str) -> int | None:
    """What the channel last said is left of an account-wide quota (e.g. "promotion")."""
    query = (
        select(ReplyQuota.remain)
        .where(col(ReplyQuota.channel) == channel, col(ReplyQuota.quota_type) == quota_type)
        .order_by(col(ReplyQuota.updated_at).desc())
        .limit(1)
    )
    return (await session.exec(query)).first()
