"""Stopping while updates are in hand: what Telegram has forgotten was processed, none lost."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from conversations.engine import Engine
from conversations.messages import Incoming, Reply
from testbed import telegram_updates as updates
from testbed.telegram_api import FakeBotApi
from tests.bot.telegram.conftest import Harness

USERS = (701, 702, 703)
PER_USER = 10


class SlowEngine:
    """The real engine, slowed down so that a stop lands in the middle of a batch.

    Closing the gate holds new updates before their transaction begins: an in-process test
    cannot kill a transaction the way a crash does (the subprocess test does that).
    """

    def __init__(self, engine: Engine, delay: float) -> None:
        self.engine = engine
        self.delay = delay
        self.gate = asyncio.Event()
        self.gate.set()
        self.inside = 0
        self.idle = asyncio.Event()
        self.idle.set()

    async def handle(self, incoming: Incoming) -> list[Reply]:
        await asyncio.sleep(self.delay)
        await self.gate.wait()
        self.inside += 1
        self.idle.clear()
        try:
            return await self.engine.handle(incoming)
        finally:
            self.inside -= 1
            if not self.inside:
                self.idle.set()

    async def delivered(self, incoming: Incoming) -> None:
        await self.engine.delivered(incoming)


def script() -> list[dict[str, object]]:
    return [updates.text(uid, f"{uid}-{k}") for k in range(PER_USER) for uid in USERS]


def echoes(api: FakeBotApi) -> Counter[str]:
    return Counter(s.text.removeprefix("echo: ") for s in api.sent)


async def stop_mid_batch(telegram: Harness, api: FakeBotApi, *, grace: float) -> None:
    """Start a slow channel on a full queue, stop it after a few replies, check the offsets."""
    ids = await api.push(*script())
    channel = await telegram.start(stop_grace=grace)
    slow = SlowEngine(channel.engine, 0.2)
    channel.engine = slow  # type: ignore[assignment]
    await api.wait_until(lambda: len(api.sent) >= 4)
    if grace == 0:
        slow.gate.clear()
        await slow.idle.wait()
    began = time.monotonic()
    await channel.stop()
    assert time.monotonic() - began < 5.0
    processed = await telegram.processed()
    assert processed < set(ids)  # the stop really cut the batch short
    assert {i for i in ids if i < api.confirmed_below} <= processed


async def restart_and_finish(
    telegram: Harness, api: FakeBotApi, *, cut: bool = False
) -> Counter[str]:
    """A new process handles the rest; every update is processed once and only once.

    `cut`: the stop cancelled replies being sent. Such a reply comes again (the turn was
    committed, its sending not recorded), so one that had reached Telegram shows twice: at most
    one per user, whose updates go one at a time.
    """
    ids = {u["update_id"] for u in api.pending}
    wanted = {f"{uid}-{k}" for uid in USERS for k in range(PER_USER)}
    await telegram.start()
    await api.wait_until(lambda: api.confirmed_below > max(ids))
    assert await telegram.processed() >= ids
    sent = echoes(api)
    assert set(sent) <= wanted
    if not cut:
        assert max(sent.values()) == 1  # no reply twice
    else:
        assert set(sent) == wanted  # none lost
        assert sum(n - 1 for n in sent.values()) <= len(USERS), sent
    return sent


async def test_graceful_stop_loses_no_update_and_repeats_none(
    telegram: Harness, api: FakeBotApi
) -> None:
    await stop_mid_batch(telegram, api, grace=5.0)
    sent = await restart_and_finish(telegram, api)
    assert len(sent) == len(USERS) * PER_USER  # a graceful stop replies to all it processed


async def test_abandoned_batch_comes_again_and_is_processed_once(
    telegram: Harness, api: FakeBotApi
) -> None:
    await stop_mid_batch(telegram, api, grace=0.0)  # work in hand is cancelled, not finished
    await restart_and_finish(telegram, api, cut=True)
