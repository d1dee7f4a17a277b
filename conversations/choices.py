"""Matching what people type to the choices on offer, the way producers type on phones.

One matcher for every choice step. In order, a typed text names a choice by:

1. its number ("2", "số 2", "#2") or letter ("b"); a number that is also the value of the
   options ("3" or "3 sao" at 3⭐/4⭐/5⭐) means that value, not the position;
2. its label or value, with or without diacritics;
3. yes/no words and teen-code ("ok", "dc", "ừ", "ko", "hong") for a yes/no-like pair;
4. an abbreviation in or of a label ("htx" → "Hợp tác xã (HTX)");
5. a unique start or unique words of a label ("lan dau" → "Đánh giá lần đầu");
6. a close spelling (rapidfuzz), with a margin: two close options are `ambiguous`.

`strict()` runs 1–2 only; the router runs it before the global words, and `loose()` (3–6)
after them, so "hủy" never picks a choice that merely looks like it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from knowledge.folding import fold

_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_NUMBER = re.compile(r"^(?:so\s*|#|cau\s*|muc\s*)?(\d{1,2})[.)]?$")
_LETTER = re.compile(r"^([a-d])[.)]?$")
_VALUE_NUMBER = re.compile(r"^(\d{1,2})\s*(?:[^\d\s]\S*)?(?:\s+\S+)?$")
_LEADING_NUMBER = re.compile(r"^(\d{1,2})(?!\d)")
_WORD = re.compile(r"\w+")


def _words_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


YES_WORDS = _words_set(
    "ok oke okie oki okay uh uhm um u dc duoc dong y dung co yes yep vang da roi chu "
    "nhe nha chac chan luon xac nhan"
)
"""Folded words that together say yes ("ok đồng ý", "dc", "ừ", "có", "dạ vâng")."""
STRONG_YES = _words_set("ok oke okie oki okay uh uhm um u dc duoc dong dung co yes yep vang da")
NO_WORDS = _words_set("khong ko k kg khg kh hong hok no nope chua thoi")
"""Folded words that say no or not yet ("ko", "hông", "chưa"); any one of them says no."""
YES_VALUES = frozenset({"yes", "confirm", "agree", "ok", "erase:confirm"})
NO_VALUES = frozenset({"no", "cancel", "erase:cancel"})
YES_LABELS = ("dong y", "co", "da co", "yes", "i agree", "i have it", "xac nhan", "confirm")
NO_LABELS = ("khong", "no", "chua co", "i don t have", "i do not have")

ABBREVIATIONS: dict[str, str] = {
    "htx": "hop tac xa",
    "dn": "doanh nghiep",
    "cty": "cong ty",
    "sx": "san xuat",
    "tht": "to hop tac",
    "thop": "to hop tac",
    "hkd": "ho kinh doanh",
    "hs": "ho so",
    "sp": "san pham",
    "dk": "dang ky",
    "dky": "dang ky",
    "dg": "danh gia",
    "ld": "lan dau",
    "tp": "thuc pham",
    "ko": "khong",
    "k": "khong",
}
"""Folded abbreviations producers type, expanded before matching words of labels."""

PHRASES: dict[str, str] = {
    "co roi": "da co",
    "da co roi": "da co",
    "co san": "da co",
    "chua co gi": "chua co",
    "dang lam": "dang lam",
    "lan dau tien": "lan dau",
}
"""Folded typed phrases that mean a label's words ("có rồi" is "Đã có")."""

STOPWORDS = _words_set("la cua va o thi minh toi em anh chi a nhe nha the vay roi")
FUZZY_FLOOR = 82.0
"""Lowest rapidfuzz score (0–100) for a close spelling to count at all."""
FUZZY_MARGIN = 8.0
"""Least lead the best option needs over the next; closer than this, ask which one."""


@dataclass(frozen=True, slots=True)
class Match:
    """What a text names among the choices: one value, several close ones, or nothing."""

    value: str | None = None
    ambiguous: tuple[int, ...] = ()
    """Indexes of options the text is equally close to (ask which one)."""


NOTHING = Match()


@lru_cache(maxsize=4096)
def key(text: str) -> str:
    """Folded, lower-case, without leading/trailing punctuation or emoji, single-spaced (kept
    for the labels seen lately: every turn compares the text with each label on offer)."""
    return " ".join(_EDGE.sub("", fold(text)).split())


def _words(text: str) -> list[str]:
    return _WORD.findall(key(text))


