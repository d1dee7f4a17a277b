"""Words that work in every state, and matching typed text to the choices on offer."""

from __future__ import annotations

import re
from collections.abc import Sequence

from conversations.choices import loose, strict
from knowledge.folding import fold

GLOBAL_ALIASES: dict[str, tuple[str, ...]] = {
    "menu": ("menu", "start", "bat dau", "menu chinh", "trang chu", "main menu"),
    "help": ("help", "tro giup", "giup", "giup do", "huong dan"),
    "cancel": ("cancel", "huy", "huy bo", "dung lai", "stop"),
    "back": ("back", "quay lai", "tro lai", "lui lai"),
    "skip": ("skip", "bo qua"),
    "language": ("language", "ngon ngu", "ngonngu", "doi ngon ngu", "lang"),
}
"""Command → folded aliases (Vietnamese with diacritics folds to these too: "hủy" → "huy")."""

_ALIAS_TO_COMMAND = {alias: cmd for cmd, aliases in GLOBAL_ALIASES.items() for alias in aliases}
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")


def _key(text: str) -> str:
    return _EDGE.sub("", fold(text))


def global_command(text: str) -> str | None:
    """The global command typed in `text` ("/huy", "Hủy", "cancel"), or None."""
    return _ALIAS_TO_COMMAND.get(_key(text.lstrip("/")))


QUESTION_MARKERS: tuple[str, ...] = (
    "bao lau",
    "bao nhieu",
    "the nao",
    "lam sao",
    "tai sao",
    "vi sao",
    "o dau",
    "khi nao",
    "bao gio",
    "la gi",
    "gi",
    "nao",
    "khong",
    "chua",
    "co can",
    "phai khong",
    "duoc khong",
    "how",
    "what",
    "when",
    "where",
    "why",
    "which",
)
"""Folded words that make a sentence a question ("… bao lâu vậy", "… cần gì")."""


_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|nh|ng|[cmnpt])?$"
)
KNOWN_SHORTHAND = frozenset(
    {"ocop", "hs", "dkkd", "attp", "htx", "sx", "dn", "sp", "vietgap", "haccp", "iso", "qd"}
)
"""Folded shorthand that is not a Vietnamese syllable but means something to the FAQ."""


def looks_like_words(text: str) -> bool:
    """False for keyboard mash ("asdkjh qwe"): no token is a Vietnamese syllable, a number,
    a known shorthand or (for English) a word with vowels and no long consonant run."""
    for token in re.findall(r"\w+", fold(text)):
        if token.isdigit() or token in KNOWN_SHORTHAND or _SYLLABLE.match(token):
            return True
        if (
            len(token) > 3
            and re.search(r"[aeiouy]", token)
            and not re.search(r"[^aeiouy\d]{4}", token)
        ):
            return True  # an English (or foreign) word
    return False


def phrase_key(text: str) -> str:
    """`text` folded, as phrase tables are written ("Còn thiếu gì?" → "con thieu gi")."""
    return " ".join(fold(text).strip(" ?!.…").lstrip("/").split())


def looks_like_question(text: str) -> bool:
    """True when `text` reads as a question of three words or more, not as a short answer."""
    words = re.findall(r"\w+", fold(text))
    if len(words) < 3:
        return False
    if text.rstrip().endswith("?"):
        return True
    joined = " " + " ".join(words) + " "
    return any(f" {marker} " in joined for marker in QUESTION_MARKERS)


def match_choice(text: str, choices: Sequence[Sequence[str]]) -> str | None:
    """The value of the choice that `text` names (`conversations.choices`); None if none does."""
    found = strict(text, choices)
    return found if found is not None else loose(text, choices).value
