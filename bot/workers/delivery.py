"""The delivery worker: claims due outbox rows, sends them through their channel, records results.

At-least-once: a row is marked `sending` in one transaction and its result written in another,
so after a crash only rows that were in flight can be sent again (they are reclaimed after
`stuck_after`). On PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED, so several workers
can run side by side.

Retries: a failure that may pass (an outage, an unknown error) is retried with backoff capped
at `max_backoff`, for at least `retry_for` (24 h), or until the channel's reply window closes;
a refusal that would come again (the window, the quota, a policy; `Refused`) or a user who
blocked the bot is final at once. Every final row that was not sent records its `reason`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.channels import errors
from bot.channels.errors import Blocked, RateLimited, Refused, TransientError
from bot.channels.sender import Sender
from bot.workers.background import Repeating
from bot.workers.ratelimit import ChannelLimiter
from conversations import outbox as ob
from conversations.clock import QuietHours, utcnow
from conversations.messages import Reply
from conversations.models import User
from conversations.outbox import OutboxMessage

log = logging.getLogger(__name__)

ANNOUNCEMENT = "announcement"


@runtime_checkable
class Announcer(Protocol):
    """A channel that sends announcements as a message type of their own (Zalo: promotion),
    never within its `night` hours (local time in `night_zone`)."""

    night: QuietHours
    night_zone: ZoneInfo

    async def announce(self, external_id: str, reply: Reply) -> list[str]:
        """Send one announcement; the channel's message ids."""
        ...


def night_ends(night: QuietHours, now: datetime, zone: ZoneInfo) -> datetime:
    """The first moment after `now` outside `night` (now is inside it)."""
    local = now.astimezone(zone)
    end = datetime.combine(local.date(), night.end, tzinfo=zone)
    if end <= local:
        end += timedelta(days=1)
    return end.astimezone(now.tzinfo)

Result = tuple[OutboxMessage, "User | None", str, dict[str, object]]
"""A row, its user, the status it ends with and the fields to write."""

__all__ = ["DeliveryWorker", "QuietHours"]


