"""Accent-aware phrase matching over syllables: "sổ đỏ" matches "so do" but not "sơ đồ"."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from knowledge.folding import fold
from knowledge.normalise import fold_syllable, syllables

V = TypeVar("V")
NUMBER = "#"  # in a pattern: any number ("# sao" matches "3 sao")


@dataclass(frozen=True, slots=True)
class PhraseMatch(Generic[V]):
    """A phrase found at syllables [start, end) with the value it was registered with."""

    start: int
    end: int
    value: V


def syllable_matches(pattern: str, said: str, folded: str) -> bool:
    """Whether one typed syllable matches one pattern syllable.

    A syllable typed without diacritics matches on the folded form; one typed with diacritics
    must match them exactly, unless the pattern itself has none.
    """
    if pattern == NUMBER:
        return folded.isdigit()
    pattern_folded = fold_syllable(pattern)
    if said == folded or pattern == pattern_folded:
        return pattern_folded == folded
    return pattern == said


def _pattern_syllables(text: str) -> list[str]:
    """Syllables of a pattern, keeping the number wildcard that `syllables` would strip."""
    out: list[str] = []
    for part in text.split():
        out.extend([NUMBER] if part == NUMBER else syllables(part))
    return out


class PhraseMatcher(Generic[V]):
    """Finds registered phrases in a syllable sequence, longest first, left to right."""

    def __init__(self, phrases: Iterable[tuple[str, V]]) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], V]]] = {}
        for text, value in phrases:
            pattern = tuple(NUMBER if p == NUMBER else p for p in _pattern_syllables(text))
            if pattern:
                key = NUMBER if pattern[0] == NUMBER else fold(pattern[0])
                self._by_first.setdefault(key, []).append((pattern, value))
        for options in self._by_first.values():
            options.sort(key=lambda option: -len(option[0]))

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def at(self, said: Sequence[str], folded: Sequence[str], i: int) -> PhraseMatch[V] | None:
        """The longest phrase starting at syllable `i`, if any."""
        keys = (folded[i], NUMBER) if folded[i].isdigit() else (folded[i],)
        for options in (self._by_first.get(key, ()) for key in keys):
            for pattern, value in options:
                end = i + len(pattern)
                if end <= len(said) and all(
                    syllable_matches(p, said[i + k], folded[i + k]) for k, p in enumerate(pattern)
                ):
                    return PhraseMatch(i, end, value)
        return None

    def scan(self, said: Sequence[str], folded: Sequence[str]) -> list[PhraseMatch[V]]:
        """Every non-overlapping phrase, scanning left to right and preferring longer ones."""
        found: list[PhraseMatch[V]] = []
        i = 0
        while i < len(said):
            match = self.at(said, folded, i)
            if match is None:
                i += 1
            else:
                found.append(match)
                i = match.end
        return found
