"""Files that cannot be material are refused with a clear reason (nothing is stored: see the
store tests); a huge file is refused from its size alone."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from knowledge.material.document import MaterialRefused
from knowledge.material.reader import read_material
from testbed.material_files import FONTS, build_pdf, handout_pages


def refused(path: Path) -> MaterialRefused:
    with pytest.raises(MaterialRefused) as caught:
        read_material(path)
    assert caught.value.message
    return caught.value


def test_a_scanned_pdf_without_text_layer(tmp_path: Path) -> None:
    from fpdf import FPDF

    image = tmp_path / "scan.png"
    Image.new("RGB", (200, 280), "white").save(image)
    pdf = FPDF()
    for _ in range(3):
        pdf.add_page()
        pdf.image(str(image), x=10, y=10, w=180)
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    assert refused(path).code == "no_text"


def test_a_password_protected_pdf(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    title, pages = handout_pages()
    plain = build_pdf(tmp_path / "plain.pdf", title, pages[:2])
    writer = PdfWriter(clone_from=plain)
    writer.encrypt("mat-khau", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    writer.write(path)
    assert refused(path).code == "password"


def test_an_encrypted_pdf_without_user_password_is_read(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    title, pages = handout_pages()
    plain = build_pdf(tmp_path / "plain.pdf", title, pages[:2])
    writer = PdfWriter(clone_from=plain)
    writer.encrypt(user_password="", owner_password="chu", algorithm="RC4-128")
    path = tmp_path / "owner-only.pdf"
    writer.write(path)
    assert len(read_material(path).pages) == 2


def test_a_broken_pdf(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    assert refused(path).code == "broken"


def test_a_pdf_name_on_something_else(tmp_path: Path) -> None:
    path = tmp_path / "anh.pdf"
    Image.new("RGB", (10, 10)).save(path, format="PNG")
    assert refused(path).code == "broken"


def test_a_password_protected_word_file(tmp_path: Path) -> None:
    # Office saves an encrypted .docx as an OLE compound file, not a zip.
    path = tmp_path / "locked.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    assert refused(path).code == "password"


def test_a_broken_word_and_powerpoint_file(tmp_path: Path) -> None:
    for name in ("broken.docx", "broken.pptx"):
        path = tmp_path / name
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "không phải tài liệu")
        assert refused(path).code == "broken"
    half = tmp_path / "half.docx"
    half.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert refused(half).code == "broken"


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as fh:  # sparse: 200 MB on paper, nothing on disk
        fh.truncate(200 * 1024 * 1024)
    started = time.perf_counter()
    error = refused(path)
    assert time.perf_counter() - started < 0.5
    assert error.code == "too_large"
    assert "200 MB" in error.message


def test_unknown_types_empty_files_and_non_utf8_text(tmp_path: Path) -> None:
    sheet = tmp_path / "bang.xlsx"
    sheet.write_bytes(b"PK\x03\x04whatever")
    assert refused(sheet).code == "unknown_type"
    empty = tmp_path / "rong.md"
    empty.write_bytes(b"")
    assert refused(empty).code == "empty"
    latin = tmp_path / "cu.txt"
    latin.write_bytes("Sản phẩm".encode("utf-16"))
    assert refused(latin).code == "broken"
    blank = tmp_path / "trang.md"
    blank.write_text("\n\n<!-- pagebreak -->\n\n", encoding="utf-8")
    assert refused(blank).code == "no_text"


def test_fonts_are_there() -> None:
    assert (FONTS / "DejaVuSans.ttf").exists(), "install fonts-dejavu-core (see .ci/run)"
