"""The FAQ loader reports every broken rule with file, entry and field, and never raises."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.faq import FaqEntry, load_faq
from knowledge.problems import Problem

FIXTURES = Path(__file__).parent / "fixtures" / "content"

GOOD = """\
topic: {topic}
title: {{vi: "Chủ đề", en: "Topic"}}
entries:
  - id: {id}
    question: {{vi: "Câu hỏi?", en: "Question?"}}
    paraphrases:
      vi: ["mot", "hai", "ba"]
      en: ["one"]
    answer: {{vi: "Trả lời.", en: "Answer."}}
    source: "QĐ 148/QĐ-TTg"
    rule_version: "148/2023"
    confidence: ok
"""

BROKEN = """\
topic: broken
title: {vi: "Hỏng", en: "Broken"}
entries:
  - id: too-few-paraphrases
    question: {vi: "Câu hỏi?", en: "Question?"}
    paraphrases: {vi: ["mot", "hai"], en: ["one"]}
    answer: {vi: "Trả lời.", en: "Answer."}
    source: "x"
    rule_version: "148/2023"
    confidence: ok
  - id: no-hedge
    question: {vi: "Câu hỏi?", en: "Question?"}
    paraphrases: {vi: ["mot", "hai", "ba"], en: ["one"]}
    answer: {vi: "Trả lời.", en: "Answer."}
    source: "x"
    rule_version: "148/2023"
    confidence: one_source
  - id: long-answer
    question: {vi: "Câu hỏi?", en: "Question?"}
    paraphrases: {vi: ["mot", "hai", "ba"], en: ["one"]}
    answer: {vi: "%s", en: "Answer."}
    source: "x"
    rule_version: "148/2023"
    confidence: ok
  - id: bad-version
    question: {vi: "Câu hỏi?", en: "Question?"}
    paraphrases: {vi: ["mot", "hai", "ba"], en: ["one"]}
    answer: {vi: "Trả lời.", en: "Answer."}
    source: "x"
    rule_version: "418/2023"
    confidence: ok
    colour: red
  - id: missing-source
    question: {vi: "Câu hỏi?"}
    paraphrases: {vi: ["mot", "hai", "ba"], en: ["one"]}
    answer: {vi: "Trả lời.", en: "Answer."}
    rule_version: "148/2023"
    confidence: ok
  - id: dangling
    question: {vi: "Câu hỏi?", en: "Question?"}
    paraphrases: {vi: ["mot", "hai", "ba"], en: ["one"]}
    answer: {vi: "Trả lời.", en: "Answer."}
    source: "x"
    rule_version: "148/2023"
    confidence: ok
    related: [no-such-entry, good-one]
