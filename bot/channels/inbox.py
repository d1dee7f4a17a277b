"""A channel's inbox: webhook events stored before the 200, handled and answered in the background.

Zalo and Telegram (webhook mode) both use it: the platform gets its answer as soon as the event
is committed, however long the turn, its sending, or an outage takes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.channels import errors
from bot.channels.errors import Blocked, RateLimited, Refused, TransientError
from bot.channels.stored import reply_from_dict, reply_to_dict
from conversations.channels.inbox import ANSWERED, DONE, FAILED, NEW, OPEN, InboxEvent
from conversations.clock import utcnow
from conversations.messages import Reply

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Event:
    """A webhook event worth keeping: its name, its user and the key that makes it unique."""

    name: str
    user_key: str
    dedupe_key: str
    timestamp_ms: int
    payload: dict[str, Any]


class Timings(Protocol):
    """How an inbox drains and retries (ZaloConfig has these; `InboxTimings` for others)."""

    drain_batch: int
    drain_poll: float
    claim_for: timedelta
    max_attempts: int
    backoff: float
    max_backoff: float
    reply_window: timedelta
    keep_done: timedelta
    keep_failed: timedelta
    stop_grace: float


@dataclass(frozen=True, slots=True)
class InboxTimings:
    """The timings of an inbox, with the Zalo channel's defaults (see ZaloConfig)."""

    drain_batch: int = 20
    drain_poll: float = 1.0
    claim_for: timedelta = timedelta(minutes=2)
    max_attempts: int = 6
    backoff: float = 2.0
    max_backoff: float = 300.0
    reply_window: timedelta = timedelta(days=1)
    """How long delivering an event's replies is retried."""
    keep_done: timedelta = timedelta(days=2)
    keep_failed: timedelta = timedelta(days=30)
    stop_grace: float = 8.0


Handle = Callable[[Event], Awaitable[list[Reply]]]
Deliver = Callable[[str, Reply], Awaitable[None]]
PRUNE_EVERY = timedelta(hours=1)


