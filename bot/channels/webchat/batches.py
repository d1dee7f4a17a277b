"""Group commit for the transcript: the rows of every message answered meanwhile in one write.

Each answered message stores its rows (what the visitor sent, the bot's replies) and reads the
visitor's language. Done one message at a time that is a second write transaction beside the
engine's own, competing with it for the database's write lock; here the messages that arrive
while a write is under way wait for the next one, which stores all their rows in one INSERT and
reads all their languages in one SELECT. Under load a write serves many messages; alone, a
message waits for nobody.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from sqlalchemy import bindparam, insert
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.channels.tables import WebMessage
from conversations.models import User

log = logging.getLogger(__name__)

MOST = 200
"""Messages in one write at most (their rows and a SELECT … IN over their visitors)."""


@dataclass(slots=True)
class _Waiting:
    rows: list[WebMessage]
    user_key: str
    done: asyncio.Future[str | None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class Batches:
    """`record()` stores one message's rows and returns the visitor's language; the writes of
    concurrent calls are combined."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], channel: str) -> None:
        self._sessions = sessions
        self._waiting: list[_Waiting] = []
        self._writer: asyncio.Task[None] | None = None
        # One multi-row INSERT … RETURNING (the ORM flush, or asking for the ids in parameter
        # order, sends one statement per row, each a round trip to the database thread) and one
        # SELECT; built once, so each is compiled once.
        self._insert = insert(WebMessage).returning(col(WebMessage.id))
        self._locales = select(User.external_id, User.locale).where(
            User.channel == channel,
            col(User.external_id).in_(bindparam("keys", expanding=True)),
        )

    async def record(self, rows: list[WebMessage], user_key: str) -> str | None:
        """Store `rows` (they get their ids) and return `user_key`'s language after them."""
        waiting = _Waiting(rows, user_key)
        self._waiting.append(waiting)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain())
        return await asyncio.shield(waiting.done)

    async def insert(self, session: AsyncSession, rows: list[WebMessage]) -> None:
        """Store `rows` in one statement inside the caller's transaction; set their ids."""
        values = [
            {
                "user_key": r.user_key,
                "direction": r.direction,
                "text": r.text,
                "payload": r.payload,
                "created_at": r.created_at,
            }
            for r in rows
        ]
        result = await (await session.connection()).execute(self._insert, values)
        # Both databases number the rows of one INSERT in the order of its VALUES.
        for row, row_id in zip(rows, sorted(result.scalars().all()), strict=True):
            row.id = row_id

    async def _drain(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:MOST], self._waiting[MOST:]
            try:
                locales = await self._write(batch)
            except Exception:
                log.exception("storing %d web chat messages failed", len(batch))
                if len(batch) == 1:
                    _fail(batch[0])
                    continue
                # One bad message must not cost the others theirs: each alone, once more.
                for one in batch:
                    try:
                        _finish(one, await self._write([one]))
                    except Exception:
                        log.exception("storing a web chat message for %s failed", one.user_key)
                        _fail(one)
                continue
            for waiting in batch:
                _finish(waiting, locales)

    async def _write(self, batch: list[_Waiting]) -> dict[str, str]:
        rows = [row for waiting in batch for row in waiting.rows]
        keys = sorted({waiting.user_key for waiting in batch})
        async with self._sessions() as session, session.begin():
            if rows:
                await self.insert(session, rows)
            found = await session.exec(self._locales, params={"keys": keys})
            return {key: locale for key, locale in found.all()}


def _finish(waiting: _Waiting, locales: dict[str, str]) -> None:
    if not waiting.done.done():
        waiting.done.set_result(locales.get(waiting.user_key))


def _fail(waiting: _Waiting) -> None:
    for row in waiting.rows:
        row.id = None
    if not waiting.done.done():
        waiting.done.set_exception(RuntimeError("the web chat transcript could not be stored"))
