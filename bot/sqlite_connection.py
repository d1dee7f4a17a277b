"""SQLite connections that cost one thread hop per statement instead of four.

SQLAlchemy's aiosqlite adapter awaits aiosqlite for each step of a statement: make a cursor,
execute, fetch the rows, close the cursor. Each await is a round trip to aiosqlite's worker
thread and a wake-up of the event loop, and with one connection every transaction queues
behind them. `OneHopConnection` keeps aiosqlite's thread (so a statement that waits for
another process's write lock, or reads many rows, never blocks the event loop) but runs a
whole statement, rows included, in one call on that thread. Behaviour is otherwise aiosqlite's:
the same sqlite3 connection, errors and transactions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiosqlite
from sqlalchemy import make_url
from sqlalchemy.dialects.sqlite.aiosqlite import dialect as aiosqlite_dialect


class OneHopCursor:
    """A cursor whose `execute` runs the statement and fetches its rows in one thread call."""

    __slots__ = ("_connection", "_rows", "description", "lastrowid", "rowcount")

    def __init__(self, connection: OneHopConnection) -> None:
        self._connection = connection
        self.description: Any = None
        self.lastrowid: int | None = None
        self.rowcount = -1
        self._rows: list[Any] = []

    def _run(self, many: bool, operation: str, parameters: Any) -> None:
        """On the connection's thread: execute (once per parameter set if `many`), keep the
        rows and the counts, close."""
        cursor = self._connection._conn.cursor()
        try:
            if many:
                cursor.executemany(operation, parameters)
            elif parameters is None:
                cursor.execute(operation)
            else:
                cursor.execute(operation, parameters)
            self.description = cursor.description
            self._rows = cursor.fetchall() if cursor.description else []
            self.lastrowid = cursor.lastrowid
            self.rowcount = cursor.rowcount
        finally:
            cursor.close()

    async def execute(self, operation: str, parameters: Any = None) -> OneHopCursor:
        await self._connection._execute(self._run, False, operation, parameters)
        return self

    async def executemany(self, operation: str, seq_of_parameters: Any) -> OneHopCursor:
        await self._connection._execute(self._run, True, operation, seq_of_parameters)
        return self

    async def fetchall(self) -> Sequence[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def close(self) -> None:
        self._rows = []


class OneHopConnection(aiosqlite.Connection):
    """aiosqlite's connection with cursors that need no thread call to open or close."""

    async def cursor(self) -> OneHopCursor:  # type: ignore[override]
        return OneHopCursor(self)


def one_hop_creator(async_url: str) -> Callable[[], Awaitable[OneHopConnection]]:
    """An `async_creator` for `create_async_engine`: the URL's file, opened as aiosqlite would."""
    args, kwargs = aiosqlite_dialect().create_connect_args(make_url(async_url))
    kwargs["check_same_thread"] = False  # used only on aiosqlite's one thread, as aiosqlite does

    def connector() -> sqlite3.Connection:
        return sqlite3.connect(*args, **kwargs)

    async def create() -> OneHopConnection:
        connection = OneHopConnection(connector, iter_chunk_size=64)
        connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connections
        return await connection

    return create
