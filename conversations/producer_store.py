"""Reading and writing producers and products: registration, linking imports, erasing."""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import Any

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.producers import DossierFile, DossierItem, Producer, Product
from knowledge.folding import fold

CERTIFICATE_MONTHS = 36
PROFILE_FIELDS = ("representative", "name", "entity_type", "phone", "province", "commune")
PRODUCT_FIELDS = (
    "name",
    "group_id",
    "set_id",
    "stage",
    "stars",
    "decision_number",
    "decision_date",
)


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def certificate_expiry(decision_date: date | None) -> date | None:
    """When a certificate from `decision_date` ends: 36 months later."""
    return add_months(decision_date, CERTIFICATE_MONTHS) if decision_date else None


async def producer_of(session: AsyncSession, user_id: int | None) -> Producer | None:
    """The producer registered by this user, if any."""
    if user_id is None:
        return None
    query = select(Producer).where(Producer.user_id == user_id, col(Producer.erased_at).is_(None))
    return (await session.exec(query)).first()


async def products_of(session: AsyncSession, producer_id: int | None) -> list[Product]:
    """The producer's products, oldest first."""
    query = select(Product).where(Product.producer_id == producer_id).order_by(col(Product.id))
    return list((await session.exec(query)).all())


def profile_form(producer: Producer) -> dict[str, Any]:
    """The producer's profile as form fields, for editing."""
    return {
        "representative": producer.representative,
        "producer_name": producer.name,
        "entity_type": producer.entity_type,
        "phone": producer.phone,
        "province": producer.province,
        "commune": producer.commune,
    }


def _apply_profile(producer: Producer, form: dict[str, Any], now: datetime) -> None:
    producer.representative = form["representative"]
    producer.name = form["producer_name"]
    producer.entity_type = form["entity_type"]
    producer.phone = form.get("phone")
    producer.province = form.get("province", "")
    producer.commune = form.get("commune", "")
    producer.updated_at = now


def _new_product(producer_id: int, form: dict[str, Any], now: datetime) -> Product:
    decision_date = date.fromisoformat(form["decision_date"]) if form.get("decision_date") else None
    rated = form.get("stage") == "rated"
    return Product(
        producer_id=producer_id,
        name=form["product_name"],
        group_id=form["product_group"],
        set_id=form.get("product_set"),
        stage=form["stage"],
        stars=form.get("stars") if rated else None,
        decision_number=form.get("decision_number") if rated else None,
        decision_date=decision_date if rated else None,
        expiry_date=certificate_expiry(decision_date) if rated else None,
        created_at=now,
        updated_at=now,
    )


async def register(
    session: AsyncSession, user_id: int, form: dict[str, Any], now: datetime
) -> tuple[Producer, Product, bool]:
    """Save a registration; an imported producer with the same phone is linked, not duplicated.

    Returns the producer, the new product, and whether an imported record was linked.
    """
    producer = await producer_of(session, user_id)
    linked = False
    if producer is None and form.get("phone"):
        query = select(Producer).where(
            Producer.phone == form["phone"],
            col(Producer.user_id).is_(None),
            col(Producer.erased_at).is_(None),
        )
        producer = (await session.exec(query)).first()
        linked = producer is not None
    if producer is None:
        producer = Producer(source="chat", created_at=now)
    producer.user_id = user_id
    producer.consent_at = now
    _apply_profile(producer, form, now)
    session.add(producer)
    await session.flush()
    assert producer.id is not None
    product = _new_product(producer.id, form, now)
    same = [
        p for p in await products_of(session, producer.id) if fold(p.name) == fold(product.name)
    ]
    if linked and same:
        product = same[0]  # the imported product: keep its certificate data
    else:
        session.add(product)
    await session.flush()
    return producer, product, linked


async def add_product(
    session: AsyncSession, producer: Producer, form: dict[str, Any], now: datetime
) -> Product:
    """Add one more product to a registered producer."""
    assert producer.id is not None
    product = _new_product(producer.id, form, now)
    session.add(product)
    await session.flush()
    return product


async def update_profile(
    session: AsyncSession, producer: Producer, form: dict[str, Any], now: datetime
) -> None:
    """Save edited profile fields."""
    _apply_profile(producer, form, now)
    session.add(producer)


async def erase(session: AsyncSession, producer: Producer, now: datetime) -> None:
    """Erase the personal data of a producer; anonymous product counts stay."""
    products = await products_of(session, producer.id)
    for product in products:
        items = select(DossierItem.id).where(DossierItem.product_id == product.id)
        await session.exec(delete(DossierFile).where(col(DossierFile.dossier_item_id).in_(items)))  # type: ignore[call-overload]
        product.name = ""
        product.decision_number = None
        session.add(product)
    producer.user_id = None
    producer.representative = ""
    producer.name = ""
    producer.phone = None
    producer.commune = ""
    producer.erased_at = now
    producer.updated_at = now
    session.add(producer)
