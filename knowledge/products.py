"""OCOP product groups and the 26 product sets: loading, validation and fuzzy matching."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from knowledge.content import localized, read_yaml, relative_name
from knowledge.folding import fold
from knowledge.problems import Problem

FILE = "products.yaml"
GROUP_COUNT = 6
SET_COUNT = 26
CONFIDENCES = ("ok", "one_source", "unverified", "conflict")
LANGS = ("vi", "en")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_GROUP_NUMBER = re.compile(r"^(?:nhom|nganh|so|group|no)?\s*(\d{1,2})$")
_SET_NUMBER = re.compile(r"^(?:bo san pham|bo sp|bo|so|set|no)?\s*(\d{1,2})$")
_NAME_SPLIT = re.compile(r",|\bva\b|\band\b")
_PARENS = re.compile(r"\(.*?\)")
STOPWORDS = frozenset({"va", "and", "cac", "tu", "from", "of", "the"})
NAME_CUTOFF = 75.0
SUGGEST_CUTOFF = 65.0


@dataclass(frozen=True, slots=True)
class ProductGroup:
    """One of the six OCOP product groups (QĐ 919/2022)."""

    id: str
    number: int
    name: dict[str, str]
    set_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProductSet:
    """One of the 26 product sets ("bộ sản phẩm"), each scored with its own criteria sheet."""

    id: str
    number: int
    group_id: str
    name: dict[str, str]
    examples: dict[str, tuple[str, ...]]
    confidence: str
    hedge: dict[str, str] | None
    subgroup: dict[str, str] = field(default_factory=dict)


def norm(text: str) -> str:
    """Fold `text` and keep only letters and digits separated by single spaces."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


def _token_cover(tokens: list[str], others: list[str]) -> float:
    """Share of `tokens` found in `others`: exact, or rapidfuzz ≥ 80 for words of 4+ letters."""
    total = 0.0
    for token in tokens:
        best = 1.0 if token in others else 0.0
        if not best and len(token) >= 4:
            best = max((fuzz.ratio(token, o) / 100 for o in others if len(o) >= 3), default=0.0)
            best = best if best >= 0.8 else 0.0
        total += best
    return total / len(tokens)


def similarity(query: str, candidate: str) -> float:
    """0–100: how well two normalised strings match, word by word and as a whole."""
    q = [t for t in query.split() if t not in STOPWORDS]
    c = [t for t in candidate.split() if t not in STOPWORDS]
    if not q or not c:
        return 0.0
    a, b = _token_cover(q, c), _token_cover(c, q)
    words = 100 * (0.6 * max(a, b) + 0.4 * min(a, b))
    whole = fuzz.ratio(query, candidate)
    return max(words, whole if whole >= 90 else 0.0)


def _best(query: str, candidates: list[tuple[str, float]]) -> float:
    return max((similarity(query, text) * weight for text, weight in candidates), default=0.0)


