"""FAQ drafts from the dashboard: validated by the loader and `knowledge check`, never served."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge_commands import check
from knowledge.content import default_root
from knowledge.faq_drafts import draft_document, dump_draft
from knowledge.library import read_library


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the shipped content with an empty drafts folder."""
    copy = tmp_path / "content"
    shutil.copytree(default_root(), copy, ignore=shutil.ignore_patterns("drafts"))
    (copy / "faq" / "drafts").mkdir()
    return copy


ANSWER = "Anh/chị liên hệ UBND xã để biết lịch cụ thể."


def write(root: Path, name: str, text: str) -> None:
    (root / "faq" / "drafts" / name).write_text(text, encoding="utf-8")


def draft(entry_id: str = "draft-esc-7") -> str:
    return dump_draft(
        draft_document(
            entry_id=entry_id,
            question="Khi nào xã nhận hồ sơ OCOP năm nay?",
            answer=ANSWER,
            escalation=7,
            written_by="lan",
            written_at="2026-12-01T10:00:00+00:00",
        )
    )


def test_a_valid_draft_is_loaded_apart_and_never_indexed(root: Path) -> None:
    write(root, "esc-7.yaml", draft())
    library, problems = read_library(root)
    assert problems == []
    assert [(d.id, d.question) for d in library.faq_drafts] == [
        ("draft-esc-7", "Khi nào xã nhận hồ sơ OCOP năm nay?")
    ]
    assert "draft-esc-7" not in {e.id for e in library.faq}
    assert check(root) == 0


def test_broken_drafts_are_reported_by_knowledge_check(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(root, "no-status.yaml", draft("draft-a").replace("status: draft", "status: live"))
    write(root, "bad-rule.yaml", draft("draft-b").replace("version: general", "version: x"))
    write(root, "no-answer.yaml", draft("draft-c").replace(ANSWER, "''"))
    write(root, "taken.yaml", draft("cycle-six-steps"))
    write(root, "broken.yaml", "status: [draft\n")
    library, problems = read_library(root)
    assert library.faq_drafts == ()
    found = {(p.file, p.field) for p in problems}
    assert found == {
        ("faq/drafts/no-status.yaml", "status"),
        ("faq/drafts/bad-rule.yaml", "rule_version"),
        ("faq/drafts/no-answer.yaml", "answer.vi"),
        ("faq/drafts/taken.yaml", "id"),
        ("faq/drafts/broken.yaml", ""),
    }
    assert check(root) == 1
    assert "faq/drafts/taken.yaml [cycle-six-steps] .id" in capsys.readouterr().err
