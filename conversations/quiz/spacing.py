"""Spaced repetition with FSRS: scheduling one answer, and which questions to ask first."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from fsrs import Card, Rating, Scheduler

from conversations.quiz.tables import QuizCard


@cache
def scheduler() -> Scheduler:
    """The FSRS scheduler (default weights, 90 % retention), built on first use.

    No learning steps: a quiz is not a flashcard session, so even a wrong answer comes back
    the next day rather than in ten minutes.
    """
    return Scheduler(learning_steps=(), relearning_steps=())


def review(card: Mapping[str, Any] | None, correct: bool, now: datetime) -> dict[str, Any]:
    """The card after one answer: Good when right, Again when wrong (a new card when None)."""
    at = now.astimezone(UTC)
    current = Card.from_dict(card) if card else Card(card_id=0, due=at)  # type: ignore[arg-type]
    rating = Rating.Good if correct else Rating.Again
    updated, _log = scheduler().review_card(current, rating, at)
    return dict(updated.to_dict())


def due_of(card: Mapping[str, Any]) -> datetime:
    """When the card is due next."""
    return datetime.fromisoformat(card["due"])


def recall(card: QuizCard, now: datetime) -> float:
    """The predicted chance, 0–1, that the user still knows the answer now."""
    return float(scheduler().get_card_retrievability(Card.from_dict(card.card), now))  # type: ignore[arg-type]


def weakness(card: QuizCard, now: datetime) -> tuple[bool, float, int]:
    """A sort key: due cards first, then the ones least likely remembered, most lapses."""
    return (card.due > now, recall(card, now), -card.lapses)


def needs_review(card: QuizCard, now: datetime) -> bool:
    """Due, or weak: last answered wrong, or probably forgotten already."""
    retention = scheduler().desired_retention
    return card.due <= now or not card.last_correct or recall(card, now) < retention


def order_review(cards: Iterable[QuizCard], now: datetime) -> list[str]:
    """Question ids of the cards that need review: due and weakest first."""
    chosen = [c for c in cards if needs_review(c, now)]
    return [c.question_id for c in sorted(chosen, key=lambda c: weakness(c, now))]


def order_quiz(
    question_ids: Sequence[str], cards: Mapping[str, QuizCard], now: datetime, rng: random.Random
) -> list[str]:
    """`question_ids` in asking order: due and weak first, new ones shuffled, then the rest."""
    seen = [cards[q] for q in question_ids if q in cards]
    first = order_review(seen, now)
    new = [q for q in question_ids if q not in cards]
    rng.shuffle(new)
    rest = sorted((c for c in seen if not needs_review(c, now)), key=lambda c: weakness(c, now))
    return [*first, *new, *(c.question_id for c in rest)]
