"""Words that work in every state, and matching typed text to the choices on offer."""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.folding import fold

GLOBAL_ALIASES: dict[str, tuple[str, ...]] = {
    "menu": ("menu", "start", "bat dau", "menu chinh", "trang chu", "main menu"),
    "help": ("help", "tro giup", "giup", "giup do", "huong dan"),
    "cancel": ("cancel", "huy", "huy bo", "dung lai", "stop"),
    "back": ("back", "quay lai", "tro lai", "lui lai"),
    "skip": ("skip", "bo qua"),
    "language": ("language", "ngon ngu", "doi ngon ngu", "lang"),
}
"""Command → folded aliases (Vietnamese with diacritics folds to these too: "hủy" → "huy")."""

_ALIAS_TO_COMMAND = {alias: cmd for cmd, aliases in GLOBAL_ALIASES.items() for alias in aliases}
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_NUMBER = re.compile(r"^(?:so\s*|#)?(\d{1,2})[.)]?$")


def _key(text: str) -> str:
    return _EDGE.sub("", fold(text))


def global_command(text: str) -> str | None:
    """The global command typed in `text` ("/huy", "Hủy", "cancel"), or None."""
    return _ALIAS_TO_COMMAND.get(_key(text.lstrip("/")))


def match_choice(text: str, choices: Sequence[Sequence[str]]) -> str | None:
    """The value of the choice that `text` names, by its number or its label; None if none does."""
    key = _key(text)
    if not key:
        return None
    number = _NUMBER.match(key)
    if number:
        index = int(number.group(1))
        return choices[index - 1][1] if 1 <= index <= len(choices) else None
    for label, value in choices:
        if key in (_key(label), _key(value)):
            return value
    if len(key) >= 4:  # the start of one label, whole words: "danh gia nang hang" …
        starts = [value for label, value in choices if _key(label).startswith(key + " ")]
        if len(starts) == 1:
            return starts[0]
    return None
