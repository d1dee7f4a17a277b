"""Vietnamese text folding: NFC, lowercase, diacritics removed (đ → d), spaces collapsed."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_D = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(text: str) -> str:
    """Return `text` in Unicode NFC, the form Vietnamese keyboards mostly send."""
    return unicodedata.normalize("NFC", text)


def strip_marks(text: str) -> str:
    """Remove every combining mark (Vietnamese tones and vowel hats); map đ to d."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D))
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", kept)


def fold(text: str) -> str:
    """Lowercase, strip diacritics and collapse white space: "Hủy  Bỏ" → "huy bo"."""
    return _SPACES.sub(" ", strip_marks(nfc(text).lower())).strip()


def squash(text: str) -> str:
    """Lowercase and collapse white space, keeping diacritics."""
    return _SPACES.sub(" ", nfc(text).lower()).strip()
