"""Which questions one quiz run asks: due and weak first, then new ones, at most ten."""

from __future__ import annotations

import random
from typing import Any

from conversations.quiz import courses, spacing
from conversations.quiz import store as quiz_store
from conversations.quiz.replies import quiz_bank
from conversations.quiz.tables import Course, CourseMember
from conversations.turn import Turn

QUIZ_LENGTH = 10


def current_question(form: dict[str, Any]) -> str | None:
    """The id of the question a run is waiting for, or None when it is over."""
    questions = form.get("questions", [])
    index = form.get("index", 0)
    return questions[index] if index < len(questions) else None


async def member_course(turn: Turn, course_id: int) -> Course | None:
    """The course, if the user joined it."""
    if await turn.session.get(CourseMember, (course_id, turn.user.id)) is None:
        return None
    return await turn.session.get(Course, course_id)


async def run_form(turn: Turn, what: str) -> dict[str, Any] | str:
    """A new run for "review", "mixed", "topic:<id>" or "course:<id>"; else why there is none."""
    bank = quiz_bank(turn)
    user_id = turn.user.id or 0
    if bank is None:
        return turn.t("The quiz is not available right now. Please try again later.")
    course_id: int | None = None
    kind, _, key = what.partition(":")
    if kind == "review":
        cards = await quiz_store.cards_of(turn.session, user_id)
        ids = [q for q in spacing.order_review(cards.values(), turn.now) if bank.get(q)]
        if not ids:
            return turn.t("Nothing needs review right now. Try a topic instead.")
    else:
        if kind == "topic":
            pool = bank.by_topic(key)
        elif kind == "course" and key.isdigit():
            course = await member_course(turn, int(key))
            pool = courses.course_questions(bank, course) if course else []
            course_id = course.id if course else None
        elif kind == "mixed":
            pool = list(bank.questions)
        else:
            return turn.t("Please choose one of the options (type its number).")
        if not pool:
            return turn.t("There are no questions here yet.")
        pool_ids = [q.id for q in pool]
        cards = await quiz_store.cards_of(turn.session, user_id, pool_ids)
        rng = random.Random(f"{user_id}:{turn.now.isoformat()}")
        ids = spacing.order_quiz(pool_ids, cards, turn.now, rng)
    questions = ids[:QUIZ_LENGTH]
    return {"course_id": course_id, "questions": questions, "index": 0, "answers": [], "ticked": []}
