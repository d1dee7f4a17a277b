"""The quiz bank: the shipped questions validate; every broken rule names file, entry and field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from knowledge.content import default_root
from knowledge.problems import Problem
from knowledge.quiz import TOPICS, QuizBank, load_quiz

MIN_QUESTIONS = 120
TELEGRAM_CALLBACK_BYTES = 64


def question(qid: str, **changes: Any) -> dict[str, Any]:
    """A valid question mapping, with `changes` applied (None removes a field)."""
    raw: dict[str, Any] = {
        "id": qid,
        "courses": ["ocop-basics"],
        "question": {"vi": "Câu hỏi?", "en": "Question?"},
        "options": {"vi": ["Một", "Hai", "Ba"], "en": ["One", "Two", "Three"]},
        "correct": [1],
        "explain_short": {"vi": "Vì vậy.", "en": "Because."},
        "explain": {"vi": "Giải thích dài.", "en": "A longer explanation."},
        "source": "QĐ 148/QĐ-TTg",
        "confidence": "ok",
    }
    for key, value in changes.items():
        if value is None:
            raw.pop(key, None)
        else:
            raw[key] = value
    return raw


def write_topic(root: Path, topic: str, questions: list[Any], **extra: Any) -> None:
    """Write quiz/<topic>.yaml under `root`."""
    folder = root / "quiz"
    folder.mkdir(parents=True, exist_ok=True)
    data = {"topic": topic, "title": {"vi": "Chủ đề", "en": "Topic"}, "questions": questions}
    data.update(extra)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    (folder / f"{topic}.yaml").write_text(text, encoding="utf-8")


def load(root: Path) -> tuple[QuizBank, list[Problem]]:
    problems: list[Problem] = []
    return load_quiz(root, problems), problems


def where(problems: list[Problem]) -> set[tuple[str, str, str]]:
    return {(p.file, p.entry, p.field) for p in problems}


def test_real_bank_validates_with_the_right_number_of_answers() -> None:
    bank, problems = load(default_root())
    assert [str(p) for p in problems] == []
    assert len(bank.questions) >= MIN_QUESTIONS, f"only {len(bank.questions)} questions"
    for q in bank.questions:
        vi, en = q.question["vi"].lower(), q.question["en"].lower()
        says_all = ["chọn tất cả" in vi, "select all" in en]
        if q.multiple:  # the trainee must know to tick several: both languages say so
            assert says_all == [True, True], f"{q.id}: {len(q.correct)} right, not marked"
        else:
            assert says_all == [False, False], f"{q.id}: marked 'select all', one right"
    assert {t.id for t in bank.topics} <= set(TOPICS)
    for q in bank.questions:
        value = f"q:{q.id}:{len(q.options['vi']) - 1}"
        assert len(value.encode()) <= TELEGRAM_CALLBACK_BYTES


def test_lookups_by_id_topic_and_course_tag(tmp_path: Path) -> None:
    write_topic(tmp_path, "criteria", [question("c-one"), question("c-two", courses=["ca-mau"])])
    write_topic(tmp_path, "stars", [question("s-one", courses=[])])
    bank, problems = load(tmp_path)
    assert problems == []
    assert [t.id for t in bank.topics] == ["criteria", "stars"]
    assert [q.id for q in bank.questions] == ["c-one", "c-two", "s-one"]
    assert bank.get("c-two") is not None and bank.get("nope") is None
    assert [q.id for q in bank.by_topic("criteria")] == ["c-one", "c-two"]
    assert [q.id for q in bank.by_course_tag("ocop-basics")] == ["c-one"]
    assert [q.id for q in bank.by_course_tag("ca-mau")] == ["c-two"]
    one = bank.get("c-one")
    assert one is not None and one.is_right([1]) and not one.is_right([0])
    assert not one.is_right([0, 1]) and not one.multiple
    assert one.options["en"] == ("One", "Two", "Three") and one.topic == "criteria"


def test_every_broken_rule_is_reported(tmp_path: Path) -> None:
    questions = [
        question("no-source", source=None),
        question("Bad_Id"),
        question("x" * 51),
        question("long-question", question={"vi": "x" * 301, "en": "Q?"}),
        question("one-option", options={"vi": ["Một"], "en": ["One"]}, correct=[0]),
        question("seven-options", options={"vi": list("abcdefg"), "en": list("abcdefg")}),
        question("uneven", options={"vi": ["Một", "Hai"], "en": ["One", "Two", "Three"]}),
        question("long-option", options={"vi": ["x" * 101, "Hai"], "en": ["One", "Two"]}),
        question("twice", options={"vi": ["Một", "Một"], "en": ["One", "Two"]}),
        question("none-correct", correct=[]),
        question("out-of-range", correct=[3]),
        question("doubled", correct=[1, 1]),
        question("long-short", explain_short={"vi": "x" * 201, "en": "Short."}),
        question("no-english", explain={"vi": "Giải thích."}),
        question("bad-confidence", confidence="maybe"),
        question("no-hedge", confidence="one_source"),
        question("bad-tags", courses="ocop-basics"),
        question("extra-key", level=3),
        "not a mapping",
        question("good"),
    ]
    write_topic(tmp_path, "criteria", questions)
    bank, problems = load(tmp_path)
    name = "quiz/criteria.yaml"
    expected = {
        (name, "no-source", "source"),
        (name, "Bad_Id", "id"),
        (name, "x" * 51, "id"),
        (name, "long-question", "question.vi"),
        (name, "one-option", "options.vi"),
        (name, "one-option", "options.en"),
        (name, "seven-options", "options.vi"),
        (name, "seven-options", "options.en"),
        (name, "uneven", "options"),
        (name, "long-option", "options.vi"),
        (name, "twice", "options.vi"),
        (name, "none-correct", "correct"),
        (name, "out-of-range", "correct"),
        (name, "doubled", "correct"),
        (name, "long-short", "explain_short.vi"),
        (name, "no-english", "explain.en"),
        (name, "bad-confidence", "confidence"),
        (name, "no-hedge", "hedge"),
        (name, "bad-tags", "courses"),
        (name, "extra-key", "level"),
        (name, "questions[18]", ""),
    }
    assert where(problems) == expected
    assert [q.id for q in bank.questions] == ["good"]


def test_file_rules_and_duplicates_across_files(tmp_path: Path) -> None:
    write_topic(tmp_path, "criteria", [question("same")])
    write_topic(tmp_path, "stars", [question("same")], extra=1)
    write_topic(tmp_path, "weather", [question("w-one")])
    folder = tmp_path / "quiz"
    (folder / "cycle.yaml").write_text("topic: stars\ntitle: {vi: Chu, en: T}\nquestions: []\n")
    (folder / "dossier.yaml").write_text("topic: [unclosed\n")
    bank, problems = load(tmp_path)
    assert where(problems) == {
        ("quiz/stars.yaml", "same", "id"),
        ("quiz/stars.yaml", "", "extra"),
        ("quiz/weather.yaml", "", "topic"),
        ("quiz/cycle.yaml", "", "topic"),
        ("quiz/cycle.yaml", "", "questions"),
        ("quiz/dossier.yaml", "", ""),
    }
    assert [q.id for q in bank.questions] == ["same", "w-one"]
    assert "duplicate id, first in quiz/criteria.yaml" in {p.message for p in problems}


def test_missing_folder_is_a_problem(tmp_path: Path) -> None:
    bank, problems = load(tmp_path)
    assert bank.questions == () and [p.message for p in problems] == ["quiz folder not found"]


def test_explanations_say_why_right_and_why_wrong() -> None:
    """Every explanation names why the right option is right and why the others are wrong."""
    problems: list[Problem] = []
    bank = load_quiz(default_root(), problems)
    assert problems == []

    def says(text: str, *words: str) -> bool:
        return all(re.search(rf"\b{w}\b", text, re.IGNORECASE) for w in words)

    missing = [
        q.id for q in bank.questions
        if not says(q.explain["vi"], "đúng", "sai") or not says(q.explain["en"], "right", "wrong")
    ]
    assert missing == []
