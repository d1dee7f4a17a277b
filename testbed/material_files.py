"""Build the training handout (or any Markdown material) into PDF, DOCX and PPTX for tests.

Fonts: DejaVu from the Debian package fonts-dejavu-core (Vietnamese diacritics). One page of
the Markdown is one PDF page, one Word page (page or section breaks) and one slide; the page
`two_column` is set in two columns in the PDF and Word files.
"""

from __future__ import annotations

from pathlib import Path

from knowledge.content import default_root
from knowledge.material.document import Block, Page
from knowledge.material.markup import read_markdown

FONTS = Path("/usr/share/fonts/truetype/dejavu")
HANDOUT = default_root() / "material" / "so-tay-ocop-ca-mau.md"
TWO_COLUMN_PAGE = 11


def handout_pages(source: Path = HANDOUT) -> tuple[str, list[Page]]:
    """Title and pages of a Markdown material file."""
    return read_markdown(source.read_text(encoding="utf-8"))


def _tables(blocks: tuple[Block, ...]) -> list[list[Block]]:
    """Blocks grouped: each run of table rows together, every other block alone."""
    groups: list[list[Block]] = []
    for block in blocks:
        if block.kind == "row" and groups and groups[-1][0].kind == "row":
            groups[-1].append(block)
        else:
            groups.append([block])
    return groups


def build_pdf(out: Path, title: str, pages: list[Page], two_column: int = TWO_COLUMN_PAGE) -> Path:
    """A PDF with a text layer: headings in larger bold type, tables, one two-column page."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=12)
    pdf.set_margins(15, 12, 15)
    for page in pages:
        pdf.add_page()
        first = True
        if page.number == two_column:
            blocks = list(page.blocks)
            while blocks and blocks[0].kind == "heading":
                _heading(pdf, blocks.pop(0).text, first)
                first = False
            with pdf.text_columns(ncols=2, gutter=8) as columns:
                for block in blocks:
                    bold = block.kind == "heading"
                    pdf.set_font("DejaVu", "B" if bold else "", 11.5 if bold else 9.5)
                    with columns.paragraph(bottom_margin=2) as paragraph:
                        paragraph.write(block.text)
            continue
        for group in _tables(page.blocks):
            block = group[0]
            if block.kind == "heading":
                _heading(pdf, block.text, first)
            elif block.kind == "row":
                pdf.set_font("DejaVu", "", 9)
                with pdf.table(line_height=4.6) as table:
                    for row in group:
                        cells = table.row()
                        for cell in row.text.split(" – "):
                            cells.cell(cell)
                pdf.ln(2)
            else:
                pdf.set_font("DejaVu", "", 10)
                text = f"• {block.text}" if block.kind == "item" else block.text
                pdf.multi_cell(0, 4.8, text, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1.5)
            first = False
    pdf.output(str(out))
    return out


def _heading(pdf: object, text: str, first: bool) -> None:
    pdf.set_font("DejaVu", "B", 16 if first else 12.5)  # type: ignore[attr-defined]
    pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")  # type: ignore[attr-defined]
    pdf.ln(1)  # type: ignore[attr-defined]


def build_docx(out: Path, title: str, pages: list[Page], two_column: int = TWO_COLUMN_PAGE
               ) -> Path:
    """A Word file: heading styles, list styles, a table, page breaks, a two-column section."""
    import docx
    from docx.enum.section import WD_SECTION
    from docx.oxml.ns import qn

    document = docx.Document()
    document.core_properties.title = title

    def columns(count: int) -> None:
        section = document.add_section(WD_SECTION.NEW_PAGE)
        cols = section._sectPr.find(qn("w:cols"))
        if cols is None:
            cols = section._sectPr.makeelement(qn("w:cols"), {})
            section._sectPr.append(cols)
        cols.set(qn("w:num"), str(count))

    for i, page in enumerate(pages):
        if i:
            if page.number == two_column:
                columns(2)
            elif pages[i - 1].number == two_column:
                columns(1)
            else:
                document.add_page_break()
        first = True
        for group in _tables(page.blocks):
            block = group[0]
            if block.kind == "heading":
                document.add_heading(block.text, level=1 if first else 2)
            elif block.kind == "row":
                rows = [r.text.split(" – ") for r in group]
                table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
                table.style = "Table Grid"
                for r, row in enumerate(rows):
                    for c, cell in enumerate(row):
                        table.cell(r, c).text = cell
            else:
                style = "List Bullet" if block.kind == "item" else None
                document.add_paragraph(block.text, style=style)
            first = False
    document.save(str(out))
    return out


def build_pptx(out: Path, title: str, pages: list[Page]) -> Path:
    """A deck of one slide per page: the page's first heading as the slide title."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.core_properties.title = title
    layout = deck.slide_layouts[5]  # title only
    for page in pages:
        slide = deck.slides.add_slide(layout)
        blocks = list(page.blocks)
        if blocks and blocks[0].kind == "heading":
            slide.shapes.title.text = blocks.pop(0).text
        top = Inches(1.5)
        for group in _tables(tuple(blocks)):
            if group[0].kind == "row":
                rows = [r.text.split(" – ") for r in group]
                shape = slide.shapes.add_table(
                    len(rows), max(len(r) for r in rows), Inches(0.4), top, Inches(9), Inches(2)
                )
                for r, row in enumerate(rows):
                    for c, cell in enumerate(row):
                        shape.table.cell(r, c).text = cell
                top += Inches(2.2)
                continue
            box = slide.shapes.add_textbox(Inches(0.4), top, Inches(9), Inches(0.6))
            frame = box.text_frame
            frame.word_wrap = True
            for n, block in enumerate(group):
                paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
                paragraph.text = block.text
                paragraph.font.size = Pt(12)
                paragraph.level = 1 if block.kind == "item" else 0
            top += Inches(0.6)
    deck.save(str(out))
    return out
