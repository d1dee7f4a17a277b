"""The numbers on the officers' overview page: producers, dossiers, certificates, questions, quiz.

Everything is counted in Python from a few plain queries, the same way on SQLite and PostgreSQL;
a province has thousands of producers, not millions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.announcements.audience import completeness_of
from conversations.faq.tables import Escalation, FaqFeedback
from conversations.quiz.tables import Course, QuizAnswer
from conversations.registration import dossier_store
from conversations.registration.tables import STAGES, DossierItem, Producer, Product
from knowledge.library import Library

NO_PRODUCT = "none"
PRODUCT_STEPS = ("not_started", "started", "half", "complete")
"""A product's required items done: none, under half, half or more, all."""


@dataclass(frozen=True, slots=True)
class Expiring:
    """A certificate that ends soon."""

    product_id: int
    product: str
    producer_id: int
    producer: str
    commune: str
    expiry_date: date


@dataclass(frozen=True, slots=True)
class CourseRow:
    """Quiz participation in one course (course None: topic quizzes and reviews)."""

    name: str | None
    answers: int
    users: int
    correct: int


@dataclass(frozen=True, slots=True)
class Overview:
    """Every figure of the overview page."""

    producers: int
    by_commune: list[tuple[str, int]]
    by_entity: list[tuple[str, int]]
    by_stage: list[tuple[str, int]]
    producer_steps: list[tuple[str, int]]
    product_steps: list[tuple[str, int]]
    missing: list[tuple[str, int]]
    expiring: list[Expiring]
    days: list[tuple[date, int, int]]
    """(local day, questions passed to officers, answer ratings) for the last `days` days."""
    escalations: int
    escalations_answered: int
    feedback: int
    feedback_helpful: int
    quiz_answers: int
    quiz_users: int
    courses: list[CourseRow]


def _step(done: int, total: int) -> str:
    if total and done >= total:
        return "complete"
    if not done:
        return "not_started"
    return "half" if done * 2 >= total else "started"


def _local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


async def overview(
    session: AsyncSession,
    library: Library,
    now: datetime,
    zone: ZoneInfo,
    *,
    days: int = 30,
    expiry_months: int = 6,
) -> Overview:
    """Count everything the overview shows, as of `now`."""
    producers = list(await session.exec(select(Producer).where(col(Producer.erased_at).is_(None))))
    products = list(await session.exec(select(Product).order_by(col(Product.id))))
    done: dict[int, set[str]] = {}
    rows = select(DossierItem.product_id, DossierItem.item_id).where(
        col(DossierItem.status).in_(list(dossier_store.DONE))
    )
    for product_id, item_id in await session.exec(rows):
        done.setdefault(product_id, set()).add(item_id)
    by_producer: dict[int, list[Product]] = {}
    for product in products:
        by_producer.setdefault(product.producer_id, []).append(product)

    stage_of: Counter[str] = Counter()
    producer_steps: Counter[str] = Counter()
    for producer in producers:
        own = by_producer.get(producer.id or 0, [])
        stages = [p.stage for p in own if p.stage in STAGES]
        stage_of[max(stages, key=STAGES.index) if stages else NO_PRODUCT] += 1
        if own:
            producer_steps[completeness_of(library, own, done)] += 1
    product_steps: Counter[str] = Counter()
    by_producer_live = {p.id for p in producers}
    missing: Counter[str] = Counter()
    for product in products:
        if product.producer_id not in by_producer_live:
            continue
        items = library.checklist.items_for(
            product.evaluation_type or "first", product.group_id, product.set_id
        )
        required = [i.id for i in items if i.kind == "required"]
        have = done.get(product.id or 0, set())
        product_steps[_step(sum(i in have for i in required), len(required))] += 1
        missing.update(i for i in required if i not in have)

    today = _local_day(now, zone)
    horizon = _add_months(today, expiry_months)
    by_id = {p.id: p for p in producers}
    expiring = [
        Expiring(
            product_id=p.id or 0,
            product=p.name,
            producer_id=p.producer_id,
            producer=_name(by_id[p.producer_id]),
            commune=by_id[p.producer_id].commune,
            expiry_date=p.expiry_date,
        )
        for p in products
        if p.expiry_date is not None
        and today <= p.expiry_date <= horizon
        and p.producer_id in by_id
    ]
    expiring.sort(key=lambda e: e.expiry_date)

    since = now - timedelta(days=days)
    first_day = today - timedelta(days=days - 1)
    per_day = {first_day + timedelta(days=i): [0, 0] for i in range(days)}
    escalations = list(await session.exec(select(Escalation).where(Escalation.created_at >= since)))
    for escalation in escalations:
        day = _local_day(escalation.created_at, zone)
        if day in per_day:
            per_day[day][0] += 1
    feedback = list(await session.exec(select(FaqFeedback).where(FaqFeedback.created_at >= since)))
    for row in feedback:
        day = _local_day(row.created_at, zone)
        if day in per_day:
            per_day[day][1] += 1

    answers = list(
        await session.exec(select(QuizAnswer.user_id, QuizAnswer.course_id, QuizAnswer.correct))
    )
    course_names = {c.id: c.name for c in await session.exec(select(Course))}
    per_course: dict[int | None, tuple[int, set[int], int]] = {}
    for user_id, course_id, correct in answers:
        count, users, right = per_course.get(course_id, (0, set(), 0))
        users.add(user_id)
        per_course[course_id] = (count + 1, users, right + int(correct))
    courses = [
        CourseRow(course_names.get(course_id) if course_id else None, n, len(u), right)
        for course_id, (n, u, right) in sorted(
            per_course.items(), key=lambda kv: (kv[0] is None, -kv[1][0])
        )
    ]

    return Overview(
        producers=len(producers),
        by_commune=Counter(p.commune or "" for p in producers).most_common(),
        by_entity=Counter(p.entity_type for p in producers).most_common(),
        by_stage=[(s, stage_of[s]) for s in (*STAGES, NO_PRODUCT)],
        producer_steps=[(s, producer_steps[s]) for s in ("not_started", "in_progress", "complete")],
        product_steps=[(s, product_steps[s]) for s in PRODUCT_STEPS],
        missing=missing.most_common(8),
        expiring=expiring,
        days=[(day, a, b) for day, (a, b) in per_day.items()],
        escalations=len(escalations),
        escalations_answered=sum(e.status == "answered" for e in escalations),
        feedback=len(feedback),
        feedback_helpful=sum(f.helpful for f in feedback),
        quiz_answers=len(answers),
        quiz_users=len({user_id for user_id, _, _ in answers}),
        courses=courses,
    )


def _name(producer: Producer) -> str:
    return producer.name or producer.representative


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)
