"""Broadcast throughput: one announcement to 5,000 Telegram producers through `ocop-bot run`.

Usage: python bench/broadcast.py [--recipients 5000] [--limit 200] [--runs 3] [--pg URL] [--write]
       python bench/broadcast.py --limiter-only [--recipients 5000] [--limit 30] [--runs 3]
       python bench/broadcast.py --simulated [--recipients 5000] [--limit 30] [--runs 3]
The bot runs as its own process (real PTB 22.8, delivery worker, broadcast dispatcher) with
TELEGRAM_RATE_PER_SECOND set to the limit; this process plays Telegram with the fake Bot API
enforcing the same limit (429 with retry_after 1 beyond it). The broadcast is stored before the
bot starts and scheduled for "now"; a run is timed from the first announcement the fake server
accepted to the last. Efficiency = (recipients ÷ limit) ÷ that time; lost = recipients who never
got it. With --pg, each run creates (and drops) its own database next to the given one.

The fake refuses the send that would be the (limit+1)th accepted within any sliding second, as
Telegram does. --limiter-only measures the sending path alone: `ChannelLimiter` in front of
100 concurrent senders posting `sendMessage` over HTTP to that fake (no bot process, no
database), so the pacing is measured apart from the engine's throughput. --simulated replaces
HTTP by a simulated round trip (1–20 ms to the platform, 1–5 ms back, random) and a platform
that counts arrivals in sliding seconds like the fake; beside it, in the same run, main's
limiter before this change (the token bucket alone) as the peer.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.report import free_port, machine, median, today, write_section
from bot.database import create_engine, session_factory, upgrade
from conversations.announcements import broadcasts
from conversations.announcements.audience import Audience
from conversations.clock import utcnow
from conversations.models import User
from testbed.producers import telegram_producers
from testbed.telegram_api import FakeBotApi

OFFICER_CHAT = 1
TEXT = "Thông báo: lớp tập huấn OCOP ngày 15/12 tại Hội trường UBND tỉnh Cà Mau."


@asynccontextmanager
async def _scratch_pg(base: str, run: int) -> AsyncIterator[str]:
    """A new empty PostgreSQL database for one run; dropped afterwards."""
    url = make_url(base)
    name = f"bench_broadcast_{os.getpid()}_{run}"
    admin = create_async_engine(
        url.set(drivername="postgresql+asyncpg", database="postgres"),
        isolation_level="AUTOCOMMIT",
    )
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def _prepare(url: str, recipients: int) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        await telegram_producers(sessions, recipients, first_chat=100_000)
        async with sessions() as session, session.begin():
            officer = User(
                channel="telegram", external_id=str(OFFICER_CHAT), role="officer", locale="vi"
            )
            session.add(officer)
            await session.flush()
            await broadcasts.create(
                session, officer=officer, text=TEXT, audience=Audience(), send_at=utcnow(),
                urgent=False,
            )
    finally:
        await engine.dispose()


async def _run(url: str, recipients: int, limit: float) -> tuple[float, int, int]:
    """(seconds from first to last announcement, recipients lost, 429s answered)."""
    await _prepare(url, recipients)
    async with FakeBotApi(rate_limit=limit) as api:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.url,
            "TELEGRAM_WEBHOOK_URL": "",
            "TELEGRAM_RATE_PER_SECOND": str(limit),
            "QUIET_HOURS": "",
            "OCOP_PORT": str(free_port()),
            "OCOP_SECRET_KEY": "bench-secret-key-bench-secret-key-0123",
            "LOG_LEVEL": "WARNING",
            "PTB_TIMEDELTA": "true",
        }
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", env=env, stdout=asyncio.subprocess.DEVNULL
        )
        stamps: list[float] = []
        seen: set[int] = set()

        def done() -> bool:
            for sent in api.sent[len(stamps) :]:
                stamps.append(time.perf_counter())
                if sent.chat_id != OFFICER_CHAT and sent.method == "sendMessage":
                    seen.add(sent.chat_id)
            return len(seen) >= recipients

        try:
            await api.wait_until(done, within=recipients / limit * 4 + 120)
        finally:
            bot.send_signal(signal.SIGTERM)
            await bot.wait()
        times = [
            t
            for t, s in zip(stamps, api.sent, strict=False)
            if s.chat_id != OFFICER_CHAT and s.method == "sendMessage"
        ]
        return times[-1] - times[0], recipients - len(seen), api.limited


async def _limiter_run(recipients: int, limit: float) -> tuple[float, int, int]:
    """(seconds from first to last accepted send, lost, 429s): the limiter alone."""
    import httpx

    from bot.workers.ratelimit import ChannelLimiter

    limiter = ChannelLimiter(limit, per_chat_gap=1.0)
    chats: asyncio.Queue[int] = asyncio.Queue()
    for n in range(recipients):
        chats.put_nowait(100_000 + n)
    async with (
        FakeBotApi(rate_limit=limit) as api,
        httpx.AsyncClient(limits=httpx.Limits(max_connections=120), timeout=30) as client,
    ):
        url = f"{api.url}/bot{api.token}/sendMessage"
        stamps: list[float] = []

        async def sender() -> None:
            while not chats.empty():
                chat = chats.get_nowait()
                async with limiter.slot(str(chat)):
                    answer = await client.post(url, json={"chat_id": chat, "text": TEXT})
                if answer.status_code == 200:
                    stamps.append(time.perf_counter())
                else:
                    chats.put_nowait(chat)  # refused: sent again, as the worker would

        await asyncio.gather(*(sender() for _ in range(100)))
        return stamps[-1] - stamps[0], recipients - len(api.sent), api.limited


class _Platform:
    """Arrivals refused beyond `limit` within any sliding second (as the fake Bot API)."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.accepted: list[float] = []
        self.refused = 0
        self._window: list[float] = []

    def arrive(self) -> bool:
        now = time.perf_counter()
        self._window = [t for t in self._window if t > now - 1.0]
        if len(self._window) >= self.limit:
            self.refused += 1
            return False
        self._window.append(now)
        self.accepted.append(now)
        return True


