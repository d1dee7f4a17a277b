"""Officers upload training material on the dashboard: a real multipart POST to the running app,
read in the background by the add-material code, progress on a status page; refusals (scan,
password, broken, too big, forged CSRF) say why in Vietnamese and store nothing."""

from __future__ import annotations

import asyncio
import os
import re
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlmodel import func, select

from bot.admin.material_jobs import LEFT_BEHIND, IngestJob
from conversations.material.tables import MaterialDocument, MaterialPassage, MaterialVersion
from testbed.material_files import build_docx, build_pdf, handout_pages
from tests.bot.admin.conftest import Dashboard, csrf_of
from tests.support import Database

MATERIAL = "/admin/knowledge/material"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def _counts(database: Database) -> tuple[int, int]:
    """Documents and versions stored."""
    async with database.sessions() as session:
        documents = (await session.exec(select(func.count()).select_from(MaterialDocument))).one()
        versions = (await session.exec(select(func.count()).select_from(MaterialVersion))).one()
    return int(documents), int(versions)


async def _post(client: httpx.AsyncClient, path: Path, mime: str = "application/pdf",
                **fields: str) -> httpx.Response:
    token = csrf_of((await client.get(MATERIAL)).text)
    data = {"csrf": token, **fields}
    with path.open("rb") as fh:
        return await client.post(MATERIAL, data=data, files={"file": (path.name, fh, mime)})


async def _finished(dashboard: Dashboard, client: httpx.AsyncClient,
                    response: httpx.Response) -> str:
    """The status page of an upload once it has ended."""
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(MATERIAL + "/jobs/")
    async with asyncio.timeout(60):
        await dashboard.admin.material_jobs.wait()
    page = await client.get(location)
    assert page.status_code == 200
    assert 'http-equiv="refresh"' not in page.text  # an ended job stops refreshing
    return page.text


def _uploads_left(dashboard: Dashboard) -> list[Path]:
    folder = dashboard.admin.material_jobs.directory
    return list(folder.iterdir()) if folder.is_dir() else []


async def test_a_word_file_uploaded_becomes_a_document_with_its_passages(
    dashboard: Dashboard, database: Database, tmp_path: Path
) -> None:
    title, pages = handout_pages()
    docx = build_docx(tmp_path / "sổ tay.docx", title, pages)
    client = await dashboard.logged_in()
    before = await _counts(database)
    response = await _post(client, docx, DOCX, title="Sổ tay bản Word", rule_version="QĐ 148/2023")
    text = await _finished(dashboard, client, response)
    assert "Đã thêm tài liệu mới «Sổ tay bản Word»: 12 trang" in text
    async with database.sessions() as session:
        document = (await session.exec(
            select(MaterialDocument).where(MaterialDocument.title == "Sổ tay bản Word"))).one()
        passages = (await session.exec(select(MaterialPassage).where(
            MaterialPassage.document_id == document.id))).all()
    assert document.rule_version == "QĐ 148/2023"
    assert len(passages) > 12 and all(p.terms for p in passages)  # analysed at ingest
    assert {p.page for p in passages} == set(range(1, 13))
    assert await _counts(database) == (before[0] + 1, before[1] + 1)
    listing = await client.get(MATERIAL)
    assert "Sổ tay bản Word" in listing.text and "sổ tay.docx" in listing.text
    link = re.search(r'href="(/admin/knowledge/material/\d+)" data-testid="open-document"', text)
    assert link and (await client.get(link.group(1))).status_code == 200
    assert _uploads_left(dashboard) == []

    again = await _finished(dashboard, client, await _post(client, docx, DOCX))
    assert "Tệp này đã có trong tài liệu «Sổ tay bản Word», phiên bản 1" in again
    assert await _counts(database) == (before[0] + 1, before[1] + 1)


