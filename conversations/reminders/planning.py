"""Planning reminders for one day from the rules, the cycle calendar and certificate expiries.

`plan` only reads (it is what `ocop-bot reminders preview` shows); `enqueue_day` writes the
outbox rows, each with a dedupe key, so running a day twice, or on two workers, sends nothing
twice. Only confirmed calendar dates cause reminders.

Every rule is a query over the whole population (opt-outs and the products' stage filtered in
SQL), never a query or a loop per producer: a day over 100,000 producers reads only the rows it
reminds. The province-wide rules read them a page at a time (`BATCH`, by id) and `plan_batches`
hands each page on, so a council day that reminds everyone never holds them all at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import and_, col, exists, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.models import User
from conversations.outbox import (
    CalendarOverride,
    OutboxMessage,
    ReminderAck,
    ReminderOptOut,
)
from conversations.registration import dossier_store
from conversations.registration.tables import DossierItem, Producer, Product
from knowledge.calendar import Calendar, Milestone, ReminderRule
from knowledge.checklist import Checklist
from knowledge.library import Library

SEND_AT = time(8, 0)
"""Local time at which a day's reminders become due (outside quiet hours)."""
LATER_DAYS = 3
BATCH = 2_000
"""Producers (or products) read and planned at a time by the province-wide rules."""
HEADING = or_(
    col(Product.stage) != "rated", col(Product.evaluation_type).in_(("upgrade", "reevaluation"))
)
"""Products heading for an evaluation: not rated yet, or rated and going for more stars."""


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


def _not_opted_out(kind: str) -> Any:
    """SQL: the producer's user (if any) did not opt out of `kind`."""
    return ~exists().where(
        col(ReminderOptOut.user_id) == col(User.id), col(ReminderOptOut.kind) == kind
    )


async def _acked(session: AsyncSession, condition: Any) -> set[tuple[int, str]]:
    """(user, series) of the acknowledged series that match `condition`."""
    query = select(ReminderAck.user_id, ReminderAck.series).where(condition)
    return {(user_id, series) for user_id, series in (await session.exec(query)).all()}


def _under(base: str) -> Any:
    """SQL: the acknowledged series is one of the milestone `base`'s."""
    return col(ReminderAck.series).startswith(f"{base}:", autoescape=True)


def _unacked(rows: Iterable[Planned], acked: set[tuple[int, str]]) -> list[Planned]:
    return [
        row
        for row in rows
        if row.user is None or row.user.id is None or (row.user.id, row.series) not in acked
    ]


async def _certificates(session: AsyncSession, rule: ReminderRule, day: date) -> list[Planned]:
    """Reminders on the rule's days before each certificate's end; a certificate already past
    the last of those days (registered late) gets one catch-up reminder, if it had none."""
    targets = {day + timedelta(days=d): d for d in rule.days_before}
    late_until = day + timedelta(days=min(rule.days_before))
    query = (
        select(Product, Producer, User)
        .join(Producer, Producer.id == Product.producer_id)  # type: ignore[arg-type]
        .outerjoin(User, User.id == Producer.user_id)  # type: ignore[arg-type]
        .where(
            or_(
                col(Product.expiry_date).in_(list(targets)),
                and_(col(Product.expiry_date) > day, col(Product.expiry_date) < late_until),
            ),
            col(Producer.erased_at).is_(None),
            _not_opted_out(rule.kind),
        )
        .order_by(col(Product.id))
    )
    found = list(await session.exec(query))
    late = [
        f"cert:{p.id}:{p.expiry_date.isoformat()}"
        for p, _, _ in found
        if p.expiry_date is not None and p.expiry_date not in targets
    ]
    reminded = set(
        (
            await session.exec(
                select(OutboxMessage.series).where(col(OutboxMessage.series).in_(late))
            )
        ).all()
    )
    planned = []
    for product, producer, user in found:
        assert product.expiry_date is not None
        series = f"cert:{product.id}:{product.expiry_date.isoformat()}"
        if product.expiry_date in targets:
            d = targets[product.expiry_date]
            key = f"{series}:{d}"
        elif series in reminded:
            continue
        else:
            d = (product.expiry_date - day).days
            key = f"{series}:catch-up"
        planned.append(
            Planned(key, series, rule.kind, user, producer, product, product.expiry_date, d)
        )
    series_of = {row.series for row in planned}
    acked = await _acked(session, col(ReminderAck.series).in_(series_of)) if planned else set()
    return _unacked(planned, acked)


async def _pages(
    session: AsyncSession, query: Any, key: Any
) -> AsyncIterator[tuple[int, int, list[Any]]]:
    """`query`'s rows `BATCH` at a time in order of `key` (an id column, the rows' first
    entity's): (id after which the page starts, id of its last row, the rows)."""
    after = 0
    while True:
        page = list(await session.exec(query.where(key > after).order_by(key).limit(BATCH)))
        if not page:
            return
        first, after = after, page[-1][0].id or 0
        yield first, after, page


