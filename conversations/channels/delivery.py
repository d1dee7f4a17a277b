"""How delivery is going, for officers: messages still being retried, and why others never went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations import outbox as ob
from conversations.channels.inbox import OPEN, InboxEvent
from conversations.outbox import OutboxMessage

RECENT = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Health:
    """Stuck counts now, and the reasons of the last week's undelivered messages."""

    outbox_retrying: int
    """Proactive messages that failed at least once and are waiting for their next try."""
    outbox_stuck: int
    """Claimed by a worker longer ago than `stuck_after` (a worker that died)."""
    replies_waiting: int
    """Replies to users' messages not delivered yet after at least one try (an outage)."""
    reasons: list[tuple[str, int]]
    """(reason, messages) of the last week, most first."""


async def health(
    session: AsyncSession, now: datetime, stuck_after: timedelta = timedelta(minutes=5)
) -> Health:
    """Count what is stuck and why messages were not delivered."""

    async def count(query: object) -> int:
        return int((await session.exec(query)).one())  # type: ignore[call-overload]

    outbox = select(func.count()).select_from(OutboxMessage)
    retrying = await count(
        outbox.where(col(OutboxMessage.status) == ob.PENDING, col(OutboxMessage.attempts) > 0)
    )
    stuck = await count(
        outbox.where(
            col(OutboxMessage.status) == ob.SENDING,
            col(OutboxMessage.claimed_at) < now - stuck_after,
        )
    )
    waiting = await count(
        select(func.count())
        .select_from(InboxEvent)
        .where(col(InboxEvent.status).in_(OPEN), col(InboxEvent.attempts) > 0)
    )
    since = now - RECENT
    found: dict[str, int] = {}
    by_outbox = (
        select(OutboxMessage.reason, func.count())
        .where(col(OutboxMessage.reason).is_not(None), col(OutboxMessage.created_at) >= since)
        .group_by(col(OutboxMessage.reason))
    )
    by_inbox = (
        select(InboxEvent.reason, func.count())
        .where(
            col(InboxEvent.reason).is_not(None),
            or_(col(InboxEvent.finished_at) >= since, col(InboxEvent.finished_at).is_(None)),
        )
        .group_by(col(InboxEvent.reason))
    )
    for query in (by_outbox, by_inbox):
        for reason, n in (await session.exec(query)).all():
            found[str(reason)] = found.get(str(reason), 0) + int(n)
    reasons = sorted(found.items(), key=lambda item: (-item[1], item[0]))
    return Health(retrying, stuck, waiting, reasons)
