"""Text of Word documents (pages split at page breaks) and PowerPoint slides (one page each)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from knowledge.material.document import Block, Page, make_page

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _style_heading(paragraph: Any) -> bool:
    """Whether a Word paragraph has a heading or title style."""
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    return name.startswith(("Heading", "Title")) or name.lower().startswith("heading")


def _paragraph_parts(element: Any) -> Iterator[str | None]:
    """The text of a Word paragraph's runs; None where a page break falls inside it."""
    ppr = element.find(f"{_W}pPr")
    if ppr is not None and ppr.find(f"{_W}pageBreakBefore") is not None:
        yield None
    for node in element.iter():
        if node.tag == f"{_W}t" and node.text:
            yield node.text
        elif node.tag == f"{_W}tab":
            yield " "
        elif node.tag == f"{_W}br":
            yield None if node.get(f"{_W}type") == "page" else " "
    if ppr is not None and ppr.find(f"{_W}sectPr") is not None:
        yield None


def read_docx(path: Path) -> tuple[str, list[Page]]:
    """Title (core property or first heading) and pages, split at explicit page breaks."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    pages: list[Page] = []
    blocks: list[Block] = []

    def new_page() -> None:
        pages.append(make_page(len(pages) + 1, blocks))
        blocks.clear()

    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(p.text for p in cell.paragraphs).strip()
                    if text and (not cells or cells[-1] != text):
                        cells.append(text)
                blocks.append(Block("row", " – ".join(cells)))
            continue
        assert isinstance(item, Paragraph)
        kind = "heading" if _style_heading(item) else "text"
        style = (item.style.name if item.style is not None else "") or ""
        if kind == "text" and "List" in style:
            kind = "item"
        text: list[str] = []
        for part in _paragraph_parts(item._p):
            if part is None:
                blocks.append(Block(kind, "".join(text)))
                text.clear()
                new_page()
            else:
                text.append(part)
        blocks.append(Block(kind, "".join(text)))
    new_page()
    numbered = [p for p in pages if p.blocks]
    title = (document.core_properties.title or "").strip()
    return title, numbered


def _shape_blocks(shape: Any, title_id: int | None) -> Iterator[Block]:
    """Blocks of one slide shape: its paragraphs, table rows, or those of a group's shapes."""
    from pptx.shapes.group import GroupShape

    if isinstance(shape, GroupShape):
        for inner in shape.shapes:
            yield from _shape_blocks(inner, title_id)
        return
    if getattr(shape, "has_table", False) and shape.has_table:
        for row in shape.table.rows:
            cells = [c.text_frame.text.strip() for c in row.cells if c.text_frame.text.strip()]
            yield Block("row", " – ".join(cells))
        return
    if not getattr(shape, "has_text_frame", False) or not shape.has_text_frame:
        return
    heading = title_id is not None and shape.shape_id == title_id
    for paragraph in shape.text_frame.paragraphs:
        text = "".join(run.text for run in paragraph.runs) or paragraph.text
        kind = "heading" if heading else ("item" if paragraph.level > 0 else "text")
        yield Block(kind, text.replace("\x0b", " "))


def read_pptx(path: Path) -> tuple[str, list[Page]]:
    """Title (core property or first slide's title) and one page per slide (notes included)."""
    from pptx import Presentation

    deck = Presentation(str(path))
    pages: list[Page] = []
    for number, slide in enumerate(deck.slides, start=1):
        title_shape = slide.shapes.title
        title_id = title_shape.shape_id if title_shape is not None else None
        blocks: list[Block] = []
        if title_shape is not None:
            blocks.extend(_shape_blocks(title_shape, title_id))
        for shape in slide.shapes:
            if title_shape is None or shape.shape_id != title_id:
                blocks.extend(_shape_blocks(shape, title_id))
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            blocks.append(Block("text", slide.notes_slide.notes_text_frame.text))
        page = make_page(number, blocks)
        if page.blocks:
            pages.append(page)
    title = (deck.core_properties.title or "").strip()
    return title, pages
