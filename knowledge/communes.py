"""Communes and wards of a province: loading, validation and typo-tolerant name matching."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from knowledge.content import read_yaml, relative_name
from knowledge.folding import fold
from knowledge.problems import Problem
from knowledge.products import check_confidence

PREFIXES = {"xa": "Xã", "phuong": "Phường", "thi-tran": "Thị trấn"}
_PREFIX = re.compile(r"^(?:xa|phuong|thi tran|tt|p|x)\.?\s+")
MATCH_CUTOFF = 75.0


@dataclass(frozen=True, slots=True)
class Commune:
    """One commune-level unit: its full name ("Xã Tân Tiến") and kind (xa, phuong, thi-tran)."""

    name: str
    kind: str


def _bare(folded: str) -> str:
    """A folded name without its leading "xã"/"phường"/"thị trấn" (or p./x./tt) prefix."""
    return _PREFIX.sub("", folded).strip()


class Communes:
    """The commune-level units of one province, with fuzzy look-up by name."""

    def __init__(
        self,
        province_id: str,
        province_name: str,
        communes: list[Commune],
        *,
        complete: bool = False,
        as_of: str = "",
        source: str = "",
        confidence: str = "ok",
        hedge: dict[str, str] | None = None,
    ) -> None:
        self.province_id = province_id
        self.province_name = province_name
        self.communes: tuple[Commune, ...] = tuple(communes)
        self.names: tuple[str, ...] = tuple(c.name for c in self.communes)
        self.complete = complete
        self.as_of = as_of
        self.source = source
        self.confidence = confidence
        self.hedge = hedge
        self._folded = [(name, fold(name), _bare(fold(name))) for name in self.names]

    def match(self, text: str, limit: int = 3) -> list[str]:
        """Full names for what a user typed: exact (folded) matches, else the closest ones.

        Both sides are compared without their "xã"/"phường"/"thị trấn" prefix.
        """
        query = fold(text)
        bare = _bare(query)
        if not bare or limit <= 0:
            return []
        exact = [name for name, full, short in self._folded if query == full or bare == short]
        if exact:
            return exact[:limit]
        scores: dict[str, float] = {}
        shorts = [short for _, _, short in self._folded]
        for _, score, index in process.extract(
            bare, shorts, scorer=fuzz.WRatio, score_cutoff=MATCH_CUTOFF, limit=None
        ):
            name = self._folded[index][0]
            scores[name] = max(scores.get(name, 0.0), score)
        ranked = sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))
        return [name for name, _ in ranked[:limit]]


def _commune(raw: Any, index: int, name: str, problems: list[Problem]) -> Commune | None:
    entry = f"communes[{index}]"
    if not isinstance(raw, dict):
        problems.append(Problem(name, entry, "", "must be a mapping with name and kind"))
        return None
    label, kind = raw.get("name"), raw.get("kind")
    if not isinstance(label, str) or not label.strip():
        problems.append(Problem(name, entry, "name", "missing or empty"))
        return None
    label = " ".join(label.split())
    if kind not in PREFIXES:
        problems.append(Problem(name, label, "kind", f"must be one of {list(PREFIXES)}"))
        return None
    prefix = PREFIXES[kind]
    if not label.startswith(prefix + " ") or not label[len(prefix) :].strip():
        problems.append(Problem(name, label, "name", f"must start with '{prefix} ' for {kind}"))
        return None
    return Commune(label, kind)


def load_communes(root: Path, problems: list[Problem], province_id: str = "ca-mau") -> Communes:
    """Read and validate `communes/<province_id>.yaml`; broken entries are skipped and reported."""
    path = root / "communes" / f"{province_id}.yaml"
    name = relative_name(path, root)
    data = read_yaml(path, root, problems)
    if not isinstance(data, dict):
        if data is not None:
            problems.append(Problem(name, "", "", "must be a mapping with province and communes"))
        return Communes(province_id, "", [])
    province = data.get("province")
    province_name = ""
    if not isinstance(province, dict) or province.get("id") != province_id:
        problems.append(Problem(name, "", "province.id", f"must be {province_id!r}"))
    elif not isinstance(province.get("name"), str) or not province["name"].strip():
        problems.append(Problem(name, "", "province.name", "missing or empty"))
    else:
        province_name = province["name"].strip()
    as_of = data.get("as_of")
    try:
        date.fromisoformat(str(as_of))
    except ValueError:
        problems.append(Problem(name, "", "as_of", "must be a date YYYY-MM-DD"))
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append(Problem(name, "", "source", "missing or empty"))
        source = ""
    complete = data.get("complete", False)
    if not isinstance(complete, bool):
        problems.append(Problem(name, "", "complete", "must be true or false"))
        complete = False
    tagged = check_confidence({"confidence": "ok", **data}, name, "", problems) or ("ok", None)
    raw = data.get("communes")
    communes: list[Commune] = []
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(name, "", "communes", "must be a non-empty list"))
        raw = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        commune = _commune(item, index, name, problems)
        if commune is None:
            continue
        if fold(commune.name) in seen:
            problems.append(Problem(name, commune.name, "name", "duplicate commune"))
            continue
        seen.add(fold(commune.name))
        communes.append(commune)
    return Communes(
        province_id,
        province_name,
        communes,
        complete=complete,
        as_of=str(as_of),
        source=source,
        confidence=tagged[0],
        hedge=tagged[1],
    )
