"""Reading and writing a trainee's quiz data: answers, FSRS cards, due dates, settings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.quiz import spacing
from conversations.quiz.tables import QuizAnswer, QuizCard, QuizLearner
from knowledge.quiz import QuizQuestion


async def cards_of(
    session: AsyncSession, user_id: int, question_ids: Iterable[str] | None = None
) -> dict[str, QuizCard]:
    """The user's cards by question id (only those of `question_ids` when given)."""
    query = select(QuizCard).where(QuizCard.user_id == user_id)
    if question_ids is not None:
        query = query.where(col(QuizCard.question_id).in_(list(question_ids)))
    return {c.question_id: c for c in (await session.exec(query)).all()}


async def record_answer(
    session: AsyncSession,
    user_id: int,
    question: QuizQuestion,
    chosen: Sequence[int],
    course_id: int | None,
    now: datetime,
) -> QuizCard:
    """Store one answer and reschedule the question for this user; returns the updated card."""
    correct = question.is_right(chosen)
    session.add(
        QuizAnswer(
            user_id=user_id, question_id=question.id, topic=question.topic, chosen=list(chosen),
            correct=correct, course_id=course_id, answered_at=now,
        )
    )
    card = await session.get(QuizCard, (user_id, question.id))
    if card is None:
        card = QuizCard(user_id=user_id, question_id=question.id, due=now)
    card.card = spacing.review(card.card, correct, now)
    card.due = spacing.due_of(card.card)
    card.reviews += 1
    card.lapses += 0 if correct else 1
    card.last_correct = correct
    card.updated_at = now
    session.add(card)
    await session.flush()
    return card


async def due_count(session: AsyncSession, user_id: int, now: datetime) -> int:
    """How many of the user's questions are due for review now."""
    query = select(func.count()).where(QuizCard.user_id == user_id, QuizCard.due <= now)
    return int((await session.exec(query)).one())


async def next_due(session: AsyncSession, user_id: int) -> datetime | None:
    """When the user's next review falls due (maybe already past); None with no cards."""
    query = select(func.min(QuizCard.due)).where(QuizCard.user_id == user_id)
    return (await session.exec(query)).one()


async def learner(session: AsyncSession, user_id: int) -> QuizLearner:
    """The user's quiz settings, created with everything off the first time."""
    found = await session.get(QuizLearner, user_id)
    if found is None:
        found = QuizLearner(user_id=user_id)
        session.add(found)
    return found
