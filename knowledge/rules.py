"""The rule regimes FAQ answers rest on (`rules.yaml`): effective dates and the current one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from knowledge.content import localized, read_yaml, relative_name
from knowledge.faq import RULE_VERSIONS
from knowledge.problems import Problem

FILE = "rules.yaml"
STATUSES = ("in_force", "superseded", "reported")
_FILE_KEYS = frozenset({"current", "regimes"})
_KEYS = frozenset({"id", "name", "effective_from", "effective_to", "status", "source"})


@dataclass(frozen=True, slots=True)
class Regime:
    """One national decision (or set of them) that answers may rest on."""

    id: str
    name: dict[str, str]
    effective_from: date
    effective_to: date | None
    status: str
    source: str


@dataclass(frozen=True, slots=True)
class Rules:
    """Every regime in file order and the one that answers "current rules" questions."""

    regimes: tuple[Regime, ...]
    current: str

    def regime(self, regime_id: str) -> Regime | None:
        """The regime with this id (a FAQ entry's `rule_version`), or None."""
        return next((r for r in self.regimes if r.id == regime_id), None)

    @property
    def current_regime(self) -> Regime | None:
        """The regime marked current."""
        return self.regime(self.current)


def _regime(raw: Any, name: str, problems: list[Problem]) -> Regime | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        problems.append(Problem(name, "", "regimes", "each regime needs an id"))
        return None
    rid = raw["id"]
    before = len(problems)
    for key in sorted(set(raw) - _KEYS, key=str):
        problems.append(Problem(name, rid, str(key), "unknown key"))
    if rid not in RULE_VERSIONS:
        known = sorted(RULE_VERSIONS)
        problems.append(Problem(name, rid, "id", f"not a known rule version {known}"))
    title = localized(raw.get("name"), name, rid, "name", problems)
    start, end = raw.get("effective_from"), raw.get("effective_to")
    if not isinstance(start, date):
        problems.append(Problem(name, rid, "effective_from", "must be a date written YYYY-MM-DD"))
    if end is not None and (not isinstance(end, date) or (isinstance(start, date) and end < start)):
        problems.append(Problem(name, rid, "effective_to", "a date after effective_from, or none"))
    if raw.get("status") not in STATUSES:
        problems.append(Problem(name, rid, "status", f"must be one of {', '.join(STATUSES)}"))
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append(Problem(name, rid, "source", "say which document sets it"))
    if len(problems) > before or title is None or not isinstance(start, date):
        return None
    return Regime(rid, title, start, end, str(raw["status"]), str(source).strip())


def load_rules_file(root: Path, problems: list[Problem]) -> Rules | None:
    """Read and validate `rules.yaml`; None when it is absent (no problem) or broken."""
    path = root / FILE
    if not path.exists():
        return None
    name = relative_name(path, root)
    data = read_yaml(path, root, problems)
    if not isinstance(data, dict):
        if data is not None:
            problems.append(Problem(name, "", "", "must be a mapping with current and regimes"))
        return None
    for key in sorted(set(data) - _FILE_KEYS, key=str):
        problems.append(Problem(name, "", str(key), "unknown key"))
    regimes = [r for raw in data.get("regimes") or [] if (r := _regime(raw, name, problems))]
    ids = [r.id for r in regimes]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(Problem(name, dup, "id", "duplicate regime id"))
    current = data.get("current")
    found = next((r for r in regimes if r.id == current), None)
    if found is None:
        problems.append(Problem(name, "", "current", f"{current!r} is not one of the regimes"))
        return None
    if found.status == "superseded":
        problems.append(Problem(name, "", "current", "the current regime cannot be superseded"))
    return Rules(tuple(regimes), str(current))
