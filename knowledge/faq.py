"""FAQ entries: the `FaqEntry` record and the validating loader of knowledge/content/faq/*.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from knowledge.content import localized, read_yaml, relative_name
from knowledge.problems import Problem

RULE_VERSIONS: frozenset[str] = frozenset({
    "490/2018", "1048/2019", "148/2023", "1489/2025", "26/2026-reported", "919/2022",
    "1162/2020", "ca-mau", "bot", "general",
})
RULE_LABELS: dict[str, dict[str, str] | None] = {
    "490/2018": {"vi": "QĐ 490/QĐ-TTg (2018)", "en": "Decision 490/QĐ-TTg (2018)"},
    "1048/2019": {"vi": "QĐ 1048/QĐ-TTg (2019, đã hết hiệu lực)",
                  "en": "Decision 1048/QĐ-TTg (2019, expired)"},
    "148/2023": {"vi": "QĐ 148/QĐ-TTg (24/02/2023)", "en": "Decision 148/QĐ-TTg (24/02/2023)"},
    "1489/2025": {"vi": "QĐ 1489/QĐ-TTg (06/07/2025)", "en": "Decision 1489/QĐ-TTg (06/07/2025)"},
    "26/2026-reported": {"vi": "“QĐ 26/2026/QĐ-TTg” (chưa xác nhận)",
                         "en": "“Decision 26/2026/QĐ-TTg” (not confirmed)"},
    "919/2022": {"vi": "QĐ 919/QĐ-TTg (01/08/2022)", "en": "Decision 919/QĐ-TTg (01/08/2022)"},
    "1162/2020": {"vi": "QĐ 1162/QĐ-VPĐP-OCOP (17/09/2020)",
                  "en": "Decision 1162/QĐ-VPĐP-OCOP (17/09/2020)"},
    "ca-mau": {"vi": "văn bản của tỉnh Cà Mau", "en": "Cà Mau provincial documents"},
    "bot": None,
    "general": None,
}
"""How a rule version is named to a user; None: say nothing (the `source` line is enough)."""
CONFIDENCES: frozenset[str] = frozenset({"ok", "one_source", "unverified", "conflict"})
MAX_ANSWER_CHARS = 350
"""An answer fits a phone screen before "Xem thêm"; longer detail goes in `more`."""
MAX_LIST_ITEMS = 5
"""A list of more than five items goes in `more`, not in the answer."""
_LIST_ITEM = re.compile(r"^\s*(?:[-•*]|\d+[.)])\s+\S")
MIN_VI_PARAPHRASES = 3
MIN_EN_PARAPHRASES = 1

ENTRY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
"""What an entry id looks like (also for officers' drafts)."""
_FILE_KEYS = frozenset({"topic", "title", "entries"})
_REQUIRED = ("id", "question", "paraphrases", "answer", "source", "rule_version", "confidence")
_OPTIONAL = ("more", "source_url", "hedge", "tags", "related", "outdated")
ENTRY_KEYS = frozenset(_REQUIRED + _OPTIONAL)
"""Every key an entry may have."""


@dataclass(frozen=True, slots=True)
class FaqEntry:
    """One question the bot can answer, with its paraphrases, sourced answer and rule version."""

    id: str
    topic: str
    question: dict[str, str]
    paraphrases: dict[str, tuple[str, ...]]
    answer: dict[str, str]
    more: dict[str, str] | None
    source: str
    source_url: str | None
    rule_version: str
    confidence: str
    hedge: dict[str, str] | None
    tags: tuple[str, ...]
    related: tuple[str, ...]
    outdated: bool

    def __hash__(self) -> int:
        return hash(self.id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FaqEntry) and other.id == self.id

    def rule_label(self, lang: str) -> str | None:
        """The rules this answer follows, named as a document ("QĐ 148/QĐ-TTg (24/02/2023)"),
        or None for entries about the assistant or general practice: never show the raw code."""
        label = RULE_LABELS.get(self.rule_version)
        return label[lang] if label else None

    def questions(self, lang: str) -> tuple[str, ...]:
        """The question and its paraphrases in `lang`, question first."""
        return (self.question[lang], *self.paraphrases.get(lang, ()))


class _Checker:
    """Collects the problems of one file; every check appends and returns the clean value."""

    def __init__(self, name: str, problems: list[Problem]) -> None:
        self.name = name
        self.problems = problems
        self.entry = ""
        self.failed = False

    def fail(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.name, self.entry, field, message))
        self.failed = True

    def text(self, raw: dict[str, Any], field: str) -> str | None:
        value = raw.get(field)
        if not isinstance(value, str) or not value.strip():
            self.fail(field, "must be a non-empty string")
            return None
        return value.strip()

    def localized(self, raw: dict[str, Any], field: str, max_len: int = 0) -> dict[str, str] | None:
        before = len(self.problems)
        value = localized(
            raw.get(field), self.name, self.entry, field, self.problems, max_len=max_len
        )
        if len(self.problems) > before:
            self.failed = True
        return value

    def paraphrases(self, raw: dict[str, Any]) -> dict[str, tuple[str, ...]]:
        value = raw.get("paraphrases")
        if not isinstance(value, dict):
            self.fail("paraphrases", "must be a mapping with 'vi' and 'en' lists")
            return {}
        for extra in sorted(set(value) - {"vi", "en"}, key=str):
            self.fail(f"paraphrases.{extra}", "unknown language key")
        out: dict[str, tuple[str, ...]] = {}
        for lang, least in (("vi", MIN_VI_PARAPHRASES), ("en", MIN_EN_PARAPHRASES)):
            items = value.get(lang)
            if not isinstance(items, list) or not all(isinstance(p, str) for p in items):
                self.fail(f"paraphrases.{lang}", "must be a list of strings")
                continue
            kept = tuple(p.strip() for p in items if p.strip())
            if len(kept) < len(items):
                self.fail(f"paraphrases.{lang}", "contains an empty paraphrase")
            if len(kept) < least:
                self.fail(f"paraphrases.{lang}", f"{len(kept)} given, at least {least} needed")
            out[lang] = kept
        return out

    def strings(self, raw: dict[str, Any], field: str) -> tuple[str, ...]:
        value = raw.get(field, [])
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail(field, "must be a list of non-empty strings")
            return ()
        return tuple(value)


