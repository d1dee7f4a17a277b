"""The annual OCOP cycle per province and year, and the reminder rules, as validated data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from knowledge.content import localized, read_yaml, relative_name
from knowledge.problems import Problem

MILESTONE_KINDS = ("idea_intake", "dossier_deadline", "council_round", "certificate_handover")
AUDIENCES = ("incomplete_dossiers", "province_producers", "certified_products")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True, slots=True)
class Milestone:
    """A dated point of the cycle; only a confirmed one has a date that reminders rely on."""

    id: str
    kind: str
    name: dict[str, str]
    status: str
    date: date | None
    period: dict[str, str] | None
    source: str

    @property
    def confirmed(self) -> bool:
        """True when the date comes from the province's published plan."""
        return self.status == "confirmed" and self.date is not None


@dataclass(frozen=True, slots=True)
class CycleStep:
    """One of the six steps of the annual cycle, with its usual timing."""

    number: int
    name: dict[str, str]
    timing: dict[str, str]


@dataclass(frozen=True, slots=True)
class Calendar:
    """The cycle of one province for one year."""

    province_id: str
    province_name: str
    year: int
    steps: tuple[CycleStep, ...]
    milestones: tuple[Milestone, ...]

    def milestone(self, milestone_id: str) -> Milestone | None:
        """The milestone with this id."""
        return next((m for m in self.milestones if m.id == milestone_id), None)


@dataclass(frozen=True, slots=True)
class ReminderRule:
    """Who is reminded of what, and how many days before."""

    id: str
    kind: str
    name: dict[str, str]
    audience: str
    days_before: tuple[int, ...]
    milestone_kind: str | None


def _milestone(raw: Any, name: str, problems: list[Problem]) -> Milestone | None:
    if not isinstance(raw, dict) or not _ID.match(str(raw.get("id", ""))):
        problems.append(Problem(name, "", "milestones", "each milestone needs an id (a-z, 0-9, -)"))
        return None
    mid = str(raw["id"])
    before = len(problems)
    kind = raw.get("kind")
    if kind not in MILESTONE_KINDS:
        problems.append(Problem(name, mid, "kind", f"must be one of {', '.join(MILESTONE_KINDS)}"))
    title = localized(raw.get("name"), name, mid, "name", problems)
    status = raw.get("status")
    when = raw.get("date")
    if status not in ("confirmed", "expected"):
        problems.append(Problem(name, mid, "status", "must be confirmed or expected"))
    if when is not None and not isinstance(when, date):
        problems.append(Problem(name, mid, "date", "must be a date written YYYY-MM-DD"))
        when = None
    if status == "confirmed" and when is None:
        problems.append(Problem(name, mid, "date", "a confirmed milestone needs its date"))
    period = None
    if status == "expected":
        period = localized(raw.get("period"), name, mid, "period", problems)
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append(Problem(name, mid, "source", "say where the date or period comes from"))
    if len(problems) > before or title is None:
        return None
    return Milestone(mid, str(kind), title, str(status), when, period, str(source).strip())


def load_calendar(path: Path, root: Path, problems: list[Problem]) -> Calendar | None:
    """Read and validate one calendar file."""
    name = relative_name(path, root)
    data = read_yaml(path, root, problems)
    if not isinstance(data, dict):
        if data is not None:
            problems.append(Problem(name, "", "", "must be a mapping"))
        return None
    province = data.get("province") or {}
    year = data.get("year")
    if not isinstance(province, dict) or not province.get("id") or not province.get("name"):
        problems.append(Problem(name, "", "province", "needs id and name"))
        return None
    if not isinstance(year, int) or f"{province['id']}-{year}.yaml" != path.name:
        problems.append(Problem(name, "", "year", "file must be named <province id>-<year>.yaml"))
        return None
    steps = []
    for i, raw in enumerate(data.get("steps") or [], start=1):
        step_name = localized((raw or {}).get("name"), name, f"step {i}", "name", problems)
        timing = localized((raw or {}).get("timing"), name, f"step {i}", "timing", problems)
        if step_name and timing:
            steps.append(CycleStep(i, step_name, timing))
    if len(steps) != 6:
        problems.append(Problem(name, "", "steps", f"the cycle has 6 steps, found {len(steps)}"))
    milestones = [
        m for raw in data.get("milestones") or [] if (m := _milestone(raw, name, problems))
    ]
    ids = [m.id for m in milestones]
    for dup in {i for i in ids if ids.count(i) > 1}:
        problems.append(Problem(name, dup, "id", "duplicate milestone id"))
    return Calendar(
        str(province["id"]), str(province["name"]), year, tuple(steps), tuple(milestones)
    )


def load_calendars(root: Path, problems: list[Problem]) -> tuple[Calendar, ...]:
    """Every calendar file under `calendar/`."""
    found = [load_calendar(p, root, problems) for p in sorted((root / "calendar").glob("*.yaml"))]
    return tuple(c for c in found if c is not None)


def load_rules(root: Path, problems: list[Problem]) -> tuple[ReminderRule, ...]:
    """The reminder rules in `reminders.yaml`."""
    path = root / "reminders.yaml"
    name = relative_name(path, root)
    data = read_yaml(path, root, problems)
    rules: list[ReminderRule] = []
    for raw in (data or {}).get("rules") or []:
        rid = str((raw or {}).get("id", ""))
        before = len(problems)
        title = localized(raw.get("name"), name, rid, "name", problems)
        days = raw.get("days_before")
        if (
            not isinstance(days, list)
            or not days
            or not all(isinstance(d, int) and 0 < d <= 400 for d in days)
        ):
            problems.append(Problem(name, rid, "days_before", "a list of whole days, 1–400"))
        if raw.get("audience") not in AUDIENCES:
            problems.append(Problem(name, rid, "audience", f"one of {', '.join(AUDIENCES)}"))
        milestone_kind = raw.get("milestone_kind")
        if raw.get("audience") != "certified_products" and milestone_kind not in MILESTONE_KINDS:
            problems.append(Problem(name, rid, "milestone_kind", "which milestones it counts from"))
        if len(problems) == before and title:
            rules.append(
                ReminderRule(
                    rid,
                    str(raw.get("kind") or rid),
                    title,
                    raw["audience"],
                    tuple(sorted(set(days), reverse=True)),
                    milestone_kind,
                )
            )
    if not rules and data is not None:
        problems.append(Problem(name, "", "rules", "no valid rule"))
    return tuple(rules)
