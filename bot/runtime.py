"""Assembling a running assistant from settings: database, schema, catalogs, knowledge, engine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.database import create_engine, session_factory, upgrade
from bot.knowledge_cache import cache_dir, load_knowledge
from bot.settings import Settings, parse_quiet_hours
from bot.workers.knowledge_watch import KnowledgeWatcher, seed_shipped, served
from conversations.assistant import build_engine
from conversations.clock import QuietHours, utcnow
from conversations.engine import Engine
from conversations.i18n import Catalogs
from conversations.material.live import MaterialSearch
from conversations.services import Services


@dataclass(slots=True)
class Runtime:
    """Everything a channel needs to talk to the engine."""

    settings: Settings
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    services: Services
    engine: Engine
    knowledge_version: int = 0
    """The published knowledge version served at start (the watcher follows later ones)."""
    faq_print: str = ""
    """The fingerprint of the FAQ records the index was built from."""

    def knowledge_watcher(self, interval: float | None = None) -> KnowledgeWatcher:
        """The component that keeps this process serving the latest published knowledge."""
        every = self.settings.knowledge_poll_seconds if interval is None else interval
        directory = cache_dir(self.settings.ocop_cache_dir)
        return KnowledgeWatcher(
            self.sessions, self.services, load_knowledge(directory), self.knowledge_version,
            every, self.faq_print, directory,
        )


@asynccontextmanager
async def open_runtime(
    settings: Settings, *, catalogs: Catalogs | None = None
) -> AsyncIterator[Runtime]:
    """Open the database (upgrading its schema), seed and load the published knowledge,
    build the engine."""
    db = create_engine(settings.database_url)
    try:
        await upgrade(db)
        sessions = session_factory(db)
        directory = cache_dir(settings.ocop_cache_dir)
        await seed_shipped(sessions, directory)
        base = load_knowledge(directory)
        version, library, faq, faq_print = await served(sessions, *base, cache_dir=directory)
        material = MaterialSearch(library.synonyms)
        await open_material(sessions, material)
        services = Services(
            catalogs=catalogs or Catalogs(),
            knowledge=library,
            faq=faq,
            material=material,
            timezone=settings.zone,
            default_locale=settings.default_locale,
            quiet=QuietHours(*parse_quiet_hours(settings.quiet_hours)),
        )
        engine = build_engine(sessions, services)
        yield Runtime(settings, db, sessions, services, engine, version, faq_print)
    finally:
        await db.dispose()


async def open_material(sessions: async_sessionmaker[AsyncSession], search: MaterialSearch
                        ) -> None:
    """Add the shipped handout when no material was ever stored, then build the passage index."""
    from conversations.curation.store import lock_version
    from conversations.material.store import add_material, has_material

    async with sessions() as session, session.begin():
        # Processes starting together on a new database queue here, so only the first adds it.
        await lock_version(session)
        if not await has_material(session):
            from knowledge.material.reader import read_material, shipped_material

            for path in shipped_material():
                await add_material(session, read_material(path), file_name=path.name,
                                   now=utcnow(), analyzer=search.analyzer)
        await search.load(session)

