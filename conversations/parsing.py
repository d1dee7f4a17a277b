"""Reading what people type: phone numbers, dates and times, names."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time

from knowledge.folding import fold

_PHONE_JUNK = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"^0[35789]\d{8}$")
_LANDLINE = re.compile(r"^02\d{9}$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{4}|\d{2}))?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_JOINED = re.compile(r"(\d)\s*([/.\-])\s*(?=\d)")
_NUMBER = re.compile(r"^\d{1,2}$")
_YEAR = re.compile(r"^(\d{4}|\d{2})$")
_CLOCK = re.compile(r"^(\d{1,2})(?:(?:h|g|:|gio)(\d{2})?(?:p|ph|phut)?)?(am|pm|sa|ch)?$")
_MONTH_WORDS = frozenset({"thang", "th"})
_YEAR_WORDS = frozenset({"nam"})
_DAY_WORDS = frozenset({"ngay", "hom", "on"})
_HOUR_WORDS = frozenset({"gio", "h", "g"})
_MINUTE_WORDS = frozenset({"phut", "p"})
_AFTERNOON = frozenset({"chieu", "toi", "pm", "dem"})
_MORNING = frozenset({"sang", "am"})
_NOON = frozenset({"trua"})

FILLER_WORDS = frozenset(
    {
        "ok", "oke", "okay", "oki", "okie", "okela", "uh", "uhm", "um", "uk", "dc", "duoc",
        "co", "khong", "ko", "k", "kg", "hok", "chua", "roi", "vang", "da", "ja", "yes", "no",
        "yep", "nope", "hi", "hello", "alo", "test", "abc", "xyz", "asd", "asdf", "qwe",
        "hihi", "haha", "hehe", "kk", "kkk", "thanks", "nhe", "nha", "ah", "oh",
    }
)  # fmt: skip
FILLER_PHRASES = frozenset(
    {
        "dong y", "cam on", "thank you", "xin chao", "chao ban", "khong biet", "ko biet",
        "k biet", "chua biet", "chua co", "ten toi", "toi", "em",
    }
)  # fmt: skip
"""Folded words that on their own are an answer or a greeting, not a name ("ok", "dạ vâng")."""


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


@dataclass(frozen=True, slots=True)
class DateParts:
    """A day, month and (maybe) year as typed; the numbers may not make a real date."""

    day: int
    month: int
    year: int | None

    def real(self, default_year: int | None = None) -> date | None:
        """The calendar date, with `default_year` when none was typed; None if impossible."""
        year = self.year if self.year is not None else default_year
        if year is None:
            return None
        try:
            return date(year, self.month, self.day)
        except ValueError:
            return None


def date_tokens(text: str) -> list[str]:
    """`text` folded and split into words, with "15 / 3 / 2024" kept as one word "15/3/2024"."""
    return _JOINED.sub(r"\1\2", fold(text)).replace(",", " ").split()


def _year(token: str) -> int:
    return int(token) + 2000 if len(token) == 2 else int(token)


def read_date(tokens: list[str], start: int = 0) -> tuple[DateParts, int] | None:
    """The date written at `tokens[start:]` and how many words it takes, or None.

    Reads 15/3, 15/3/24, 15-03-2024, 15.3.2024, 2024-03-15, "15 thang 3", "15 thang 3 2024" and
    "15 thang 3 nam 2024", each optionally after "ngày"; a two-digit year is 20yy.
    """
    i = start
    if i < len(tokens) and tokens[i] in _DAY_WORDS:
        i += 1
    if i >= len(tokens):
        return None
    token = tokens[i]
    if m := _YMD.match(token):
        year, month, day = (int(g) for g in m.groups())
        return DateParts(day, month, year), i + 1 - start
    if m := _NUMERIC_DATE.match(token):
        day, month = int(m.group(1)), int(m.group(2))
        year = _year(m.group(3)) if m.group(3) else None
        return DateParts(day, month, year), i + 1 - start
    textual = (
        _NUMBER.match(token)
        and i + 2 < len(tokens)
        and tokens[i + 1] in _MONTH_WORDS
        and _NUMBER.match(tokens[i + 2])
    )
    if not textual:
        return None
    day, month, i = int(token), int(tokens[i + 2]), i + 3
    year = None
    if i < len(tokens) and tokens[i] in _YEAR_WORDS:
        if i + 1 < len(tokens) and _YEAR.match(tokens[i + 1]):
            year, i = _year(tokens[i + 1]), i + 2
    elif i < len(tokens) and re.fullmatch(r"\d{4}", tokens[i]):
        year, i = int(tokens[i]), i + 1
    return DateParts(day, month, year), i - start


def date_parts(text: str) -> DateParts | None:
    """The day, month and year of a text that is only a date (real or not), or None."""
    tokens = date_tokens(text)
    found = read_date(tokens)
    if found is None or found[1] != len(tokens) or found[0].year is None:
        return None
    return found[0]


def parse_date(text: str) -> date | None:
    """A date typed as 15/3/2026, 15/3/26, 15-03-2026, "15 tháng 3 năm 2026" or 2026-03-15;
    None if it is not a date or not a real one (31/02)."""
    parts = date_parts(text)
    return parts.real() if parts else None


def read_time(tokens: list[str], start: int = 0) -> tuple[time, int] | None:
    """The time of day written at `tokens[start:]` and how many words it takes, or None.

    Reads 8h, 8h30, 8:30, 8g, "8 giờ", "8 giờ 30", "8 giờ 30 phút", 14h, 8am, "2 pm",
    each optionally after "lúc"/"at" and before "sáng", "trưa", "chiều", "tối".
    """
    i = start
    if i < len(tokens) and tokens[i] in ("luc", "at", "vao", "khoang"):
        i += 1
    if i >= len(tokens) or not (m := _CLOCK.match(tokens[i])):
        return None
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    suffix = m.group(3)
    marked = bool(re.search(r"[hg:]|gio|am|pm", tokens[i][len(m.group(1)) :]))
    i += 1
    if not marked and i < len(tokens) and tokens[i] in _HOUR_WORDS:
        marked, i = True, i + 1
        if i < len(tokens) and _NUMBER.match(tokens[i]):
            minute, i = int(tokens[i]), i + 1
            if i < len(tokens) and tokens[i] in _MINUTE_WORDS:
                i += 1
    part = suffix
    if i < len(tokens) and tokens[i] in _AFTERNOON | _MORNING | _NOON:
        part, i = tokens[i], i + 1
    if not marked and part is None:
        return None  # a bare number is not a time
    if (part in _AFTERNOON | {"ch"} and hour < 12) or (part in _NOON and hour < 6):
        hour += 12
    elif part in _MORNING | {"sa"} and hour == 12:
        hour = 0
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute), i - start


def is_filler(text: str) -> bool:
    """True when every word of `text` is a yes/no, filler or greeting word ("ok", "dạ vâng")."""
    words = re.sub(r"[^\w\s]", " ", fold(text)).split()
    if not words:
        return False
    rest = f" {' '.join(words)} "
    for phrase in FILLER_PHRASES:
        rest = rest.replace(f" {phrase} ", " ")
    return all(w in FILLER_WORDS for w in rest.split())


def clean_name(text: str, *, max_len: int = 120) -> str | None:
    """A person's or business's name: trimmed, single-spaced, with letters; None if unusable
    (too short or long, no letters, control characters, or only words like "ok", "có", "dạ")."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if not (2 <= len(text) <= max_len):
        return None
    if not any(ch.isalpha() for ch in text):
        return None
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        return None
    if is_filler(text):
        return None
    return text
