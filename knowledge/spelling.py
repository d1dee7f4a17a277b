"""Conservative typo correction of unknown syllables against the vocabulary of the FAQ index."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from rapidfuzz.distance import OSA
from rapidfuzz.process import extract

from knowledge.normalise import Analysed

# A syllable is only corrected when it is unknown, at least MIN_LENGTH letters long and one
# edit (two for long words) from a known one; ties go to the more frequent word. A 3-letter
# syllable may only gain or change a letter ("ocp" → "ocop", "nag" → "nang"), never lose one.
# Doubled letters are tried first ("hoo" → "ho", "ocopp" → "ocop"). Checked by hand on typed
# questions: "chugn" → "chung", "chứg" → "chung", while "cccd" or "visa" stay as they are.
MIN_LENGTH = 3
LONG_WORD = 8
MAX_CANDIDATES = 8
_DOUBLED = re.compile(r"(.)\1+")


class Speller:
    """Corrects unknown folded syllables: joined words ("hoso") and one-edit typos ("chugn")."""

    def __init__(self, counts: Counter[str], bigrams: Iterable[str], known: Iterable[str]) -> None:
        self._counts = counts
        self._bigrams = frozenset(bigrams)
        self._known = frozenset(known) | frozenset(counts)
        by_length: dict[int, list[str]] = {}
        for word in counts:
            if word.isalpha():
                by_length.setdefault(len(word), []).append(word)
        self._by_length = by_length

    def known(self, word: str) -> bool:
        """Whether `word` is in the vocabulary (or a number)."""
        return word in self._known or word.isdigit()

    def _split(self, word: str) -> list[str] | None:
        for cut in range(2, len(word) - 1):
            left, right = word[:cut], word[cut:]
            if f"{left}_{right}" in self._bigrams:
                return [left, right]
        return None

    def _nearest(self, word: str) -> str | None:
        limit = 2 if len(word) >= LONG_WORD else 1
        shortest = len(word) if len(word) <= MIN_LENGTH else len(word) - limit
        choices: list[str] = []
        for size in range(shortest, len(word) + limit + 1):
            choices.extend(self._by_length.get(size, ()))
        found = extract(word, choices, scorer=OSA.distance, score_cutoff=limit,
                        limit=MAX_CANDIDATES)
        if not found:
            return None
        best = min(distance for _, distance, _ in found)
        closest = [choice for choice, distance, _ in found if distance == best]
        return max(closest, key=lambda w: (self._counts[w], w))

    def correct(self, text: Analysed) -> tuple[Analysed, int]:
        """`text` with unknown syllables corrected, and how many were changed."""
        out_f: list[str] = []
        out_a: list[str] = []
        changed = 0
        for folded, said in zip(text.folded, text.accented, strict=True):
            fixed: list[str] | None = None
            if not self.known(folded) and len(folded) >= MIN_LENGTH and folded.isalpha():
                single = _DOUBLED.sub(r"\1", folded)
                fixed = [single] if single != folded and self.known(single) else None
                fixed = fixed or self._split(folded)
                if fixed is None:
                    nearest = self._nearest(folded)
                    fixed = [nearest] if nearest else None
            if fixed is None:
                out_f.append(folded)
                out_a.append(said)
            else:
                changed += 1
                out_f.extend(fixed)
                out_a.extend(fixed)
        return Analysed(tuple(out_f), tuple(out_a)), changed