async def _province_producers(
    session: AsyncSession, rule: ReminderRule, province: str, base: str, due: date, d: int
) -> AsyncIterator[list[Planned]]:
    """One reminder for every producer of the province, a page of producers at a time."""
    acked = await _acked(session, _under(base))
    query = (
        select(Producer, User)
        .outerjoin(User, User.id == Producer.user_id)  # type: ignore[arg-type]
        .where(
            Producer.province == province,
            col(Producer.erased_at).is_(None),
            _not_opted_out(rule.kind),
        )
    )
    async for _first, _last, page in _pages(session, query, col(Producer.id)):
        yield _unacked(
            [
                Planned(
                    f"{base}:p{producer.id}:{d}",
                    f"{base}:p{producer.id}",
                    rule.kind,
                    user,
                    producer,
                    None,
                    due,
                    d,
                )
                for producer, user in page
            ],
            acked,
        )


def _missing(
    checklist: Checklist, product: Product, state: dict[str, str], cache: dict[Any, Any]
) -> tuple[str, ...]:
    """The required checklist items of `product` not done yet."""
    shape = (product.evaluation_type or "first", product.group_id, product.set_id)
    required = cache.get(shape)
    if required is None:
        required = cache[shape] = [
            i.id for i in checklist.items_for(*shape) if i.kind == "required"
        ]
    return tuple(i for i in required if state.get(i) not in dossier_store.DONE)


async def _incomplete_dossiers(
    session: AsyncSession,
    library: Library,
    rule: ReminderRule,
    province: str,
    base: str,
    due: date,
    d: int,
) -> AsyncIterator[list[Planned]]:
    """One reminder for every product of the province heading for evaluation with required
    items missing from its dossier, a page of products at a time."""
    acked = await _acked(session, _under(base))
    cache: dict[Any, Any] = {}
    where = (
        Producer.province == province,
        col(Producer.erased_at).is_(None),
        HEADING,
        _not_opted_out(rule.kind),
    )
    query = (
        select(Product, Producer, User)
        .join(Producer, Producer.id == Product.producer_id)  # type: ignore[arg-type]
        .outerjoin(User, User.id == Producer.user_id)  # type: ignore[arg-type]
        .where(*where)
    )
    async for first, last, page in _pages(session, query, col(Product.id)):
        items = (
            select(DossierItem.product_id, DossierItem.item_id, DossierItem.status)
            .join(Product, Product.id == DossierItem.product_id)  # type: ignore[arg-type]
            .join(Producer, Producer.id == Product.producer_id)  # type: ignore[arg-type]
            .outerjoin(User, User.id == Producer.user_id)  # type: ignore[arg-type]
            .where(*where, col(Product.id) > first, col(Product.id) <= last)
        )
        statuses: dict[int, dict[str, str]] = {}
        for product_id, item_id, status in (await session.exec(items)).all():
            statuses.setdefault(product_id, {})[item_id] = status
        planned = []
        for product, producer, user in page:
            state = statuses.get(product.id or 0, {})
            missing = _missing(library.checklist, product, state, cache)
            if missing:
                series = f"{base}:{product.id}"
                row = Planned(f"{series}:{d}", series, rule.kind, user, producer, product, due, d,
                              missing)  # fmt: skip
                planned.append(row)
        yield _unacked(planned, acked)


async def _milestone_batches(
    session: AsyncSession,
    library: Library,
    rule: ReminderRule,
    day: date,
    milestones: list[tuple[Calendar, Milestone]],
) -> AsyncIterator[list[Planned]]:
    for cal, m in milestones:
        if m.kind != rule.milestone_kind or not m.confirmed or m.date is None:
            continue
        d = (m.date - day).days
        if d not in rule.days_before:
            continue
        base = f"{rule.kind}:{m.id}:{m.date.isoformat()}"
        if rule.audience == "province_producers":
            pages = _province_producers(session, rule, cal.province_name, base, m.date, d)
        else:
            pages = _incomplete_dossiers(
                session, library, rule, cal.province_name, base, m.date, d
            )
        async for page in pages:
            yield page


async def plan_batches(
    session: AsyncSession, library: Library, day: date
) -> AsyncIterator[list[Planned]]:
    """Every reminder due on `day` (local date), after opt-outs and acknowledged series, in
    batches of at most `BATCH`, each to be written before the next is read."""
    milestones = await effective_milestones(session, library)
    for rule in library.reminder_rules:
        if rule.audience == "certified_products":
            yield await _certificates(session, rule, day)
        else:
            async for page in _milestone_batches(session, library, rule, day, milestones):
                yield page


async def plan(session: AsyncSession, library: Library, day: date) -> list[Planned]:
    """Every reminder due on `day` (local date), after opt-outs and acknowledged series."""
    return [row async for page in plan_batches(session, library, day) for row in page]


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """`day` at local time `at`, as an aware datetime."""
    return datetime.combine(day, at, tzinfo=zone)