""" % ("x" * 601)


def write(root: Path, name: str, text: str) -> None:
    (root / "faq").mkdir(parents=True, exist_ok=True)
    (root / "faq" / name).write_text(text, encoding="utf-8")


def where(problems: list[Problem]) -> set[tuple[str, str, str]]:
    return {(p.file, p.entry, p.field) for p in problems}


def test_fixture_content_loads_cleanly() -> None:
    problems: list[Problem] = []
    entries = load_faq(FIXTURES, problems)
    assert problems == []
    assert len(entries) == 8
    assert all(isinstance(e, FaqEntry) for e in entries)
    validity = next(e for e in entries if e.id == "certificate-validity")
    assert validity.topic == "certificate"
    assert validity.paraphrases["vi"][0] == "gcn ocop co thoi han bao lau"
    assert validity.related == ("certificate-expired",)
    assert validity.hedge is None and validity.outdated is False
    assert next(e for e in entries if e.id == "stars-old-split").outdated is True


def test_broken_file_names_file_entry_and_field(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", GOOD.format(topic="good", id="good-one"))
    write(tmp_path, "broken.yaml", BROKEN)
    problems: list[Problem] = []
    entries = load_faq(tmp_path, problems)
    found = where(problems)
    assert ("faq/broken.yaml", "too-few-paraphrases", "paraphrases.vi") in found
    assert ("faq/broken.yaml", "no-hedge", "hedge") in found
    assert ("faq/broken.yaml", "long-answer", "answer.vi") in found
    assert ("faq/broken.yaml", "bad-version", "rule_version") in found
    assert ("faq/broken.yaml", "bad-version", "colour") in found
    assert ("faq/broken.yaml", "missing-source", "source") in found
    assert ("faq/broken.yaml", "missing-source", "question.en") in found
    assert ("faq/broken.yaml", "dangling", "related") in found
    assert all(str(p).startswith("faq/broken.yaml") for p in problems)
    # Broken entries are skipped; a dangling related id only drops that id.
    by_id = {e.id: e for e in entries}
    assert set(by_id) == {"good-one", "dangling"}
    assert by_id["dangling"].related == ("good-one",)


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    write(tmp_path, "alpha.yaml", GOOD.format(topic="alpha", id="same-id"))
    write(tmp_path, "beta.yaml", GOOD.format(topic="beta", id="same-id"))
    problems: list[Problem] = []
    entries = load_faq(tmp_path, problems)
    assert [e.topic for e in entries] == ["alpha"]
    assert where(problems) == {("faq/beta.yaml", "same-id", "id")}
    assert "faq/alpha.yaml" in problems[0].message


def test_topic_must_match_file_name(tmp_path: Path) -> None:
    write(tmp_path, "stars.yaml", GOOD.format(topic="star", id="x-1"))
    problems: list[Problem] = []
    load_faq(tmp_path, problems)
    assert where(problems) == {("faq/stars.yaml", "", "topic")}


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("topic: bad\ntitle: {vi: a, en: b}\nentries: [\n", ""),  # YAML syntax error
        ("- just a list\n", ""),
        ("topic: bad\ntitle: {vi: a, en: b}\nentries: []\n", "entries"),
        ("topic: bad\ntitle: {vi: a}\nentries: [{id: x}]\nextra: 1\n", "extra"),
    ],
)
def test_malformed_files_are_problems_not_exceptions(tmp_path: Path, text: str, field: str) -> None:
    write(tmp_path, "bad.yaml", text)
    problems: list[Problem] = []
    assert load_faq(tmp_path, problems) == []
    assert problems
    assert any(p.field == field and p.file == "faq/bad.yaml" for p in problems)


def test_bad_ids_and_types(tmp_path: Path) -> None:
    text = GOOD.format(topic="bad", id="Bad_ID").replace("confidence: ok", "confidence: maybe")
    text += "    outdated: perhaps\n    tags: oops\n    source_url: ftp://x\n"
    write(tmp_path, "bad.yaml", text)
    problems: list[Problem] = []
    assert load_faq(tmp_path, problems) == []
    assert {p.field for p in problems} == {"id", "confidence", "outdated", "tags", "source_url"}


def test_missing_folder(tmp_path: Path) -> None:
    problems: list[Problem] = []
    assert load_faq(tmp_path, problems) == []
    assert problems[0].message == "FAQ folder not found"


def _one(answer_vi: str) -> str:
    body = GOOD.format(topic="phone", id="phone-sized")
    old = 'answer: {vi: "Trả lời.", en: "Answer."}'
    return body.replace(old, f'answer: {{vi: {answer_vi}, en: "Answer."}}')


@pytest.mark.parametrize(
    ("answer", "broken"),
    [
        ('"' + "x" * 350 + '"', False),
        ('"' + "x" * 351 + '"', True),
        ('"Năm mục:\\n- a\\n- b\\n- c\\n- d\\n- e"', False),
        ('"Sáu mục:\\n- a\\n- b\\n- c\\n- d\\n- e\\n- f"', True),
        ('"Sáu bước:\\n1) a\\n2) b\\n3) c\\n4) d\\n5) e\\n6. f"', True),
    ],
)
def test_answers_are_phone_sized(tmp_path: Path, answer: str, broken: bool) -> None:
    """≤ 350 characters per language and no list of more than five items before "Xem thêm"."""
    write(tmp_path, "phone.yaml", _one(answer))
    problems: list[Problem] = []
    entries = load_faq(tmp_path, problems)
    assert (("faq/phone.yaml", "phone-sized", "answer.vi") in where(problems)) is broken
    assert (entries == []) is broken


def test_rule_versions_are_named_as_documents() -> None:
    from knowledge.faq import RULE_LABELS, RULE_VERSIONS

    assert set(RULE_LABELS) == RULE_VERSIONS
    problems: list[Problem] = []
    entries = {e.id: e for e in load_faq(FIXTURES, problems)}
    entry = entries["certificate-validity"]
    assert entry.rule_label("vi") == "QĐ 148/QĐ-TTg (24/02/2023)"
    assert entry.rule_label("en") == "Decision 148/QĐ-TTg (24/02/2023)"
    for label in RULE_LABELS.values():
        assert label is None or ("QĐ" in label["vi"] or "Cà Mau" in label["vi"])
    general = next(e for e in entries.values() if e.rule_version in ("general", "bot"))
    assert general.rule_label("vi") is None
