"""Text of Markdown, plain text and HTML files (headings kept; stdlib parser for HTML)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from knowledge.material.document import Block, Page, make_page

# A Markdown or text file is split into pages at this marker (or a form feed).
PAGE_BREAK = re.compile(r"^\s*(?:<!--\s*pagebreak\s*-->|\\newpage|\f)\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+(.*)$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_INLINE = re.compile(r"\*\*|__|`|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)|\[([^\]]*)\]\([^)]*\)")


def _inline(text: str) -> str:
    """Markdown emphasis and links removed, their text kept."""
    return _INLINE.sub(lambda m: m.group(1) or "", text)


def read_markdown(text: str) -> tuple[str, list[Page]]:
    """Title (the first `#` heading) and pages split at `<!-- pagebreak -->` or form feeds."""
    pages: list[Page] = []
    blocks: list[Block] = []
    paragraph: list[str] = []
    title = ""

    def flush() -> None:
        if paragraph:
            blocks.append(Block("text", _inline(" ".join(paragraph))))
            paragraph.clear()

    for line in text.replace("\f", "\n\f\n").splitlines():
        if PAGE_BREAK.match(line):
            flush()
            pages.append(make_page(len(pages) + 1, blocks))
            blocks = []
            continue
        heading = _HEADING.match(line)
        item = _ITEM.match(line)
        if heading:
            flush()
            blocks.append(Block("heading", _inline(heading.group(2))))
            if len(heading.group(1)) == 1 and not title:
                title = _inline(heading.group(2))
        elif line.strip().startswith("|"):
            flush()
            if not _TABLE_RULE.match(line):
                cells = [_inline(c.strip()) for c in line.strip().strip("|").split("|")]
                blocks.append(Block("row", " – ".join(c for c in cells if c)))
        elif item:
            flush()
            blocks.append(Block("item", _inline(item.group(1))))
        elif not line.strip():
            flush()
        else:
            paragraph.append(line.strip())
    flush()
    pages.append(make_page(len(pages) + 1, blocks))
    return title.strip(), [p for p in pages if p.blocks]


def read_text(text: str) -> tuple[str, list[Page]]:
    """Plain text: paragraphs at blank lines, pages at form feeds; no title."""
    pages: list[Page] = []
    for number, chunk in enumerate(text.split("\f"), start=1):
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", chunk)]
        page = make_page(number, [Block("text", p) for p in paragraphs])
        if page.blocks:
            pages.append(page)
    return "", pages


_BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "ul", "ol", "blockquote", "pre", "dd", "dt", "header", "footer", "main",
})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "nav"})


class _Collector(HTMLParser):
    """Collects headings, paragraphs, list items and table rows from HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.title = ""
        self._text: list[str] = []
        self._cells: list[str] | None = None
        self._kind = "text"
        self._skip = 0
        self._in_title = False

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        self._text.clear()
        if not text:
            return
        if self._cells is not None:
            self._cells.append(text)
        else:
            self.blocks.append(Block(self._kind, text))  # type: ignore[arg-type]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in ("td", "th"):
            self._flush()
        elif tag in _BLOCK_TAGS:
            self._flush()
            if tag == "tr":
                self._cells = []
            self._kind = ("heading" if tag[0] == "h" and tag[1:].isdigit()
                          else "item" if tag == "li" else self._kind if tag == "br" else "text")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in ("td", "th"):
            self._flush()
        elif tag == "tr":
            self._flush()
            if self._cells:
                self.blocks.append(Block("row", " – ".join(self._cells)))
            self._cells = None
        elif tag in _BLOCK_TAGS:
            self._flush()
            self._kind = "text"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self._text.append(data)


def read_html(text: str) -> tuple[str, list[Page]]:
    """Title (<title> or the first heading) and the page's blocks as one page."""
    collector = _Collector()
    collector.feed(text)
    collector.close()
    collector._flush()
    page = make_page(1, collector.blocks)
    title = " ".join(collector.title.split())
    if not title:
        title = next((b.text for b in page.blocks if b.kind == "heading"), "")
    return title, [page] if page.blocks else []
