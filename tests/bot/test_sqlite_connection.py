"""The SQLite engine's connections: one call on aiosqlite's thread per statement, same results."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.database import create_engine
from bot.sqlite_connection import OneHopConnection


@pytest.fixture
def thread_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every function run on a connection's thread, in order."""
    calls: list[str] = []
    original = OneHopConnection._execute

    async def counted(self: OneHopConnection, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(OneHopConnection, "_execute", counted)
    return calls


async def test_a_statement_and_its_rows_take_one_thread_call(
    tmp_path: Path, thread_calls: list[str]
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/one.db")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
            thread_calls.clear()
            await conn.execute(text("INSERT INTO t (name) VALUES ('cà mau'), ('bạc liêu')"))
            rows = (await conn.execute(text("SELECT id, name FROM t ORDER BY id"))).all()
            assert thread_calls == ["_run", "_run"]  # aiosqlite's adapter needs four each
        assert [tuple(r) for r in rows] == [(1, "cà mau"), (2, "bạc liêu")]
    finally:
        await engine.dispose()


async def test_counts_errors_and_transactions_are_sqlite_s(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/two.db")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
            result = await conn.execute(
                text("INSERT INTO t (name) VALUES (:n)"), [{"n": "a"}, {"n": "b"}, {"n": "c"}]
            )
            assert result.rowcount == 3
            updated = await conn.execute(text("UPDATE t SET name = name || '!' WHERE id > 1"))
            assert updated.rowcount == 2
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t (name) VALUES ('x')"))
                await conn.execute(text("INSERT INTO t (name) VALUES ('a')"))  # not unique
        async with engine.connect() as conn:
            names = (await conn.execute(text("SELECT name FROM t ORDER BY id"))).scalars().all()
            mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
        assert names == ["a", "b!", "c!"]  # the failed transaction left nothing, 'x' included
        assert mode == "wal"
    finally:
        await engine.dispose()
