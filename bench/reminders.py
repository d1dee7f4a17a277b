"""Reminder scheduling and delivery at scale.

Usage: python bench/reminders.py [--producers 100000] [--runs 3] [--pg URL] [--write]
1. One scheduler day over N producers with one certified product each (expiries spread over
   three years): time and peak Python memory (tracemalloc) of planning and enqueuing. Beside it,
   its floor in the same run: the same outbox rows (values made beforehand) inserted alone.
   Then a council day: the provincial council a week away, so every producer is reminded.
2. The delivery worker against a fake channel limited to 30 messages/s (the Telegram limit):
   sent per second as a ratio to the limit.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text
from sqlmodel import select

from bench.report import machine, median, today, write_section
from bot.database import create_engine, session_factory, upgrade
from bot.workers.delivery import DeliveryWorker, QuietHours
from bot.workers.ratelimit import ChannelLimiter
from conversations.i18n import Catalogs
from conversations.messages import Reply
from conversations.models import User
from conversations.outbox import (
    CalendarOverride,
    OutboxMessage,
    enqueue,
    enqueue_many,
    outbox_values,
)
from conversations.registration.tables import Producer, Product
from conversations.reminders.enqueuing import enqueue_day
from conversations.services import Services
from knowledge.library import load_library

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = date(2027, 3, 1)


async def _fill(url: str, producers: int) -> None:
    db = create_engine(url)
    await upgrade(db)
    now = datetime.now(UTC)
    async with db.begin() as conn:
        for table in (
            "outbox",
            "products",
            "producers",
            "conversations",
            "users",
            "scheduler_runs",
        ):
            await conn.execute(text(f"DELETE FROM {table}"))
        for start in range(0, producers, 5000):
            ids = range(start + 1, min(producers, start + 5000) + 1)
            await conn.execute(
                insert(User),
                [
                    {
                        "id": i,
                        "channel": "bench",
                        "external_id": f"u{i}",
                        "display_name": "",
                        "locale": "vi",
                        "locale_chosen": False,
                        "role": "user",
                        "reachable": True,
                        "created_at": now,
                    }
                    for i in ids
                    if i % 2 == 0
                ],
            )
            await conn.execute(
                insert(Producer),
                [
                    {
                        "id": i,
                        "user_id": i if i % 2 == 0 else None,
                        "representative": f"Người {i}",
                        "name": f"Cơ sở {i}",
                        "entity_type": "cooperative",
                        "phone": None,
                        "province": "Cà Mau",
                        "commune": "",
                        "source": "import",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in ids
                ],
            )
            await conn.execute(
                insert(Product),
                [
                    {
                        "id": i,
                        "producer_id": i,
                        "name": f"Sản phẩm {i}",
                        "group_id": "food",
                        "set_id": None,
                        "stage": "rated",
                        "stars": 3,
                        "decision_date": DAY - timedelta(days=900 + i % 1095),
                        "expiry_date": DAY + timedelta(days=180 - 900 - i % 1095 + 1095),
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in ids
                ],
            )
    if url.startswith("postgres"):
        async with db.begin() as conn:
            for table in ("users", "producers", "products"):
                await conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT MAX(id) FROM {table}))"
                    )
                )
    await db.dispose()


async def _tick(
    url: str, services: Services, day: date, traced: bool = False
) -> tuple[float, float, int, float]:
    """One day planned and enqueued: seconds, peak MB (`traced` only: tracemalloc slows Python
    2-3×, so a traced run is not timed), rows, and the floor's seconds."""
    db = create_engine(url)
    sessions = session_factory(db)
    async with db.begin() as conn:
        await conn.execute(text("DELETE FROM outbox"))
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    async with sessions() as session, session.begin():
        added = await enqueue_day(session, services, day)
    elapsed = time.perf_counter() - started
    peak = 0
    if traced:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    async with sessions() as session:
        rows = [
            outbox_values(
                dedupe_key=f"floor:{r.dedupe_key}",
                user_id=r.user_id,
                producer_id=r.producer_id,
                kind=r.kind,
                series=r.series,
                reply=Reply(r.text),
                not_before=r.next_attempt_at,
                due_on=r.due_on,
            )
            for r in (await session.exec(select(OutboxMessage))).all()
        ]
    async with db.begin() as conn:
        await conn.execute(text("DELETE FROM outbox"))
    started = time.perf_counter()
    async with sessions() as session, session.begin():
        await enqueue_many(session, rows)
    floor = time.perf_counter() - started
    await db.dispose()
    return elapsed, peak / 1e6, added, floor


