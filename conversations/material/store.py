"""Storing material: add a file as a document or a new version, list, retire, count answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import func, insert, update
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.material.tables import (
    MaterialDocument,
    MaterialPage,
    MaterialPassage,
    MaterialVersion,
)
from knowledge.material.document import Extracted
from knowledge.material.passages import split_pages
from knowledge.material.search import IndexedPassage, PassageAnalyzer

MAX_TITLE = 300


@dataclass(frozen=True, slots=True)
class Added:
    """What adding a file did: a new document, a new version of one, or nothing (same file)."""

    status: Literal["new", "version", "same"]
    document_id: int
    title: str
    version: int
    pages: int
    passages: int


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """A document as the dashboard lists it."""

    id: int
    title: str
    rule_version: str
    version: int
    retired: bool
    file_name: str
    kind: str
    pages: int
    passages: int
    answered: int
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class FaqDraftSeed:
    """A passage turned into the fields of a new FAQ entry, for an officer to edit."""

    question: str
    answer: str
    source: str
    rule_version: str
    passage_id: int


async def add_material(
    session: AsyncSession, extracted: Extracted, *, file_name: str, now: datetime,
    title: str | None = None, rule_version: str | None = None,
    analyzer: PassageAnalyzer | None = None,
) -> Added:
    """Store a read file: the same file again changes nothing; a known title gets a new version
    (its passages replaced, the old version and its pages kept); else a new document.
    With `analyzer`, each passage's analysed text is stored too (a faster index build)."""
    same = (await session.exec(
        select(MaterialVersion, MaterialDocument)
        .join(MaterialDocument, col(MaterialDocument.id) == MaterialVersion.document_id)
        .where(MaterialVersion.checksum == extracted.checksum)
    )).first()
    if same is not None:
        version, document = same
        assert document.id is not None
        return Added("same", document.id, document.title, version.number, version.pages,
                     version.passages)
    name = " ".join((title or extracted.title or _stem(file_name)).split())[:MAX_TITLE]
    document = (await session.exec(
        select(MaterialDocument).where(MaterialDocument.title == name)
    )).first()
    status: Literal["new", "version"] = "version" if document else "new"
    if document is None:
        document = MaterialDocument(title=name, created_at=now)
        session.add(document)
        await session.flush()
    else:
        await session.exec(
            update(MaterialVersion)  # type: ignore[call-overload]
            .where(col(MaterialVersion.document_id) == document.id,
                   col(MaterialVersion.replaced_at).is_(None))
            .values(replaced_at=now)
        )
        await session.exec(
            delete(MaterialPassage).where(col(MaterialPassage.document_id) == document.id)
        )
    assert document.id is not None
    if rule_version is not None:
        document.rule_version = rule_version[:80]
    passages = split_pages(extracted.pages)
    version = MaterialVersion(
        document_id=document.id, number=document.current_version + 1,
        checksum=extracted.checksum, file_name=file_name[:300], kind=extracted.kind,
        size_bytes=extracted.size, pages=len(extracted.pages), passages=len(passages),
        rule_version=document.rule_version, added_at=now,
    )
    session.add(version)
    await session.flush()
    assert version.id is not None
    await session.exec(insert(MaterialPage), params=[
        {"version_id": version.id, "number": p.number, "text": p.text} for p in extracted.pages
    ])
    if passages:
        await session.exec(insert(MaterialPassage), params=[
            {"document_id": document.id, "version_id": version.id, "page": p.page,
             "position": p.position, "heading": p.heading[:300], "text": p.text, "answered": 0,
             "terms": analyzer.encode(p.heading[:300], p.text) if analyzer else None,
             "terms_key": analyzer.key if analyzer else ""}
            for p in passages
        ])
    document.current_version = version.number
    document.changed_at = now
    session.add(document)
    return Added(status, document.id, document.title, version.number, version.pages,
                 version.passages)


async def has_material(session: AsyncSession) -> bool:
    """Whether any document was ever added (retired ones count)."""
    found = await session.exec(select(MaterialDocument.id).limit(1))
    return found.first() is not None


def _stem(file_name: str) -> str:
    """A title from a file name: "so-tay_ocop.pdf" → "so tay ocop"."""
    stem = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return stem.replace("_", " ").replace("-", " ") or "material"


