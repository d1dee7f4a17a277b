"""The set-based planner gives exactly the plan of the per-producer planner it replaced, on a
varied population (provinces, erased producers, stages, dossiers, opt-outs, acknowledgements,
earlier catch-ups), every day a rule fires; the old planner is kept here only as the reference."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import and_, col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.messages import Reply
from conversations.models import User
from conversations.outbox import (
    CalendarOverride,
    OutboxMessage,
    ReminderAck,
    ReminderOptOut,
    enqueue,
)
from conversations.registration import dossier_store
from conversations.registration.tables import DossierItem, Producer, Product
from conversations.reminders import planning
from conversations.reminders.planning import Planned, effective_milestones, plan
from knowledge.calendar import Calendar, Milestone, ReminderRule
from knowledge.library import Library
from tests.support import Database

NOW = datetime(2026, 6, 1, tzinfo=UTC)
COUNCIL = date(2026, 10, 20)
DEADLINE = date(2026, 9, 30)


async def _old_certificates(session: AsyncSession, rule: ReminderRule, day: date) -> list[Planned]:
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
        )
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
    return planned


async def _old_milestone_rows(
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


async def old_plan(session: AsyncSession, library: Library, day: date) -> list[Planned]:
    """The planner as it was before it became set-based (one query per province's producers,
    their products by id list, opt-outs and acknowledgements all loaded and filtered here)."""
    milestones = await effective_milestones(session, library)
    opt_outs = {(o.user_id, o.kind) for o in (await session.exec(select(ReminderOptOut))).all()}
    acks = {(a.user_id, a.series) for a in (await session.exec(select(ReminderAck))).all()}
    planned: list[Planned] = []
    for rule in library.reminder_rules:
        if rule.audience == "certified_products":
            rows = await _old_certificates(session, rule, day)
        else:
            rows = await _old_milestone_rows(session, library, rule, day, milestones)
        for row in rows:
            uid = row.user.id if row.user else None
            if uid is not None and ((uid, row.kind) in opt_outs or (uid, row.series) in acks):
                continue
            planned.append(row)
    return planned


def _shape(rows: list[Planned]) -> list[tuple[Any, ...]]:
    return sorted(
        (
            r.dedupe_key,
            r.series,
            r.kind,
            r.user.id if r.user else None,
            r.producer.id,
            r.product.id if r.product else None,
            r.due_on,
            r.days_before,
            r.missing,
        )
        for r in rows
    )


async def _populate(session: AsyncSession, library: Library) -> list[date]:
    """About 300 producers of every kind; returns the days on which some rule fires."""
    rng = random.Random(24)
    items = [i.id for i in library.checklist.items]
    groups = ["food", "drinks", "herbal", "handicrafts", "tourism"]
    for milestone, day in (("council-round-2026", COUNCIL), ("dossier-deadline-2026", DEADLINE)):
        session.add(
            CalendarOverride(province_id="ca-mau", year=2026, milestone_id=milestone, day=day)
        )
    days: set[date] = set()
    for rule in library.reminder_rules:
        for d in rule.days_before:
            days.update({COUNCIL - timedelta(days=d), DEADLINE - timedelta(days=d)})
    users: list[User] = []
    for n in range(300):
        user = None
        if n % 3:
            user = User(
                channel=rng.choice(["telegram", "zalo", "web"]),
                external_id=f"u{n}",
                locale=rng.choice(["vi", "en"]),
            )
            session.add(user)
            await session.flush()
            users.append(user)
        producer = Producer(
            user_id=user.id if user else None,
            name=f"Cơ sở {n}",
            province=rng.choice(["Cà Mau", "Cà Mau", "Cà Mau", "Bạc Liêu", ""]),
            erased_at=NOW if n % 17 == 0 else None,
        )
        session.add(producer)
        await session.flush()
        for k in range(rng.choice([0, 1, 1, 2, 3])):
            stage = rng.choice(["idea", "producing", "rated", "rated"])
            expiry = None
            if stage == "rated":
                expiry = date(2026, 7, 1) + timedelta(days=rng.randrange(0, 400))
                days.update(expiry - timedelta(days=d) for d in (180, 90, 30, 10, 1))
            product = Product(
                producer_id=producer.id or 0,
                name=f"Sản phẩm {n}.{k}",
                group_id=rng.choice(groups),
                set_id=rng.choice([None, None, "community-tourism"]),
                stage=stage,
                expiry_date=expiry,
                evaluation_type=rng.choice([None, "first", "upgrade", "reevaluation"]),
            )
            session.add(product)
            await session.flush()
            for item in rng.sample(items, rng.randrange(0, len(items) + 1)):
                session.add(
                    DossierItem(
                        product_id=product.id or 0,
                        item_id=item,
                        status=rng.choice(["have", "have", "missing", "in_progress"]),
                    )
                )
            if expiry is not None and rng.random() < 0.3:
                series = f"cert:{product.id}:{expiry.isoformat()}"
                await enqueue(
                    session,
                    dedupe_key=f"{series}:catch-up",
                    user_id=user.id if user else None,
                    kind="certificate_expiry",
                    series=series,
                    reply=Reply("x"),
                    not_before=NOW,
                )
                if user is not None:
                    session.add(ReminderAck(user_id=user.id or 0, series=series))
            if user is not None and rng.random() < 0.2:
                base = f"dossier_deadline:dossier-deadline-2026:{DEADLINE.isoformat()}"
                session.add(ReminderAck(user_id=user.id or 0, series=f"{base}:{product.id}"))
        if user is not None and rng.random() < 0.15:
            base = f"council_round:council-round-2026:{COUNCIL.isoformat()}"
            session.add(ReminderAck(user_id=user.id or 0, series=f"{base}:p{producer.id}"))
    for user in rng.sample(users, 40):
        kind = rng.choice([r.kind for r in library.reminder_rules])
        session.add(ReminderOptOut(user_id=user.id or 0, kind=kind))
    return sorted(days)


@pytest.mark.parametrize("batch", [planning.BATCH, 7], ids=["one-page", "pages-of-7"])
async def test_the_set_based_plan_is_the_old_plan_every_day_a_rule_fires(
    database: Database, library: Library, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(planning, "BATCH", batch)  # read page by page, the plan is the same
    async with database.sessions() as session, session.begin():
        days = await _populate(session, library)
    kinds: set[str] = set()
    total = 0
    async with database.sessions() as session:
        for day in days:
            new = await plan(session, library, day)
            assert _shape(new) == _shape(await old_plan(session, library, day)), day
            kinds.update(r.kind for r in new)
            total += len(new)
    # the population exercises every rule, catch-ups and acknowledged series alike
    assert kinds == {r.kind for r in library.reminder_rules}
    assert total > 300
