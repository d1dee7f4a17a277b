"""Reading and changing knowledge records: seeding, publishing with validation, retiring,
restoring, importing; every change is a revision and bumps the version every process polls."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.clock import utcnow
from conversations.curation.documents import Doc, digest, fingerprint
from conversations.curation.live import problems_of
from conversations.curation.tables import (
    DRAFT,
    LIVE,
    RETIRED,
    KnowledgeConflict,
    KnowledgeRecord,
    KnowledgeRevision,
    KnowledgeVersion,
)
from knowledge.library import Library
from knowledge.problems import Problem

SEED = "seed"
IMPORT = "import"


@dataclass(slots=True)
class SeedReport:
    """What a start-up seeding did."""

    added: int = 0
    updated: int = 0
    conflicts: list[str] = field(default_factory=list)
    """"kind key" of each record whose newer seed was not applied (an officer edited it)."""


@dataclass(frozen=True, slots=True)
class Author:
    """Who makes a change: a dashboard officer, the CLI, the seed."""

    name: str
    user_id: int | None = None


def doc_of(record: KnowledgeRecord) -> Doc:
    """The record as a content-file record."""
    return Doc(record.kind, record.key, record.file, record.position, record.body)


async def lock_version(session: AsyncSession) -> KnowledgeVersion:
    """The version row, locked for this transaction (writers of knowledge queue on it)."""
    row = await session.get(KnowledgeVersion, 1, with_for_update=True)
    if row is None:
        # Several processes seed at once on a new database: only one insert may win, the others
        # wait for it on the lock below instead of failing on the primary key.
        on_pg = session.get_bind().dialect.name == "postgresql"
        insert = postgresql.insert if on_pg else sqlite.insert
        await session.exec(  # type: ignore[call-overload]
            insert(KnowledgeVersion)
            .values(id=1, version=0, changed_at=utcnow())
            .on_conflict_do_nothing()
        )
        row = await session.get(KnowledgeVersion, 1, with_for_update=True, populate_existing=True)
        assert row is not None
    return row


async def version(session: AsyncSession) -> int:
    """The published version (what every process compares with the one it serves)."""
    row = await session.get(KnowledgeVersion, 1)
    return row.version if row is not None else 0


async def all_records(session: AsyncSession, *statuses: str) -> list[KnowledgeRecord]:
    """Records in file order, of the given statuses (all when none given)."""
    query = select(KnowledgeRecord).order_by(
        col(KnowledgeRecord.file), col(KnowledgeRecord.position), col(KnowledgeRecord.key)
    )
    if statuses:
        query = query.where(col(KnowledgeRecord.status).in_(statuses))
    return list((await session.exec(query)).all())


async def live_docs(session: AsyncSession) -> list[Doc]:
    """Every live record."""
    return [doc_of(r) for r in await all_records(session, LIVE)]


async def find(session: AsyncSession, kind: str, key: str) -> KnowledgeRecord | None:
    """The record of this kind and key."""
    query = select(KnowledgeRecord).where(KnowledgeRecord.kind == kind, KnowledgeRecord.key == key)
    return (await session.exec(query)).first()


def _revise(
    session: AsyncSession,
    record: KnowledgeRecord,
    *,
    action: str,
    author: Author,
    why: str,
    body: str,
    status: str,
    now: datetime,
    before: tuple[str | None, str | None] = (None, None),
) -> None:
    assert record.id is not None
    session.add(
        KnowledgeRevision(
            record_id=record.id,
            number=record.revision,
            action=action,
            who=author.name[:120],
            user_id=author.user_id,
            why=why[:500],
            before=before[0],
            after=body,
            status_before=before[1],
            status_after=status,
            at=now,
        )
    )


async def _create(
    session: AsyncSession, doc: Doc, status: str, action: str, author: Author, why: str,
    now: datetime, *, seed_hash: str | None = None,
) -> KnowledgeRecord:
    record = KnowledgeRecord(
        kind=doc.kind, key=doc.key, file=doc.file, position=doc.position, body=doc.body,
        status=status, seed_hash=seed_hash, edited=seed_hash is None,
        updated_by=author.user_id, updated_at=now,
    )
    session.add(record)
    await session.flush()
    _revise(session, record, action=action, author=author, why=why, body=doc.body,
            status=status, now=now)
    return record


def _update(
    session: AsyncSession, record: KnowledgeRecord, doc: Doc, status: str, action: str,
    author: Author, why: str, now: datetime,
) -> None:
    before = (record.body, record.status)
    record.body, record.status, record.file = doc.body, status, doc.file
    record.position = doc.position
    record.revision += 1
    record.updated_by, record.updated_at = author.user_id, now
    if action != SEED:
        record.edited = True
    session.add(record)
    _revise(session, record, action=action, author=author, why=why, body=doc.body,
            status=status, now=now, before=before)


async def seed(session: AsyncSession, docs: list[Doc], now: datetime) -> SeedReport:
    """Apply the shipped content: new records are added, unedited ones follow a newer seed, and
    an officer's edit is kept (the newer seed is recorded as a conflict)."""
    report = SeedReport()
    row = await lock_version(session)
    whole = fingerprint(docs)
    if row.seed_hash == whole:
        return report
    existing = {(r.kind, r.key): r for r in await all_records(session)}
    author = Author(SEED)
    for doc in docs:
        h = digest(doc.body)
        record = existing.get((doc.kind, doc.key))
        if record is None:
            await _create(session, doc, LIVE, SEED, author, "", now, seed_hash=h)
            report.added += 1
        elif record.seed_hash == h:
            continue
        elif record.body == doc.body:
            record.seed_hash = h
            session.add(record)
        elif not record.edited:
            _update(session, record, doc, record.status, SEED, author, "", now)
            record.seed_hash = h
            report.updated += 1
        else:
            assert record.id is not None
            query = select(KnowledgeConflict).where(
                KnowledgeConflict.record_id == record.id, KnowledgeConflict.seed_hash == h
            )
            if (await session.exec(query)).first() is None:
                session.add(KnowledgeConflict(record_id=record.id, seed_hash=h, seed_body=doc.body,
                                              found_at=now))
            report.conflicts.append(f"{doc.kind} {doc.key}")
    row.seed_hash = whole
    if report.added or report.updated:
        row.version += 1
        row.changed_at = now
    session.add(row)
    return report


