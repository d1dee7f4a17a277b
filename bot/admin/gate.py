"""A bound on concurrent password checks: a few at a time, a short queue, refusal beyond it.

argon2 takes most of a second of one core by design; without a bound, a hundred parallel
logins would take every core and thread and starve the chat for everyone.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Busy(Exception):
    """Too many password checks are running or waiting; try again in a moment."""


class Gate:
    """At most `running` holders at once and `waiting` in line; a wait longer than `timeout`
    seconds gives up with `Busy`."""

    def __init__(self, running: int = 1, waiting: int = 8, timeout: float = 5.0) -> None:
        self._slots = asyncio.Semaphore(running)
        self._waiting = waiting
        self._timeout = timeout
        self._queued = 0

    @property
    def full(self) -> bool:
        """True when a new arrival would be refused at once."""
        return self._slots.locked() and self._queued >= self._waiting

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one slot for the block; raises `Busy` when the line is full or too slow."""
        if self.full:
            raise Busy
        self._queued += 1
        try:
            async with asyncio.timeout(self._timeout):
                await self._slots.acquire()
        except TimeoutError:
            raise Busy from None
        finally:
            self._queued -= 1
        try:
            yield
        finally:
            self._slots.release()
