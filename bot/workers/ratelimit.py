"""Rate limits for sending: a token bucket and sliding windows per channel, a gap per chat.

A platform counts its limit over windows ("no more than 30 messages in any one second"), and
it counts at its end, when a request arrives. The bucket spreads sends evenly; each sliding
window admits a send only while fewer than its `count` are in flight or were *answered* within
its `period`. A send is dated by its answer (which left the platform after the request
arrived there), so network or event-loop delay cannot squeeze `count + 1` arrivals into one
period; the cost is one round trip per period.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager, suppress


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


class SlidingWindow:
    """At most `count` sends in flight or answered within any `period` seconds."""

    def __init__(self, count: int, period: float = 1.0) -> None:
        if count < 1 or period <= 0:
            raise ValueError("a window needs a count of at least 1 and a positive period")
        self.count = count
        self.period = period
        self._answered: deque[float] = deque()
        self._in_flight = 0
        self._changed = asyncio.Condition()

    async def acquire(self) -> None:
        """Wait until this window admits one more send, and count it as in flight."""
        async with self._changed:
            while True:
                now = time.monotonic()
                while self._answered and self._answered[0] <= now - self.period:
                    self._answered.popleft()
                if self._in_flight + len(self._answered) < self.count:
                    self._in_flight += 1
                    return
                if self._answered:
                    wait = self._answered[0] + self.period - now
                    with suppress(TimeoutError):
                        await asyncio.wait_for(self._changed.wait(), max(wait, 0.0005))
                else:
                    await self._changed.wait()

    async def release(self) -> None:
        """The send was answered (or abandoned): date it now."""
        async with self._changed:
            self._in_flight -= 1
            self._answered.append(time.monotonic())
            self._changed.notify_all()


class ChannelLimiter:
    """The overall pace of one channel: a bucket at `rate`, the window `rate` per second plus any
    stricter `windows` (count, seconds), and a minimum gap between two sends to one chat."""

    def __init__(
        self,
        rate: float,
        per_chat_gap: float = 0.0,
        burst: float = 1.0,
        windows: Iterable[tuple[int, float]] = (),
    ) -> None:
        # The bucket spreads sends evenly (20 ms of sends at once at most, and two, so what
        # the event loop's late wake-ups lose is caught up); the windows keep every period
        # within the limit.
        self.bucket = TokenBucket(rate, max(burst, rate / 50, 2.0))
        limits = {(max(1, int(rate)), 1.0), *windows}
        self.windows = [SlidingWindow(count, period) for count, period in sorted(limits)]
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
            taken: list[SlidingWindow] = []
            # The bucket first: a send queued behind others must not hold a window's place,
            # or the window would count the queueing as well as the round trip.
            await self.bucket.acquire()
            try:
                for window in self.windows:
                    await window.acquire()
                    taken.append(window)
                yield
            finally:
                for window in taken:
                    await window.release()
                self._last[chat] = time.monotonic()
        if len(self._chat_locks) > 10_000:  # forget chats that are quiet now
            cutoff = time.monotonic() - max(self.per_chat_gap, 1.0)
            for key in [k for k, v in self._last.items() if v < cutoff]:
                if not self._chat_locks.get(key, asyncio.Lock()).locked():
                    self._chat_locks.pop(key, None)
                    self._last.pop(key, None)
