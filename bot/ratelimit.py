"""Rate limits for sending: a token bucket per channel and a minimum gap per chat."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class TokenBucket:
    """At most `rate` acquisitions per second on average, with bursts up to `burst`."""

    def __init__(self, rate: float, burst: float | None = None) -> None:
        self.rate = rate
        self.capacity = burst if burst is not None else max(1.0, rate)
        self._tokens = self.capacity
        self._stamp = time.monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until a token is free and take it."""
        async with self._lock:
            while True:
                now = time.monotonic()
                self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) / self.rate)

    def pause(self, seconds: float) -> None:
        """Take every token for `seconds` (after the channel said "slow down")."""
        self._tokens = -seconds * self.rate


class ChannelLimiter:
    """The overall bucket of one channel plus a minimum gap between two sends to one chat."""

    def __init__(self, rate: float, per_chat_gap: float = 0.0, burst: float = 1.0) -> None:
        # A small burst spreads sends evenly (channels count their limits over short windows)
        # yet keeps 20 ms of slack, so the event loop waking a little late loses no sends.
        self.bucket = TokenBucket(rate, max(burst, rate / 50))
        self.per_chat_gap = per_chat_gap
        self._last: dict[str, float] = {}
        self._chat_locks: dict[str, asyncio.Lock] = {}

    @asynccontextmanager
    async def slot(self, chat: str) -> AsyncIterator[None]:
        """Hold the right to send one message to `chat` now."""
        lock = self._chat_locks.setdefault(chat, asyncio.Lock())
        async with lock:
            gap = self.per_chat_gap - (time.monotonic() - self._last.get(chat, -1e9))
            if gap > 0:
                await asyncio.sleep(gap)
            await self.bucket.acquire()
            try:
                yield
            finally:
                self._last[chat] = time.monotonic()
        if len(self._chat_locks) > 10_000:  # forget chats that are quiet now
            cutoff = time.monotonic() - max(self.per_chat_gap, 1.0)
            for key in [k for k, v in self._last.items() if v < cutoff]:
                if not self._chat_locks.get(key, asyncio.Lock()).locked():
                    self._chat_locks.pop(key, None)
                    self._last.pop(key, None)
