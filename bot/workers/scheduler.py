"""The reminder scheduler: once per local day (on whichever worker gets there first), the day's
reminders are written to the outbox; days missed while the process was down are caught up."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.workers.background import Repeating
from conversations.clock import utcnow
from conversations.outbox import SchedulerRun
from conversations.reminders.enqueuing import enqueue_day
from conversations.services import Services

log = logging.getLogger(__name__)
JOB = "reminders"


class ReminderScheduler(Repeating):
    """Runs the day's reminder planning every minute; each day is planned exactly once."""

    name = "scheduler"
    wait_always = True

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        services: Services,
        *,
        every_seconds: float = 60.0,
        catch_up_days: int = 7,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__()
        self.sessions = sessions
        self.services = services
        self.catch_up_days = catch_up_days
        self.clock = clock
        self.interval = every_seconds

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
