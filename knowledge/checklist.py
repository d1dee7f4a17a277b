"""The OCOP dossier checklist: evaluation types and items, loaded and validated from YAML."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.content import localized, read_yaml, relative_name
from knowledge.problems import Problem
from knowledge.products import Products, check_confidence, check_id

FILE = "checklist.yaml"
KINDS = ("required", "evidence")
ATTACHMENTS = ("photo", "document")
TEXT_FIELDS = ("what", "why", "where", "tip")
TEXT_MAX = 300
NAME_MAX = 120


@dataclass(frozen=True, slots=True)
class EvaluationType:
    """First evaluation, upgrade or re-evaluation after 36 months."""

    id: str
    name: dict[str, str]


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One dossier item; `groups` None means every product group."""

    id: str
    kind: str
    name: dict[str, str]
    what: dict[str, str]
    why: dict[str, str]
    where: dict[str, str]
    tip: dict[str, str]
    applies_to: tuple[str, ...]
    groups: tuple[str, ...] | None
    except_sets: tuple[str, ...]
    accepts: tuple[str, ...]
    source: str
    confidence: str
    hedge: dict[str, str] | None
    before_evaluation: bool = False
    """A legal prerequisite (food safety, label, registration) that must exist before evaluation."""

    def applies(self, evaluation_type: str, group_id: str, set_id: str | None = None) -> bool:
        """Whether this item belongs in the checklist of one product and evaluation type."""
        return (
            evaluation_type in self.applies_to
            and (self.groups is None or group_id in self.groups)
            and (set_id is None or set_id not in self.except_sets)
        )


class Checklist:
    """Evaluation types and dossier items, in file order."""

    def __init__(self, evaluation_types: list[EvaluationType], items: list[ChecklistItem]) -> None:
        self.evaluation_types: tuple[EvaluationType, ...] = tuple(evaluation_types)
        self.items: tuple[ChecklistItem, ...] = tuple(items)
        self._items = {i.id: i for i in self.items}

    def item(self, item_id: str) -> ChecklistItem | None:
        """The item with this id, or None."""
        return self._items.get(item_id)

    def evaluation_type(self, type_id: str) -> EvaluationType | None:
        """The evaluation type with this id, or None."""
        return next((t for t in self.evaluation_types if t.id == type_id), None)

    def items_for(
        self, evaluation_type: str, group_id: str, set_id: str | None = None
    ) -> list[ChecklistItem]:
        """Items for one product: required ones first, then evidence, each in file order."""
        chosen = [i for i in self.items if i.applies(evaluation_type, group_id, set_id)]
        return sorted(chosen, key=lambda i: KINDS.index(i.kind))


