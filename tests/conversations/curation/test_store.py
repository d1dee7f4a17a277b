"""Knowledge records: seeding, officers' edits against newer seeds, publishing with validation,
export → import → export, and all-or-nothing imports with file, entry and field."""

from __future__ import annotations

import filecmp
import shutil
from datetime import UTC, datetime
from pathlib import Path

import yaml
from sqlmodel import select

from bot.workers.knowledge_watch import shipped_docs
from conversations.curation import store
from conversations.curation.documents import Doc, dump
from conversations.curation.exchange import export_to, import_from
from conversations.curation.tables import (
    LIVE,
    KnowledgeConflict,
    KnowledgeRecord,
    KnowledgeRevision,
)
from knowledge.content import default_root
from knowledge.library import Library, read_library
from tests.support import Database

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
OFFICER = store.Author("lan")


def shipped() -> list[Doc]:
    return list(shipped_docs()[0])


def edited(doc: Doc, **changes: object) -> Doc:
    data = doc.data
    data.update(changes)
    return Doc(doc.kind, doc.key, doc.file, doc.position, dump(data))


async def seeded(database: Database) -> None:
    async with database.sessions() as session, session.begin():
        await store.seed(session, shipped(), NOW)


def unreferenced(library: Library) -> str:
    """An FAQ entry of the annual-cycle topic that no other entry lists as related."""
    related = {r for e in library.faq for r in e.related}
    return next(e.id for e in library.faq if e.topic == "annual-cycle" and e.id not in related)


def faq_doc(entry_id: str = "cycle-timing") -> Doc:
    return next(d for d in shipped() if d.kind == "faq" and d.key == entry_id)


async def test_empty_database_is_seeded_once_with_a_revision_each(database: Database) -> None:
    await seeded(database)
    await seeded(database)
    async with database.sessions() as session:
        records = await store.all_records(session)
        revisions = (await session.exec(select(KnowledgeRevision))).all()
        version = await store.version(session)
    kinds = {r.kind for r in records}
    assert {"faq", "checklist_item", "milestone", "regime", "faq_topic", "rules"} <= kinds
    assert len(records) == len(shipped()) == len(revisions)
    assert {r.action for r in revisions} == {"seed"} and version == 1


async def test_newer_seed_never_overwrites_an_officers_edit(
    database: Database, library: Library
) -> None:
    await seeded(database)
    doc = faq_doc()
    mine = edited(doc, answer={"vi": "Câu trả lời của cán bộ.", "en": "The officer's answer."})
    async with database.sessions() as session, session.begin():
        assert await store.change(session, library, mine, status=LIVE, action="edit",
                                  author=OFFICER, why="tỉnh đã công bố", now=NOW) == []
    newer = [
        edited(d, source="Nguồn mới") if d.key in ("cycle-timing", "cycle-six-steps") else d
        for d in shipped()
    ]
    async with database.sessions() as session, session.begin():
        report = await store.seed(session, newer, NOW)
    assert report.conflicts == ["faq cycle-timing"] and report.updated == 1
    async with database.sessions() as session:
        kept = await store.find(session, "faq", "cycle-timing")
        followed = await store.find(session, "faq", "cycle-six-steps")
        conflicts = await store.open_conflicts(session)
    assert kept is not None and "Câu trả lời của cán bộ." in kept.body
    assert "Nguồn mới" not in kept.body
    assert followed is not None and "Nguồn mới" in followed.body
    assert [r.key for _, r in conflicts] == ["cycle-timing"]
    assert "Nguồn mới" in conflicts[0][0].seed_body
    again = edited(mine, source="Nguồn mới, cán bộ đã xem")
    async with database.sessions() as session, session.begin():
        assert await store.change(session, library, again, status=LIVE, action="publish",
                                  author=OFFICER, why="đã so sánh", now=NOW) == []
    async with database.sessions() as session:
        assert await store.open_conflicts(session) == [], "the officer's next change settles it"


async def test_a_broken_entry_is_refused_with_its_field(
    database: Database, library: Library
) -> None:
    await seeded(database)
    broken = edited(faq_doc(), rule_version="2099/99", answer={"vi": "x" * 700, "en": "ok"})
    async with database.sessions() as session, session.begin():
        problems = await store.change(session, library, broken, status=LIVE, action="edit",
                                      author=OFFICER, why="", now=NOW)
    fields = {(p.file, p.entry, p.field) for p in problems}
    assert ("faq/annual-cycle.yaml", "cycle-timing", "rule_version") in fields
    assert ("faq/annual-cycle.yaml", "cycle-timing", "answer.vi") in fields
    async with database.sessions() as session:
        record = await store.find(session, "faq", "cycle-timing")
        assert await store.version(session) == 1
    assert record is not None and record.body == faq_doc().body and record.revision == 1


