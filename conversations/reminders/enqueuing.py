"""The day's outbox rows: each planned reminder rendered in its user's language, and the quiz
review nudges, written in batches (a dedupe key per row: a day run twice sends nothing twice)."""

from __future__ import annotations

from datetime import date, time

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.messages import Choice, Reply
from conversations.models import User
from conversations.outbox import enqueue_many, make_ref, outbox_values
from conversations.quiz.tables import QuizCard, QuizLearner
from conversations.reminders.planning import SEND_AT, Planned, local_moment, plan_batches
from conversations.services import Services


def render(services: Services, row: Planned) -> Reply:
    """The reminder's text and its two choices, in the user's language."""
    t = services.catalogs.texts(row.user.locale if row.user else services.default_locale)
    name = row.product.name if row.product else row.producer.name
    if row.kind == "certificate_expiry":
        text = t(
            "⏰ The OCOP certificate of “{product}” ends on {date} ({days} days left). "
            "It is time to prepare the re-evaluation dossier.",
            product=name,
            date=t.date(row.due_on),
            days=row.days_before,
        )
    elif row.kind == "dossier_deadline":
        library = services.knowledge
        names = [
            library.checklist.item(i).name[t.locale]
            for i in row.missing[:5]  # type: ignore[union-attr]
            if library and library.checklist.item(i)
        ]
        text = t(
            "⏰ The dossier deadline at the commune is {date} ({days} days left). "
            "“{product}” still lacks: {missing}.",
            date=t.date(row.due_on),
            days=row.days_before,
            product=name,
            missing="; ".join(names),
        )
    else:
        text = t(
            "📅 The provincial OCOP evaluation council meets on {date} ({days} days from "
            "now). Make sure your dossier is at the commune.",
            date=t.date(row.due_on),
            days=row.days_before,
        )
    ref = make_ref(row.dedupe_key)
    choices = (
        Choice(t("✅ Done"), f"rem:done:{ref}"),
        Choice(t("⏰ Remind me later"), f"rem:later:{ref}"),
    )
    return Reply(text, choices=choices)


async def _quiz_reviews(session: AsyncSession, services: Services, day: date) -> int:
    """One "time to review" message for each opted-in trainee with questions due that day."""
    end_of_day = local_moment(day, time(23, 59), services.timezone)
    query = (
        select(User.id, User.locale, func.count(col(QuizCard.question_id)))
        .join(QuizLearner, QuizLearner.user_id == User.id)  # type: ignore[arg-type]
        .join(QuizCard, QuizCard.user_id == User.id)  # type: ignore[arg-type]
        .where(col(QuizLearner.review_reminders).is_(True), QuizCard.due <= end_of_day)
        .group_by(col(User.id), col(User.locale))
    )
    not_before = local_moment(day, SEND_AT, services.timezone)
    rows = []
    for user_id, locale, due in (await session.exec(query)).all():
        t = services.catalogs.texts(locale)
        reply = Reply(
            t(
                "🧠 {n} quiz questions are due for review today. A few minutes keep them fresh.",
                n=due,
            ),
            choices=(Choice(t("🔁 Review now"), "quizdue"),),
        )
        rows.append(
            outbox_values(
                dedupe_key=f"quiz-review:{user_id}:{day.isoformat()}",
                user_id=user_id,
                kind="quiz_review",
                reply=reply,
                not_before=not_before,
            )
        )
    return await enqueue_many(session, rows)


async def enqueue_day(session: AsyncSession, services: Services, day: date) -> int:
    """Write the outbox rows for `day`; returns how many were new."""
    assert services.knowledge is not None
    added = await _quiz_reviews(session, services, day)
    not_before = local_moment(day, SEND_AT, services.timezone)
    async for page in plan_batches(session, services.knowledge, day):
        rows = [
            outbox_values(
                dedupe_key=row.dedupe_key,
                user_id=row.user.id if row.user else None,
                producer_id=row.producer.id,
                kind=row.kind,
                series=row.series,
                reply=render(services, row),
                not_before=not_before,
                due_on=row.due_on,
            )
            for row in page
        ]
        added += await enqueue_many(session, rows)
    return added
