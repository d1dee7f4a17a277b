"""`ocop-bot run` as a real process in polling mode, stopped or killed in the middle of a queue."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from testbed import telegram_updates as updates
from testbed.telegram_api import FakeBotApi
from tests.bot.telegram.conftest import Harness

USERS = range(901, 921)
CLEAN = (0, -signal.SIGTERM)
"""uvicorn shuts down gracefully, then re-raises the SIGTERM it caught."""
PER_USER = 10


def script(users: range) -> list[dict[str, object]]:
    """`PER_USER` "/start" from each user, interleaved; each is answered with one menu."""
    return [updates.text(uid, "/start") for _ in range(PER_USER) for uid in users]


def answers(api: FakeBotApi) -> Counter[int]:
    """How many messages each user received."""
    return Counter(s.chat_id for s in api.sent)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def run_until(
    api: FakeBotApi, url: str, folder: Path, until: Callable[[], bool], sig: int = signal.SIGTERM
) -> tuple[int, float, str]:
    """Start `ocop-bot run`, signal it once `until()` holds; (exit code, seconds, log)."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.url,
        "TELEGRAM_WEBHOOK_URL": "",
        "OCOP_HOST": "127.0.0.1",
        "OCOP_PORT": str(free_port()),
        "OCOP_SECRET_KEY": "test-secret-key",
        "PTB_TIMEDELTA": "true",
        "LOG_LEVEL": "DEBUG",  # even so, the token must not be logged
    }
    log = folder / f"run-{time.monotonic_ns()}.log"
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", env=env, cwd=folder, stdout=out, stderr=out
        )
        try:
            await api.wait_until(until, within=60)
        finally:
            began = time.monotonic()
            process.send_signal(sig)
            async with asyncio.timeout(30):
                code = await process.wait()
    return code, time.monotonic() - began, log.read_text(errors="replace")


async def test_sigterm_loses_no_acknowledged_update_and_repeats_none(
    telegram: Harness, api: FakeBotApi, tmp_path: Path
) -> None:
    ids = await api.push(*script(USERS))
    url = telegram.database.url

    code, seconds, first = await run_until(api, url, tmp_path, lambda: len(api.sent) >= 5)
    assert code in CLEAN, first
    assert "Application shutdown complete" in first
    assert seconds < 10, first
    processed = await telegram.processed()
    assert {i for i in ids if i < api.confirmed_below} <= processed, first

    code, seconds, log = await run_until(api, url, tmp_path, lambda: len(api.sent) == len(ids))
    assert code in CLEAN, log
    assert await telegram.processed() == set(ids)
    assert answers(api) == dict.fromkeys(USERS, PER_USER)  # one answer each, none twice
    assert api.token.split(":")[1] not in first + log
    assert "serving @ocop_test_bot by long polling" in log


async def test_killed_process_loses_no_reply(
    telegram: Harness, api: FakeBotApi, tmp_path: Path
) -> None:
    ids = await api.push(*script(USERS))
    url = telegram.database.url

    def replying() -> bool:
        return len(api.sent) >= 5

    code, _, first = await run_until(api, url, tmp_path, replying, sig=signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert {i for i in ids if i < api.confirmed_below} <= await telegram.processed(), first
    assert api.confirmed_below <= max(ids)  # the kill really left work unconfirmed

    await run_until(api, url, tmp_path, lambda: api.confirmed_below > max(ids))
    assert await telegram.processed() == set(ids)
    # None lost: a turn committed before its reply left is answered when the update comes
    # again. A reply sent just before the kill, not yet recorded as sent, may come twice.
    assert set(answers(api)) == set(USERS)
    assert set(answers(api).values()) <= {PER_USER, PER_USER + 1}, answers(api)
