"""Reading a reminder asked for in the producer's own words: "nhắc tôi ngày 15/12 đi nộp hồ sơ",
"nhắc tôi 15/12 lúc 8h gọi cán bộ xã", "nhac 20/1 ...", "remind me on 15/12 to ..."."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from conversations.parsing import DateParts, read_date, read_time
from knowledge.folding import fold

TRIGGERS: tuple[tuple[str, ...], ...] = (
    ("hay", "nhac", "toi"),
    ("nhac", "giup", "toi"),
    ("nhac", "toi"),
    ("nhac", "minh"),
    ("nhac", "em"),
    ("nhac", "nho"),
    ("remind", "me"),
    ("nhac",),
    ("remind",),
)
"""Folded words that open a reminder request, longest first."""
RELATIVE_DAYS = {
    ("ngay", "mai"): 1,
    ("mai",): 1,
    ("tomorrow",): 1,
    ("hom", "nay"): 0,
    ("today",): 0,
    ("ngay", "kia"): 2,
}
CONNECTORS = frozenset({"de", "la", "rang", "ve", "viec", "to", "that", "about", "-", ":", "–"})
_JOINED = re.compile(r"(\d)\s*([/.\-:])\s*(?=\d)")
_EDGE = re.compile(r"^[^\w/:.\-–]+|[^\w/]+$")


@dataclass(frozen=True, slots=True)
class Request:
    """What a reminder request said: the date as typed (None if none), the time, the text."""

    parts: DateParts | None
    at: time | None
    text: str
    relative: int | None = None
    """Days from today, for "mai", "hôm nay", "tomorrow"."""

    def day(self, today: date) -> date | None:
        """The date meant: a date without a year is the next one to come; None if impossible."""
        if self.relative is not None:
            return today + timedelta(days=self.relative)
        if self.parts is None:
            return None
        if self.parts.year is not None:
            return self.parts.real()
        this_year = self.parts.real(today.year)
        if this_year is not None and this_year >= today:
            return this_year
        return self.parts.real(today.year + 1)


def _starts(words: list[str], start: int, phrase: tuple[str, ...]) -> bool:
    return tuple(words[start : start + len(phrase)]) == phrase


def read_request(text: str) -> Request | None:
    """The reminder asked for in `text`, or None when `text` does not ask for one."""
    original = _JOINED.sub(r"\1\2", " ".join(text.split())).split()
    words = [_EDGE.sub("", fold(w)) for w in original]
    trigger = next((t for t in TRIGGERS if _starts(words, 0, t)), None)
    if trigger is None or len(words) == len(trigger):
        return None if trigger is None else Request(None, None, "")
    i = len(trigger)
    parts: DateParts | None = None
    relative: int | None = None
    at: time | None = None
    for _ in range(3):  # a date and a time, in either order
        if parts is None and relative is None:
            found_date = read_date(words, i)
            if found_date is not None:
                parts, i = found_date[0], i + found_date[1]
                continue
            phrase = next((p for p in RELATIVE_DAYS if _starts(words, i, p)), None)
            if phrase is not None:
                relative, i = RELATIVE_DAYS[phrase], i + len(phrase)
                continue
        if at is None and (found_time := read_time(words, i)) is not None:
            at, i = found_time[0], i + found_time[1]
            continue
        break
    end = len(words)
    if at is None:  # "… nộp hồ sơ lúc 8h"
        for start in range(max(i, end - 4), end):
            found_time = read_time(words, start)
            if found_time is not None and start + found_time[1] == end and start > i:
                at, end = found_time[0], start
                break
    while i < end and words[i] in CONNECTORS | {""}:
        i += 1
    if parts is None and relative is None and at is None and len(trigger) == 1:
        return None  # "nhắc" followed by anything but a date is not a request ("nhắc lại…")
    what = " ".join(original[i:end]).strip(" ,.;:-–")
    return Request(parts, at, what, relative)
