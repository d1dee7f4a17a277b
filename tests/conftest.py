"""Fixtures shared by all tests: catalogs, a database per test (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.database import create_engine, upgrade
from conversations.assistant import build_engine
from conversations.engine import Engine
from conversations.i18n import LOCALES, Catalogs, compile_po, locales_dir
from conversations.services import Services
from knowledge.library import Library, load_library
from knowledge.retrieval import FaqIndex
from tests.support import Database

T = TypeVar("T")

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def run_coroutine(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` to completion on a private loop in a thread (safe inside a running loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


DIALECTS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgres",
        id="postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not PG_URL, reason="set TEST_DATABASE_URL to run on PostgreSQL"),
        ],
    ),
]


def compile_catalogs(target: Path) -> Path:
    """Compile the committed .po files into `target` (tests never depend on a stale .mo)."""
    for locale in LOCALES:
        out = target / locale / "LC_MESSAGES"
        out.mkdir(parents=True, exist_ok=True)
        po = locales_dir() / locale / "LC_MESSAGES" / "messages.po"
        (out / "messages.mo").write_bytes(compile_po(po, locale))
    return target


@pytest.fixture(scope="session")
def catalogs(tmp_path_factory: pytest.TempPathFactory) -> Catalogs:
    """Catalogs compiled from the current .po files."""
    return Catalogs(compile_catalogs(tmp_path_factory.mktemp("locales")))


@pytest.fixture(scope="session")
def library() -> Library:
    """The real knowledge library, loaded once."""
    return load_library()


@pytest.fixture(scope="session")
def faq_index(library: Library) -> FaqIndex:
    """The FAQ index over the real entries, built once."""
    return library.faq_index()


@pytest.fixture
def services(catalogs: Catalogs, library: Library, faq_index: FaqIndex) -> Services:
    """Services with the real catalogs, knowledge and FAQ index."""
    return Services(catalogs=catalogs, knowledge=library, faq=faq_index)


@pytest.fixture
def assistant(database: Database, services: Services) -> Callable[[], Engine]:
    """Each call builds the real assistant on a fresh connection pool: a restarted process."""

    def make() -> Engine:
        return build_engine(database.open(), services)

    return make


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets a copy."""
    path = tmp_path_factory.mktemp("db") / "template.db"

    async def _make() -> None:
        engine = create_engine(f"sqlite:///{path}")
        await upgrade(engine)
        await engine.dispose()

    run_coroutine(_make())
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated once, dropped at the end."""
    if not PG_URL:
        pytest.skip("set TEST_DATABASE_URL to run on PostgreSQL")
    import asyncpg

    name = f"ocop_test_{uuid.uuid4().hex[:10]}"
    server = PG_URL.replace("postgresql+asyncpg://", "postgresql://")

    async def _admin(sql: str) -> None:
        conn = await asyncpg.connect(server)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    run_coroutine(_admin(f'CREATE DATABASE "{name}"'))
    url = server.rsplit("/", 1)[0] + "/" + name

    async def _migrate() -> None:
        engine = create_engine(url)
        await upgrade(engine)
        await engine.dispose()

    run_coroutine(_migrate())
    yield url
    run_coroutine(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _truncate(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname='public' "
            "AND tablename <> 'alembic_version'"
        )
        if tables:
            names = ", ".join(f'"{r["tablename"]}"' for r in tables)
            await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


@pytest.fixture(params=DIALECTS)
async def database(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> AsyncIterator[Database]:
    """An empty, migrated database on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""
    if request.param == "sqlite":
        path = tmp_path / "ocop.db"
        shutil.copy(sqlite_template, path)
        db = Database(f"sqlite:///{path}")
    else:
        url = request.getfixturevalue("pg_database")
        await _truncate(url)
        db = Database(url)
    try:
        yield db
    finally:
        await db.close()
