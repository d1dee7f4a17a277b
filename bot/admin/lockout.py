"""Login rate limiting: failed attempts counted per officer name and per client address.

Counters live in the database (`admin_login_failures`), so every web worker sees the same
count and a restart does not reset a lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.admin_models import LoginFailure
from knowledge.folding import fold


@dataclass(frozen=True, slots=True)
class LoginLimits:
    """How many failures lock a name or an address, counted over `window`, for `lock`."""

    per_name: int = 5
    per_address: int = 20
    """Higher: several officers of one office may share an address."""
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)


def keys(name: str, address: str) -> tuple[str, str]:
    """The two counters a login attempt touches."""
    return f"name:{fold(name)[:120]}", f"ip:{address[:120]}"




async def locked_until(
    session: AsyncSession, counters: tuple[str, ...], now: datetime
) -> datetime | None:
    """The end of the longest lock on any of `counters`, or None when logins are allowed."""
    query = select(LoginFailure).where(col(LoginFailure.key).in_(counters))
    ends = [
        row.locked_until
        for row in await session.exec(query)
        if row.locked_until is not None and row.locked_until > now
    ]
    return max(ends, default=None)


async def record_failure(
    session: AsyncSession, name: str, address: str, limits: LoginLimits, now: datetime
) -> datetime | None:
    """Count one failed attempt; the end of the lock it caused, if it caused one."""
    name_key, address_key = keys(name, address)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    lock_end: datetime | None = None
    for key, limit in ((name_key, limits.per_name), (address_key, limits.per_address)):
        await session.exec(  # type: ignore[call-overload]
            insert(LoginFailure)
            .values(key=key, failures=0, window_start=now)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        query = select(LoginFailure).where(LoginFailure.key == key).with_for_update()
        row = (await session.exec(query)).one()
        if now - row.window_start > limits.window:
            row.failures, row.window_start = 0, now
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = now + limits.lock
            row.failures, row.window_start = 0, now
            lock_end = max(lock_end or now, row.locked_until)
        session.add(row)
    return lock_end


async def clear(session: AsyncSession, name: str) -> None:
    """Forget the failures of an officer name after a successful login."""
    name_key, _ = keys(name, "")
    await session.exec(delete(LoginFailure).where(col(LoginFailure.key) == name_key))  # type: ignore[call-overload]
