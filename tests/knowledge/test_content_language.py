"""No research jargon reaches a producer: every user-facing string of the real content is checked.

A producer needs the fact and, where it is not settled, one line to act on ("Chưa có văn bản
xác nhận; anh/chị hỏi lại UBND xã."), never where or how we read it ("mới thấy ở một nguồn",
"chưa đọc được từ văn bản gốc", "dữ liệu GitHub"). Source lines name documents or pages, never a
bare code.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

import pytest

from knowledge.faq import RULE_VERSIONS
from knowledge.library import Library, load_library

JARGON: tuple[tuple[str, str], ...] = (
    # Vietnamese: where or how something was read.
    ("một nguồn", r"\bmột nguồn\b"),
    ("mới thấy", r"\bmới thấy\b"),
    ("văn bản gốc", r"\bvăn bản gốc\b"),
    ("nguồn yếu", r"\bnguồn yếu\b"),
    ("nguồn tin", r"\bnguồn tin\b"),
    ("cùng nguồn", r"\bcùng nguồn\b"),
    ("chỉ một nguồn", r"\bchỉ (có )?một nguồn\b"),
    ("chưa đọc được", r"\bchưa đọc được\b"),
    ("đọc được từ", r"\bđọc được từ\b"),
    ("đối chiếu với/qua", r"\bđối chiếu (với|qua)\b"),
    ("dữ liệu (not personal data)", r"\bdữ liệu\b(?! (cá nhân|của (tôi|anh|chị|mình|anh/chị)))"),
    ("dự án phần mềm", r"\bdự án (phần mềm|github)\b"),
    ("phần mềm trên", r"\bphần mềm trên\b"),
    ("trang tư vấn", r"\btrang tư vấn\b"),
    ("tài liệu chưa nêu", r"\btài liệu chưa\b"),
    ("chưa tìm thấy", r"\bchưa tìm thấy\b"),
    ("suy luận / suy ra", r"\bsuy (luận|ra)\b"),
    ("các nguồn", r"\b(các|nhiều|vài) nguồn\b|\bnguồn hiện có\b"),
    ("trong tài liệu", r"\b(trong|theo) tài liệu\b"),
    ("theo báo chí", r"\btheo (báo chí|tin báo)\b"),
    ("một báo cáo", r"\bmột báo cáo\b"),
    ("bài báo", r"\bbài (báo|tổng hợp|dịch)\b|\btrang (báo|tin|web)\b|\bbáo khác\b|\bdịch máy\b"),
    ("chưa thấy nguồn", r"\bchưa thấy (nguồn|báo)\b"),
    ("chưa có nguồn", r"\b(chưa|không) có nguồn\b|\bkhông nguồn nào\b"),
    ("văn bản hiện có", r"\b(văn bản|tài liệu) hiện có\b"),
    # English.
    ("github", r"github"),
    ("one source", r"\b(only )?(one|a single|single|weak)( \w+)? (source|report)s?\b"),
    ("original text", r"\boriginal text\b"),
    ("dataset", r"\bdata ?sets?\b"),
    ("source code", r"\bsource code\b"),
    ("software project", r"\bsoftware projects?\b"),
    ("we read / we found", r"\bwe (read|found|saw|have seen|could not find)\b"),
    ("seen in", r"\b(only )?seen (in|on)\b"),
    ("not verified against", r"\bverified against\b"),
    ("consultancy page", r"\bconsultancy (page|site)s?\b|\bnews sites?\b"),
    ("inference", r"\binferred\b|\binference\b"),
    ("our material", r"\bour (material|sources|data|documents|notes)\b"),
    ("sources disagree", r"\bsources (disagree|say|differ|give)\b|\bconfirmed sources\b"),
    ("not readable", r"\bnot readable\b|\bcould not be read\b"),
    ("available documents", r"\bavailable documents\b"),
    ("an article", r"\barticles?\b(?! \d)|\b(one|another) (paper|newspaper) (says|writes|gives)\b"),
    ("no source", r"\bno (news )?sources?\b"),
    ("one report", r"\b(one|a single) (news )?report\b"),
    ("not found", r"\b(was|were|is|are|has|have been) not found\b"),
    # Both: internal notes.
    ("fact sheet", r"ocop-facts|fact sheet|§"),
)
_COMPILED = tuple((label, re.compile(rx, re.IGNORECASE)) for label, rx in JARGON)

# Fields a producer types (paraphrases, phrases) or never sees (ids, tags).
_SKIP_FIELDS = frozenset({
    "id", "topic", "paraphrases", "phrases", "tags", "related", "courses", "kind", "status",
    "applies_to", "groups", "except_sets", "accepts", "rule_version", "confidence", "source_url",
    "group_id", "set_ids", "province_id", "audience", "milestone_kind", "strict", "outdated",
})
_BARE_CODE = re.compile(r"^[a-z0-9_/.-]+$")


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every string below `value` with a dotted path naming it."""
    if isinstance(value, str):
        yield where, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = getattr(value, "id", "") or getattr(value, "number", "")
        for f in dataclasses.fields(value):
            if f.name not in _SKIP_FIELDS:
                yield from _strings(getattr(value, f.name), f"{where}[{name}].{f.name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{where}.{key}")
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item, where)


