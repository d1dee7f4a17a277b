"""Splitting long texts for channels that cap a message's length in UTF-16 code units."""

from __future__ import annotations


def utf16_len(text: str) -> int:
    """The length in UTF-16 code units (how Telegram counts, and the stricter count for Zalo)."""
    return len(text.encode("utf-16-le")) // 2


def fitting(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 code units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def split_text(text: str, limit: int) -> list[str]:
    """`text` in pieces within `limit`: cut at a paragraph, else a line, else a space, else hard."""
    pieces: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        window = rest[: fitting(rest, limit)]
        cut = len(window)
        for separator in ("\n\n", "\n", " "):
            at = window.rfind(separator)
            if at > 0:
                cut = at
                break
        head, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if head:
            pieces.append(head)
    if rest.strip() or not pieces:
        pieces.append(rest)
    return pieces
