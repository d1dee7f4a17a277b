"""What a material file becomes: pages of headings, text, list items and table rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["heading", "text", "item", "row"]


@dataclass(frozen=True, slots=True)
class Block:
    """One heading, paragraph, list item or table row, in reading order."""

    kind: BlockKind
    text: str


@dataclass(frozen=True, slots=True)
class Page:
    """A page (PDF, DOCX between page breaks, Markdown between markers) or a slide (PPTX)."""

    number: int
    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        """The page's text, one block a line."""
        return "\n".join(b.text for b in self.blocks)


@dataclass(frozen=True, slots=True)
class Extracted:
    """A file read whole: its format, a title found in it (or ""), its pages with text."""

    kind: str
    title: str
    pages: tuple[Page, ...]
    checksum: str
    size: int
    empty_pages: int = 0
    """Pages that had no text at all (images only); they are skipped."""


# Why a file is refused; each refusal stores nothing.
RefusalCode = Literal["too_large", "unknown_type", "broken", "password", "no_text", "empty"]


class MaterialRefused(Exception):
    """A file that cannot be taken as material, with a code and a message for officers."""

    def __init__(self, code: RefusalCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def clean(text: str) -> str:
    """Text with runs of whitespace made one space (soft hyphens and NULs dropped)."""
    return " ".join(text.replace("\u00ad", "").replace("\x00", "").split())


def make_page(number: int, blocks: list[Block]) -> Page:
    """A page of the non-empty, whitespace-cleaned blocks."""
    kept = tuple(Block(b.kind, clean(b.text)) for b in blocks if clean(b.text))
    return Page(number, kept)