async def _simulated_run(recipients: int, limit: float, bucket_only: bool) -> tuple[float, int]:
    """(seconds from first to last accepted, 429s) with simulated round trips."""
    import random
    from contextlib import AbstractAsyncContextManager, asynccontextmanager

    from bot.workers.ratelimit import ChannelLimiter, TokenBucket

    platform = _Platform(limit)
    limiter = ChannelLimiter(limit)
    bucket = TokenBucket(limit, max(1.0, limit / 50))  # the limiter on main before this change

    @asynccontextmanager
    async def bucket_slot(_chat: str):  # type: ignore[no-untyped-def]
        await bucket.acquire()
        yield

    def slot(chat: str) -> AbstractAsyncContextManager[None]:
        return bucket_slot(chat) if bucket_only else limiter.slot(chat)

    chats = list(range(recipients))

    async def sender() -> None:
        while chats:
            chat = chats.pop()
            async with slot(str(chat)):
                await asyncio.sleep(random.uniform(0.001, 0.020))
                ok = platform.arrive()
                await asyncio.sleep(random.uniform(0.001, 0.005))
            if not ok:
                await asyncio.sleep(1.0)  # retry_after 1
                chats.append(chat)

    await asyncio.gather(*(sender() for _ in range(100)))
    return platform.accepted[-1] - platform.accepted[0], platform.refused


