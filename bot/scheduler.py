"""The reminder scheduler: once per local day (on whichever worker gets there first), the day's
reminders are written to the outbox; days missed while the process was down are caught up."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.routing import BaseRoute

from conversations.clock import utcnow
from conversations.outbox import SchedulerRun
from conversations.reminders import enqueue_day
from conversations.services import Services

log = logging.getLogger(__name__)
JOB = "reminders"


class ReminderScheduler:
    """Runs the day's reminder planning every minute; each day is planned exactly once."""

    name = "scheduler"

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        services: Services,
        *,
        every_seconds: float = 60.0,
        catch_up_days: int = 7,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.services = services
        self.every_seconds = every_seconds
        self.catch_up_days = catch_up_days
        self.clock = clock
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def routes(self) -> list[BaseRoute]:
        """The scheduler serves no HTTP route."""
        return []

    async def start(self) -> None:
        """Start ticking in the background."""
        self._stopping.clear()
        self._task = asyncio.create_task(self._loop(), name="scheduler")

    async def stop(self) -> None:
        """Stop after the current tick."""
        self._stopping.set()
        if self._task is not None:
            await self._task

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.run_once()
            except Exception:
                log.exception("scheduler tick failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.every_seconds)

    async def run_once(self) -> int:
        """Plan every local day not planned yet (up to `catch_up_days` back); rows added."""
        today = self.clock().astimezone(self.services.timezone).date()
        async with self.sessions() as session:
            last = (
                await session.exec(
                    select(func.max(SchedulerRun.day)).where(SchedulerRun.job == JOB)
                )
            ).one()
        first = (
            today
            if last is None
            else max(last + timedelta(days=1), today - timedelta(days=self.catch_up_days))
        )
        added = 0
        day = first
        while day <= today:
            async with self.sessions() as session, session.begin():
                insert = (
                    postgresql.insert
                    if session.get_bind().dialect.name == "postgresql"
                    else sqlite.insert
                )
                claimed = await session.exec(  # type: ignore[call-overload]
                    insert(SchedulerRun)
                    .values(job=JOB, day=day, ran_at=self.clock())
                    .on_conflict_do_nothing()
                )
                if claimed.rowcount:
                    count = await enqueue_day(session, self.services, day)
                    added += count
                    log.info("reminders for %s: %d queued", day, count)
            day += timedelta(days=1)
        return added
