"""Planning reminders for one day from the rules, the cycle calendar and certificate expiries.

`plan` only reads (it is what `ocop-bot reminders preview` shows); `enqueue_day` writes the
outbox rows, each with a dedupe key, so running a day twice, or on two workers, sends nothing
twice. Only confirmed calendar dates cause reminders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations import dossier_store
from conversations.messages import Choice, Reply
from conversations.models import User
from conversations.outbox import CalendarOverride, ReminderAck, ReminderOptOut, enqueue, make_ref
from conversations.producers import DossierItem, Producer, Product
from conversations.quiz_models import QuizCard, QuizLearner
from conversations.services import Services
from knowledge.calendar import Calendar, Milestone, ReminderRule
from knowledge.library import Library

SEND_AT = time(8, 0)
"""Local time at which a day's reminders become due (outside quiet hours)."""
LATER_DAYS = 3


@dataclass(frozen=True, slots=True)
class Planned:
    """One reminder that the day's run would send."""

    dedupe_key: str
    series: str
    kind: str
    user: User | None
    producer: Producer
    product: Product | None
    due_on: date
    days_before: int
    missing: tuple[str, ...] = field(default=())

    @property
    def channel(self) -> str | None:
        """The user's channel, or None when the producer never chatted (officers call them)."""
        return self.user.channel if self.user is not None else None


async def effective_milestones(
    session: AsyncSession, library: Library
) -> list[tuple[Calendar, Milestone]]:
    """Every milestone with officers' overrides applied."""
    overrides = {
        (o.province_id, o.year, o.milestone_id): o
        for o in (await session.exec(select(CalendarOverride))).all()
    }
    found = []
    for cal in library.calendars:
        for m in cal.milestones:
            o = overrides.get((cal.province_id, cal.year, m.id))
            if o is not None:
                m = Milestone(m.id, m.kind, m.name, o.status, o.day, m.period, m.source)
            found.append((cal, m))
    return found


async def _filters(session: AsyncSession) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    opt_outs = {(o.user_id, o.kind) for o in (await session.exec(select(ReminderOptOut))).all()}
    acks = {(a.user_id, a.series) for a in (await session.exec(select(ReminderAck))).all()}
    return opt_outs, acks


async def _certificates(session: AsyncSession, rule: ReminderRule, day: date) -> list[Planned]:
    targets = {day + timedelta(days=d): d for d in rule.days_before}
    query = (
        select(Product, Producer, User)
        .join(Producer, Producer.id == Product.producer_id)  # type: ignore[arg-type]
        .outerjoin(User, User.id == Producer.user_id)  # type: ignore[arg-type]
        .where(col(Product.expiry_date).in_(list(targets)), col(Producer.erased_at).is_(None))
    )
    planned = []
    for product, producer, user in await session.exec(query):
        assert product.expiry_date is not None
        d = targets[product.expiry_date]
        series = f"cert:{product.id}:{product.expiry_date.isoformat()}"
        planned.append(
            Planned(
                f"{series}:{d}", series, rule.kind, user, producer, product, product.expiry_date, d
            )
        )
    return planned


