"""`ocop-bot knowledge export` and `import`: the live records as a complete content folder (plus
`history.yaml`, every change ever made), and a folder loaded back all or nothing."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.curation import store
from conversations.curation.documents import Doc, copy_static, dump, read_docs, write_docs
from conversations.curation.tables import KnowledgeRecord, KnowledgeRevision
from knowledge.library import read_library
from knowledge.problems import Problem

HISTORY = "history.yaml"


def _revision(revision: KnowledgeRevision, record: KnowledgeRecord) -> dict[str, object]:
    return {
        "record": f"{record.kind} {record.key}",
        "revision": revision.number,
        "action": revision.action,
        "who": revision.who,
        "at": revision.at.isoformat(timespec="seconds"),
        "why": revision.why,
        "status": [revision.status_before, revision.status_after],
        "before": revision.before,
        "after": revision.after,
    }


async def export_to(session: AsyncSession, target: Path, shipped: Path) -> int:
    """Write the live knowledge below `target` as content files `ocop-bot knowledge check`
    accepts (the files not kept in the database are copied from `shipped`), and the history."""
    docs = await store.live_docs(session)
    revisions = await store.history(session)
    body = dump({"revisions": [_revision(v, r) for v, r in revisions]})

    def write() -> None:
        target.mkdir(parents=True, exist_ok=True)
        copy_static(shipped, target)
        write_docs(target, docs)
        (target / HISTORY).write_text(body, encoding="utf-8")

    await asyncio.to_thread(write)
    return len(docs)


def read_folder(source: Path) -> tuple[list[Doc], list[Problem]]:
    """The records of a content folder and every problem the loaders find in it."""
    _, problems = read_library(source)
    docs = read_docs(source, problems)
    return docs, problems


async def import_from(
    session: AsyncSession, source: Path, author: store.Author, now: datetime
) -> tuple[int, list[Problem]]:
    """Load a folder as the live knowledge, all or nothing: (records changed, problems)."""
    if not await asyncio.to_thread(source.is_dir):
        return 0, [Problem(source.as_posix(), "", "", "folder not found")]
    docs, problems = await asyncio.to_thread(read_folder, source)
    if problems:
        return 0, problems
    return await store.import_docs(session, docs, author, now), []
