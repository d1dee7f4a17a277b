"""`ocop-bot knowledge add-material`: files stored as documents and versions, refusals store
nothing, progress on long files; and the first start adds the shipped handout."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfWriter

from bot.cli.main import main
from bot.cli.material import add_files
from bot.runtime import open_runtime
from bot.settings import Settings
from conversations.material.store import document_versions, list_documents
from conversations.messages import Incoming
from testbed.material_files import build_docx, build_pdf, handout_pages
from tests.support import Database

TITLE, PAGES = handout_pages()


def _settings(database: Database) -> Settings:
    return Settings(_env_file=None, database_url=database.url)  # type: ignore[call-arg]


async def test_add_files_versions_and_the_same_file_again(database: Database,
                                                          tmp_path: Path) -> None:
    pdf = build_pdf(tmp_path / "so-tay.pdf", TITLE, PAGES)
    docx = build_docx(tmp_path / "so-tay.docx", TITLE, PAGES)
    out, err = io.StringIO(), io.StringIO()
    settings = _settings(database)
    code = await add_files(settings, [pdf, docx, pdf], None, "QĐ 148/2023", out, err)
    assert code == 0, err.getvalue()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"so-tay.pdf: new document «{TITLE}»: 12 pages")
    assert lines[1].startswith(f"so-tay.docx: version 2 of «{TITLE}»: 12 pages")
    assert "already stored" in lines[2] and "nothing changed" in lines[2]
    async with database.sessions() as session:
        [document] = await list_documents(session)
        versions = await document_versions(session, document.id)
    assert (document.version, document.kind, document.rule_version) == (2, "docx", "QĐ 148/2023")
    assert [v.kind for v in versions] == ["docx", "pdf"]


async def test_refused_files_store_nothing(database: Database, tmp_path: Path) -> None:
    plain = build_pdf(tmp_path / "plain.pdf", TITLE, PAGES[:2])
    writer = PdfWriter(clone_from=plain)
    writer.encrypt("bi-mat", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    writer.write(locked)
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    sheet = tmp_path / "bang.xlsx"
    sheet.write_bytes(b"PK\x03\x04")
    out, err = io.StringIO(), io.StringIO()
    code = await add_files(_settings(database), [locked, huge, sheet], None, None, out, err)
    assert code == 1
    said = err.getvalue()
    assert "refused locked.pdf: the PDF is protected by a password (nothing stored)" in said
    assert "refused huge.pdf: huge.pdf is 200 MB" in said
    assert "refused bang.xlsx: unknown file type .xlsx" in said
    async with database.sessions() as session:
        assert await list_documents(session) == []


async def test_a_long_file_shows_progress_and_title_needs_one_file(
    database: Database, tmp_path: Path
) -> None:
    long = build_pdf(tmp_path / "dai.pdf", "Tài liệu dài", PAGES * 3)
    out, err = io.StringIO(), io.StringIO()
    code = await add_files(_settings(database), [long], "Tài liệu dài", None, out, err)
    assert code == 0, err.getvalue()
    assert "dai.pdf: page 10/36" in out.getvalue() and "dai.pdf: page 36/36" in out.getvalue()
    assert await add_files(_settings(database), [long, long], "T", None, out, err) == 2
    assert "exactly one FILE" in err.getvalue()


def test_the_command_line_parses_add_material(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    text = tmp_path / "ghi-chu.md"
    text.write_text("# Ghi chú tập huấn\n\nHồ sơ nộp tại xã.", encoding="utf-8")
    assert main(["knowledge", "add-material", str(text), "--rule-version", "QĐ 1489/2025"]) == 0
    assert main(["knowledge", "add-material", str(tmp_path / "missing.pdf")]) == 1


async def test_first_start_adds_the_handout_once_and_answers_from_it(database: Database) -> None:
    settings = _settings(database)
    for _ in range(2):  # a second start adds nothing
        async with open_runtime(settings) as runtime:
            assert len(runtime.services.material.index) > 30
            replies = await runtime.engine.handle(Incoming(
                channel="test", user_key="u1", message_id=f"m{_}",
                text="Sau khi được chứng nhận doanh thu thường tăng bao nhiêu?",
            ))
            assert "📄 Theo «Sổ tay tập huấn OCOP cho chủ thể tỉnh Cà Mau», trang 11" in (
                "\n".join(r.text for r in replies)
            )
    async with database.sessions() as session:
        [document] = await list_documents(session)
    assert document.version == 1 and document.pages == 12 and document.answered == 2


def test_knowledge_check_reads_the_shipped_material(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from bot.cli.knowledge import check
    from knowledge.content import default_root

    root = tmp_path / "content"
    shutil.copytree(default_root(), root)
    assert check(root) == 0
    assert "1 material file(s)" in capsys.readouterr().out
    (root / "material" / "scan.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    assert check(root) == 1
    assert "material/scan.pdf" in capsys.readouterr().err
