"""Telegram end to end: updates per second from a fake Bot API through `ocop-bot run` and back.

Usage: python bench/telegram_e2e.py [--users 50] [--messages 20] [--runs 5] [--pg URL] [--write]
The bot runs as its own process (`python -m bot.cli run`, real PTB 22.8, real engine); this
process plays Telegram with the fake Bot API from the tests. Polling: the updates are queued in
the fake server and the bot long-polls them. Webhook: they are posted to the bot's `/telegram`,
40 at a time (Telegram's default `max_connections`). A run is timed from the first update
offered to the last reply recorded; every update is "/start", answered with the main menu.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import signal
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from bench.report import free_port, machine, median, today, write_section
from testbed import telegram_updates as updates
from testbed.telegram_api import FakeBotApi

SECRET = "bench-secret"
WEBHOOK_CONNECTIONS = 40
_runs = itertools.count(1)

Mode = Callable[[FakeBotApi, str, list[dict[str, object]]], Awaitable[float]]


async def _run(mode: Mode, url: str, users: int, messages: int, webhook: bool) -> float:
    """Start the bot process, offer the updates, stop it; updates per second."""
    run = next(_runs)
    async with FakeBotApi(first_update_id=run * 1_000_000) as api:
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.url,
            "TELEGRAM_WEBHOOK_URL": "https://bench.example.org/telegram" if webhook else "",
            "TELEGRAM_WEBHOOK_SECRET": SECRET if webhook else "",
            "OCOP_PORT": str(port),
            "OCOP_SECRET_KEY": "bench-secret-key-bench-secret-key-0123",
            "LOG_LEVEL": "WARNING",
        }
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", env=env, stdout=asyncio.subprocess.DEVNULL
        )
        try:

            def ready() -> bool:  # webhook registered, or the first long poll under way
                return bool(api.webhook) if webhook else bool(api.calls_of("getUpdates"))

            await api.wait_until(ready, within=120)
            base = run * 100_000
            bodies = [
                updates.text(base + u, "/start") for _ in range(messages) for u in range(users)
            ]
            return len(bodies) / await mode(api, f"http://127.0.0.1:{port}", bodies)
        finally:
            bot.send_signal(signal.SIGTERM)
            await bot.wait()


async def _polling(api: FakeBotApi, _address: str, bodies: list[dict[str, object]]) -> float:
    began = time.perf_counter()
    await api.push(*bodies)
    await api.wait_until(lambda: len(api.sent) >= len(bodies), within=600)
    return time.perf_counter() - began


async def _webhook(api: FakeBotApi, address: str, bodies: list[dict[str, object]]) -> float:
    async with httpx.AsyncClient(timeout=5) as probe:
        for _ in range(100):  # the HTTP server comes up with the app's lifespan
            try:
                if (await probe.get(f"{address}/healthz")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    stamped = [api.stamp(b) for b in bodies]
    began = time.perf_counter()
    await _post_all(f"{address}/telegram", stamped)  # each answered 200 once stored
    await api.wait_until(lambda: len(api.sent) >= len(bodies), within=600)
    elapsed = time.perf_counter() - began
    if len(api.sent) != len(bodies):
        raise RuntimeError(f"{len(api.sent)} replies for {len(bodies)} updates")
    return elapsed


async def _post_all(address: str, bodies: list[dict[str, object]]) -> float:
    """Post every update as Telegram would; the seconds until all were answered 200 (stored,
    not yet processed: the replies follow from the inbox)."""
    limits = httpx.Limits(max_connections=WEBHOOK_CONNECTIONS)
    slots = asyncio.Semaphore(WEBHOOK_CONNECTIONS)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def post(body: dict[str, object]) -> None:
            async with slots:
                for attempt in range(50):  # like Telegram, send again on a drop or a 503
                    try:
                        response = await client.post(address, json=body, headers=headers)
                    except httpx.TransportError:
                        if attempt == 49:
                            raise
                        continue
                    if response.status_code == 503 and attempt < 49:  # not ready yet
                        await asyncio.sleep(0.1)
                        continue
                    response.raise_for_status()
                    return

        began = time.perf_counter()
        await asyncio.gather(*(post(b) for b in bodies))
        return time.perf_counter() - began


async def main() -> None:
    """Run both modes on each database and print (optionally write) the Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20, help="updates per user")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pg", default="", help="PostgreSQL URL (an empty, scratch database)")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    targets = [("SQLite (WAL)", lambda i: f"sqlite:///{tmp}/bench-{i}.db")]
    if args.pg:
        targets.append(("PostgreSQL", lambda _i: args.pg))
    total = args.users * args.messages
    lines = [
        "## Telegram end to end (`bench/telegram_e2e.py`)",
        "",
        f"Machine: {machine()}. Date: {today()}. {total} updates (`/start` → main menu) from "
        f"{args.users} users through `ocop-bot run` (real PTB 22.8 and engine, its own process) "
        f"and the fake Bot API on 127.0.0.1; median of {args.runs} runs. Webhook: "
        f"{WEBHOOK_CONNECTIONS} concurrent posts.",
        "",
        "| mode | database | updates/s (median) | min | max |",
        "|---|---|---:|---:|---:|",
    ]
    for label, mode, webhook in (("polling", _polling, False), ("webhook", _webhook, True)):
        for name, url in targets:
            rates = []
            for i in range(args.runs):
                rates.append(await _run(mode, url(i), args.users, args.messages, webhook))
                print(f"{label} {name} run {i + 1}: {rates[-1]:,.1f} updates/s", file=sys.stderr)
            lines.append(
                f"| {label} | {name} | {median(rates):,.0f} | {min(rates):,.0f} | "
                f"{max(rates):,.0f} |"
            )
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_section("telegram", table)


if __name__ == "__main__":
    asyncio.run(main())
