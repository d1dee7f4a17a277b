"""Dialogue-engine throughput and latency on SQLite and PostgreSQL, beside the floors and a peer.

Usage: python bench/engine.py [--users 100] [--messages 10] [--runs 3] [--pg URL] [--write]
Each simulated user walks the menu and the language flow; users run concurrently. The floors read
and write one row per message through ever thinner stacks (the ORM session on aiosqlite, aiosqlite
alone, sqlite3 in one worker thread, asyncpg); the peer is python-telegram-bot's ConversationHandler
in memory. Every repetition runs each variant once, in turn, so load drift hits them all alike.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
import warnings
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiosqlite
import asyncpg
from sqlalchemy import text

from bench.report import machine, median, percentile, today, write_section
from bot.database import create_engine, session_factory, upgrade
from conversations.assistant import build_router
from conversations.engine import Engine
from conversations.i18n import Catalogs
from conversations.messages import Incoming
from conversations.services import Services

SCRIPT = ["menu", "6", "2", "menu", "6", "1", "quay lại", "hủy", "help", "menu"]
Result = tuple[float, list[float]]
Step = Callable[[int, int], Awaitable[object]]


async def _drive(users: int, messages: int, step: Step) -> Result:
    """Run `step(user, i)` for every user concurrently, each user's messages in order."""
    latencies: list[float] = []

    async def user(n: int) -> None:
        for i in range(messages):
            start = time.perf_counter()
            await step(n, i)
            latencies.append(time.perf_counter() - start)

    started = time.perf_counter()
    await asyncio.gather(*(user(n) for n in range(users)))
    return users * messages / (time.perf_counter() - started), latencies


async def _engine_run(url: str, users: int, messages: int, catalogs: Catalogs) -> Result:
    db = create_engine(url)
    await upgrade(db)
    engine = Engine(session_factory(db), Services(catalogs=catalogs), build_router())
    run_id = time.monotonic_ns()

    async def step(n: int, i: int) -> None:
        incoming = Incoming(
            channel="bench",
            user_key=f"{run_id}-{n}",
            message_id=f"{run_id}-{n}-{i}",
            text=SCRIPT[i % len(SCRIPT)],
        )
        assert await engine.handle(incoming)

    try:
        return await _drive(users, messages, step)
    finally:
        await db.dispose()


async def _orm_floor(url: str, users: int, messages: int) -> Result:
    """One row read and written per message through the SQLAlchemy session, as the engine does."""
    db = create_engine(url)
    async with db.begin() as conn:
        await conn.execute(text("DROP TABLE IF EXISTS bench_floor"))
        await conn.execute(text("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, n INTEGER)"))
        for n in range(users):
            await conn.execute(text("INSERT INTO bench_floor VALUES (:id, 0)"), {"id": n})
    sessions = session_factory(db)
    select_n = text("SELECT n FROM bench_floor WHERE id=:id")
    update_n = text("UPDATE bench_floor SET n=:v WHERE id=:id")

    async def step(n: int, _i: int) -> None:
        async with sessions() as session, session.begin():
            row = (await session.execute(select_n, {"id": n})).scalar_one()
            await session.execute(update_n, {"v": row + 1, "id": n})  # (SQLModel warns: ignored)

    try:
        return await _drive(users, messages, step)
    finally:
        async with db.begin() as conn:
            await conn.execute(text("DROP TABLE bench_floor"))
        await db.dispose()


def _sqlite_floor_db(path: Path, users: int) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("DROP TABLE IF EXISTS bench_floor")
        conn.execute("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, n INTEGER)")
        conn.executemany("INSERT INTO bench_floor VALUES (?, 0)", [(n,) for n in range(users)])


async def _aiosqlite_floor(path: Path, users: int, messages: int) -> Result:
    """The same through one aiosqlite connection (WAL, synchronous=NORMAL), no SQLAlchemy."""
    _sqlite_floor_db(path, users)
    conn = await aiosqlite.connect(path, isolation_level=None)
    await conn.execute("PRAGMA synchronous=NORMAL")
    lock = asyncio.Lock()  # one connection: one transaction at a time, as the engine's pool

    async def step(n: int, _i: int) -> None:
        async with lock:
            await conn.execute("BEGIN IMMEDIATE")
            async with conn.execute("SELECT n FROM bench_floor WHERE id=?", (n,)) as cursor:
                (value,) = await cursor.fetchone()  # type: ignore[misc]
            await conn.execute("UPDATE bench_floor SET n=? WHERE id=?", (value + 1, n))
            await conn.execute("COMMIT")

    try:
        return await _drive(users, messages, step)
    finally:
        await conn.close()


async def _thread_floor(path: Path, users: int, messages: int) -> Result:
    """Synchronous sqlite3 owned by one worker thread, one hand-off per message from asyncio."""
    _sqlite_floor_db(path, users)
    pool = ThreadPoolExecutor(max_workers=1)
    loop = asyncio.get_running_loop()
    conn = await loop.run_in_executor(
        pool, lambda: sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    )
    await loop.run_in_executor(pool, conn.execute, "PRAGMA synchronous=NORMAL")

    def transaction(n: int) -> None:
        conn.execute("BEGIN IMMEDIATE")
        (value,) = conn.execute("SELECT n FROM bench_floor WHERE id=?", (n,)).fetchone()
        conn.execute("UPDATE bench_floor SET n=? WHERE id=?", (value + 1, n))
        conn.execute("COMMIT")

    async def step(n: int, _i: int) -> None:
        await loop.run_in_executor(pool, transaction, n)

    try:
        return await _drive(users, messages, step)
    finally:
        await loop.run_in_executor(pool, conn.close)
        pool.shutdown()


