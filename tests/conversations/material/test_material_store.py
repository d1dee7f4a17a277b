"""Material in the database (SQLite and PostgreSQL): one document per file, versions by title
with their history, retiring, answer counts, the FAQ draft, and the live index."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import func, select

from conversations.clock import utcnow
from conversations.material.live import MaterialSearch
from conversations.material.store import (
    add_material,
    count_answered,
    document_passages,
    document_versions,
    faq_draft,
    has_material,
    list_documents,
    served_passages,
    set_retired,
)
from conversations.material.tables import MaterialPage, MaterialPassage, MaterialVersion
from knowledge.library import Library
from knowledge.material.document import Block, Extracted, Page
from knowledge.material.reader import read_material
from knowledge.synonyms import Synonyms
from testbed.material_files import HANDOUT, build_docx, handout_pages
from tests.support import Database


def material(checksum: str, *pages: str, title: str = "Hướng dẫn hồ sơ") -> Extracted:
    return Extracted(
        "markdown", title,
        tuple(Page(n, (Block("heading", f"Trang {n}"), Block("text", t)))
              for n, t in enumerate(pages, start=1)),
        checksum, 100,
    )


async def test_the_same_file_twice_is_one_document(database: Database) -> None:
    handout = read_material(HANDOUT)
    async with database.sessions() as session, session.begin():
        assert not await has_material(session)
        first = await add_material(session, handout, file_name="so-tay.md", now=utcnow(),
                                   rule_version="QĐ 148/2023")
    async with database.sessions() as session, session.begin():
        again = await add_material(session, handout, file_name="copy.md", now=utcnow(),
                                   title="Another title")
        assert await has_material(session)
    assert first.status == "new" and again.status == "same"
    assert again.document_id == first.document_id and first.pages == 12
    async with database.sessions() as session:
        [doc] = await list_documents(session)
        count = (await session.exec(select(func.count()).select_from(MaterialPassage))).one()
    assert doc.title == "Sổ tay tập huấn OCOP cho chủ thể tỉnh Cà Mau"
    assert (doc.pages, doc.passages, doc.version, doc.rule_version) == (12, first.passages, 1,
                                                                       "QĐ 148/2023")
    assert count == first.passages


async def test_a_new_version_replaces_passages_and_keeps_history(database: Database) -> None:
    async with database.sessions() as session, session.begin():
        await add_material(session, material("a" * 64, "Nộp hồ sơ tại huyện."), file_name="v1.md",
                           now=utcnow())
    async with database.sessions() as session, session.begin():
        added = await add_material(
            session, material("b" * 64, "Nộp hồ sơ tại xã.", "Trang hai mới."),
            file_name="v2.md", now=utcnow(), rule_version="QĐ 1489/2025",
        )
    assert (added.status, added.version, added.pages) == ("version", 2, 2)
    async with database.sessions() as session:
        versions = await document_versions(session, added.document_id)
        passages = await document_passages(session, added.document_id)
        pages = (await session.exec(select(func.count()).select_from(MaterialPage))).one()
    assert [v.number for v in versions] == [2, 1]
    assert versions[0].replaced_at is None and versions[1].replaced_at is not None
    assert [v.file_name for v in versions] == ["v2.md", "v1.md"]
    assert [p.text for p in passages] == ["Nộp hồ sơ tại xã.", "Trang hai mới."]
    assert pages == 3  # the old version's page is kept with its version


async def test_the_title_can_be_given_and_a_docx_of_the_handout_is_another_file(
    database: Database, tmp_path: Path
) -> None:
    title, pages = handout_pages()
    docx = read_material(build_docx(tmp_path / "h.docx", title, pages))
    async with database.sessions() as session, session.begin():
        one = await add_material(session, read_material(HANDOUT), file_name="h.md", now=utcnow())
        two = await add_material(session, docx, file_name="h.docx", now=utcnow())
        other = await add_material(session, replace(docx, checksum="c" * 64),
                                   file_name="x.docx", now=utcnow(), title="Bản khác")
    assert (one.status, two.status, two.version) == ("new", "version", 2)
    assert other.status == "new" and other.title == "Bản khác"


async def test_retired_documents_are_not_served_and_counts_and_drafts(
    database: Database, library: Library
) -> None:
    async with database.sessions() as session, session.begin():
        added = await add_material(session, read_material(HANDOUT), file_name="h.md",
                                   now=utcnow(), rule_version="QĐ 148/2023")
    search = MaterialSearch(library.synonyms, check_every=0.0)
    async with database.sessions() as session, session.begin():
        await search.load(session)
        match = await search.answer(session, "dong thap thu hoi giay cua bao nhieu san pham")
        assert match is not None and match.passage.page == 10
        await count_answered(session, match.passage.id)
    async with database.sessions() as session:
        [doc] = await list_documents(session)
        draft = await faq_draft(session, match.passage.id)
    assert doc.answered == 2
    assert draft is not None and "Đồng Tháp" in draft.answer
    assert draft.source == "Sổ tay tập huấn OCOP cho chủ thể tỉnh Cà Mau, trang 10"
    assert draft.question == "Thu hồi giấy chứng nhận?" and draft.rule_version == "QĐ 148/2023"
    async with database.sessions() as session, session.begin():
        assert await set_retired(session, added.document_id, True, utcnow())
        assert not await set_retired(session, 999_999, True, utcnow())
    async with database.sessions() as session, session.begin():
        assert await served_passages(session) == []
        assert await faq_draft(session, match.passage.id) is None
        # The live index notices the change and stops answering from the retired document.
        assert await search.answer(session, "dong thap thu hoi giay cua bao nhieu san pham") is None
    async with database.sessions() as session, session.begin():
        await set_retired(session, added.document_id, False, utcnow())
    async with database.sessions() as session, session.begin():
        assert await search.answer(session, "dong thap thu hoi bao nhieu san pham") is not None


async def test_another_process_adding_material_is_seen(database: Database,
                                                       library: Library) -> None:
    search = MaterialSearch(library.synonyms, check_every=0.0)
    async with database.sessions() as session, session.begin():
        await search.load(session)
        assert len(search.index) == 0
    other = database.open()  # another process, its own pool
    async with other() as session, session.begin():
        await add_material(session, read_material(HANDOUT), file_name="h.md", now=utcnow())
    async with database.sessions() as session, session.begin():
        index = await search.current(session)
    assert len(index) > 30


async def test_versions_are_unique_per_checksum(database: Database) -> None:
    async with database.sessions() as session, session.begin():
        await add_material(session, material("d" * 64, "Một."), file_name="a.md", now=utcnow())
        await add_material(session, replace(material("d" * 64, "Một."), title="Khác"),
                           file_name="b.md", now=utcnow())
        rows = (await session.exec(select(MaterialVersion))).all()
    assert len(rows) == 1


async def test_passages_stored_analysed_are_not_analysed_again(
    database: Database, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from knowledge.terms import Analyzer

    search = MaterialSearch(library.synonyms)
    async with database.sessions() as session, session.begin():
        await add_material(session, read_material(HANDOUT), file_name="h.md", now=utcnow(),
                           analyzer=search.analyzer)
    calls: list[str] = []
    original = Analyzer.document
    monkeypatch.setattr(Analyzer, "document",
                        lambda self, text: calls.append(text) or original(self, text))
    async with database.sessions() as session, session.begin():
        index = await search.load(session)
    assert len(index) > 30 and calls == []
    assert index.ask("Vì sao Cà Mau thu hồi hai giấy chứng nhận 3 sao?") is not None
    calls.clear()  # the extract analyses its sentences; that is not the index build
    # Other synonyms (another key): the stored analysis is not trusted, passages are redone.
    other = MaterialSearch(Synonyms(same=(("hồ sơ", "giấy tờ"),)))
    async with database.sessions() as session, session.begin():
        await other.load(session)
    assert len(calls) == len(index)