def list_items(text: str) -> int:
    """How many lines of `text` are list items ("- …", "• …", "1) …", "2. …")."""
    return sum(1 for line in text.splitlines() if _LIST_ITEM.match(line))


def _entry(raw: Any, topic: str, check: _Checker) -> FaqEntry | None:
    """Validate one entry mapping; None when it has any problem (it is then not served)."""
    if not isinstance(raw, dict):
        check.fail("", "entry must be a mapping")
        return None
    check.failed = False
    check.entry = str(raw.get("id", "")) if isinstance(raw.get("id"), str) else ""
    for key in sorted(set(raw) - ENTRY_KEYS, key=str):
        check.fail(str(key), "unknown key")
    for key in _REQUIRED:
        if key not in raw:
            check.fail(key, "missing")
    entry_id = raw.get("id")
    if "id" in raw and (not isinstance(entry_id, str) or not ENTRY_ID.match(entry_id)):
        check.fail("id", "must be lowercase letters, digits and dashes")
    question = check.localized(raw, "question") if "question" in raw else None
    paraphrases = check.paraphrases(raw) if "paraphrases" in raw else {}
    answer = check.localized(raw, "answer", MAX_ANSWER_CHARS) if "answer" in raw else None
    for lang, text in (answer or {}).items():
        items = list_items(text)
        if items > MAX_LIST_ITEMS:
            limit = MAX_LIST_ITEMS
            check.fail(f"answer.{lang}", f"a list of {items} items: more than {limit} go in 'more'")
    more = check.localized(raw, "more") if raw.get("more") is not None else None
    source = check.text(raw, "source") if "source" in raw else None
    source_url = raw.get("source_url")
    if source_url is not None and (
        not isinstance(source_url, str) or not source_url.startswith(("http://", "https://"))
    ):
        check.fail("source_url", "must be an http(s) URL")
    rule_version = raw.get("rule_version")
    if "rule_version" in raw and rule_version not in RULE_VERSIONS:
        check.fail("rule_version", f"unknown rule version {rule_version!r}")
    confidence = raw.get("confidence")
    if "confidence" in raw and confidence not in CONFIDENCES:
        check.fail("confidence", f"must be one of {sorted(CONFIDENCES)}")
    hedge = None
    if raw.get("hedge") is not None:
        hedge = check.localized(raw, "hedge")
    elif confidence in CONFIDENCES and confidence != "ok":
        check.fail("hedge", f"required when confidence is {confidence!r}")
    tags = check.strings(raw, "tags")
    related = check.strings(raw, "related")
    outdated = raw.get("outdated", False)
    if not isinstance(outdated, bool):
        check.fail("outdated", "must be true or false")
    if check.failed or question is None or answer is None or source is None:
        return None
    return FaqEntry(
        id=str(entry_id), topic=topic, question=question, paraphrases=paraphrases,
        answer=answer, more=more, source=source, source_url=source_url,
        rule_version=str(rule_version), confidence=str(confidence), hedge=hedge, tags=tags,
        related=related, outdated=outdated,
    )


def _load_file(path: Path, root: Path, problems: list[Problem]) -> list[FaqEntry]:
    """Validate one topic file; return its valid entries."""
    data = read_yaml(path, root, problems)
    check = _Checker(relative_name(path, root), problems)
    if data is None:
        return []
    if not isinstance(data, dict):
        check.fail("", "file must be a mapping with topic, title and entries")
        return []
    for key in sorted(set(data) - _FILE_KEYS, key=str):
        check.fail(str(key), "unknown key")
    topic = data.get("topic")
    if topic != path.stem:
        check.fail("topic", f"{topic!r} must equal the file name {path.stem!r}")
    check.localized(data, "title")
    entries = data.get("entries")
    if not isinstance(entries, list) or not entries:
        check.fail("entries", "must be a non-empty list")
        return []
    found = [_entry(raw, path.stem, check) for raw in entries]
    return [e for e in found if e is not None]


def load_faq(root: Path, problems: list[Problem]) -> list[FaqEntry]:
    """Read root/faq/*.yaml, append a `Problem` per rule broken, and return the valid entries.

    Broken entries are skipped; a dangling `related` id is reported and dropped from the entry.
    """
    folder = root / "faq"
    if not folder.is_dir():
        problems.append(Problem(relative_name(folder, root), "", "", "FAQ folder not found"))
        return []
    entries: list[FaqEntry] = []
    first_file: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        name = relative_name(path, root)
        for entry in _load_file(path, root, problems):
            if entry.id in first_file:
                first = first_file[entry.id]
                problems.append(Problem(name, entry.id, "id", f"duplicate id, first in {first}"))
                continue
            first_file[entry.id] = name
            entries.append(entry)
    known = set(first_file)
    checked: list[FaqEntry] = []
    for entry in entries:
        missing = [r for r in entry.related if r not in known or r == entry.id]
        for ref in missing:
            why = "refers to itself" if ref == entry.id else "no such entry"
            problems.append(Problem(first_file[entry.id], entry.id, "related", f"{ref!r}: {why}"))
        if missing:
            kept = tuple(r for r in entry.related if r not in missing)
            entry = replace(entry, related=kept)
        checked.append(entry)
    return checked