class Products:
    """The product classification, with look-ups by id, number and (fuzzy) name."""

    def __init__(self, groups: list[ProductGroup], sets: list[ProductSet]) -> None:
        self.groups: tuple[ProductGroup, ...] = tuple(sorted(groups, key=lambda g: g.number))
        self.sets: tuple[ProductSet, ...] = tuple(sorted(sets, key=lambda s: s.number))
        self._groups = {g.id: g for g in self.groups}
        self._sets = {s.id: s for s in self.sets}

    def group(self, group_id: str) -> ProductGroup | None:
        """The group with this id, or None."""
        return self._groups.get(group_id)

    def set(self, set_id: str) -> ProductSet | None:
        """The product set with this id, or None."""
        return self._sets.get(set_id)

    def sets_in(self, group_id: str) -> list[ProductSet]:
        """The sets of one group, by number."""
        return [s for s in self.sets if s.group_id == group_id]

    def match_group(self, text: str, lang: str = "vi") -> ProductGroup | None:
        """A group from its number ("2", "nhóm 2") or its name, diacritics optional, typos ok."""
        query = norm(text)
        if number := _GROUP_NUMBER.match(query):
            return next((g for g in self.groups if g.number == int(number[1])), None)
        best: tuple[float, ProductGroup] | None = None
        for group in self.groups:
            candidates: list[tuple[str, float]] = []
            for code in LANGS:
                full = norm(group.name.get(code, ""))
                parts = [full, *(p.strip() for p in _NAME_SPLIT.split(full))]
                candidates += [(p, 1.0 if code == lang else 0.97) for p in parts]
            score = _best(query, candidates)
            if best is None or score > best[0]:
                best = (score, group)
        return best[1] if query and best and best[0] >= NAME_CUTOFF else None

    def match_set(
        self, text: str, group_id: str | None = None, lang: str = "vi"
    ) -> ProductSet | None:
        """A set from its number (1–26), its name or its examples; None when unsure.

        With `group_id` only that group's sets are considered (another set's number gives None).
        """
        query = norm(text)
        pool = self.sets_in(group_id) if group_id else list(self.sets)
        if number := _SET_NUMBER.match(query):
            return next((s for s in pool if s.number == int(number[1])), None)
        ranked = self._rank(query, lang, pool)
        return ranked[0][1] if query and ranked and ranked[0][0] >= NAME_CUTOFF else None

    def suggest_sets(self, product_name: str, lang: str = "vi", limit: int = 3) -> list[ProductSet]:
        """The sets a product most likely belongs to ("tôm khô" → processed seafood), best first."""
        query = norm(product_name)
        if not query:
            return []
        ranked = self._rank(query, lang, list(self.sets))
        return [item for score, item in ranked if score >= SUGGEST_CUTOFF][: max(limit, 0)]

    def _rank(
        self, query: str, lang: str, pool: list[ProductSet]
    ) -> list[tuple[float, ProductSet]]:
        """Score sets on their examples, names and subgroup names; best first, ties by number."""
        scored: list[tuple[float, ProductSet]] = []
        for item in pool:
            candidates: list[tuple[str, float]] = []
            for code in LANGS:
                own = code == lang
                candidates += [(norm(e), 1.0 if own else 0.97) for e in item.examples.get(code, ())]
                label = item.name.get(code, "")
                candidates.append((norm(label), 1.0 if own else 0.97))
                candidates.append((norm(_PARENS.sub("", label)), 1.0 if own else 0.97))
                candidates.append((norm(item.subgroup.get(code, "")), 0.9 if own else 0.87))
            scored.append((_best(query, candidates), item))
        scored.sort(key=lambda pair: (-pair[0], pair[1].number))
        return scored


def check_confidence(
    raw: dict[str, Any], name: str, entry: str, problems: list[Problem]
) -> tuple[str, dict[str, str] | None] | None:
    """Validate `confidence` and `hedge` (required unless ok); None when broken."""
    confidence = raw.get("confidence")
    if confidence not in CONFIDENCES:
        problems.append(Problem(name, entry, "confidence", f"must be one of {list(CONFIDENCES)}"))
        return None
    if raw.get("hedge") is None:
        if confidence == "ok":
            return confidence, None
        problems.append(Problem(name, entry, "hedge", f"required when confidence is {confidence}"))
        return None
    hedge = localized(raw["hedge"], name, entry, "hedge", problems)
    return (confidence, hedge) if hedge else None


def check_id(raw: Any, kind: str, index: int, name: str, problems: list[Problem]) -> str | None:
    """An entry's id; a missing or malformed one is reported under `kind[index]`."""
    if not isinstance(raw, dict):
        problems.append(Problem(name, f"{kind}[{index}]", "", "must be a mapping"))
        return None
    value = raw.get("id")
    if not isinstance(value, str) or not ID_RE.match(value):
        problems.append(Problem(name, f"{kind}[{index}]", "id", "missing or not lowercase-dashes"))
        return None
    return value


