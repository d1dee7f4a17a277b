"""The quiz bank: questions by topic and course tag, loaded and validated from quiz/*.yaml."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.content import localized, read_yaml, relative_name
from knowledge.problems import Problem
from knowledge.products import ID_RE, check_confidence

FOLDER = "quiz"
TOPICS = (
    "criteria", "stars", "recognition", "dossier", "cycle", "products", "certificate", "ca-mau",
    "programme",
)
LANGS = ("vi", "en")
MAX_ID = 50
"""Longest question id: an answer button carries "q:<id>:<n>" in Telegram's 64 bytes."""
MAX_QUESTION = 300
MAX_OPTION = 100
MIN_OPTIONS, MAX_OPTIONS = 2, 6
MAX_EXPLAIN_SHORT = 200
_FILE_KEYS = frozenset({"topic", "title", "questions"})
_REQUIRED = (
    "id", "question", "options", "correct", "explain_short", "explain", "source", "confidence",
)
_ENTRY_KEYS = frozenset({*_REQUIRED, "courses", "hedge"})


@dataclass(frozen=True, slots=True)
class QuizTopic:
    """One topic of the bank (one file)."""

    id: str
    title: dict[str, str]


@dataclass(frozen=True, slots=True)
class QuizQuestion:
    """One multiple-choice question, its explanation and source."""

    id: str
    topic: str
    courses: tuple[str, ...]
    question: dict[str, str]
    options: dict[str, tuple[str, ...]]
    correct: tuple[int, ...]
    explain_short: dict[str, str]
    explain: dict[str, str]
    source: str
    confidence: str
    hedge: dict[str, str] | None

    @property
    def multiple(self) -> bool:
        """A "select all that apply" question: several options are right."""
        return len(self.correct) > 1

    def is_right(self, chosen: Iterable[int]) -> bool:
        """Whether the options chosen (0-based) are exactly the right ones."""
        return tuple(sorted(set(chosen))) == self.correct


class QuizBank:
    """Every valid question, in file order, with lookups by id, topic and course tag."""

    def __init__(self, topics: list[QuizTopic], questions: list[QuizQuestion]) -> None:
        self.topics: tuple[QuizTopic, ...] = tuple(topics)
        self.questions: tuple[QuizQuestion, ...] = tuple(questions)
        self._by_id = {q.id: q for q in self.questions}

    def get(self, question_id: str) -> QuizQuestion | None:
        """The question with this id, or None."""
        return self._by_id.get(question_id)

    def topic(self, topic_id: str) -> QuizTopic | None:
        """The topic with this id, or None."""
        return next((t for t in self.topics if t.id == topic_id), None)

    def by_topic(self, topic: str) -> list[QuizQuestion]:
        """The questions of one topic."""
        return [q for q in self.questions if q.topic == topic]

    def by_course_tag(self, tag: str) -> list[QuizQuestion]:
        """The questions carrying course tag `tag`."""
        return [q for q in self.questions if tag in q.courses]


def _text(raw: dict[str, Any], field: str, name: str, entry: str, problems: list[Problem]) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(name, entry, field, "must be a non-empty string"))
        return ""
    return value.strip()


def _tags(raw: dict[str, Any], name: str, entry: str, problems: list[Problem]) -> tuple[str, ...]:
    value = raw.get("courses", [])
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and ID_RE.match(v) for v in value):
        problems.append(Problem(name, entry, "courses", "must be a list of lowercase-dash tags"))
        return ()
    return tuple(dict.fromkeys(value))


def _options(
    raw: dict[str, Any], name: str, entry: str, problems: list[Problem]
) -> dict[str, tuple[str, ...]] | None:
    value = raw.get("options")
    if not isinstance(value, dict):
        message = "must be a mapping with 'vi' and 'en' lists"
        problems.append(Problem(name, entry, "options", message))
        return None
    before = len(problems)
    for extra in sorted(set(value) - set(LANGS), key=str):
        problems.append(Problem(name, entry, f"options.{extra}", "unknown language key"))
    out: dict[str, tuple[str, ...]] = {}
    for lang in LANGS:
        field = f"options.{lang}"
        items = value.get(lang)
        if not isinstance(items, list) or not all(isinstance(o, str) and o.strip() for o in items):
            problems.append(Problem(name, entry, field, "must be a list of non-empty strings"))
            continue
        kept = tuple(o.strip() for o in items)
        if not MIN_OPTIONS <= len(kept) <= MAX_OPTIONS:
            message = f"{len(kept)} options, {MIN_OPTIONS}–{MAX_OPTIONS} needed"
            problems.append(Problem(name, entry, field, message))
        if len(set(kept)) != len(kept):
            problems.append(Problem(name, entry, field, "has duplicate options"))
        for number, option in enumerate(kept):
            if len(option) > MAX_OPTION:
                message = f"option {number} has {len(option)} chars > {MAX_OPTION}"
                problems.append(Problem(name, entry, field, message))
        out[lang] = kept
    if len(out) == 2 and len(out["vi"]) != len(out["en"]):
        problems.append(Problem(name, entry, "options", "vi and en have different counts"))
    return out if len(out) == 2 and len(problems) == before else None


