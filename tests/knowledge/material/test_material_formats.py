"""The handout built into PDF, DOCX and PPTX reads back page by page with headings, tables and
Vietnamese diacritics; HTML, Markdown and text read too."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.material.passages import split_pages
from knowledge.material.reader import read_material
from testbed.material_files import (
    TWO_COLUMN_PAGE,
    build_docx,
    build_pdf,
    build_pptx,
    handout_pages,
)

TITLE, PAGES = handout_pages()
BUILDERS = {"pdf": build_pdf, "docx": build_docx, "pptx": build_pptx}


def test_the_handout_has_eight_to_fifteen_pages_and_a_table() -> None:
    assert 8 <= len(PAGES) <= 15
    assert any(b.kind == "row" for p in PAGES for b in p.blocks)
    assert TITLE == "Sổ tay tập huấn OCOP cho chủ thể tỉnh Cà Mau"


@pytest.fixture(scope="module", params=sorted(BUILDERS))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / f"so-tay.{request.param}"
    return BUILDERS[request.param](out, TITLE, PAGES)


def test_every_page_reads_back_with_its_words_and_diacritics(built: Path) -> None:
    extracted = read_material(built)
    assert extracted.kind == built.suffix[1:]
    assert extracted.title == TITLE
    assert [p.number for p in extracted.pages] == [p.number for p in PAGES]
    for source, read in zip(PAGES, extracted.pages, strict=True):
        said = " ".join(read.text.split())
        for block in source.blocks:
            for cell in block.text.split(" – "):
                assert cell in said, (read.number, cell)


def test_headings_are_kept(built: Path) -> None:
    extracted = read_material(built)
    headings = {b.text for p in extracted.pages for b in p.blocks if b.kind == "heading"}
    assert "Hạng sao và ý nghĩa" in headings
    assert "Chu trình OCOP hằng năm" in headings
    if built.suffix != ".pptx":  # a slide has one title; sub-headings are body text there
        assert "Thu hồi giấy chứng nhận" in headings


def test_the_star_table_and_the_two_column_page(built: Path) -> None:
    extracted = read_material(built)
    stars = " ".join(extracted.pages[4].text.split())
    assert "từ 70 đến dưới 90" in stars
    two = " ".join(extracted.pages[TWO_COLUMN_PAGE - 1].text.split())
    # The columns read in order: the first column's text before the second's.
    assert two.index("madeincamau.com") < two.index("Bắc Giang") < two.index("300 triệu")


def test_passages_never_cross_a_page(built: Path) -> None:
    extracted = read_material(built)
    by_number = {p.number: " ".join(p.text.split()) for p in extracted.pages}
    passages = split_pages(extracted.pages)
    assert len(passages) >= 30
    for passage in passages:
        for sentence in passage.sentences:
            assert sentence in by_number[passage.page]
        assert len(passage.sentences) <= 4


def test_markdown_source_reads_as_the_same_pages() -> None:
    from testbed.material_files import HANDOUT

    extracted = read_material(HANDOUT)
    assert extracted.kind == "markdown"
    assert [p.text for p in extracted.pages] == [p.text for p in PAGES]
    assert len(extracted.checksum) == 64


def test_html_keeps_headings_lists_and_table_rows(tmp_path: Path) -> None:
    page = tmp_path / "qd.html"
    page.write_text(
        "<html><head><title>Quyết định mẫu</title><style>p{color:red}</style></head><body>"
        "<nav>Trang chủ</nav><h1>Điều 1. Phạm vi</h1><p>Sản phẩm đạt từ 3 sao được cấp "
        "giấy chứng nhận.</p><ul><li>Hạng 4 sao</li><li>Hạng 5 sao</li></ul>"
        "<table><tr><th>Hạng</th><th>Điểm</th></tr><tr><td>4 sao</td><td>70 đến dưới 90</td>"
        "</tr></table><script>var x = 1;</script></body></html>",
        encoding="utf-8",
    )
    extracted = read_material(page)
    assert extracted.title == "Quyết định mẫu"
    kinds = [(b.kind, b.text) for b in extracted.pages[0].blocks]
    assert kinds == [
        ("heading", "Điều 1. Phạm vi"),
        ("text", "Sản phẩm đạt từ 3 sao được cấp giấy chứng nhận."),
        ("item", "Hạng 4 sao"),
        ("item", "Hạng 5 sao"),
        ("row", "Hạng – Điểm"),
        ("row", "4 sao – 70 đến dưới 90"),
    ]


def test_plain_text_pages_at_form_feeds(tmp_path: Path) -> None:
    path = tmp_path / "ghi-chu.txt"
    path.write_text("Trang một có chữ.\n\nĐoạn hai.\fTrang hai.", encoding="utf-8")
    extracted = read_material(path)
    assert [p.number for p in extracted.pages] == [1, 2]
    assert extracted.pages[1].text == "Trang hai."


def test_progress_is_reported_page_by_page(tmp_path: Path) -> None:
    pdf = build_pdf(tmp_path / "h.pdf", TITLE, PAGES)
    seen: list[tuple[int, int]] = []
    read_material(pdf, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(n, len(PAGES)) for n in range(1, len(PAGES) + 1)]