async def _resolve_conflicts(session: AsyncSession, record: KnowledgeRecord, now: datetime) -> None:
    """An officer's change after a conflict settles it (they have seen the newer seed)."""
    query = select(KnowledgeConflict).where(
        KnowledgeConflict.record_id == record.id, col(KnowledgeConflict.resolved_at).is_(None)
    )
    for conflict in (await session.exec(query)).all():
        conflict.resolved_at = now
        session.add(conflict)


async def open_conflicts(session: AsyncSession) -> list[tuple[KnowledgeConflict, KnowledgeRecord]]:
    """Seeds not applied because an officer had edited the record, newest first."""
    query = (
        select(KnowledgeConflict, KnowledgeRecord)
        .join(KnowledgeRecord, col(KnowledgeRecord.id) == KnowledgeConflict.record_id)
        .where(col(KnowledgeConflict.resolved_at).is_(None))
        .order_by(col(KnowledgeConflict.found_at).desc())
    )
    return [(c, r) for c, r in (await session.exec(query)).all()]


async def change(
    session: AsyncSession,
    base: Library,
    doc: Doc,
    *,
    status: str,
    action: str,
    author: Author,
    why: str,
    now: datetime,
) -> list[Problem]:
    """Write one record with `status` after checking that the live set still validates; the
    problems (nothing written) when it does not. Drafts are saved without the check."""
    row = await lock_version(session)
    record = await find(session, doc.kind, doc.key)
    if status == LIVE or (record is not None and record.status == LIVE):
        others = [d for d in await live_docs(session) if (d.kind, d.key) != (doc.kind, doc.key)]
        candidate = [*others, doc] if status == LIVE else others
        problems = await asyncio.to_thread(problems_of, base, candidate)
        if problems:
            return problems
    if record is None:
        await _create(session, doc, status, action, author, why, now)
    elif record.body == doc.body and record.status == status:
        return []
    else:
        _update(session, record, doc, status, action, author, why, now)
        await _resolve_conflicts(session, record, now)
    if status == LIVE or (record is not None and record.status != status):
        row.version += 1
        row.changed_at = now
        session.add(row)
    return []


