"""Pages cut into passages of a few sentences under their heading, never across a page."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.material.document import Page

MAX_SENTENCES = 4
MAX_CHARS = 600  # a passage stops growing past this many characters
# A sentence ends at . ! ? … followed by a space and a capital, a digit or a quote; not after
# a short abbreviation ("TP.", "QĐ.") or inside numbers ("10.000", "24/02/2023").
_END = re.compile(r"(?<=[.!?…])[\"”»)]?\s+(?=[\"“«(]?(\w))")
_ABBREVIATION = re.compile(
    r"(?:\b(?:TP|Tp|QĐ|TT|NĐ|ThS|TS|PGS|GS|Th|St|Mr|Mrs|Dr|No)|\bv\.v|\btr|\bk)\.$"
)


@dataclass(frozen=True, slots=True)
class PassageText:
    """A passage as stored: its page, the heading it sits under, its sentences (one a line)."""

    page: int
    heading: str
    text: str
    position: int  # order within the page, from 0

    @property
    def sentences(self) -> list[str]:
        """The passage's sentences (table rows and list items count as one each)."""
        return [s for s in self.text.split("\n") if s]


def sentences(text: str) -> list[str]:
    """`text` cut into sentences."""
    out: list[str] = []
    start = 0
    for match in _END.finditer(text):
        piece = text[start : match.start()]
        first = match.group(1)
        if not (first.isupper() or first.isdigit()) or _ABBREVIATION.search(piece.rstrip("\"”»)")):
            continue
        out.append(text[start : match.start()].strip())
        start = match.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def split_page(page: Page, heading: str = "") -> tuple[list[PassageText], str]:
    """The passages of a page and the heading in force at its end (carried to the next page)."""
    out: list[PassageText] = []
    current: list[str] = []
    size = 0
    table = False

    def close() -> None:
        nonlocal size
        if current:
            out.append(PassageText(page.number, heading, "\n".join(current), len(out)))
            current.clear()
            size = 0

    for block in page.blocks:
        if block.kind == "heading":
            close()
            heading = block.text
            continue
        is_row = block.kind == "row"
        if is_row != table:
            close()
            table = is_row
        pieces = [block.text] if block.kind in ("row", "item") else sentences(block.text)
        for piece in pieces:
            if current and (len(current) >= MAX_SENTENCES or size + len(piece) > MAX_CHARS):
                close()
            current.append(piece)
            size += len(piece)
        if block.kind == "text" and size > MAX_CHARS // 2:
            close()
    close()
    return out, heading


def split_pages(pages: Iterable[Page]) -> list[PassageText]:
    """Every passage of a document, page by page."""
    out: list[PassageText] = []
    heading = ""
    for page in pages:
        passages, heading = split_page(page, heading)
        out.extend(passages)
    return out