async def list_documents(session: AsyncSession) -> list[DocumentSummary]:
    """Every document with its current version's file, pages, passages and answer count."""
    answered = (
        select(MaterialPassage.document_id, func.count().label("n"),
               func.coalesce(func.sum(MaterialPassage.answered), 0).label("answered"))
        .group_by(col(MaterialPassage.document_id))
        .subquery()
    )
    rows = (await session.exec(
        select(MaterialDocument, MaterialVersion, answered.c.n, answered.c.answered)
        .join(MaterialVersion, (col(MaterialVersion.document_id) == MaterialDocument.id)
              & (col(MaterialVersion.number) == MaterialDocument.current_version))
        .outerjoin(answered, answered.c.document_id == MaterialDocument.id)
        .order_by(col(MaterialDocument.retired), col(MaterialDocument.title))
    )).all()
    return [
        DocumentSummary(
            d.id, d.title, d.rule_version, d.current_version, d.retired, v.file_name, v.kind,
            v.pages, int(n or 0), int(a or 0), d.changed_at,
        )
        for d, v, n, a in rows
    ]


async def document_versions(session: AsyncSession, document_id: int) -> list[MaterialVersion]:
    """A document's versions, newest first (its history)."""
    return list((await session.exec(
        select(MaterialVersion).where(MaterialVersion.document_id == document_id)
        .order_by(col(MaterialVersion.number).desc())
    )).all())


async def document_passages(session: AsyncSession, document_id: int) -> list[MaterialPassage]:
    """The served passages of a document in page order."""
    return list((await session.exec(
        select(MaterialPassage).where(MaterialPassage.document_id == document_id)
        .order_by(col(MaterialPassage.page), col(MaterialPassage.position))
    )).all())


async def set_retired(session: AsyncSession, document_id: int, retired: bool, now: datetime
                      ) -> bool:
    """Retire (or bring back) a document; False when there is no such document."""
    document = await session.get(MaterialDocument, document_id)
    if document is None:
        return False
    if document.retired != retired:
        document.retired = retired
        document.changed_at = now
        session.add(document)
    return True


async def served_passages(session: AsyncSession, key: str = ""
                          ) -> list[tuple[IndexedPassage, str | None]]:
    """Every passage of the documents that are not retired, as the search index needs them,
    each with its stored analysis when that was made with analyzer key `key`."""
    rows = (await session.exec(
        select(MaterialPassage.id, MaterialDocument.title, MaterialPassage.page,
               MaterialPassage.heading, MaterialPassage.text, MaterialPassage.terms,
               MaterialPassage.terms_key)
        .join(MaterialDocument, col(MaterialDocument.id) == MaterialPassage.document_id)
        .where(col(MaterialDocument.retired).is_(False))
        .order_by(col(MaterialPassage.id))
    )).all()
    return [
        (IndexedPassage(int(i), t, int(p), h, x), terms if key and k == key else None)
        for i, t, p, h, x, terms, k in rows
    ]


async def material_stamp(session: AsyncSession) -> tuple[int, datetime | None]:
    """Changes whenever a document is added, gets a version, or is retired or restored."""
    count, latest = (await session.exec(
        select(func.count(), func.max(MaterialDocument.changed_at))
    )).one()
    return int(count), latest


async def count_answered(session: AsyncSession, passage_id: int) -> None:
    """One more answer given from this passage."""
    await session.exec(
        update(MaterialPassage)  # type: ignore[call-overload]
        .where(col(MaterialPassage.id) == passage_id)
        .values(answered=MaterialPassage.answered + 1)
    )


async def served_passage(session: AsyncSession, passage_id: int
                         ) -> tuple[MaterialPassage, MaterialDocument] | None:
    """A passage with its document, if both still exist and the document is not retired."""
    row = (await session.exec(
        select(MaterialPassage, MaterialDocument)
        .join(MaterialDocument, col(MaterialDocument.id) == MaterialPassage.document_id)
        .where(col(MaterialPassage.id) == passage_id, col(MaterialDocument.retired).is_(False))
    )).first()
    return (row[0], row[1]) if row else None


async def faq_draft(session: AsyncSession, passage_id: int) -> FaqDraftSeed | None:
    """The fields of a new FAQ entry prefilled from a passage (the question left to write)."""
    found = await served_passage(session, passage_id)
    if found is None:
        return None
    passage, document = found
    heading = passage.heading.strip()
    return FaqDraftSeed(
        question=f"{heading}?" if heading and not heading.endswith("?") else heading,
        answer=" ".join(passage.text.split("\n")),
        source=f"{document.title}, trang {passage.page}",
        rule_version=document.rule_version,
        passage_id=passage_id,
    )
