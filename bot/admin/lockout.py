"""Login rate limiting: attempts counted per (name, address) pair, per address and per name.

An attempt is counted *before* its password is checked (`reserve`), in row-locked counters,
so parallel guesses cannot slip past the limit; a right password gives the attempt back.
Counters live in the database (`admin_login_failures`), so every web worker sees the same
count and a restart does not reset a lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.officers.tables import LoginFailure
from knowledge.folding import fold


@dataclass(frozen=True, slots=True)
class LoginLimits:
    """How many failures lock a (name, address) pair, an address, or a name, over `window`."""

    per_name: int = 5
    """Failures of one name from one address (the pair) before that pair is locked."""
    per_address: int = 20
    """Higher: several officers of one office may share an address."""
    addresses_per_name: int = 5
    """Pairs of one name locked in a window before the name itself is locked everywhere: a
    stranger at one address can never lock an officer out, only a spread-out attack can."""
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Keys:
    """The counters one login attempt touches."""

    pair: str
    address: str
    name: str


def keys(name: str, address: str) -> Keys:
    """The counters of a login attempt by `name` from `address`."""
    folded = fold(name)[:80]
    return Keys(f"pair:{folded}|{address[:60]}", f"ip:{address[:120]}", f"name:{folded[:120]}")


def _insert(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def _counter(
    session: AsyncSession, key: str, now: datetime, window: timedelta
) -> LoginFailure:
    """The row of `key`, created if needed and locked for this transaction, its window current."""
    await session.exec(  # type: ignore[call-overload]
        _insert(session)(LoginFailure)
        .values(key=key, failures=0, window_start=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    query = (
        select(LoginFailure)
        .where(LoginFailure.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    row = (await session.exec(query)).one()
    if now - row.window_start > window:
        row.failures, row.window_start = 0, now
    return row


async def reserve(
    session: AsyncSession, name: str, address: str, limits: LoginLimits, now: datetime
) -> datetime | None:
    """Count this attempt *before* its password is checked; a lock end when it may not go on.

    The counters are row-locked, so parallel attempts queue here: once a pair, an address or
    a name has used its attempts, every further one is refused without checking a password.
    """
    k = keys(name, address)
    for key in (k.name, k.address, k.pair):
        row = await session.get(LoginFailure, key)
        if row is not None and row.locked_until is not None and row.locked_until > now:
            return row.locked_until
    counted = [
        (await _counter(session, key, now, limits.window), limit)
        for key, limit in ((k.address, limits.per_address), (k.pair, limits.per_name))
    ]
    for row, limit in counted:
        # Read again under the row lock: a failure that locked the pair while this attempt
        # waited for it has reset `failures` and left only `locked_until` to refuse it.
        if row.locked_until is not None and row.locked_until > now:
            return row.locked_until
        if row.failures >= limit:
            return now + limits.lock
    for row, _ in counted:
        row.failures += 1
        session.add(row)
    return None


async def record_failure(
    session: AsyncSession, name: str, address: str, limits: LoginLimits, now: datetime
) -> datetime | None:
    """After a wrong password (already counted by `reserve`): the end of the lock it caused."""
    k = keys(name, address)
    lock_end: datetime | None = None
    for key, limit in ((k.address, limits.per_address), (k.pair, limits.per_name)):
        row = await _counter(session, key, now, limits.window)
        if row.failures >= limit:
            row.locked_until = now + limits.lock
            row.failures, row.window_start = 0, now
            lock_end = row.locked_until
            session.add(row)
            if key == k.pair:
                named = await _counter(session, k.name, now, limits.window)
                named.failures += 1
                if named.failures >= limits.addresses_per_name:
                    named.locked_until = now + limits.lock
                    named.failures, named.window_start = 0, now
                session.add(named)
    return lock_end


async def release(session: AsyncSession, name: str, address: str) -> None:
    """After a successful login: forget the pair's failures, give the address its try back."""
    k = keys(name, address)
    await session.exec(delete(LoginFailure).where(col(LoginFailure.key) == k.pair))  # type: ignore[call-overload]
    row = await session.get(LoginFailure, k.address, with_for_update=True)
    if row is not None and row.failures > 0:
        row.failures -= 1
        session.add(row)


async def refund(session: AsyncSession, name: str, address: str) -> None:
    """Give back an attempt `reserve` counted but whose password was never checked."""
    k = keys(name, address)
    for key in (k.address, k.pair):
        row = await session.get(LoginFailure, key, with_for_update=True)
        if row is not None and row.failures > 0:
            row.failures -= 1
            session.add(row)


class KnownLocks:
    """Locks this process has already seen, so refusing a locked pair costs no database work
    (a flood of guesses for a locked name stays cheap). The database remains the authority."""

    def __init__(self, max_keys: int = 10_000) -> None:
        self._until: dict[str, datetime] = {}
        self._max_keys = max_keys

    def locked(self, k: Keys, now: datetime) -> bool:
        """True when the pair, the address or the name is known to be locked at `now`."""
        return any(self._until.get(key, now) > now for key in (k.pair, k.address, k.name))

    def remember(self, k: Keys, until: datetime) -> None:
        """The attempt by `k` was refused until `until` (kept for its pair only)."""
        if len(self._until) >= self._max_keys:
            self._until.clear()
        self._until[k.pair] = until
