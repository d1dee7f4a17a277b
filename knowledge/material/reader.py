"""Read one material file of any supported kind, or refuse it clearly without storing anything."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from knowledge.material.document import Extracted, MaterialRefused, Page
from knowledge.material.markup import read_html, read_markdown, read_text
from knowledge.material.office import read_docx, read_pptx
from knowledge.material.pdf import read_pdf

MAX_BYTES = 50 * 1024 * 1024  # larger files are refused before anything is read
KINDS = ("pdf", "docx", "pptx", "html", "markdown", "text")
_SUFFIXES = {
    ".pdf": "pdf", ".docx": "docx", ".pptx": "pptx", ".html": "html", ".htm": "html",
    ".md": "markdown", ".markdown": "markdown", ".txt": "text",
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and old .doc/.ppt files
_CHUNK = 1 << 20

Progress = Callable[[int, int], None]


def shipped_material(root: Path | None = None) -> list[Path]:
    """The material files that come with the bot (the demo handout), added on first start."""
    from knowledge.content import default_root

    folder = (root or default_root()) / "material"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in _SUFFIXES)


def checksum(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def kind_of(path: Path, head: bytes) -> str:
    """The format of a file from its name and first bytes; refuses unknown ones."""
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind in ("docx", "pptx") and head.startswith(_OLE):
        raise MaterialRefused(
            "password", "the file is password-protected (or an old .doc/.ppt): save it unprotected"
        )
    if kind is None:
        if head.startswith(b"%PDF-"):
            return "pdf"
        raise MaterialRefused(
            "unknown_type", f"unknown file type {path.suffix or '(none)'}: use PDF, DOCX, PPTX, "
            "HTML, Markdown or TXT"
        )
    if kind == "pdf" and not head.lstrip().startswith(b"%PDF-"):
        raise MaterialRefused("broken", "the file is not a PDF (no %PDF header)")
    return kind


def _decode(data: bytes) -> str:
    """Text of a file in UTF-8 (with or without BOM), else refused."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MaterialRefused("broken", "the text is not UTF-8") from exc


def read_material(path: Path, max_bytes: int = MAX_BYTES, progress: Progress | None = None
                  ) -> Extracted:
    """Pages of text of the file at `path`; raises `MaterialRefused` for what cannot be taken."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise MaterialRefused("broken", f"cannot open {path.name}: {exc.strerror}") from exc
    if size > max_bytes:
        raise MaterialRefused(
            "too_large", f"{path.name} is {size / 2**20:.0f} MB; the limit is "
            f"{max_bytes / 2**20:.0f} MB"
        )
    if size == 0:
        raise MaterialRefused("empty", f"{path.name} is empty")
    with path.open("rb") as fh:
        head = fh.read(8)
    kind = kind_of(path, head)
    empty = 0
    pages: list[Page]
    if kind == "pdf":
        title, pages, empty = read_pdf(path, progress)
    elif kind in ("docx", "pptx"):
        try:
            title, pages = read_docx(path) if kind == "docx" else read_pptx(path)
        except Exception as exc:
            raise MaterialRefused("broken", f"the {kind.upper()} file cannot be read") from exc
    else:
        text = _decode(path.read_bytes())
        reader = {"html": read_html, "markdown": read_markdown, "text": read_text}[kind]
        title, pages = reader(text)
    if not pages:
        raise MaterialRefused("no_text", f"{path.name} has no text")
    if progress is not None and kind != "pdf":
        progress(len(pages), len(pages))
    return Extracted(kind, title, tuple(pages), checksum(path), size, empty)
