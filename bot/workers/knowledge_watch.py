"""Serving the knowledge officers publish: seeding at start, and a watcher that polls the
version row and swaps a rebuilt library and FAQ index in whole, in every process."""

from __future__ import annotations

import asyncio
import functools
import logging
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.knowledge_cache import shipped_key
from bot.workers.background import Repeating
from conversations.clock import utcnow
from conversations.curation import store
from conversations.curation.documents import Doc, fingerprint, read_docs
from conversations.curation.live import library_from
from conversations.services import Services
from knowledge.compiled import CompiledCache
from knowledge.content import default_root
from knowledge.library import Library
from knowledge.problems import KnowledgeError, Problem
from knowledge.retrieval import FaqIndex

log = logging.getLogger(__name__)


@functools.cache
def shipped_docs(cache_dir: Path | None = None) -> tuple[tuple[Doc, ...], str]:
    """The records of the shipped content folder and their fingerprint (read once, from the
    compiled copy in `cache_dir` when it was made from the same files)."""

    def build() -> tuple[tuple[Doc, ...], str]:
        problems: list[Problem] = []
        docs = tuple(read_docs(default_root(), problems))
        if problems:
            raise KnowledgeError(problems)
        return docs, fingerprint(docs)

    return CompiledCache(cache_dir).get("shipped-docs", shipped_key(), build)


async def seed_shipped(
    sessions: async_sessionmaker[AsyncSession], cache_dir: Path | None = None
) -> store.SeedReport:
    """Seed the database from the shipped files; an officer's edit is kept and reported."""
    docs, _ = await asyncio.to_thread(shipped_docs, cache_dir)
    async with sessions() as session, session.begin():
        report = await store.seed(session, list(docs), utcnow())
    if report.added or report.updated:
        log.info("knowledge seeded: %d added, %d updated", report.added, report.updated)
    for name in report.conflicts:
        log.warning("knowledge seed not applied, an officer edited %s (see /admin/knowledge)", name)
    return report


def faq_print(docs: list[Doc]) -> str:
    """The fingerprint of the FAQ records alone (the index is rebuilt only when it moves)."""
    return fingerprint(d for d in docs if d.kind in ("faq", "faq_topic"))


async def served(
    sessions: async_sessionmaker[AsyncSession],
    base: Library,
    base_index: FaqIndex,
    serving: tuple[str, FaqIndex] | None = None,
    cache_dir: Path | None = None,
) -> tuple[int, Library, FaqIndex, str]:
    """The published version with its library, FAQ index and FAQ fingerprint (the shipped ones
    when the database holds exactly the shipped content; `serving`'s index when only other
    records changed; else built from the records, or read from the copy compiled in
    `cache_dir` from records with the same fingerprint)."""
    async with sessions() as session:
        version = await store.version(session)
        docs = await store.live_docs(session)
    _, shipped = await asyncio.to_thread(shipped_docs, cache_dir)
    faq = faq_print(docs)
    live = fingerprint(docs)
    if live == shipped:
        return version, base, base_index, faq

    def library_only() -> Library:
        library, problems = library_from(base, docs)
        if problems:
            raise KnowledgeError(problems)
        return library

    if serving is not None and serving[0] == faq:
        return version, await asyncio.to_thread(library_only), serving[1], faq

    def build() -> tuple[Library, FaqIndex]:
        library = library_only()
        return library, library.faq_index()

    cache = CompiledCache(cache_dir)
    library, index = await asyncio.to_thread(cache.get, "served", f"{shipped_key()}:{live}", build)
    return version, library, index, faq


class KnowledgeWatcher(Repeating):
    """Polls the version row; on a change rebuilds in a thread and swaps in the new library."""

    name = "knowledge"

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        services: Services,
        base: tuple[Library, FaqIndex],
        version: int,
        interval: float = 1.0,
        faq: str = "",
        cache_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.faq = faq
        self.cache_dir = cache_dir
        self.sessions = sessions
        self.services = services
        self.base = base
        self.version = version
        self.interval = interval
        self.wait_always = True

    async def run_once(self) -> int:
        """Reload when the published version moved; a broken set keeps the old one serving."""
        async with self.sessions() as session:
            latest = await store.version(session)
        if latest == self.version:
            return 0
        try:
            serving = (self.faq, self.services.faq) if self.faq else None
            version, library, index, faq = await served(
                self.sessions, *self.base, serving, self.cache_dir
            )
        except KnowledgeError as exc:
            log.error("published knowledge does not load, keeping version %d: %s",
                      self.version, exc)
            self.version = latest
            return 0
        self.services.knowledge, self.services.faq = library, index
        self.version, self.faq = version, faq
        log.info("knowledge version %d is live", version)
        return 1
