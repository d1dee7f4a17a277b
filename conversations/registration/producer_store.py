"""Reading and writing producers and products: registration, linking imports, erasing."""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import Any

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.registration.tables import DossierFile, DossierItem, Producer, Product
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
    "valid_until",
)


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def certificate_expiry(decision_date: date | None, valid_until: date | None = None) -> date | None:
    """When a certificate ends: the date printed on it (`valid_until`) when known, else an
    estimate of 36 months after `decision_date`; None when neither is known."""
    if valid_until is not None:
        return valid_until
    return add_months(decision_date, CERTIFICATE_MONTHS) if decision_date else None


def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


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


def product_form(product: Product) -> dict[str, Any]:
    """A stored product as form fields, for showing or editing."""
    return {
        "product_id": product.id,
        "product_name": product.name,
        "product_group": product.group_id,
        "product_set": product.set_id,
        "stage": product.stage,
        "stars": product.stars,
        "decision_number": product.decision_number,
        "decision_date": product.decision_date.isoformat() if product.decision_date else None,
        "valid_until": product.valid_until.isoformat() if product.valid_until else None,
    }


def _apply_profile(producer: Producer, form: dict[str, Any], now: datetime) -> None:
    producer.representative = form["representative"]
    producer.name = form["producer_name"]
    producer.entity_type = form["entity_type"]
    producer.phone = form.get("phone")
    producer.province = form.get("province", "")
    producer.commune = form.get("commune", "")
    producer.updated_at = now


def _apply_product(product: Product, form: dict[str, Any], now: datetime) -> None:
    decision_date = _day(form.get("decision_date"))
    valid_until = _day(form.get("valid_until"))
    rated = form.get("stage") == "rated"
    product.name = form["product_name"]
    product.group_id = form["product_group"]
    product.set_id = form.get("product_set")
    product.stage = form["stage"]
    product.stars = form.get("stars") if rated else None
    product.decision_number = form.get("decision_number") if rated else None
    product.decision_date = decision_date if rated else None
    product.valid_until = valid_until if rated else None
    product.expiry_date = certificate_expiry(decision_date, valid_until) if rated else None
    product.updated_at = now


def _new_product(producer_id: int, form: dict[str, Any], now: datetime) -> Product:
    product = Product(producer_id=producer_id, name="", group_id="", created_at=now)
    _apply_product(product, form, now)
    return product


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


async def update_product(
    session: AsyncSession, producer: Producer, form: dict[str, Any], now: datetime
) -> Product | None:
    """Save an edited product (`form["product_id"]`) of this producer; None if it is not theirs."""
    product = await session.get(Product, form.get("product_id"))
    if product is None or product.producer_id != producer.id:
        return None
    _apply_product(product, form, now)
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