class DeliveryWorker(Repeating):
    """Sends what the outbox holds, within each channel's rate limits and the quiet hours."""

    name = "delivery"

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        senders: Mapping[str, Sender],
        limiters: Mapping[str, ChannelLimiter],
        zone: ZoneInfo,
        *,
        quiet: QuietHours | None = None,
        batch: int = 100,
        poll_seconds: float = 1.0,
        stuck_after: timedelta = timedelta(minutes=5),
        retry_for: timedelta = timedelta(hours=24),
        backoff: float = 5.0,
        max_backoff: float = 900.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__()
        self.sessions = sessions
        self.senders = senders
        self.windows = {name: sender.reply_window for name, sender in senders.items()}
        self.limiters = limiters
        self.zone = zone
        self.quiet = quiet or QuietHours()
        self.batch = batch
        self.stuck_after = stuck_after
        self.retry_for = retry_for
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.clock = clock
        self.interval = poll_seconds
        self._in_flight = 0
        self._holding: set[int | None] = set()
        """Ids of rows this worker claimed whose result is not written yet."""
        self._progress = asyncio.Event()

    async def run_once(self) -> int:
        """Claim due rows and send them, claiming the next rows while the last ones are still
        going out, until nothing is due; return how many were handled.

        Results are written by one recorder task, many rows a transaction, so the database
        keeps up with the channel's rate; until then the rows stay `sending`.
        """
        results: asyncio.Queue[Result | None] = asyncio.Queue()
        recorder = asyncio.create_task(self._recorder(results))
        tasks: set[asyncio.Task[None]] = set()
        handled = 0
        try:
            while not self._stopping.is_set():
                rows = await self._claim()
                if not rows:
                    break
                handled += len(rows)
                self._in_flight += len(rows)
                for items in _by_chat(rows).values():
                    task = asyncio.create_task(self._send_chat(items, results))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                while self._in_flight > self.batch // 2:
                    self._progress.clear()
                    await self._progress.wait()
            if tasks:
                await asyncio.gather(*tasks)
        finally:
            await results.put(None)
            await recorder
        return handled

    async def _claim(self) -> list[tuple[OutboxMessage, User | None]]:
        """Reclaim stuck rows, mark up to `batch` due rows `sending`, and load them."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            stuck = update(OutboxMessage).where(
                col(OutboxMessage.status) == ob.SENDING,
                col(OutboxMessage.claimed_at) < now - self.stuck_after,
            )
            if self._holding:  # rows this worker claimed and is still sending are not stuck
                stuck = stuck.where(col(OutboxMessage.id).not_in(list(self._holding)))
            await session.exec(stuck.values(status=ob.PENDING))  # type: ignore[call-overload]
            query = (
                select(OutboxMessage.id)
                .where(OutboxMessage.status == ob.PENDING, OutboxMessage.next_attempt_at <= now)
                .order_by(col(OutboxMessage.id))
                .limit(self.batch)
                .with_for_update(skip_locked=True)
            )
            if self.quiet.contains(now, self.zone):
                query = query.where(col(OutboxMessage.urgent).is_(True))
            ids = list((await session.exec(query)).all())
            if not ids:
                return []
            await session.exec(  # type: ignore[call-overload]
                update(OutboxMessage)
                .where(col(OutboxMessage.id).in_(ids))
                .values(status=ob.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
            )
        self._holding.update(ids)
        async with self.sessions() as session:
            return list(
                await session.exec(
                    select(OutboxMessage, User)
                    .outerjoin(User, User.id == OutboxMessage.user_id)  # type: ignore[arg-type]
                    .where(col(OutboxMessage.id).in_(ids))
                    .order_by(col(OutboxMessage.id))
                )
            )

    async def _send_chat(
        self, items: list[tuple[OutboxMessage, User | None]], results: asyncio.Queue[Result | None]
    ) -> None:
        for row, user in items:
            try:
                status, fields = await self._deliver(row, user)
                await results.put((row, user, status, fields))
            finally:
                self._in_flight -= 1
                self._progress.set()

    async def _recorder(self, results: asyncio.Queue[Result | None]) -> None:
        """Write results as they come, all that are waiting in one transaction."""
        done = False
        while not done:
            first = await results.get()
            if first is None:
                return
            batch = [first]
            while not results.empty():
                item = results.get_nowait()
                if item is None:
                    done = True
                    break
                batch.append(item)
            try:
                await self._record(batch)
            except Exception:
                # The rows stay `sending` and are sent again after `stuck_after`.
                log.exception("recording %d delivery results failed", len(batch))
            finally:
                self._holding.difference_update(row.id for row, *_ in batch)

    async def _deliver(
        self, row: OutboxMessage, user: User | None
    ) -> tuple[str, dict[str, object]]:
        now = self.clock()
        reason = ob.undeliverable(user, self.windows, now)
        if reason is not None or user is None:
            status = reason or ob.NO_CHANNEL
            return status, {"error": ob.ERRORS[status], "reason": ob.REASONS[status]}
        sender = self.senders[user.channel]
        reply = ob.reply_of(row)
        limiter = self.limiters.get(user.channel)
        announcer = sender if row.kind == ANNOUNCEMENT and isinstance(sender, Announcer) else None
        if announcer is not None and announcer.night.contains(now, announcer.night_zone):
            later = night_ends(announcer.night, now, announcer.night_zone)
            return ob.PENDING, {"next_attempt_at": later, "attempts": max(0, row.attempts - 1)}

        async def send() -> list[str]:
            if announcer is not None:
                return await announcer.announce(user.external_id, reply)
            return await sender.send(user.external_id, [reply])

        try:
            if limiter is None:
                ids = await send()
            else:
                async with limiter.slot(user.external_id):
                    ids = await send()
        except Blocked:
            return ob.BLOCKED, {"error": ob.ERRORS[ob.BLOCKED], "reason": errors.BLOCKED}
        except Refused as exc:
            status = ob.WINDOW_CLOSED if exc.reason == errors.WINDOW else ob.FAILED
            return status, {"error": str(exc)[:300] or exc.reason, "reason": exc.reason}
        except RateLimited as exc:
            if limiter is not None:
                limiter.bucket.pause(exc.retry_after)
            return ob.PENDING, {
                "next_attempt_at": now + timedelta(seconds=exc.retry_after),
                "attempts": max(0, row.attempts - 1),
                "error": "rate limited",
            }
        except Exception as exc:  # any other failure is retried with backoff, then failed
            if not isinstance(exc, TransientError):
                log.exception("sending outbox row %s failed", row.id)
            message = str(exc)[:300] or type(exc).__name__
            if self.retried_for(row.attempts) >= self.retry_for:
                return ob.FAILED, {"error": message, "reason": errors.GAVE_UP}
            backoff = timedelta(seconds=self.wait(row.attempts))
            return ob.PENDING, {"next_attempt_at": now + backoff, "error": message}
        return ob.SENT, {
            "sent_at": now,
            "channel_message_id": (ids[0] if ids else None),
            "error": None,
        }

    def wait(self, attempts: int) -> float:
        """Seconds before the next try after `attempts` failed ones: doubling, capped."""
        return min(self.max_backoff, self.backoff * 2 ** min(attempts, 30))

    def retried_for(self, attempts: int) -> timedelta:
        """How long a row that failed `attempts` times has been retried (the waits between)."""
        capped_from = next(
            (n for n in range(attempts) if self.wait(n) >= self.max_backoff), attempts
        )
        seconds = sum(self.wait(n) for n in range(capped_from))
        return timedelta(seconds=seconds + (attempts - capped_from) * self.max_backoff)

    async def _record(self, batch: list[Result]) -> None:
        async with self.sessions() as session, session.begin():
            for row, user, status, fields in batch:
                await session.exec(  # type: ignore[call-overload]
                    update(OutboxMessage)
                    .where(col(OutboxMessage.id) == row.id, col(OutboxMessage.status) == ob.SENDING)
                    .values(status=status, channel=user.channel if user else None, **fields)
                )
                if status == ob.BLOCKED and user is not None and user.reachable:
                    await session.exec(  # type: ignore[call-overload]
                        update(User).where(col(User.id) == user.id).values(reachable=False)
                    )


def _by_chat(
    rows: list[tuple[OutboxMessage, User | None]],
) -> dict[str, list[tuple[OutboxMessage, User | None]]]:
    """Rows grouped per chat, in id order: one chat's messages go out one after another."""
    by_chat: dict[str, list[tuple[OutboxMessage, User | None]]] = {}
    for row, user in rows:
        key = f"{user.channel}:{user.external_id}" if user else f"none:{row.id}"
        by_chat.setdefault(key, []).append((row, user))
    return by_chat
