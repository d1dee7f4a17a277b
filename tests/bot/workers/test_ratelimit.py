"""The sending rate limiter never lets more through than the rate allows (plus its small burst)."""

from __future__ import annotations

import asyncio
import time

from bot.workers.ratelimit import ChannelLimiter


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


async def test_no_sliding_second_holds_more_than_the_rate_even_with_delays() -> None:
    """Sends dated by their answers: a slow round trip cannot crowd one second at the far end."""
    limiter = ChannelLimiter(30.0, windows=[(30, 1.0)])
    arrivals: list[float] = []

    async def one(chat: int) -> None:
        async with limiter.slot(str(chat)):
            await asyncio.sleep(0.03 if chat % 7 == 0 else 0.0)  # some requests travel slowly
            arrivals.append(time.monotonic())  # the request reaches the platform
            await asyncio.sleep(0.002)  # the answer comes back

    began = time.monotonic()
    await asyncio.gather(*(one(i) for i in range(90)))
    arrivals.sort()
    for i in range(len(arrivals) - 30):
        assert arrivals[i + 30] - arrivals[i] >= 1.0  # the 31st is always a full second later
    assert time.monotonic() - began < 90 / 30 * 1.1  # and pacing stays close to the rate


async def test_the_strictest_of_several_windows_paces() -> None:
    limiter = ChannelLimiter(1000.0, windows=[(5, 0.5)])
    stamps: list[float] = []

    async def one(chat: int) -> None:
        async with limiter.slot(str(chat)):
            stamps.append(time.monotonic())

    await asyncio.gather(*(one(i) for i in range(11)))
    assert stamps[5] - stamps[0] >= 0.5 and stamps[10] - stamps[5] >= 0.5