class Inbox:
    """Stores events (`store`) and drains them in a background task (`start`/`stop`).

    Each stored event goes through two steps, each committed before the next begins:
    1. handled: the engine answers it (or reachability is recorded); the replies are stored on
       the row (status ANSWERED);
    2. delivered: the replies are sent one by one; what is left after a failure stays on the
       row and is retried with capped backoff until the reply window closes, so a Zalo outage
       delays replies instead of losing them. A refusal that would come again (window, quota,
       policy, unfollowed) ends the row at once, its reason recorded for officers.

    A user's events are taken strictly in order (a later one waits while an earlier one is
    open), and rows are claimed with FOR UPDATE SKIP LOCKED plus a lease, so several processes
    can drain the same table; rows of a worker that died are taken over when the lease ends.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        handle: Handle,
        deliver: Deliver,
        config: Timings,
        clock: Callable[[], datetime] = utcnow,
        *,
        channel: str = "zalo",
    ) -> None:
        self.channel = channel
        self.sessions = sessions
        self.handle = handle
        self.deliver = deliver
        self.config = config
        self.clock = clock
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._in_hand: set[int] = set()
        self._pruned_at: datetime | None = None

    async def store(self, event: Event) -> bool:
        """Keep `event` (committed when this returns); False when it was stored before."""
        async with self.sessions() as session, session.begin():
            dialect = session.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            result = await session.exec(  # type: ignore[call-overload]
                insert(InboxEvent)
                .values(
                    channel=self.channel,
                    dedupe_key=event.dedupe_key,
                    user_key=event.user_key,
                    kind=event.name,
                    payload=event.payload,
                    status=NEW,
                    replies=[],
                    attempts=0,
                    next_attempt_at=self.clock(),
                    received_at=self.clock(),
                )
                .on_conflict_do_nothing()
            )
        self._wake.set()
        return bool(result.rowcount)

    async def start(self) -> None:
        """Start draining in the background."""
        self._stopping.clear()
        self._task = asyncio.create_task(self._loop(), name=f"{self.channel}-inbox")

    async def stop(self) -> None:
        """Finish the events in hand (within the grace time), then stop; unfinished ones stay."""
        self._stopping.set()
        self._wake.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), self.config.stop_grace)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            await self._release()
        self._task = None

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                handled = await self.run_once()
            except Exception:
                log.exception("%s: inbox round failed", self.channel)
                handled = 0
            if not handled:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.config.drain_poll)

    async def run_once(self) -> int:
        """Claim the events due now (one per user, oldest first), handle them; how many."""
        now = self.clock()
        await self._prune(now)
        earlier = aliased(InboxEvent)
        waiting = (
            select(earlier.id)
            .where(
                earlier.channel == InboxEvent.channel,
                earlier.user_key == InboxEvent.user_key,
                col(earlier.status).in_(OPEN),
                col(earlier.id) < col(InboxEvent.id),
            )
            .exists()
        )
        query = (
            select(InboxEvent.id)
            .where(
                InboxEvent.channel == self.channel,
                col(InboxEvent.status).in_(OPEN),
                InboxEvent.next_attempt_at <= now,
                or_(
                    col(InboxEvent.claimed_until).is_(None),
                    col(InboxEvent.claimed_until) < now,
                ),
                ~waiting,
            )
            .order_by(col(InboxEvent.id))
            .limit(self.config.drain_batch)
            .with_for_update(skip_locked=True)
        )
        async with self.sessions() as session, session.begin():
            ids = [i for i in (await session.exec(query)).all() if i is not None]
            if not ids:
                return 0
            await session.exec(  # type: ignore[call-overload]
                update(InboxEvent)
                .where(col(InboxEvent.id).in_(ids))
                .values(claimed_until=now + self.config.claim_for)
            )
        async with self.sessions() as session:
            rows = list(await session.exec(select(InboxEvent).where(col(InboxEvent.id).in_(ids))))
        self._in_hand.update(ids)
        try:
            await asyncio.gather(*(self._work(row) for row in rows))
        finally:
            self._in_hand.difference_update(ids)
        return len(rows)

    async def _work(self, row: InboxEvent) -> None:
        assert row.id is not None
        replies = [reply_from_dict(item) for item in row.replies]
        if row.status == NEW:
            event = Event(row.kind, row.user_key, row.dedupe_key, 0, dict(row.payload))
            try:
                replies = await self.handle(event)
            except Exception as exc:
                log.exception("%s: handling event %s failed", self.channel, row.id)
                await self._retry(row, replies=[], error=exc, status=NEW)
                return
            if not replies:
                await self._finish(row.id, DONE)
                return
            await self._save(row.id, ANSWERED, replies, keep=True)
        await self._send(row, replies)

    async def _send(self, row: InboxEvent, replies: list[Reply]) -> None:
        assert row.id is not None
        lease_ends = row.claimed_until or self.clock()
        for index, reply in enumerate(replies):
            if index and lease_ends - self.clock() < self.config.claim_for / 2:
                # A long delivery keeps its claim, or another worker would send it again.
                lease_ends = self.clock() + self.config.claim_for
                await self._save(
                    row.id, ANSWERED, replies[index:], keep=True, claimed_until=lease_ends
                )
            try:
                await self.deliver(row.user_key, reply)
            except (Blocked, Refused) as exc:
                reason = exc.reason if isinstance(exc, Refused) else errors.BLOCKED
                log.info("%s: reply to event %s not delivered (%s): %s",
                         self.channel, row.id, reason, exc)  # fmt: skip
                await self._finish(row.id, DONE, error=str(exc)[:300], reason=reason)
                return
            except RateLimited as exc:
                later = self.clock() + timedelta(seconds=exc.retry_after)
                await self._save(row.id, ANSWERED, replies[index:], next_attempt_at=later)
                return
            except Exception as exc:
                if not isinstance(exc, TransientError):
                    log.warning("%s: reply to event %s failed: %s", self.channel, row.id, exc)
                await self._retry(row, replies=replies[index:], error=exc, status=ANSWERED)
                return
        await self._finish(row.id, DONE)

    async def _retry(
        self, row: InboxEvent, *, replies: list[Reply], error: Exception, status: str
    ) -> None:
        assert row.id is not None
        attempts = row.attempts + 1
        message = (str(error) or type(error).__name__)[:300]
        wait = timedelta(
            seconds=min(self.config.max_backoff, self.config.backoff * 2 ** min(attempts - 1, 30))
        )
        # Handling is retried a few times (a bug will not go away); delivery until the reply
        # window closes (an outage will).
        deadline = row.received_at + self.config.reply_window
        if status == NEW and attempts >= self.config.max_attempts:
            log.error("%s: event %s given up after %d attempts: %s", self.channel, row.id, attempts,
                      message)  # fmt: skip
            await self._finish(row.id, FAILED, error=message, attempts=attempts)
            return
        if status != NEW and self.clock() + wait > deadline:
            log.error("%s: replies to event %s given up, the reply window closed: %s",
                      self.channel, row.id, message)  # fmt: skip
            await self._finish(
                row.id, FAILED, error=message, attempts=attempts, reason=errors.GAVE_UP
            )
            return
        await self._save(
            row.id, status, replies, next_attempt_at=self.clock() + wait, attempts=attempts,
            error=message,
        )  # fmt: skip

    async def _save(
        self,
        row_id: int,
        status: str,
        replies: Iterable[Reply],
        *,
        keep: bool = False,
        **values: Any,
    ) -> None:
        """Record the row's progress; the claim is released unless `keep` (work goes on)."""
        if not keep:
            values["claimed_until"] = None
        async with self.sessions() as session, session.begin():
            await session.exec(  # type: ignore[call-overload]
                update(InboxEvent)
                .where(col(InboxEvent.id) == row_id)
                .values(status=status, replies=[reply_to_dict(r) for r in replies], **values)
            )

    async def _finish(self, row_id: int, status: str, **values: Any) -> None:
        await self._save(row_id, status, [], finished_at=self.clock(), **values)

    async def _release(self) -> None:
        """Give back the rows this process held when it was stopped mid-way."""
        if not self._in_hand:
            return
        async with self.sessions() as session, session.begin():
            await session.exec(  # type: ignore[call-overload]
                update(InboxEvent)
                .where(col(InboxEvent.id).in_(self._in_hand), col(InboxEvent.status).in_(OPEN))
                .values(claimed_until=None)
            )
        self._in_hand.clear()

    async def _prune(self, now: datetime) -> None:
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        async with self.sessions() as session, session.begin():
            for status, keep in ((DONE, self.config.keep_done), (FAILED, self.config.keep_failed)):
                await session.exec(  # type: ignore[call-overload]
                    delete(InboxEvent).where(
                        col(InboxEvent.status) == status,
                        col(InboxEvent.finished_at) < now - keep,
                    )
                )