async def _asyncpg_floor(url: str, users: int, messages: int) -> Result:
    """One row read (locked) and written per message through an asyncpg pool, no SQLAlchemy."""
    pool = await asyncpg.create_pool(url, min_size=5, max_size=15)  # SQLAlchemy's default 5 + 10
    async with pool.acquire() as conn:
        await conn.execute("DROP TABLE IF EXISTS bench_floor")
        await conn.execute("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, n INTEGER)")
        await conn.executemany(
            "INSERT INTO bench_floor VALUES ($1, 0)", [(n,) for n in range(users)]
        )

    async def step(n: int, _i: int) -> None:
        async with pool.acquire() as conn, conn.transaction():
            value = await conn.fetchval("SELECT n FROM bench_floor WHERE id=$1 FOR UPDATE", n)
            await conn.execute("UPDATE bench_floor SET n=$1 WHERE id=$2", value + 1, n)

    try:
        return await _drive(users, messages, step)
    finally:
        async with pool.acquire() as conn:
            await conn.execute("DROP TABLE bench_floor")
        await pool.close()


async def _ptb_peer(users: int, messages: int) -> Result:
    """python-telegram-bot's ConversationHandler with its in-memory state, updates made locally."""
    from telegram import Chat, Message, Update, User
    from telegram.ext import Application, ConversationHandler, MessageHandler, filters

    async def to_menu(_update: object, _context: object) -> int:
        return 0

    async def to_language(_update: object, _context: object) -> int:
        return 1

    async def done(_update: object, _context: object) -> int:
        return ConversationHandler.END

    handler: ConversationHandler[object] = ConversationHandler(
        entry_points=[MessageHandler(filters.TEXT, to_menu)],
        states={
            0: [
                MessageHandler(filters.Regex("^6$"), to_language),
                MessageHandler(filters.TEXT, to_menu),
            ],
            1: [MessageHandler(filters.TEXT, done)],
        },
        fallbacks=[],
    )
    app = Application.builder().token("1:bench").updater(None).build()
    app.add_handler(handler)
    app._initialized = True  # initialize() would call getMe over the network; nothing here sends
    now = datetime.now(UTC)

    async def step(n: int, i: int) -> None:
        sender = User(n + 1, "bench", False)
        message = Message(i, now, Chat(n + 1, "private"), from_user=sender, text=SCRIPT[i % 10])
        await app.process_update(Update(n * messages + i, message=message))

    return await _drive(users, messages, step)


def _row(label: str, results: list[Result]) -> tuple[str, float, float, float]:
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
    parser.add_argument("--only", default="", help="comma-separated variant names to run")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--note", default="", help="a sentence written beside the figures")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message=".*session.exec")
    tmp = Path(tempfile.mkdtemp())
    catalogs = Catalogs()
    lite = f"sqlite:///{tmp}/bench.db"
    u, m = args.users, args.messages
    variants: dict[str, Callable[[], Awaitable[Result]]] = {
        "engine, SQLite (WAL)": lambda: _engine_run(lite, u, m, catalogs),
        "floor: ORM session on aiosqlite, 1 row read+write": lambda: _orm_floor(lite, u, m),
        "floor: aiosqlite without SQLAlchemy": lambda: _aiosqlite_floor(tmp / "a.db", u, m),
        "floor: sqlite3 in one worker thread": lambda: _thread_floor(tmp / "t.db", u, m),
        "peer: python-telegram-bot ConversationHandler, in memory": lambda: _ptb_peer(u, m),
    }
    if args.pg:
        pg = args.pg
        variants["engine, PostgreSQL"] = lambda: _engine_run(pg, u, m, catalogs)
        variants["floor: ORM session on asyncpg, 1 row read+write"] = lambda: _orm_floor(pg, u, m)
        variants["floor: asyncpg without SQLAlchemy"] = lambda: _asyncpg_floor(pg, u, m)
    if args.only:
        wanted = args.only.split(",")
        variants = {k: v for k, v in variants.items() if any(w in k for w in wanted)}
    results: dict[str, list[Result]] = {name: [] for name in variants}
    for _ in range(args.runs):
        for name, run in variants.items():
            results[name].append(await run())
    rows = [_row(name, runs) for name, runs in results.items()]
    rates = {label: rate for label, rate, _, _ in rows}
    lines = [
        "## Dialogue engine (`bench/engine.py`)",
        "",
        f"Machine: {machine()}. Date: {today()}. {u} concurrent users × {m} messages each "
        f"(menu and language flow), median of {args.runs} interleaved repetitions. {args.note}",
        "",
        "| path | messages/s | p50 ms | p99 ms |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {lb} | {r:,.0f} | {p50:.2f} | {p99:.2f} |" for lb, r, p50, p99 in rows]
    lines += ["", "Engine throughput as a share of each floor (same run):", ""]
    floors = {
        "engine, SQLite (WAL)": [k for k in rates if "sqlite" in k or k.startswith("peer")],
        "engine, PostgreSQL": [k for k in rates if "asyncpg" in k or k.startswith("peer")],
    }
    for engine_label, others in floors.items():
        if engine_label in rates:
            shares = ", ".join(f"{k} {rates[engine_label] / rates[k]:.2f}×" for k in others)
            lines.append(f"- {engine_label} ÷ {shares}")
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_section("engine", table)


if __name__ == "__main__":
    asyncio.run(main())
