"""Assembling a running assistant from settings: database, schema, catalogs, knowledge, engine."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.database import create_engine, session_factory, upgrade
from bot.settings import Settings, parse_quiet_hours
from conversations.assistant import build_engine
from conversations.clock import QuietHours
from conversations.engine import Engine
from conversations.i18n import Catalogs
from conversations.services import Services
from knowledge.library import Library, load_library
from knowledge.retrieval import FaqIndex


@dataclass(slots=True)
class Runtime:
    """Everything a channel needs to talk to the engine."""

    settings: Settings
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    services: Services
    engine: Engine


@asynccontextmanager
async def open_runtime(
    settings: Settings, *, catalogs: Catalogs | None = None
) -> AsyncIterator[Runtime]:
    """Open the database (upgrading its schema), load catalogs and knowledge, build the engine."""
    db = create_engine(settings.database_url)
    try:
        await upgrade(db)
        sessions = session_factory(db)
        library, faq = load_knowledge()
        services = Services(
            catalogs=catalogs or Catalogs(),
            knowledge=library,
            faq=faq,
            timezone=settings.zone,
            default_locale=settings.default_locale,
            quiet=QuietHours(*parse_quiet_hours(settings.quiet_hours)),
        )
        yield Runtime(settings, db, sessions, services, build_engine(sessions, services))
    finally:
        await db.dispose()


@functools.cache
def load_knowledge() -> tuple[Library, FaqIndex]:
    """The knowledge library and its FAQ index, loaded once per process (on first use).

    Raises `KnowledgeError` when content files are broken.
    """
    library = load_library()
    return library, library.faq_index()
