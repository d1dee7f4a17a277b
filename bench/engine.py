"""Dialogue-engine throughput and latency on SQLite and PostgreSQL, next to a bare transaction.

Usage: python bench/engine.py [--users 100] [--messages 10] [--runs 3] [--pg URL] [--write]
Each simulated user walks the menu and the language flow; users run concurrently. The floor is
a transaction through the same stack that reads and writes one row.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from bench.report import machine, median, percentile, today, write_section
from bot.database import create_engine, session_factory, upgrade
from conversations.assistant import build_router
from conversations.engine import Engine
from conversations.i18n import Catalogs
from conversations.messages import Incoming
from conversations.services import Services

SCRIPT = ["menu", "6", "2", "menu", "6", "1", "quay lại", "hủy", "help", "menu"]


async def _engine_run(
    url: str, users: int, messages: int, catalogs: Catalogs
) -> tuple[float, list[float]]:
    db = create_engine(url)
    await upgrade(db)
    engine = Engine(session_factory(db), Services(catalogs=catalogs), build_router())
    latencies: list[float] = []
    run_id = time.monotonic_ns()

    async def user(n: int) -> None:
        for i in range(messages):
            incoming = Incoming(
                channel="bench",
                user_key=f"{run_id}-{n}",
                message_id=f"{run_id}-{n}-{i}",
                text=SCRIPT[i % len(SCRIPT)],
            )
            start = time.perf_counter()
            replies = await engine.handle(incoming)
            latencies.append(time.perf_counter() - start)
            assert replies

    started = time.perf_counter()
    await asyncio.gather(*(user(n) for n in range(users)))
    elapsed = time.perf_counter() - started
    await db.dispose()
    return users * messages / elapsed, latencies


async def _floor_run(url: str, users: int, messages: int) -> tuple[float, list[float]]:
    db = create_engine(url)
    async with db.begin() as conn:
        await conn.execute(text("DROP TABLE IF EXISTS bench_floor"))
        await conn.execute(text("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, n INTEGER)"))
        for n in range(users):
            await conn.execute(text("INSERT INTO bench_floor VALUES (:id, 0)"), {"id": n})
    sessions = session_factory(db)
    latencies: list[float] = []

    async def user(n: int) -> None:
        for _ in range(messages):
            start = time.perf_counter()
            async with sessions() as session, session.begin():
                row = (
                    await session.execute(text("SELECT n FROM bench_floor WHERE id=:id"), {"id": n})
                ).scalar_one()
                await session.execute(
                    text("UPDATE bench_floor SET n=:v WHERE id=:id"), {"v": row + 1, "id": n}
                )
            latencies.append(time.perf_counter() - start)

    started = time.perf_counter()
    await asyncio.gather(*(user(n) for n in range(users)))
    elapsed = time.perf_counter() - started
    async with db.begin() as conn:
        await conn.execute(text("DROP TABLE bench_floor"))
    await db.dispose()
    return users * messages / elapsed, latencies


def _row(label: str, results: list[tuple[float, list[float]]]) -> tuple[str, float, float, float]:
    rate = median([r for r, _ in results])
    p50 = median([percentile(lat, 50) for _, lat in results]) * 1000
    p99 = median([percentile(lat, 99) for _, lat in results]) * 1000
    return label, rate, p50, p99


async def main() -> None:
    """Run the benchmark and print (and optionally write) the Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--pg", default="", help="PostgreSQL URL (e.g. postgresql://postgres@127.0.0.1/test)"
    )
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    from tests.conftest import compile_catalogs

    tmp = Path(tempfile.mkdtemp())
    catalogs = Catalogs(compile_catalogs(tmp / "locales"))
    targets = [("SQLite (WAL)", f"sqlite:///{tmp}/bench.db")]
    if args.pg:
        targets.append(("PostgreSQL", args.pg))
    rows = []
    for name, url in targets:
        engine_runs = [
            await _engine_run(url, args.users, args.messages, catalogs) for _ in range(args.runs)
        ]
        floor_runs = [await _floor_run(url, args.users, args.messages) for _ in range(args.runs)]
        e, f = (
            _row(f"{name}: engine", engine_runs),
            _row(f"{name}: floor (read+write 1 row)", floor_runs),
        )
        rows += [e, f, (f"{name}: engine cost ÷ floor cost", f[1] / e[1], e[2] / f[2], e[3] / f[3])]
    lines = [
        "## Dialogue engine (`bench/engine.py`)",
        "",
        f"Machine: {machine()}. Date: {today()}. {args.users} concurrent users × {args.messages} "
        f"messages (menu and language flow), median of {args.runs} runs.",
        "",
        "| run | messages/s | p50 ms | p99 ms |",
        "|---|---:|---:|---:|",
    ]
    for label, rate, p50, p99 in rows:
        if "÷" in label:
            lines.append(f"| {label} | {rate:.2f}× | {p50:.2f}× | {p99:.2f}× |")
        else:
            lines.append(f"| {label} | {rate:,.0f} | {p50:.2f} | {p99:.2f} |")
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_section("engine", table)


if __name__ == "__main__":
    asyncio.run(main())
