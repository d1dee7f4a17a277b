"""The producers as officers look them up: search with or without diacritics, and one file."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.models import User
from conversations.outbox import OutboxMessage
from conversations.registration import dossier_store
from conversations.registration.tables import DossierFile, DossierItem, Producer, Product
from knowledge.checklist import ChecklistItem
from knowledge.folding import fold
from knowledge.library import Library

PAGE = 50


@dataclass(frozen=True, slots=True)
class Filters:
    """What an officer typed and picked on the producers page."""

    text: str = ""
    commune: str = ""
    stage: str = ""
    entity_type: str = ""


@dataclass(frozen=True, slots=True)
class Found:
    """One producer in the search results."""

    producer: Producer
    products: tuple[Product, ...]


@dataclass(frozen=True, slots=True)
class ItemRow:
    """One checklist item of a product: its status and the files attached to it."""

    item: ChecklistItem
    status: str
    files: tuple[DossierFile, ...]


@dataclass(frozen=True, slots=True)
class ProductFile:
    """A product with its checklist."""

    product: Product
    items: tuple[ItemRow, ...]
    progress: dossier_store.Progress


@dataclass(frozen=True, slots=True)
class ProducerFile:
    """Everything the producer page shows."""

    producer: Producer
    user: User | None
    products: tuple[ProductFile, ...]
    messages: tuple[OutboxMessage, ...]


def _matches(producer: Producer, words: list[str]) -> bool:
    haystack = fold(
        " ".join((producer.name, producer.representative, producer.phone or "", producer.commune))
    )
    digits = "".join(ch for ch in (producer.phone or "") if ch.isdigit())
    return all(w in haystack or (w.isdigit() and w in digits) for w in words)


async def search(session: AsyncSession, filters: Filters, limit: int = PAGE) -> list[Found]:
    """Producers whose name, representative, phone or commune contain every typed word.

    Matching folds case and diacritics on both sides, so "tan tien" finds "Tân Tiến".
    """
    query = select(Producer).where(col(Producer.erased_at).is_(None)).order_by(col(Producer.id))
    if filters.commune:
        query = query.where(Producer.commune == filters.commune)
    if filters.entity_type:
        query = query.where(Producer.entity_type == filters.entity_type)
    producers = list(await session.exec(query))
    words = fold(filters.text).split()
    if words:
        producers = [p for p in producers if _matches(p, words)]
    ids = [p.id for p in producers]
    products: dict[int, list[Product]] = {}
    if ids:
        rows = select(Product).where(col(Product.producer_id).in_(ids)).order_by(col(Product.id))
        for product in await session.exec(rows):
            products.setdefault(product.producer_id, []).append(product)
    found = []
    for producer in producers:
        own = products.get(producer.id or 0, [])
        if filters.stage and not any(p.stage == filters.stage for p in own):
            continue
        found.append(Found(producer, tuple(own)))
        if len(found) >= limit:
            break
    return found


async def producer_file(
    session: AsyncSession, library: Library, producer_id: int, messages: int = 50
) -> ProducerFile | None:
    """The producer's profile, products with checklist and files, and messages sent to them."""
    producer = await session.get(Producer, producer_id)
    if producer is None or producer.erased_at is not None:
        return None
    user = await session.get(User, producer.user_id) if producer.user_id else None
    product_rows = select(Product).where(Product.producer_id == producer_id)
    products = list(await session.exec(product_rows.order_by(col(Product.id))))
    files: dict[int, list[DossierFile]] = {}
    items: dict[int, dict[str, DossierItem]] = {}
    if products:
        item_rows = select(DossierItem).where(
            col(DossierItem.product_id).in_([p.id for p in products])
        )
        for item in await session.exec(item_rows):
            items.setdefault(item.product_id, {})[item.item_id] = item
        item_ids = [i.id for per in items.values() for i in per.values()]
        file_rows = select(DossierFile).where(col(DossierFile.dossier_item_id).in_(item_ids))
        for f in await session.exec(file_rows.order_by(col(DossierFile.id))):
            files.setdefault(f.dossier_item_id, []).append(f)
    shown = []
    for product in products:
        checklist = library.checklist.items_for(
            product.evaluation_type or "first", product.group_id, product.set_id
        )
        mine = items.get(product.id or 0, {})
        rows = tuple(
            ItemRow(
                item,
                mine[item.id].status if item.id in mine else "missing",
                tuple(files.get(mine[item.id].id or 0, [])) if item.id in mine else (),
            )
            for item in checklist
        )
        state = {k: v.status for k, v in mine.items()}
        shown.append(ProductFile(product, rows, dossier_store.progress(checklist, state)))
    who = [OutboxMessage.producer_id == producer_id]
    if producer.user_id:
        who.append(OutboxMessage.user_id == producer.user_id)
    sent = select(OutboxMessage).where(or_(*who)).order_by(col(OutboxMessage.id).desc())
    outbox = list(await session.exec(sent.limit(messages)))
    return ProducerFile(producer, user, tuple(shown), tuple(outbox))


async def dossier_file(session: AsyncSession, file_id: int) -> DossierFile | None:
    """One attached file's record (the bytes live with the channel that received them)."""
    return await session.get(DossierFile, file_id)