async def restore(
    session: AsyncSession, base: Library, revision_id: int, author: Author, now: datetime
) -> list[Problem] | None:
    """Publish the text a revision wrote again (None when there is no such revision)."""
    revision = await session.get(KnowledgeRevision, revision_id)
    record = await session.get(KnowledgeRecord, revision.record_id) if revision else None
    if revision is None or record is None or revision.after is None:
        return None
    doc = Doc(record.kind, record.key, record.file, record.position, revision.after)
    why = f"restore revision {revision.number}"
    return await change(session, base, doc, status=LIVE, action="restore", author=author,
                        why=why, now=now)


async def import_docs(
    session: AsyncSession, docs: list[Doc], author: Author, now: datetime
) -> int:
    """Make `docs` (already validated as a whole) the live set in this transaction: records not
    in it are retired. The number of records changed."""
    row = await lock_version(session)
    existing = {(r.kind, r.key): r for r in await all_records(session)}
    changed = 0
    for doc in docs:
        record = existing.pop((doc.kind, doc.key), None)
        if record is None:
            await _create(session, doc, LIVE, IMPORT, author, "", now)
            changed += 1
        elif record.body != doc.body or record.status != LIVE or record.file != doc.file:
            _update(session, record, doc, LIVE, IMPORT, author, "", now)
            changed += 1
        elif record.position != doc.position:
            record.position = doc.position
            session.add(record)
    for record in existing.values():
        if record.status == LIVE:
            _update(session, record, doc_of(record), RETIRED, IMPORT, author, "not in the import",
                    now)
            changed += 1
    if changed:
        row.version += 1
        row.changed_at = now
        session.add(row)
    return changed


async def history(
    session: AsyncSession, record_id: int | None = None, limit: int | None = None
) -> list[tuple[KnowledgeRevision, KnowledgeRecord]]:
    """Revisions oldest first (of one record, or all), with their record."""
    query = select(KnowledgeRevision, KnowledgeRecord).join(
        KnowledgeRecord, col(KnowledgeRecord.id) == KnowledgeRevision.record_id
    )
    if record_id is not None:
        query = query.where(KnowledgeRevision.record_id == record_id)
    query = query.order_by(col(KnowledgeRevision.at), col(KnowledgeRevision.id))
    rows = [(v, r) for v, r in (await session.exec(query)).all()]
    return rows[-limit:] if limit else rows


__all__ = ["DRAFT", "LIVE", "RETIRED"]


async def record_of_revision(session: AsyncSession, revision_id: int) -> KnowledgeRecord | None:
    """The record a revision belongs to."""
    revision = await session.get(KnowledgeRevision, revision_id)
    return await session.get(KnowledgeRecord, revision.record_id) if revision else None


async def drafted_questions(session: AsyncSession, escalation_ids: list[int]) -> set[int]:
    """Which inbox questions already have an FAQ entry made from them (`esc-<id>`)."""
    keys = [f"esc-{i}" for i in escalation_ids]
    query = select(KnowledgeRecord.key).where(
        KnowledgeRecord.kind == "faq", col(KnowledgeRecord.key).in_(keys)
    )
    return {int(k.removeprefix("esc-")) for k in (await session.exec(query)).all()}
