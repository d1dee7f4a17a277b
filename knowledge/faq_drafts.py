"""FAQ drafts: entries officers proposed from the dashboard, validated but never served.

A draft lives in `faq/drafts/<name>.yaml` with `status: draft`. `load_faq` reads only
`faq/*.yaml`, so a draft reaches producers only after a reviewer completes it (English,
paraphrases, source) and moves the entry into a topic file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.content import read_yaml, relative_name
from knowledge.faq import CONFIDENCES, ENTRY_ID, ENTRY_KEYS, RULE_VERSIONS
from knowledge.problems import Problem

FOLDER = "drafts"
STATUS = "draft"
_FILE_KEYS = frozenset({"status", "escalation", "written_by", "written_at", "entry"})


@dataclass(frozen=True, slots=True)
class FaqDraft:
    """A proposed FAQ entry waiting for review."""

    id: str
    file: str
    question: str
    answer: str
    escalation: int | None


def drafts_folder(root: Path) -> Path:
    """Where drafts are kept below the content root."""
    return root / "faq" / FOLDER


def check_draft(data: Any, name: str, problems: list[Problem]) -> FaqDraft | None:
    """Validate one draft document; append a `Problem` per rule broken; the draft or None."""
    before = len(problems)

    def fail(entry: str, field: str, message: str) -> None:
        problems.append(Problem(name, entry, field, message))

    if not isinstance(data, dict):
        fail("", "", "draft must be a mapping with status and entry")
        return None
    for key in sorted(set(data) - _FILE_KEYS, key=str):
        fail("", str(key), "unknown key")
    if data.get("status") != STATUS:
        fail("", "status", f"must be {STATUS!r}")
    escalation = data.get("escalation")
    if escalation is not None and (not isinstance(escalation, int) or isinstance(escalation, bool)):
        fail("", "escalation", "must be a question number")
    entry = data.get("entry")
    if not isinstance(entry, dict):
        fail("", "entry", "must be a mapping")
        return None
    entry_id = entry.get("id")
    label = entry_id if isinstance(entry_id, str) else ""
    if not isinstance(entry_id, str) or not ENTRY_ID.match(entry_id):
        fail(label, "id", "must be lowercase letters, digits and dashes")
    for key in sorted(set(entry) - ENTRY_KEYS, key=str):
        fail(label, str(key), "unknown key")
    texts: dict[str, str] = {}
    for field in ("question", "answer"):
        value = entry.get(field)
        text = value.get("vi") if isinstance(value, dict) else None
        if not isinstance(text, str) or not text.strip():
            fail(label, f"{field}.vi", "missing or empty")
        else:
            texts[field] = text.strip()
        if isinstance(value, dict) and set(value) - {"vi", "en"}:
            fail(label, field, "unknown language keys")
    if entry.get("rule_version") not in RULE_VERSIONS:
        fail(label, "rule_version", f"unknown rule version {entry.get('rule_version')!r}")
    if entry.get("confidence") not in CONFIDENCES:
        fail(label, "confidence", f"must be one of {sorted(CONFIDENCES)}")
    if len(problems) > before:
        return None
    return FaqDraft(label, name, texts["question"], texts["answer"], escalation)


def load_drafts(root: Path, problems: list[Problem], published: set[str]) -> list[FaqDraft]:
    """Read every draft under root/faq/drafts/; a draft may not reuse a published entry's id."""
    folder = drafts_folder(root)
    if not folder.is_dir():
        return []
    found: list[FaqDraft] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.yaml")):
        name = relative_name(path, root)
        data = read_yaml(path, root, problems)
        if data is None:
            continue
        draft = check_draft(data, name, problems)
        if draft is None:
            continue
        if draft.id in published or draft.id in seen:
            problems.append(Problem(name, draft.id, "id", "already used by another entry"))
            continue
        seen.add(draft.id)
        found.append(draft)
    return found


def draft_document(
    *,
    entry_id: str,
    question: str,
    answer: str,
    escalation: int | None,
    written_by: str,
    written_at: str,
) -> dict[str, Any]:
    """A new draft for a reviewer to complete: Vietnamese text only, unverified."""
    return {
        "status": STATUS,
        "escalation": escalation,
        "written_by": written_by,
        "written_at": written_at,
        "entry": {
            "id": entry_id,
            "question": {"vi": question.strip()},
            "paraphrases": {"vi": [], "en": []},
            "answer": {"vi": answer.strip()},
            "source": "Cán bộ OCOP trả lời trong hộp câu hỏi",
            "rule_version": "general",
            "confidence": "unverified",
            "hedge": {"vi": "Câu trả lời do cán bộ viết, chưa được kiểm tra lại."},
        },
    }


HEADER = (
    "# FAQ draft from the officers' dashboard. Not served to producers.\n"
    "# To publish: add English, at least 3 Vietnamese and 1 English paraphrases, the source\n"
    "# document and rule version, then move the entry into a faq/<topic>.yaml file and delete\n"
    "# this file. `ocop-bot knowledge check` validates drafts as they are.\n"
)


def dump_draft(document: dict[str, Any]) -> str:
    """The YAML text of a draft document, with the reviewer's instructions on top."""
    body = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    return HEADER + body