async def test_the_status_page_shows_the_pages_read_of_a_long_pdf(
    dashboard: Dashboard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    looked = threading.Event()
    progress = IngestJob.progress

    def held_at_page_30(job: IngestJob, done: int, total: int) -> None:
        progress(job, done, total)
        if done == 30:  # the reader (in its thread) waits there until the page has shown it
            looked.wait(30)

    monkeypatch.setattr(IngestJob, "progress", held_at_page_30)
    _title, source = handout_pages()
    long = [source[i % len(source)] for i in range(60)]
    pdf = build_pdf(tmp_path / "dai.pdf", "Tài liệu dài", long, two_column=0)
    client = await dashboard.logged_in()
    jobs = dashboard.admin.material_jobs
    async with jobs._one_at_a_time:  # another file is being read: this one waits its turn
        response = await _post(client, pdf)
        location = response.headers["location"]
        waiting = await client.get(location)
        assert "Đang chờ" in waiting.text
        assert '<meta http-equiv="refresh" content="2">' in waiting.text
    seen: set[str] = set()
    async with asyncio.timeout(60):
        while True:
            page = (await client.get(location)).text
            state = re.search(r'data-state="(\w+)"', page)
            assert state
            if state.group(1) not in ("waiting", "reading", "storing"):
                break
            seen.update(re.findall(r"Đang đọc: trang (\d+)/60", page))
            if "30" in seen:
                looked.set()
            await asyncio.sleep(0.05)
    assert "30" in seen, "the page showed the reading progress"
    assert all(0 < int(n) <= 60 for n in seen)
    assert "Đã thêm tài liệu mới «Tài liệu dài»: 60 trang" in page
    other = dashboard.client()
    await dashboard.login(other)
    assert (await other.get(location)).status_code == 200  # the same officer, another browser
    assert (await client.get(MATERIAL + "/jobs/no-such-job")).status_code == 404


async def test_a_scanned_pdf_is_refused_in_vietnamese_and_nothing_is_stored(
    dashboard: Dashboard, database: Database, tmp_path: Path
) -> None:
    from fpdf import FPDF
    from PIL import Image

    image = tmp_path / "scan.png"
    Image.new("RGB", (200, 280), "white").save(image)
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.image(str(image), x=10, y=10, w=180)
    scan = tmp_path / "ban-scan.pdf"
    pdf.output(str(scan))
    client = await dashboard.logged_in()
    before = await _counts(database)
    text = await _finished(dashboard, client, await _post(client, scan))
    assert "Tệp PDF này không có lớp chữ (có vẻ là bản scan)" in text
    assert "Không có gì được lưu." in text
    assert await _counts(database) == before
    assert _uploads_left(dashboard) == []


async def test_password_protected_and_broken_files_are_refused(
    dashboard: Dashboard, database: Database, tmp_path: Path
) -> None:
    from pypdf import PdfWriter

    title, pages = handout_pages()
    writer = PdfWriter(clone_from=build_pdf(tmp_path / "plain.pdf", title, pages[:2]))
    writer.encrypt("mat-khau", algorithm="RC4-128")
    locked = tmp_path / "co-mat-khau.pdf"
    writer.write(locked)
    broken = tmp_path / "hong.docx"
    broken.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 20)
    strange = tmp_path / "anh.png"
    strange.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    client = await dashboard.logged_in()
    before = await _counts(database)
    text = await _finished(dashboard, client, await _post(client, locked))
    assert "Tệp có mật khẩu" in text
    text = await _finished(dashboard, client, await _post(client, broken, DOCX))
    assert "Tệp bị hỏng hoặc không đọc được" in text
    text = await _finished(dashboard, client, await _post(client, strange, "image/png"))
    assert "Không đọc được loại tệp này" in text
    assert await _counts(database) == before
    assert _uploads_left(dashboard) == []


async def test_a_body_over_the_limit_is_refused_before_it_is_kept(
    dashboard: Dashboard, database: Database, tmp_path: Path
) -> None:
    dashboard.admin.material_jobs.max_bytes = 2**20  # 1 MB here; the real limit is 50 MB
    big = tmp_path / "lon.txt"
    big.write_text("Một câu về hồ sơ OCOP.\n" * 60_000, encoding="utf-8")  # ~1.7 MB
    client = await dashboard.logged_in()
    before = await _counts(database)
    response = await _post(client, big, "text/plain")
    assert response.status_code == 413
    assert "Tệp lớn hơn 1 MB nên không được nhận. Không có gì được lưu." in response.text
    token = csrf_of(response.text)

    async def chunked() -> object:  # no Content-Length: counted as it streams in
        boundary = b"--b0undary\r\n"
        yield boundary + f'Content-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n'.encode()
        yield boundary + (b'Content-Disposition: form-data; name="file"; filename="lon.txt"\r\n'
                          b"Content-Type: text/plain\r\n\r\n")
        for _ in range(150):
            yield b"x" * 10_000
        yield b"\r\n--b0undary--\r\n"

    streamed = await client.post(
        MATERIAL, content=chunked(),
        headers={"content-type": "multipart/form-data; boundary=b0undary"},
    )
    assert streamed.status_code == 413
    assert await _counts(database) == before
    assert _uploads_left(dashboard) == []


async def test_a_forged_token_or_no_file_stores_nothing(
    dashboard: Dashboard, database: Database, tmp_path: Path
) -> None:
    note = tmp_path / "ghi-chu.md"
    note.write_text("# Ghi chú\n\nHồ sơ nộp ở xã.\n", encoding="utf-8")
    client = await dashboard.logged_in()
    before = await _counts(database)
    with note.open("rb") as fh:
        forged = await client.post(MATERIAL, data={"csrf": "forged"},
                                   files={"file": (note.name, fh, "text/markdown")})
    assert forged.status_code == 403
    token = csrf_of((await client.get(MATERIAL)).text)
    empty = await client.post(MATERIAL, data={"csrf": token},
                              files={"file": ("", b"", "application/octet-stream")})
    assert empty.status_code == 400
    assert "Anh/chị vui lòng chọn một tệp để tải lên." in empty.text
    anonymous = httpx.AsyncClient(base_url=dashboard.url)
    try:
        with note.open("rb") as fh:
            outside = await anonymous.post(MATERIAL, files={"file": (note.name, fh)})
    finally:
        await anonymous.aclose()
    assert outside.status_code == 303 and "/admin/login" in outside.headers["location"]
    await dashboard.admin.material_jobs.wait()
    assert await _counts(database) == before
    assert _uploads_left(dashboard) == []


async def test_files_left_by_a_crashed_process_are_removed_and_fresh_ones_kept(
    dashboard: Dashboard,
) -> None:
    jobs = dashboard.admin.material_jobs
    left, fresh = jobs.new_path(".pdf"), jobs.new_path(".docx")
    left.write_bytes(b"%PDF-1.4 half an upload")
    fresh.write_bytes(b"another process is reading this one")
    long_ago = time.time() - LEFT_BEHIND - 60
    os.utime(left, (long_ago, long_ago))
    await dashboard.admin.start()  # as at the next start of the process
    assert not left.exists() and fresh.exists()
    assert jobs.sweep() == 0