def _id_list(
    value: Any, name: str, entry: str, field: str, problems: list[Problem], *, empty_ok: bool
) -> tuple[str, ...] | None:
    """A list of unique ids (strings); None (with a problem) when malformed."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.append(Problem(name, entry, field, "must be a list of ids"))
        return None
    if not value and not empty_ok:
        problems.append(Problem(name, entry, field, "must not be empty"))
        return None
    if len(set(value)) != len(value):
        problems.append(Problem(name, entry, field, "has duplicates"))
        return None
    return tuple(value)


def _unknown(
    values: tuple[str, ...], known: set[str], what: str, name: str, entry: str, field: str
) -> list[Problem]:
    return [Problem(name, entry, field, f"unknown {what} {v!r}") for v in values if v not in known]


def _load_types(raw: Any, name: str, problems: list[Problem]) -> list[EvaluationType]:
    types: list[EvaluationType] = []
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(name, "", "evaluation_types", "must be a non-empty list"))
        return types
    for index, item in enumerate(raw):
        type_id = check_id(item, "evaluation_types", index, name, problems)
        if type_id is None:
            continue
        if any(t.id == type_id for t in types):
            problems.append(Problem(name, type_id, "id", "duplicate evaluation type id"))
            continue
        label = localized(item.get("name"), name, type_id, "name", problems, max_len=NAME_MAX)
        if label:
            types.append(EvaluationType(type_id, label))
    return types


def _load_item(
    raw: dict[str, Any],
    item_id: str,
    types: set[str],
    products: Products | None,
    name: str,
    problems: list[Problem],
) -> ChecklistItem | None:
    """One validated item, or None when any field is broken (every problem is reported)."""
    count = len(problems)
    kind = raw.get("kind")
    if kind not in KINDS:
        problems.append(Problem(name, item_id, "kind", f"must be one of {list(KINDS)}"))
    label = localized(raw.get("name"), name, item_id, "name", problems, max_len=NAME_MAX)
    texts = {
        f: localized(raw.get(f), name, item_id, f, problems, max_len=TEXT_MAX) for f in TEXT_FIELDS
    }
    applies_to = _id_list(
        raw.get("applies_to"), name, item_id, "applies_to", problems, empty_ok=False
    )
    if applies_to:
        problems += _unknown(applies_to, types, "evaluation type", name, item_id, "applies_to")
    groups: tuple[str, ...] | None = None
    if isinstance(raw.get("groups"), str) and raw["groups"] != "all":
        problems.append(Problem(name, item_id, "groups", "must be 'all' or a list of group ids"))
    elif raw.get("groups") != "all":
        groups = _id_list(raw.get("groups"), name, item_id, "groups", problems, empty_ok=False)
        if groups and products is not None:
            known = {g.id for g in products.groups}
            problems += _unknown(groups, known, "product group", name, item_id, "groups")
    except_sets = _id_list(
        raw.get("except_sets", []), name, item_id, "except_sets", problems, empty_ok=True
    )
    if except_sets and products is not None:
        known = {s.id for s in products.sets}
        problems += _unknown(except_sets, known, "product set", name, item_id, "except_sets")
    accepts = _id_list(raw.get("accepts"), name, item_id, "accepts", problems, empty_ok=True)
    if accepts:
        problems += _unknown(accepts, set(ATTACHMENTS), "attachment", name, item_id, "accepts")
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append(Problem(name, item_id, "source", "missing or empty"))
    before = raw.get("before_evaluation", False)
    if not isinstance(before, bool):
        problems.append(Problem(name, item_id, "before_evaluation", "must be true or false"))
    tagged = check_confidence(raw, name, item_id, problems)
    if len(problems) > count or tagged is None or label is None:
        return None
    what, why, where, tip = (texts[f] or {} for f in TEXT_FIELDS)
    return ChecklistItem(
        item_id,
        str(kind),
        label,
        what,
        why,
        where,
        tip,
        applies_to or (),
        groups,
        except_sets or (),
        accepts or (),
        str(source).strip(),
        *tagged,
        before_evaluation=before is True,
    )


def load_checklist(
    root: Path, problems: list[Problem], products: Products | None = None
) -> Checklist:
    """Read and validate `checklist.yaml`; group/set ids are checked when `products` is given."""
    path = root / FILE
    name = relative_name(path, root)
    data = read_yaml(path, root, problems)
    if not isinstance(data, dict):
        if data is not None:
            problems.append(Problem(name, "", "", "must be a mapping with evaluation_types, items"))
        return Checklist([], [])
    types = _load_types(data.get("evaluation_types"), name, problems)
    raw_items = data.get("items")
    items: list[ChecklistItem] = []
    if not isinstance(raw_items, list) or not raw_items:
        problems.append(Problem(name, "", "items", "must be a non-empty list"))
        return Checklist(types, items)
    type_ids = {t.id for t in types}
    seen: set[str] = set()
    for index, raw in enumerate(raw_items):
        item_id = check_id(raw, "items", index, name, problems)
        if item_id is None:
            continue
        if item_id in seen:
            problems.append(Problem(name, item_id, "id", "duplicate item id"))
            continue
        seen.add(item_id)
        item = _load_item(raw, item_id, type_ids, products, name, problems)
        if item is not None:
            items.append(item)
    return Checklist(types, items)