def user_facing(library: Library) -> list[tuple[str, str]]:
    """Every string of the content that the bot can show a user."""
    found: list[tuple[str, str]] = []
    parts: dict[str, Any] = {
        "faq": library.faq,
        "checklist": (*library.checklist.evaluation_types, *library.checklist.items),
        "quiz": (*library.quiz.topics, *library.quiz.questions),
        "calendar": library.calendars,
        "reminders": library.reminder_rules,
        "smalltalk": library.smalltalk.topics,
        "products": (*library.products.groups, *library.products.sets),
    }
    for part, value in parts.items():
        found.extend(_strings(value, part))
    return found


def jargon_in(text: str) -> list[str]:
    """Labels of the jargon patterns found in `text`."""
    return [label for label, rx in _COMPILED if rx.search(text)]


def source_problem(text: str) -> str | None:
    """Why a source line is not a document name, or None."""
    plain = text.strip()
    if plain.lower() in RULE_VERSIONS or _BARE_CODE.match(plain):
        return "a bare code, not a document"
    return None


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def test_patterns_catch_the_audit_examples() -> None:
    for example in (
        "Thông tin này mới thấy ở một nguồn, chưa được xác nhận đầy đủ.",
        "danh mục giấy tờ bắt buộc theo QĐ 148 chưa đọc được từ văn bản gốc.",
        "thuonghieusanpham.vn; dữ liệu GitHub (chưa xác minh)",
        "QĐ 26/2026 chỉ được nhắc trong vài dự án phần mềm trên GitHub.",
        "This set's name is not confirmed from the original text.",
        "This is seen in one source only.",
        "ocop-facts §4.3 (ipec.com.vn)",
    ):
        assert jargon_in(example), example
    for fine in (
        "Chưa có văn bản xác nhận; anh/chị hỏi lại UBND xã.",
        "Gõ “xóa dữ liệu của tôi” để xóa dữ liệu cá nhân.",
        "Theo QĐ 148/QĐ-TTg ngày 24/02/2023, phần A được 40 điểm.",
        "Type “delete my data” to erase your personal data.",
    ):
        assert jargon_in(fine) == [], fine
    assert source_problem("general") and source_problem("bot") and source_problem("148/2023")
    assert source_problem("QĐ 148/QĐ-TTg ngày 24/02/2023, Phụ lục I") is None


def test_no_research_jargon_in_user_facing_text(library: Library) -> None:
    found = [
        f"{where}: {', '.join(labels)}: {text[:90]!r}"
        for where, text in user_facing(library)
        if (labels := jargon_in(text))
    ]
    assert found == [], "\n".join(found)


def test_sources_name_documents(library: Library) -> None:
    bad = [
        f"{where}: {text!r}: {why}"
        for where, text in user_facing(library)
        if where.endswith(".source") and (why := source_problem(text))
    ]
    assert bad == [], "\n".join(bad)


MARK_NAMES = re.compile(
    r"\blogo ocop\b|\bbiểu trưng\b|\bnhãn hiệu chứng nhận\b|\bocop logo\b|\bemblem\b", re.IGNORECASE
)
"""The OCOP mark has one name in running text: "nhãn OCOP" (vi) and "OCOP mark" (en)."""


def test_one_name_for_the_mark(library: Library) -> None:
    found = [
        f"{where}: {text[:90]!r}"
        for where, text in user_facing(library)
        if not where.endswith(".source") and MARK_NAMES.search(text)
    ]
    assert found == [], "\n".join(found)


def test_every_part_is_checked(library: Library) -> None:
    parts = {where.split("[")[0].split(".")[0] for where, _ in user_facing(library)}
    assert parts == {
        "faq", "checklist", "quiz", "calendar", "reminders", "smalltalk", "products",
    }
    fields = {
        name for where, _ in user_facing(library) for name in re.findall(r"\.([a-z_]+)", where)
    }
    assert {"answer", "more", "hedge", "question", "explain", "explain_short", "options",
            "reply", "what", "why", "where", "tip", "period", "timing", "source"} <= fields
