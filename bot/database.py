"""The async database engine from one URL, SQLite tuning, and schema upgrades through Alembic."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.settings import async_database_url
from bot.sqlite_connection import one_hop_creator

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(str(files("bot") / "migrations"))
_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=\s*(.+?)\s*$", re.MULTILINE)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for a plain or async URL; SQLite gets WAL and BEGIN IMMEDIATE."""
    async_url = async_database_url(url)
    if async_url.startswith("sqlite"):
        path = async_url.partition(":///")[2]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # One connection: writers queue on the pool (an asyncio wait) instead of sleeping in
        # SQLite's busy handler, which costs up to 100 ms a retry under concurrency.
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("pool_timeout", 120)
        kwargs.setdefault("async_creator", one_hop_creator(async_url))
        engine = create_async_engine(async_url, **kwargs)
        _tune_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(async_url, **kwargs)


def _tune_sqlite(engine: AsyncEngine) -> None:
    """WAL mode, foreign keys, and write transactions that queue instead of failing."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


def alembic_config() -> Config:
    """Alembic configuration pointing at the packaged migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    """The newest migration's id, read from the migration files without importing Alembic
    (a tenth of a second of every start); None unless the history has exactly one head."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        revision, parent = found.get("revision", ""), found.get("down_revision", "None")
        revisions.add(revision.strip("'\""))
        if parent != "None":
            parents.add(parent.strip("'\""))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and "" not in revisions else None


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at; None for a database Alembic never touched."""

    def _read(connection: Connection) -> str | None:
        if not inspect(connection).has_table("alembic_version"):
            return None
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        versions = list(rows)
        return versions[0] if len(versions) == 1 else None

    async with engine.connect() as connection:
        return await connection.run_sync(_read)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (applied at every start; a no-op when current,
    and then without loading Alembic at all). Every table is registered either way, as the
    migrations' environment did: a command that maps only some must still resolve their keys."""
    from conversations.schema import metadata

    metadata()
    if revision == "head" and (head := head_revision()) and await current_revision(engine) == head:
        return

    def _run(connection: Connection) -> None:
        from alembic import command

        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(_run)