async def _milestone_rows(
    session: AsyncSession,
    library: Library,
    rule: ReminderRule,
    day: date,
    milestones: list[tuple[Calendar, Milestone]],
) -> list[Planned]:
    planned: list[Planned] = []
    for cal, m in milestones:
        if m.kind != rule.milestone_kind or not m.confirmed or m.date is None:
            continue
        d = (m.date - day).days
        if d not in rule.days_before:
            continue
        query = (
            select(Producer, User)
            .outerjoin(User, User.id == Producer.user_id)  # type: ignore[arg-type]
            .where(Producer.province == cal.province_name, col(Producer.erased_at).is_(None))
        )
        rows = list(await session.exec(query))
        base = f"{rule.kind}:{m.id}:{m.date.isoformat()}"
        if rule.audience == "province_producers":
            for producer, user in rows:
                series = f"{base}:p{producer.id}"
                planned.append(
                    Planned(f"{series}:{d}", series, rule.kind, user, producer, None, m.date, d)
                )
            continue
        by_id = {producer.id: (producer, user) for producer, user in rows}
        products = (
            await session.exec(select(Product).where(col(Product.producer_id).in_(list(by_id))))
        ).all()
        heading = [
            p
            for p in products
            if p.stage != "rated" or p.evaluation_type in ("upgrade", "reevaluation")
        ]
        statuses: dict[int, dict[str, str]] = {}
        ids = [p.id for p in heading]
        for item in (
            await session.exec(select(DossierItem).where(col(DossierItem.product_id).in_(ids)))
        ).all():
            statuses.setdefault(item.product_id, {})[item.item_id] = item.status
        for product in heading:
            items = library.checklist.items_for(
                product.evaluation_type or "first", product.group_id, product.set_id
            )
            state = statuses.get(product.id or 0, {})
            missing = tuple(
                i.id
                for i in items
                if i.kind == "required" and state.get(i.id) not in dossier_store.DONE
            )
            if not missing:
                continue
            producer, user = by_id[product.producer_id]
            series = f"{base}:{product.id}"
            planned.append(
                Planned(
                    f"{series}:{d}", series, rule.kind, user, producer, product, m.date, d, missing
                )
            )
    return planned


async def plan(session: AsyncSession, library: Library, day: date) -> list[Planned]:
    """Every reminder due on `day` (local date), after opt-outs and acknowledged series."""
    milestones = await effective_milestones(session, library)
    opt_outs, acks = await _filters(session)
    planned: list[Planned] = []
    for rule in library.reminder_rules:
        if rule.audience == "certified_products":
            rows = await _certificates(session, rule, day)
        else:
            rows = await _milestone_rows(session, library, rule, day, milestones)
        for row in rows:
            uid = row.user.id if row.user else None
            if uid is not None and ((uid, row.kind) in opt_outs or (uid, row.series) in acks):
                continue
            planned.append(row)
    return planned


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


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """`day` at local time `at`, as an aware datetime."""
    return datetime.combine(day, at, tzinfo=zone)


async def _quiz_reviews(session: AsyncSession, services: Services, day: date) -> int:
    """One "time to review" message for each opted-in trainee with questions due that day."""
    end_of_day = local_moment(day, time(23, 59), services.timezone)
    query = (
        select(User, func.count(col(QuizCard.question_id)))
        .join(QuizLearner, QuizLearner.user_id == User.id)  # type: ignore[arg-type]
        .join(QuizCard, QuizCard.user_id == User.id)  # type: ignore[arg-type]
        .where(col(QuizLearner.review_reminders).is_(True), QuizCard.due <= end_of_day)
        .group_by(col(User.id))
    )
    added = 0
    for user, due in (await session.exec(query)).all():
        t = services.catalogs.texts(user.locale)
        reply = Reply(
            t(
                "🧠 {n} quiz questions are due for review today. A few minutes keep them fresh.",
                n=due,
            ),
            choices=(Choice(t("🔁 Review now"), "quizdue"),),
        )
        added += await enqueue(
            session,
            dedupe_key=f"quiz-review:{user.id}:{day.isoformat()}",
            user_id=user.id,
            kind="quiz_review",
            reply=reply,
            not_before=local_moment(day, SEND_AT, services.timezone),
        )
    return added


async def enqueue_day(session: AsyncSession, services: Services, day: date) -> int:
    """Write the outbox rows for `day`; returns how many were new."""
    assert services.knowledge is not None
    added = await _quiz_reviews(session, services, day)
    for row in await plan(session, services.knowledge, day):
        added += await enqueue(
            session,
            dedupe_key=row.dedupe_key,
            user_id=row.user.id if row.user else None,
            producer_id=row.producer.id,
            kind=row.kind,
            series=row.series,
            reply=render(services, row),
            not_before=local_moment(day, SEND_AT, services.timezone),
            due_on=row.due_on,
        )
    return added
