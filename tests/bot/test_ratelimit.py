"""The sending rate limiter never lets more through than the rate allows (plus its small burst)."""

from __future__ import annotations

import asyncio
import time

from bot.ratelimit import ChannelLimiter


async def test_the_channel_rate_is_never_exceeded() -> None:
    limiter = ChannelLimiter(200.0)
    capacity = limiter.bucket.capacity
    assert 1 <= capacity <= 200 / 50  # at most 20 ms of sends at once
    stamps: list[float] = []

    async def one(chat: int) -> None:
        async with limiter.slot(str(chat)):
            stamps.append(time.monotonic())

    began = time.monotonic()
    await asyncio.gather(*(one(i) for i in range(100)))
    # 100 sends at 200/s: the first `capacity` at once, the rest one every 5 ms.
    assert stamps[-1] - began >= (100 - capacity) / 200 - 0.005
    for i in range(len(stamps)):
        window = [s for s in stamps[i:] if s - stamps[i] < 0.1]
        assert len(window) <= 20 + capacity  # no 100 ms holds more than the rate allows


async def test_one_chat_waits_its_gap() -> None:
    limiter = ChannelLimiter(1000.0, per_chat_gap=0.2)
    stamps: list[float] = []

    async def one() -> None:
        async with limiter.slot("same"):
            stamps.append(time.monotonic())

    await asyncio.gather(one(), one(), one())
    assert stamps[1] - stamps[0] >= 0.19 and stamps[2] - stamps[1] >= 0.19
