"""What the dashboard edits: FAQ entries as form fields over their YAML mapping (other keys are
kept as they are), searching without diacritics, drafts from inbox questions, milestones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from conversations.curation.documents import Doc, dump
from conversations.curation.tables import DRAFT, KnowledgeRecord
from conversations.faq.tables import Escalation
from knowledge.folding import fold

Field = Callable[[str], str]
"""Reads one posted form field ("" when absent)."""

LOCALIZED = ("question", "answer", "hedge")
DRAFT_SOURCE = "Cán bộ OCOP trả lời trong hộp câu hỏi"


@dataclass(frozen=True, slots=True)
class Found:
    """One record in a search result."""

    record: KnowledgeRecord
    data: dict[str, Any]
    title: str


def title_of(record: KnowledgeRecord, data: dict[str, Any]) -> str:
    """A record's Vietnamese title: its question, name, or id."""
    for key in ("question", "name", "title"):
        value = data.get(key)
        if isinstance(value, dict) and isinstance(value.get("vi"), str):
            return value["vi"]
    return record.key


def search(records: list[KnowledgeRecord], query: str, kind: str = "") -> list[Found]:
    """Records whose text contains every word of `query`, with or without diacritics."""
    words = fold(query).split()
    found = []
    for record in records:
        if kind and record.kind != kind:
            continue
        data = Doc(record.kind, record.key, record.file, 0, record.body).data or {}
        if words:
            haystack = fold(f"{record.key} {record.body}")
            if not all(w in haystack for w in words):
                continue
        found.append(Found(record, data, title_of(record, data)))
    return found


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def faq_form(data: dict[str, Any]) -> dict[str, str]:
    """The edit form's values for an FAQ entry mapping."""
    values: dict[str, str] = {}
    for key in LOCALIZED:
        part = data.get(key) or {}
        for lang in ("vi", "en"):
            values[f"{key}_{lang}"] = str(part.get(lang, "")) if isinstance(part, dict) else ""
    paraphrases = data.get("paraphrases") or {}
    for lang in ("vi", "en"):
        items = paraphrases.get(lang, []) if isinstance(paraphrases, dict) else []
        values[f"paraphrases_{lang}"] = "\n".join(str(p) for p in items or [])
    for key in ("source", "source_url", "rule_version", "confidence"):
        values[key] = str(data.get(key) or "")
    return values


def apply_faq_form(data: dict[str, Any], field: Field) -> dict[str, Any]:
    """`data` with the posted fields written over it; keys the form does not show are kept."""
    out = dict(data)
    for key in LOCALIZED:
        texts = {lang: field(f"{key}_{lang}") for lang in ("vi", "en")}
        if key == "hedge" and not any(texts.values()):
            out.pop("hedge", None)
        else:
            out[key] = texts
    out["paraphrases"] = {lang: _lines(field(f"paraphrases_{lang}")) for lang in ("vi", "en")}
    for key in ("source", "rule_version", "confidence"):
        out[key] = field(key)
    url = field("source_url")
    if url:
        out["source_url"] = url
    else:
        out.pop("source_url", None)
    return out


def draft_from_question(escalation: Escalation, rule_version: str) -> dict[str, Any]:
    """A new FAQ entry from an answered inbox question: the Vietnamese prefilled, unverified."""
    return {
        "id": f"esc-{escalation.id}",
        "question": {"vi": escalation.question.strip()[:300], "en": ""},
        "paraphrases": {"vi": [], "en": []},
        "answer": {"vi": (escalation.answer or "").strip(), "en": ""},
        "source": DRAFT_SOURCE,
        "rule_version": rule_version,
        "confidence": "unverified",
        "hedge": {"vi": "Câu trả lời do cán bộ viết, chưa được kiểm tra lại.", "en": ""},
    }


def draft_from_passage(key: str, seed: Any, rule_version: str) -> dict[str, Any]:
    """A new FAQ entry from a training-material passage: its words verbatim, to be edited
    (a question and paraphrases written, the answer shortened) before publishing."""
    return {
        "id": key,
        "question": {"vi": seed.question.strip()[:300] or "?", "en": ""},
        "paraphrases": {"vi": [], "en": []},
        "answer": {"vi": seed.answer.strip(), "en": ""},
        "source": seed.source,
        "rule_version": rule_version,
        "confidence": "unverified",
        "hedge": {"vi": "Trích từ tài liệu tập huấn, chưa được kiểm tra lại.", "en": ""},
    }


def faq_doc(record: KnowledgeRecord | None, key: str, file: str, data: dict[str, Any]) -> Doc:
    """The record to write for an FAQ entry (a new one goes last in its topic file)."""
    position = record.position if record is not None else 10_000
    return Doc("faq", key, file if record is None or record.status == DRAFT else record.file,
               position, dump(data))


def milestone_data(
    data: dict[str, Any], status: str, day: date | None, source: str
) -> dict[str, Any]:
    """A milestone mapping confirmed (or set back to expected) with its date and source."""
    out = dict(data)
    out["status"] = status
    if day is not None:
        out["date"] = day
    else:
        out.pop("date", None)
    out["source"] = source
    return out
