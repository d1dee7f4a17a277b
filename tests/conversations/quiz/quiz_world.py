"""A small fixture quiz bank, a settable clock, and helpers to take a quiz through the engine."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import select

from conversations.assistant import build_engine
from conversations.engine import Engine
from conversations.i18n import Catalogs
from conversations.models import User
from conversations.quiz.replies import answer_value, parse_answer
from conversations.services import Services
from knowledge.library import load_library
from knowledge.problems import Problem
from knowledge.quiz import QuizBank, QuizQuestion, load_quiz
from tests.support import Chat, Database

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
HEDGE = {"vi": "Cần kiểm tra lại với tỉnh.", "en": "Please check this with your province."}


def _question(qid: str, number: int, tags: list[str]) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "id": qid,
        "courses": tags,
        "question": {"vi": f"Câu hỏi {qid}?", "en": f"Question {qid}?"},
        "options": {
            "vi": [f"{qid} một", f"{qid} hai", f"{qid} ba"],
            "en": [f"{qid} one", f"{qid} two", f"{qid} three"],
        },
        "correct": [number % 3],
        "explain_short": {"vi": f"Vì {qid}.", "en": f"Because {qid}."},
        "explain": {"vi": f"Giải thích {qid}.", "en": f"Explanation of {qid}."},
        "source": f"QĐ 148/QĐ-TTg, mục {number}",
        "confidence": "ok",
    }
    if qid == "star-6":
        raw.update(confidence="one_source", hedge=HEDGE)
    if qid == "cycle-1":
        raw["question"] = {"vi": "Câu hỏi cycle-1? (chọn tất cả đáp án đúng)",
                           "en": "Question cycle-1? (select all that apply)"}
        raw["correct"] = [0, 2]
    return raw


def write_bank(root: Path) -> QuizBank:
    """Criteria: 8 questions (1–4 tagged ocop-basics); stars: 6 (all ocop-basics, star-6 hedged);
    cycle: 1 "select all that apply" question with options 1 and 3 right."""
    topics = {
        "criteria": ("Criteria", [(f"crit-{n}", n, ["ocop-basics"] if n <= 4 else []) for n in
                                  range(1, 9)]),
        "stars": ("Stars", [(f"star-{n}", n, ["ocop-basics"]) for n in range(1, 7)]),
        "cycle": ("Cycle", [("cycle-1", 1, [])]),
    }
    folder = root / "quiz"
    folder.mkdir(parents=True)
    for topic, (title, items) in topics.items():
        data = {
            "topic": topic,
            "title": {"vi": title, "en": title},
            "questions": [_question(qid, n, tags) for qid, n, tags in items],
        }
        (folder / f"{topic}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    problems: list[Problem] = []
    bank = load_quiz(root, problems)
    assert problems == []
    return bank


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    """The assistant over one database with the fixture bank and a hand-moved clock."""

    database: Database
    catalogs: Catalogs
    bank: QuizBank
    clock: Clock = field(default_factory=Clock)

    def engine(self) -> Engine:
        """A new engine: a restarted process on the same database."""
        services = Services(
            catalogs=self.catalogs,
            knowledge=replace(load_library(), quiz=self.bank),
            clock=self.clock,
        )
        return build_engine(self.database.open(), services)

    async def make_officer(self, user_key: str) -> None:
        """Give the user the officer role, as the officer CLI will."""
        async with self.database.open()() as session, session.begin():
            query = select(User).where(User.external_id == user_key)
            user = (await session.exec(query)).one()
            user.role = "officer"


def asked(chat: Chat, bank: QuizBank) -> QuizQuestion:
    """The question whose answer buttons the chat's last answer shows."""
    shown = (r for r in reversed(chat.replies) if r.choices)
    reply = next(r for r in shown if parse_answer(r.choices[0].value))
    parsed = parse_answer(reply.choices[0].value)
    assert parsed is not None
    question = bank.get(parsed[0])
    assert question is not None
    return question


async def answer(chat: Chat, bank: QuizBank, right: bool) -> QuizQuestion:
    """Tap a right or a wrong answer of the current question; returns the question.

    On a "select all" question: tick each right option (or one wrong one), then "done".
    """
    question = asked(chat, bank)
    wrong = next(i for i in range(len(question.options["en"])) if i not in question.correct)
    options = question.correct if right else (wrong,)
    if not question.multiple:
        await chat.tap(answer_value(question.id, options[0]))
        return question
    for option in options:
        await chat.tap(answer_value(question.id, option))
    await chat.tap(answer_value(question.id, "done"))
    return question


async def open_quiz(chat: Chat, name: str = "") -> None:
    """From a first message to the quiz's first screen."""
    await chat.send(text="menu", display_name=name)
    await chat.tap("menu:quiz")
