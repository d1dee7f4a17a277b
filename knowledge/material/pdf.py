"""Text of a PDF page by page (its text layer; no OCR), larger type taken as headings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from knowledge.material.document import Block, MaterialRefused, Page, clean, make_page

HEADING_SCALE = 1.15  # a line in type this much larger than the page's body text is a heading
MIN_TEXT_CHARS = 20  # a PDF with less text than this on all its pages has no text layer


def _lines(page: Any) -> list[tuple[str, float]]:
    """The page's text lines, each with the largest font size seen on it."""
    lines: list[tuple[str, float]] = []
    current: list[str] = []
    size = 0.0

    def visit(text: str, cm: list[float], tm: list[float], font: Any, font_size: float) -> None:
        nonlocal size
        scale = abs(tm[3] * cm[3]) or 1.0
        parts = text.split("\n")
        for i, part in enumerate(parts):
            if i:
                lines.append(("".join(current), size))
                current.clear()
                size = 0.0
            if part.strip():
                current.append(part)
                size = max(size, float(font_size) * scale)

    page.extract_text(visitor_text=visit)
    lines.append(("".join(current), size))
    return [(clean(t), s) for t, s in lines if clean(t)]


def _blocks(lines: list[tuple[str, float]]) -> list[Block]:
    """Lines grouped into paragraphs; lines in larger type become headings."""
    sizes: Counter[float] = Counter()
    for text, s in lines:
        sizes[round(s, 1)] += len(text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block("text", " ".join(paragraph)))
            paragraph.clear()

    for text, s in lines:
        if body and s >= body * HEADING_SCALE and len(text) < 120:
            flush()
            if blocks and blocks[-1].kind == "heading" and not paragraph:
                blocks[-1] = Block("heading", f"{blocks[-1].text} {text}")
            else:
                blocks.append(Block("heading", text))
            continue
        numbered = text[:3].rstrip(".").isdigit() and ". " in text[:4]
        if text.startswith(("- ", "• ", "– ")) or numbered:
            flush()
            blocks.append(Block("item", text.lstrip("-•– ")))
            continue
        paragraph.append(text)
        if text.endswith((".", ":", "!", "?")):
            flush()
    flush()
    return blocks


def read_pdf(path: Path, progress: Callable[[int, int], None] | None = None
             ) -> tuple[str, list[Page], int]:
    """Title, pages with text and the count of pages without; refuses what cannot be read."""
    from pypdf import PdfReader  # only officers adding material need it: not at start-up
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError) as exc:
                raise MaterialRefused("password", "the PDF is encrypted") from exc
            if not opened:
                raise MaterialRefused("password", "the PDF is protected by a password")
        total = len(reader.pages)
        pages: list[Page] = []
        empty = 0
        for number, page in enumerate(reader.pages, start=1):
            blocks = _blocks(_lines(page))
            if blocks:
                pages.append(make_page(number, blocks))
            else:
                empty += 1
            if progress is not None:
                progress(number, total)
        title = clean(str((reader.metadata or {}).get("/Title") or ""))
    except MaterialRefused:
        raise
    except FileNotDecryptedError as exc:
        raise MaterialRefused("password", "the PDF is protected by a password") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError, OSError) as exc:
        raise MaterialRefused("broken", f"the PDF cannot be read ({exc})") from exc
    if sum(len(p.text) for p in pages) < MIN_TEXT_CHARS:
        raise MaterialRefused(
            "no_text", "the PDF has no text layer (a scan?): run OCR on it first"
        )
    return title, pages, empty
