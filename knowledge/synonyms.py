"""Search synonyms: phrases rewritten to one canonical form, and hint words added to questions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.content import read_yaml, relative_name
from knowledge.folding import fold
from knowledge.normalise import Analysed, analyse
from knowledge.phrases import PhraseMatcher
from knowledge.problems import Problem

_FILE_KEYS = frozenset({"same", "hints"})
_HINT_KEYS = frozenset({"words", "add"})


@dataclass(frozen=True, slots=True)
class Synonyms:
    """`same`: groups whose members are all rewritten to the first; `hints`: words → added words."""

    same: tuple[tuple[str, ...], ...] = ()
    hints: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    _canonical: PhraseMatcher[Analysed] = field(init=False, repr=False, compare=False)
    _hints: PhraseMatcher[tuple[Analysed, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        canonical = [(_said(v), analyse(group[0])) for group in self.same for v in group[1:]]
        hints = [
            (_said(w), tuple(analyse(a) for a in added))
            for words, added in self.hints
            for w in words
        ]
        object.__setattr__(self, "_canonical", PhraseMatcher(canonical))
        object.__setattr__(self, "_hints", PhraseMatcher(hints))

    def words(self) -> set[str]:
        """Every folded syllable written in this file (known words for the spelling corrector)."""
        out: set[str] = set()
        for group in self.same:
            for phrase in group:
                out.update(analyse(phrase).folded)
        for words, added in self.hints:
            for phrase in (*words, *added):
                out.update(analyse(phrase).folded)
        return out

    def canonical(self, text: Analysed) -> Analysed:
        """Rewrite every synonym phrase in `text` to its group's first phrase."""
        if not self._canonical:
            return text
        said, folded = list(text.accented), list(text.folded)
        out_a: list[str] = []
        out_f: list[str] = []
        i = 0
        while i < len(said):
            match = self._canonical.at(said, folded, i)
            if match is None:
                out_a.append(said[i])
                out_f.append(folded[i])
                i += 1
            else:
                out_a.extend(match.value.accented)
                out_f.extend(match.value.folded)
                i = match.end
        return Analysed(tuple(out_f), tuple(out_a))

    def hinted(self, text: Analysed) -> list[Analysed]:
        """The phrases hinted at by words in `text` (a product name hints at its product group)."""
        found = self._hints.scan(text.accented, text.folded)
        return [added for m in found for added in m.value]


def _said(phrase: str) -> str:
    """A phrase as the search sees it (abbreviations expanded, endings stemmed)."""
    return " ".join(analyse(phrase).accented)


def _phrases(value: Any, name: str, entry: str, problems: list[Problem]) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(
        isinstance(v, str) and fold(v) for v in value
    ):
        problems.append(Problem(name, entry, "", "must be a non-empty list of phrases"))
        return ()
    return tuple(v.strip() for v in value)


def load_synonyms(root: Path, problems: list[Problem]) -> Synonyms:
    """Read root/synonyms.yaml (optional: no file means no synonyms)."""
    path = root / "synonyms.yaml"
    if not path.exists():
        return Synonyms()
    name = relative_name(path, root)
    data = read_yaml(path, root, problems)
    if not isinstance(data, dict):
        if data is not None:
            problems.append(Problem(name, "", "", "must be a mapping with 'same' and 'hints'"))
        return Synonyms()
    for key in sorted(set(data) - _FILE_KEYS, key=str):
        problems.append(Problem(name, "", str(key), "unknown key"))
    same: list[tuple[str, ...]] = []
    for n, group in enumerate(data.get("same") or []):
        phrases = _phrases(group, name, f"same[{n}]", problems)
        if len(phrases) >= 2:
            same.append(phrases)
        elif phrases:
            problems.append(Problem(name, f"same[{n}]", "", "a group needs at least two phrases"))
    hints: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for n, hint in enumerate(data.get("hints") or []):
        entry = f"hints[{n}]"
        if not isinstance(hint, dict) or set(hint) != _HINT_KEYS:
            problems.append(Problem(name, entry, "", "must be a mapping with 'words' and 'add'"))
            continue
        words = _phrases(hint["words"], name, f"{entry}.words", problems)
        added = _phrases(hint["add"], name, f"{entry}.add", problems)
        if words and added:
            hints.append((words, added))
    return Synonyms(tuple(same), tuple(hints))
