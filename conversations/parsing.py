"""Reading what people type: phone numbers, dates, names."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_PHONE_JUNK = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"^0[35789]\d{8}$")
_LANDLINE = re.compile(r"^02\d{9}$")
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def normalise_phone(text: str) -> str | None:
    """A Vietnamese phone number as 0xxxxxxxxx, from "+84 912.345.678", "0912 345 678", …"""
    digits = _PHONE_JUNK.sub("", text.strip())
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    elif digits.startswith("0084"):
        digits = "0" + digits[4:]
    if _MOBILE.match(digits) or _LANDLINE.match(digits):
        return digits
    return None


def parse_date(text: str) -> date | None:
    """A date typed as 15/3/2026, 15-03-2026, 15.3.2026 or 2026-03-15; None if not a real date."""
    text = text.strip()
    if m := _DMY.match(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _YMD.match(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def clean_name(text: str, *, max_len: int = 120) -> str | None:
    """A person's or business's name: trimmed, single-spaced, with letters; None if unusable."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if not (2 <= len(text) <= max_len):
        return None
    if not any(ch.isalpha() for ch in text):
        return None
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        return None
    return text
