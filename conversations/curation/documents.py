"""Content files ⇄ records: each FAQ entry, checklist item, milestone and regime, and each
file's other keys (its head), as a YAML text that round-trips every field."""

from __future__ import annotations

import hashlib
import shutil
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.content import SAFE_LOADER, read_yaml, relative_name
from knowledge.problems import Problem

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass(frozen=True, slots=True)
class Layout:
    """How one kind of content file holds its records."""

    pattern: str
    head: str
    entry: str
    list_key: str
    scoped: bool = False
    """Entry ids are unique per file only (milestones): the key is prefixed with the file."""


LAYOUTS = (
    Layout("faq/*.yaml", "faq_topic", "faq", "entries"),
    Layout("checklist.yaml", "checklist", "checklist_item", "items"),
    Layout("calendar/*.yaml", "calendar", "milestone", "milestones", scoped=True),
    Layout("rules.yaml", "rules", "regime", "regimes"),
)
ENTRY_KINDS = tuple(layout.entry for layout in LAYOUTS)
HEAD_KINDS = tuple(layout.head for layout in LAYOUTS)


@dataclass(frozen=True, slots=True)
class Doc:
    """One record as found in (or written to) a content file."""

    kind: str
    key: str
    file: str
    position: int
    body: str

    @property
    def data(self) -> Any:
        """The parsed mapping."""
        return yaml.load(self.body, Loader=SAFE_LOADER)


def dump(data: Any) -> str:
    """The canonical YAML text of a record (also what is compared and hashed)."""
    return yaml.dump(
        data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=100
    )


def digest(text: str) -> str:
    """The sha256 of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(docs: Iterable[Doc]) -> str:
    """One hash of a whole set of records (order-independent)."""
    parts = sorted(f"{d.kind}\x1f{d.key}\x1f{d.file}\x1f{d.position}\x1f{d.body}" for d in docs)
    return digest("\x1e".join(parts))


def entry_key(layout: Layout, file: str, entry_id: str) -> str:
    """The record key of an entry of `file`."""
    return f"{Path(file).stem}:{entry_id}" if layout.scoped else entry_id


def layout_of(kind: str) -> Layout:
    """The layout a record kind belongs to."""
    return next(x for x in LAYOUTS if kind in (x.head, x.entry))


def read_docs(root: Path, problems: list[Problem]) -> list[Doc]:
    """Every record of the content folder `root`; unreadable files and entries without an id
    are reported (the loaders in `knowledge/` check the rest)."""
    docs: list[Doc] = []
    seen: dict[tuple[str, str], str] = {}
    for layout in LAYOUTS:
        for path in sorted(root.glob(layout.pattern)):
            name = relative_name(path, root)
            data = read_yaml(path, root, problems)
            if not isinstance(data, dict):
                if data is not None:
                    problems.append(Problem(name, "", "", "must be a mapping"))
                continue
            head = {k: v for k, v in data.items() if k != layout.list_key}
            docs.append(Doc(layout.head, name, name, 0, dump(head)))
            raw_entries = data.get(layout.list_key) or []
            if not isinstance(raw_entries, list):
                problems.append(Problem(name, "", layout.list_key, "must be a list"))
                continue
            for position, raw in enumerate(raw_entries, start=1):
                if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
                    why = f"entry {position} has no id"
                    problems.append(Problem(name, "", layout.list_key, why))
                    continue
                key = entry_key(layout, name, raw["id"])
                if (layout.entry, key) in seen:
                    first = seen[(layout.entry, key)]
                    why = f"duplicate id, first in {first}"
                    problems.append(Problem(name, raw["id"], "id", why))
                    continue
                seen[(layout.entry, key)] = name
                docs.append(Doc(layout.entry, key, name, position, dump(raw)))
    return docs


def write_docs(root: Path, docs: Iterable[Doc]) -> list[Path]:
    """Write records back as content files below `root` (heads first, entries in order)."""
    files: dict[str, list[Doc]] = defaultdict(list)
    for doc in docs:
        files[doc.file].append(doc)
    written = []
    for name in sorted(files):
        found = files[name]
        heads = [d for d in found if d.kind in HEAD_KINDS]
        layout = layout_of(found[0].kind)
        entries = sorted(
            (d for d in found if d.kind == layout.entry), key=lambda d: (d.position, d.key)
        )
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_file_text(heads[0].body if heads else "", layout, entries), "utf-8")
        written.append(path)
    return written


def _file_text(head: str, layout: Layout, entries: list[Doc]) -> str:
    """A content file from record texts, without parsing them again: the head's keys, then
    the list of entries, each block mapping indented under its dash."""
    parts = [head if head.strip() not in ("", "{}") else ""]
    if not entries:
        parts.append(f"{layout.list_key}: []\n")
        return "".join(parts)
    parts.append(f"{layout.list_key}:\n")
    for doc in entries:
        lines = doc.body.rstrip("\n").split("\n")
        parts.append("- " + lines[0] + "\n")
        parts.extend(("  " + line if line else line) + "\n" for line in lines[1:])
    return "".join(parts)


def copy_static(source: Path, target: Path) -> None:
    """Copy the content files that are not kept in the database (products, communes, quiz,
    small talk, synonyms, reminder rules), so `target` is a complete content folder."""
    managed = {p for layout in LAYOUTS for p in source.glob(layout.pattern)}
    for path in sorted(source.rglob("*.yaml")):
        if path in managed or "drafts" in path.relative_to(source).parts:
            continue
        out = target / path.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, out)