async def test_export_import_export_gives_identical_files(
    database: Database, library: Library, tmp_path: Path
) -> None:
    await seeded(database)
    mine = edited(faq_doc(), source="QĐ của tỉnh Cà Mau 2026")
    async with database.sessions() as session, session.begin():
        await store.change(session, library, mine, status=LIVE, action="edit", author=OFFICER,
                           why="nguồn mới", now=NOW)
        leaf = unreferenced(library)
        assert await store.change(session, library, faq_doc(leaf), status="retired",
                                  action="retire", author=OFFICER, why="trùng", now=NOW) == []
        refused = await store.change(session, library, faq_doc("cycle-six-steps"),
                                     status="retired", action="retire", author=OFFICER, why="",
                                     now=NOW)
    assert refused and all(p.field == "related" for p in refused), "others still point to it"
    first, second = tmp_path / "one", tmp_path / "two"
    async with database.sessions() as session:
        await export_to(session, first, default_root())
    _, problems = read_library(first)
    assert problems == [], "the export passes `knowledge check`"
    async with database.sessions() as session, session.begin():
        changed, problems = await import_from(session, first, OFFICER, NOW)
    assert (changed, problems) == (0, [])
    async with database.sessions() as session:
        await export_to(session, second, default_root())
    compared = filecmp.dircmp(first, second)
    assert _same(compared), "export → import → export changes nothing"
    history = yaml.safe_load((first / "history.yaml").read_text(encoding="utf-8"))
    actions = {(h["record"], h["action"], h["who"]) for h in history["revisions"]}
    assert ("faq cycle-timing", "edit", "lan") in actions
    assert (f"faq {leaf}", "retire", "lan") in actions
    text = (first / "faq" / "annual-cycle.yaml").read_text(encoding="utf-8")
    assert "QĐ của tỉnh Cà Mau 2026" in text and f"id: {leaf}\n" not in text


def _same(compared: filecmp.dircmp[str]) -> bool:
    _, mismatch, errors = filecmp.cmpfiles(
        compared.left, compared.right, compared.common_files, shallow=False
    )
    if mismatch or errors or compared.left_only or compared.right_only:
        return False
    return all(_same(sub) for sub in compared.subdirs.values())


async def test_import_is_all_or_nothing_with_file_entry_and_field(
    database: Database, tmp_path: Path
) -> None:
    await seeded(database)
    folder = tmp_path / "in"
    async with database.sessions() as session:
        await export_to(session, folder, default_root())
    path = folder / "faq" / "annual-cycle.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["entries"][0]["answer"]["vi"] = "Một câu trả lời mới, hợp lệ."
    data["entries"][1]["confidence"] = "maybe"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    calendar = next((folder / "calendar").glob("*.yaml"))
    cal = yaml.safe_load(calendar.read_text(encoding="utf-8"))
    cal["milestones"][1]["status"] = "confirmed"
    calendar.write_text(yaml.safe_dump(cal, allow_unicode=True, sort_keys=False), "utf-8")
    async with database.sessions() as session, session.begin():
        changed, problems = await import_from(session, folder, OFFICER, NOW)
    where = {(p.file, p.entry, p.field) for p in problems}
    assert changed == 0
    assert ("faq/annual-cycle.yaml", data["entries"][1]["id"], "confidence") in where
    assert (f"calendar/{calendar.name}", cal["milestones"][1]["id"], "date") in where
    async with database.sessions() as session:
        first = await store.find(session, "faq", data["entries"][0]["id"])
        assert await store.version(session) == 1
    assert first is not None and "Một câu trả lời mới" not in first.body


async def test_import_adds_changes_and_retires(database: Database, tmp_path: Path) -> None:
    await seeded(database)
    folder = tmp_path / "in"
    async with database.sessions() as session:
        await export_to(session, folder, default_root())
    path = folder / "faq" / "annual-cycle.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    gone = data["entries"].pop(0)["id"]
    for other in data["entries"]:
        other["related"] = [r for r in other.get("related", []) if r != gone]
    shutil.rmtree(folder / "faq" / "drafts", ignore_errors=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for other in (folder / "faq").glob("*.yaml"):
        d = yaml.safe_load(other.read_text(encoding="utf-8"))
        for entry in d["entries"]:
            if gone in entry.get("related", []):
                entry["related"] = [r for r in entry["related"] if r != gone]
        other.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), "utf-8")
    async with database.sessions() as session, session.begin():
        changed, problems = await import_from(session, folder, OFFICER, NOW)
    assert problems == [] and changed >= 2
    async with database.sessions() as session:
        record = await store.find(session, "faq", gone)
        conflicts = (await session.exec(select(KnowledgeConflict))).all()
        live = (await session.exec(
            select(KnowledgeRecord).where(KnowledgeRecord.status == LIVE)
        )).all()
    assert record is not None and record.status == "retired" and record.edited
    assert conflicts == [] and all(r.key != gone for r in live)
