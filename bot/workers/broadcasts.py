"""Broadcasts in the background: scheduled ones start on time, officers see progress, then a report.

Every round: scheduled broadcasts whose time has come get their outbox rows (the delivery
worker sends them); each running broadcast's progress line is refreshed for its officer every
`progress_every` seconds (edited in place where the channel can edit, e.g. Telegram); when no
row is waiting any more the broadcast is done and the officer gets the final report through
the outbox. All state is in the database, so a restart picks up where the last process was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.channels.errors import ChannelError
from bot.channels.sender import Sender
from bot.workers.background import Repeating
from bot.workers.ratelimit import ChannelLimiter
from conversations.announcements import broadcasts as bc
from conversations.clock import utcnow
from conversations.messages import Reply
from conversations.models import User
from conversations.officers.roles import OfficerCredential
from conversations.outbox import enqueue
from conversations.services import Services

log = logging.getLogger(__name__)


@runtime_checkable
class Editor(Protocol):
    """A channel that can change the text of a message it sent."""

    async def edit(self, external_id: str, message_id: str, text: str) -> None:
        """Replace the text of message `message_id` in chat `external_id`."""
        ...


class BroadcastDispatcher(Repeating):
    """Starts due broadcasts, keeps their officers' progress lines current, finishes them."""

    name = "broadcasts"
    wait_always = True

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        services: Services,
        senders: Mapping[str, Sender],
        limiters: Mapping[str, ChannelLimiter],
        *,
        poll_seconds: float = 1.0,
        progress_every: timedelta = timedelta(seconds=3),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__()
        self.sessions = sessions
        self.services = services
        self.senders = senders
        self.limiters = limiters
        self.interval = poll_seconds
        self.progress_every = progress_every
        self.clock = clock

    async def run_once(self) -> int:
        """Start what is due, then refresh or finish every running broadcast."""
        started = await self.start_due()
        async with self.sessions() as session:
            ids = [b.id for b in await bc.running(session)]
        for broadcast_id in ids:
            if broadcast_id is not None:
                await self._follow(broadcast_id)
        return started

    async def start_due(self) -> int:
        """Write the outbox rows of every scheduled broadcast whose time has come."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            due = await bc.due(session, now)
            for broadcast in due:
                n = await bc.materialize(
                    session, broadcast, self.services.catalogs, self.services.knowledge, now
                )
                log.info("broadcast %s started: %d recipients", broadcast.id, n)
        return len(due)

    async def _follow(self, broadcast_id: int) -> None:
        now = self.clock()
        async with self.sessions() as session, session.begin():
            broadcast = await session.get(bc.Broadcast, broadcast_id, with_for_update=True)
            if broadcast is None or broadcast.status != bc.RUNNING:
                return
            numbers = await bc.stats(session, broadcast)
            creator = broadcast.created_by
            officer = await session.get(User, creator) if creator is not None else None
            if officer is not None and await session.get(OfficerCredential, officer.id):
                officer = None  # a dashboard account: the numbers are on its page, not in a chat
            if not numbers.waiting:
                broadcast.status = bc.DONE
                broadcast.finished_at = now
                if officer is not None:
                    t = self.services.catalogs.texts(officer.locale)
                    await enqueue(
                        session,
                        dedupe_key=f"{bc.series(broadcast_id)}:report",
                        user_id=officer.id,
                        kind="broadcast_report",
                        reply=Reply(bc.report_text(t, broadcast, numbers)),
                        not_before=now,
                        urgent=True,
                    )
                log.info("broadcast %s done: %s", broadcast_id, dict(numbers.by_status))
                return
            last = broadcast.progress_at
            if officer is None or (last is not None and now - last < self.progress_every):
                return
            broadcast.progress_at = now
            ref = broadcast.progress_ref
            t = self.services.catalogs.texts(officer.locale)
            text = bc.progress_text(t, broadcast, numbers)
        new_ref = await self._show(officer, ref, text)
        if new_ref and new_ref != ref:
            async with self.sessions() as session, session.begin():
                row = await session.get(bc.Broadcast, broadcast_id)
                if row is not None:
                    row.progress_ref = new_ref

    async def _show(self, officer: User, ref: str | None, text: str) -> str | None:
        """Edit the progress message in place, or send it once where editing is impossible."""
        sender = self.senders.get(officer.channel)
        if sender is None or not officer.reachable:
            return None
        editor: Editor | None = sender if isinstance(sender, Editor) else None
        if ref is not None and editor is None:
            return ref  # sent once already; the final report follows
        limiter = self.limiters.get(officer.channel)
        try:
            if limiter is None:
                return await self._put(sender, editor, officer.external_id, ref, text)
            async with limiter.slot(officer.external_id):
                return await self._put(sender, editor, officer.external_id, ref, text)
        except ChannelError as exc:
            log.info("progress line for %s not shown: %s", officer.external_id, exc)
            return ref

    async def _put(
        self, sender: Sender, editor: Editor | None, chat: str, ref: str | None, text: str
    ) -> str | None:
        if ref is not None and editor is not None:
            await editor.edit(chat, ref, text)
            return ref
        ids = await sender.send(chat, [Reply(text)])
        return ids[0] if ids else None