async def simulated(args: argparse.Namespace) -> list[str]:
    """Table rows: this limiter and main's, interleaved runs."""
    ideal = args.recipients / args.limit
    rows = []
    results: dict[bool, tuple[list[float], int]] = {False: ([], 0), True: ([], 0)}
    for i in range(args.runs):
        for bucket_only in (False, True):
            took, refused = await _simulated_run(args.recipients, args.limit, bucket_only)
            seconds, total = results[bucket_only]
            seconds.append(took)
            results[bucket_only] = (seconds, total + refused)
            print(f"run {i + 1} bucket_only={bucket_only}: {took:.1f} s, "
                  f"efficiency {ideal / took:.3f}, 429s {refused}", file=sys.stderr)  # fmt: skip
    for bucket_only, name in ((False, "sliding windows (this)"), (True, "token bucket (main)")):
        seconds, refused = results[bucket_only]
        eff = [ideal / s for s in seconds]
        rows.append(
            f"| {args.recipients:,} at {args.limit:g}/s, {name}, simulated | {ideal:.1f} | "
            f"{median(seconds):.1f} | {median(eff):.3f} | {min(eff):.3f} | {max(eff):.3f} | "
            f"0 | {refused} |"
        )
    return rows


async def limiter_only(args: argparse.Namespace) -> str:
    """The Markdown table of the limiter-only runs."""
    ideal = args.recipients / args.limit
    seconds, lost, limited = [], 0, 0
    for i in range(args.runs):
        took, missed, refused = await _limiter_run(args.recipients, args.limit)
        seconds.append(took)
        lost += missed
        limited += refused
        print(f"limiter run {i + 1}: {took:.1f} s, efficiency {ideal / took:.3f}, 429s {refused}",
              file=sys.stderr)  # fmt: skip
    eff = [ideal / s for s in seconds]
    return (
        f"| {args.recipients:,} at {args.limit:g}/s, limiter only | {ideal:.1f} | "
        f"{median(seconds):.1f} | {median(eff):.3f} | {min(eff):.3f} | {max(eff):.3f} | "
        f"{lost} | {limited} |"
    )


async def main() -> None:
    """Run on each database and print (optionally write) the Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=5_000)
    parser.add_argument("--limit", type=float, default=200.0, help="messages per second")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg", default="", help="PostgreSQL URL (scratch databases made beside)")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--limiter-only", action="store_true", help="the limiter alone")
    parser.add_argument("--simulated", action="store_true", help="simulated round trips")
    args = parser.parse_args()
    if args.simulated:
        print("\n".join(await simulated(args)))
        return
    if args.limiter_only:
        print(await limiter_only(args))
        return
    tmp = Path(tempfile.mkdtemp())
    ideal = args.recipients / args.limit
    lines = [
        "## Broadcast (`bench/broadcast.py`)",
        "",
        f"Machine: {machine()}. Date: {today()}. One announcement to {args.recipients:,} "
        f"Telegram producers through `ocop-bot run` (its own process: dispatcher, delivery "
        f"worker, real PTB 22.8) against the fake Bot API limited to {args.limit:g} messages/s "
        f"(429 beyond it); the bot's limiter set to the same rate. Timed from the first "
        f"announcement accepted to the last; efficiency = ({args.recipients:,} ÷ "
        f"{args.limit:g}/s) ÷ time, aim ≥ 0.9. Median of {args.runs} runs.",
        "",
        "| database | seconds (median) | efficiency (median) | min | max | lost | 429s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    targets: list[tuple[str, bool]] = [("SQLite (WAL)", False)]
    if args.pg:
        targets.append(("PostgreSQL", True))
    for name, pg in targets:
        seconds, lost, limited = [], 0, 0
        for i in range(args.runs):
            if pg:
                async with _scratch_pg(args.pg, i) as url:
                    took, missed, refused = await _run(url, args.recipients, args.limit)
            else:
                url = f"sqlite:///{tmp}/broadcast-{i}.db"
                took, missed, refused = await _run(url, args.recipients, args.limit)
            seconds.append(took)
            lost += missed
            limited += refused
            print(
                f"{name} run {i + 1}: {took:.1f} s, efficiency {ideal / took:.3f}, "
                f"lost {missed}, 429s {refused}",
                file=sys.stderr,
            )
        eff = [ideal / s for s in seconds]
        lines.append(
            f"| {name} | {median(seconds):.1f} | {median(eff):.3f} | {min(eff):.3f} | "
            f"{max(eff):.3f} | {lost} | {limited} |"
        )
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_section("broadcast", table)


if __name__ == "__main__":
    asyncio.run(main())