def strict(text: str, choices: Sequence[Sequence[str]]) -> str | None:
    """The value of the choice `text` names by number, letter, value-number, label or value."""
    k = key(text)
    if not k or not choices:
        return None
    by_value = _by_value_number(k, choices)
    if by_value is not None:
        return by_value or None  # "" : a number, but not one of the values (2 at 3⭐/4⭐/5⭐)
    number = _NUMBER.match(k)
    if number:
        index = int(number.group(1))
        return choices[index - 1][1] if 1 <= index <= len(choices) else None
    letter = _LETTER.match(k)
    if letter and len(choices) > 1:
        index = ord(letter.group(1)) - ord("a")
        return choices[index][1] if index < len(choices) else None
    for label, value in choices:
        if k in (key(label), key(value)):
            return value
    return None


def _by_value_number(k: str, choices: Sequence[Sequence[str]]) -> str | None:
    """ "3" or "3 sao" when every label starts with its own number (3⭐, 4⭐, 5⭐); "" for a
    number that is none of them; None when the options are not numbers or `k` is not one."""
    typed = _VALUE_NUMBER.match(k)
    if not typed:
        return None
    leading = [_LEADING_NUMBER.match(key(label)) for label, _ in choices]
    if not all(leading):
        return None
    numbers = [int(m.group(1)) for m in leading if m]
    if len(set(numbers)) != len(numbers):
        return None
    wanted = int(typed.group(1))
    return choices[numbers.index(wanted)][1] if wanted in numbers else ""


def yes_no(text: str) -> bool | None:
    """True for a yes ("ok", "dc", "ừ", "đồng ý"), False for a no ("ko", "hông"), else None."""
    raw = text.lower()
    words = _words(text)
    if not words or len(words) > 5:
        return None
    if any(w in NO_WORDS for w in words) and all(w in NO_WORDS | YES_WORDS for w in words):
        return False
    if "dừng" in raw or "dung lai" in key(text):
        return None  # "dừng" folds like "đúng"
    if all(w in YES_WORDS for w in words) and any(w in STRONG_YES for w in words):
        return True
    return None


def _polar(
    choices: Sequence[Sequence[str]], labels: tuple[str, ...], values: frozenset[str]
) -> int | None:
    found = [
        i
        for i, (label, value) in enumerate(choices)
        if value in values or any(key(label) == w or key(label).startswith(w + " ") for w in labels)
    ]
    return found[0] if len(found) == 1 else None


def _expand(words: list[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        out += ABBREVIATIONS.get(w, w).split()
    return out


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def loose(text: str, choices: Sequence[Sequence[str]]) -> Match:
    """The choice `text` names by yes/no words, abbreviation, unique words or close spelling."""
    k = key(text)
    if not k or not choices:
        return NOTHING
    polar = yes_no(text)
    if polar is not None:
        index = (
            _polar(choices, YES_LABELS, YES_VALUES)
            if polar
            else _polar(choices, NO_LABELS, NO_VALUES)
        )
        if index is not None:
            return Match(choices[index][1])
    k = PHRASES.get(k, k)
    labels = [_words(label) for label, _ in choices]
    for i, (label, _) in enumerate(choices):  # "(HTX)", "HTX" written in a label
        if k in (w.lower() for w in re.findall(r"\b[A-ZĐ]{2,5}\b", label)):
            return Match(choices[i][1])
    typed = [w for w in _expand(k.split()) if w not in STOPWORDS] or _expand(k.split())
    if len(typed) > 8:
        return NOTHING  # a sentence, not the name of an option
    hits = [i for i, words in enumerate(labels) if typed and _contains(words, typed)]
    if len(hits) == 1:
        return Match(choices[hits[0]][1])
    if len(hits) > 1:
        starts = [i for i in hits if labels[i][: len(typed)] == typed]
        return Match(choices[starts[0]][1]) if len(starts) == 1 else Match(ambiguous=tuple(hits))
    best = _fuzzy(" ".join(typed), [" ".join(w) for w in labels])
    if len(best) == 1:
        return Match(choices[best[0]][1])
    return Match(ambiguous=best)


def _fuzzy(typed: str, labels: list[str]) -> tuple[int, ...]:
    """Indexes of the labels closest to `typed` in spelling: one, several too close, or none."""
    if len(typed) < 4:
        return ()
    scores = sorted(
        (
            (max(fuzz.ratio(typed, label), fuzz.token_sort_ratio(typed, label)), i)
            for i, label in enumerate(labels)
            if label
        ),
        reverse=True,
    )
    if not scores or scores[0][0] < FUZZY_FLOOR:
        return ()
    return tuple(i for score, i in scores if scores[0][0] - score < FUZZY_MARGIN)