def _entries(
    data: dict[str, Any], kind: str, count: int, name: str, problems: list[Problem]
) -> Iterator[tuple[str, int | None, dict[str, Any]]]:
    """Yield (id, number or None, raw) for each entry with a valid, unique id."""
    raw = data.get(kind)
    if not isinstance(raw, list):
        problems.append(Problem(name, "", kind, "must be a list"))
        return
    if len(raw) != count:
        problems.append(Problem(name, "", kind, f"{len(raw)} entries, expected {count}"))
    ids: set[str] = set()
    numbers: set[int] = set()
    for index, item in enumerate(raw):
        entry = check_id(item, kind, index, name, problems)
        if entry is None or entry in ids:
            if entry:
                problems.append(Problem(name, entry, "id", "duplicate id"))
            continue
        ids.add(entry)
        number = item.get("number")
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= count:
            problems.append(Problem(name, entry, "number", f"must be a whole number 1–{count}"))
            number = None
        elif number in numbers:
            problems.append(Problem(name, entry, "number", f"duplicate number {number}"))
            number = None
        else:
            numbers.add(number)
        yield entry, number, item


def _examples(
    raw: Any, name: str, entry: str, problems: list[Problem]
) -> dict[str, tuple[str, ...]]:
    """Validated {vi: [...], en: [...]} examples; empty when broken."""
    if not isinstance(raw, dict):
        problems.append(Problem(name, entry, "examples", "must be a mapping with 'vi' and 'en'"))
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for code in LANGS:
        values = raw.get(code)
        if not isinstance(values, list) or not values:
            problems.append(Problem(name, entry, f"examples.{code}", "must be a non-empty list"))
        elif bad := [i for i, v in enumerate(values) if not isinstance(v, str) or not v.strip()]:
            problems.append(Problem(name, entry, f"examples.{code}[{bad[0]}]", "must be text"))
        else:
            out[code] = tuple(v.strip() for v in values)
    return out if len(out) == len(LANGS) else {}


def load_products(root: Path, problems: list[Problem]) -> Products:
    """Read and validate `products.yaml`; every problem is appended, broken entries skipped."""
    path = root / FILE
    name = relative_name(path, root)
    data = read_yaml(path, root, problems)
    if not isinstance(data, dict):
        if data is not None:
            problems.append(Problem(name, "", "", "must be a mapping with 'groups' and 'sets'"))
        return Products([], [])
    raw_groups: dict[str, tuple[int, dict[str, str], list[str]]] = {}
    for gid, number, item in _entries(data, "groups", GROUP_COUNT, name, problems):
        label = localized(item.get("name"), name, gid, "name", problems)
        declared = item.get("sets")
        if not isinstance(declared, list) or not all(isinstance(s, str) for s in declared):
            problems.append(Problem(name, gid, "sets", "must be a list of set ids"))
        elif number is not None and label is not None:
            raw_groups[gid] = (number, label, declared)
    sets: dict[str, ProductSet] = {}
    for sid, number, item in _entries(data, "sets", SET_COUNT, name, problems):
        group_id = item.get("group")
        group_ok = isinstance(group_id, str) and group_id in raw_groups
        if not group_ok:
            problems.append(Problem(name, sid, "group", f"unknown or broken group {group_id!r}"))
        label = localized(item.get("name"), name, sid, "name", problems)
        raw_sub = item.get("subgroup")
        sub = {} if raw_sub is None else localized(raw_sub, name, sid, "subgroup", problems)
        examples = _examples(item.get("examples"), name, sid, problems)
        tagged = check_confidence(item, name, sid, problems)
        if number and group_ok and label and sub is not None and examples and tagged:
            sets[sid] = ProductSet(sid, number, str(group_id), label, examples, *tagged, sub)
    listed: dict[str, str] = {}
    groups: list[ProductGroup] = []
    for gid, (number, label, declared) in raw_groups.items():
        for sid in declared:
            owner = sets[sid].group_id if sid in sets else None
            if sid in listed:
                problems.append(Problem(name, gid, "sets", f"{sid!r} also listed in {listed[sid]}"))
            elif owner != gid:
                why = f"says its group is {owner!r}" if owner else "is unknown or broken"
                problems.append(Problem(name, gid, "sets", f"set {sid!r} {why}"))
            else:
                listed[sid] = gid
        kept = tuple(sid for sid in declared if listed.get(sid) == gid)
        groups.append(ProductGroup(gid, number, label, kept))
    for item in sets.values():
        if item.id not in listed:
            problems.append(
                Problem(name, item.id, "group", f"not in the sets of {item.group_id!r}")
            )
    return Products(groups, list(sets.values()))