def _correct(
    raw: dict[str, Any], count: int, name: str, entry: str, problems: list[Problem]
) -> tuple[int, ...]:
    value = raw.get("correct")
    valid = isinstance(value, list) and all(type(v) is int for v in value)
    if not valid or not value:
        problems.append(Problem(name, entry, "correct", "must be a non-empty list of indexes"))
        return ()
    if len(set(value)) != len(value):
        problems.append(Problem(name, entry, "correct", "has duplicates"))
    wrong = [v for v in value if count and not 0 <= v < count]
    if wrong:
        message = f"indexes {wrong} outside 0–{count - 1} (indexes start at 0)"
        problems.append(Problem(name, entry, "correct", message))
    return tuple(sorted(set(value)))


def _question(
    raw: Any, index: int, topic: str, name: str, problems: list[Problem]
) -> QuizQuestion | None:
    """One validated question, or None when any field is broken (every problem is reported)."""
    if not isinstance(raw, dict):
        problems.append(Problem(name, f"questions[{index}]", "", "must be a mapping"))
        return None
    before = len(problems)
    qid = raw.get("id")
    entry = qid if isinstance(qid, str) and qid else f"questions[{index}]"
    for key in sorted(set(raw) - _ENTRY_KEYS, key=str):
        problems.append(Problem(name, entry, str(key), "unknown key"))
    for key in _REQUIRED:
        if key not in raw:
            problems.append(Problem(name, entry, key, "missing"))
    if "id" in raw and (not isinstance(qid, str) or not ID_RE.match(qid)):
        problems.append(Problem(name, entry, "id", "must be lowercase letters, digits and dashes"))
    elif isinstance(qid, str) and len(qid) > MAX_ID:
        problems.append(Problem(name, entry, "id", f"{len(qid)} chars > {MAX_ID}"))

    def text(field: str, max_len: int = 0) -> dict[str, str] | None:
        if field not in raw:
            return None  # reported as missing
        return localized(raw[field], name, entry, field, problems, max_len=max_len)

    question = text("question", MAX_QUESTION)
    options = _options(raw, name, entry, problems) if "options" in raw else None
    count = len(options["vi"]) if options else 0
    correct = _correct(raw, count, name, entry, problems) if "correct" in raw else ()
    short = text("explain_short", MAX_EXPLAIN_SHORT)
    explain = text("explain")
    source = _text(raw, "source", name, entry, problems) if "source" in raw else ""
    courses = _tags(raw, name, entry, problems)
    tagged = check_confidence(raw, name, entry, problems) if "confidence" in raw else None
    if len(problems) > before or not (question and options and short and explain and tagged):
        return None
    return QuizQuestion(
        id=str(qid), topic=topic, courses=courses, question=question, options=options,
        correct=correct, explain_short=short, explain=explain, source=source,
        confidence=tagged[0], hedge=tagged[1],
    )


def _load_file(
    path: Path, root: Path, problems: list[Problem]
) -> tuple[QuizTopic | None, list[QuizQuestion]]:
    """Validate one topic file; return its topic and its valid questions."""
    name = relative_name(path, root)
    data = read_yaml(path, root, problems)
    if data is None:
        return None, []
    if not isinstance(data, dict):
        problems.append(Problem(name, "", "", "must be a mapping with topic, title and questions"))
        return None, []
    for key in sorted(set(data) - _FILE_KEYS, key=str):
        problems.append(Problem(name, "", str(key), "unknown key"))
    topic = data.get("topic")
    if topic != path.stem:
        problems.append(Problem(name, "", "topic", f"{topic!r} must equal the file name"))
    elif topic not in TOPICS:
        problems.append(Problem(name, "", "topic", f"unknown topic, one of {list(TOPICS)}"))
    title = localized(data.get("title"), name, "", "title", problems)
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(name, "", "questions", "must be a non-empty list"))
        return None, []
    found = [_question(item, i, path.stem, name, problems) for i, item in enumerate(raw)]
    questions = [q for q in found if q is not None]
    return (QuizTopic(path.stem, title) if title else None), questions


def load_quiz(root: Path, problems: list[Problem]) -> QuizBank:
    """Read root/quiz/*.yaml, append a `Problem` per rule broken, and return the valid questions.

    A broken question is left out; a duplicate id is reported and only its first copy kept.
    """
    folder = root / FOLDER
    if not folder.is_dir():
        problems.append(Problem(relative_name(folder, root), "", "", "quiz folder not found"))
        return QuizBank([], [])
    topics: list[QuizTopic] = []
    questions: list[QuizQuestion] = []
    first_file: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        name = relative_name(path, root)
        topic, found = _load_file(path, root, problems)
        if topic is not None:
            topics.append(topic)
        for question in found:
            if question.id in first_file:
                first = first_file[question.id]
                problems.append(Problem(name, question.id, "id", f"duplicate id, first in {first}"))
                continue
            first_file[question.id] = name
            questions.append(question)
    return QuizBank(topics, questions)