async def _council(url: str, day: date, on: bool) -> None:
    """Confirm the council round a week after `day` (every producer reminded), or undo it."""
    db = create_engine(url)
    async with db.begin() as conn:
        await conn.execute(text("DELETE FROM calendar_overrides"))
        if on:
            await conn.execute(
                insert(CalendarOverride).values(
                    province_id="ca-mau",
                    year=2026,
                    milestone_id="council-round-2026",
                    day=day + timedelta(days=7),
                    status="confirmed",
                    updated_at=datetime.now(UTC),
                )
            )
    await db.dispose()


class _Sink:
    channel = "bench"
    reply_window = None

    def __init__(self) -> None:
        self.sent = 0

    async def send(self, external_id: str, replies: list[Reply]) -> list[str]:
        self.sent += 1
        return [str(self.sent)]


async def _delivery(url: str, rows: int, limit: float) -> float:
    db = create_engine(url)
    sessions = session_factory(db)
    async with db.begin() as conn:
        await conn.execute(text("DELETE FROM outbox"))
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        for i in range(rows):
            await enqueue(
                session,
                dedupe_key=f"bench:{i}",
                user_id=2 * (i + 1),
                kind="bench",
                reply=Reply("x"),
                not_before=now,
                urgent=True,
            )
    sink = _Sink()
    worker = DeliveryWorker(
        sessions,
        {"bench": sink},
        {"bench": ChannelLimiter(limit, 1.0)},
        ZONE,
        quiet=QuietHours(),
        batch=100,
    )
    started = time.perf_counter()
    while sink.sent < rows:
        if not await worker.run_once():
            await asyncio.sleep(0.01)
    elapsed = time.perf_counter() - started
    await db.dispose()
    return rows / elapsed / limit


async def main() -> None:
    """Run and print (and optionally write) the Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--producers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--deliveries", type=int, default=300)
    parser.add_argument("--pg", default="")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    services = Services(catalogs=Catalogs(), knowledge=load_library())
    targets = [("SQLite (WAL)", f"sqlite:///{tmp}/bench.db")]
    if args.pg:
        targets.append(("PostgreSQL", args.pg))
    lines = [
        "## Reminders (`bench/reminders.py`)",
        "",
        f"Machine: {machine()}. Date: {today()}. {args.producers:,} producers with one certified "
        f"product each (expiries spread over three years, half never chatted). Median of "
        f"{args.runs} runs.",
        "",
        "| database | day | scheduler day: seconds | floor: the same rows inserted alone, "
        "seconds | ratio | peak MB (Python) | reminders queued | "
        "delivery at a 30/s limit: sent/s ÷ limit |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, url in targets:
        await _fill(url, args.producers)
        for label, on in (("certificates", False), ("council a week away", True)):
            await _council(url, DAY, on)
            peak = (await _tick(url, services, DAY, traced=True))[1]
            ticks = [await _tick(url, services, DAY) for _ in range(args.runs)]
            ratios = (
                [await _delivery(url, args.deliveries, 30.0) for _ in range(args.runs)]
                if not on
                else []
            )
            took, floor = median([t[0] for t in ticks]), median([t[3] for t in ticks])
            lines.append(
                f"| {name} | {label} | {took:.2f} | {floor:.2f} | {took / floor:.1f}× | "
                f"{peak:.1f} | {ticks[0][2]:,} | "
                + (f"{median(ratios):.2f} |" if ratios else "— |")
            )
        await _council(url, DAY, False)
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_section("reminders", table)


if __name__ == "__main__":
    asyncio.run(main())
