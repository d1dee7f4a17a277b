"""Officer data in and out: import producers from a table, export producers, products, dossiers.

Import is all or nothing: every row is checked first and each bad row is reported with its
line number; only a clean file is written, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.parsing import clean_name, normalise_phone, parse_date
from conversations.registration import dossier_store
from conversations.registration.producer_store import certificate_expiry
from conversations.registration.tables import (
    ENTITY_TYPES,
    DossierFile,
    DossierItem,
    Producer,
    Product,
)
from knowledge.folding import fold
from knowledge.library import Library

HEADERS: dict[str, tuple[str, ...]] = {
    "producer": ("producer", "chu the", "ten chu the", "co so", "ten co so"),
    "representative": ("representative", "nguoi dai dien", "dai dien", "chu co so"),
    "phone": ("phone", "so dien thoai", "dien thoai", "sdt"),
    "province": ("province", "tinh"),
    "commune": ("commune", "xa", "phuong", "xa phuong", "xa/phuong"),
    "product": ("product", "san pham", "ten san pham"),
    "group": ("group", "nhom", "nhom san pham"),
    "stars": ("stars", "sao", "so sao", "hang sao"),
    "decision_date": ("decision_date", "ngay quyet dinh", "ngay cong nhan"),
    "decision_number": ("decision_number", "so quyet dinh"),
    "valid_until": (
        "valid_until",
        "hieu luc den",
        "co gia tri den",
        "ngay het han",
        "het han",
        "han giay chung nhan",
    ),
    "entity_type": ("entity_type", "loai hinh"),
}
REQUIRED = ("producer", "product", "group")


@dataclass(slots=True)
class ImportReport:
    """What an import found: errors by line, or what was written."""

    errors: list[str] = field(default_factory=list)
    producers: int = 0
    products: int = 0


@dataclass(slots=True)
class _Row:
    line: int
    producer: str
    representative: str
    phone: str | None
    province: str
    commune: str
    entity_type: str
    product: str
    group_id: str
    set_id: str | None
    stars: int | None
    decision_date: date | None
    decision_number: str | None
    valid_until: date | None


def map_headers(headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column index per field from the header row (English or Vietnamese); and what is missing."""
    index: dict[str, int] = {}
    for i, header in enumerate(headers):
        key = fold(str(header or "")).replace("_", " ").strip()
        for name, aliases in HEADERS.items():
            if key in aliases or key == name.replace("_", " "):
                index.setdefault(name, i)
    return index, [name for name in REQUIRED if name not in index]


def _cell(row: list[Any], index: dict[str, int], name: str) -> str:
    i = index.get(name)
    value = row[i] if i is not None and i < len(row) else None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _check(line: int, row: list[Any], index: dict[str, int], library: Library) -> _Row | list[str]:
    problems: list[str] = []
    get = lambda name: _cell(row, index, name)  # noqa: E731
    producer = clean_name(get("producer"), max_len=200)
    if producer is None:
        problems.append("producer: missing, too short or not a name")
    product = clean_name(get("product"), max_len=200)
    if product is None:
        problems.append("product: missing, too short or not a name")
    group = library.products.match_group(get("group")) if get("group") else None
    if group is None:
        problems.append(f"group: unknown {get('group')!r} (1–6 or a group name)")
    phone = normalise_phone(get("phone")) if get("phone") else None
    if get("phone") and phone is None:
        problems.append(f"phone: {get('phone')!r} is not a Vietnamese phone number")
    stars = None
    if get("stars"):
        digits = get("stars").rstrip("*⭐ sao").strip()
        stars = int(digits) if digits in ("1", "2", "3", "4", "5") else None
        if stars is None:
            problems.append(f"stars: {get('stars')!r} is not 1–5")
    decided = None
    if get("decision_date"):
        decided = parse_date(get("decision_date"))
        if decided is None:
            problems.append(f"decision_date: {get('decision_date')!r} is not a date (dd/mm/yyyy)")
    valid_until = None
    if get("valid_until"):
        valid_until = parse_date(get("valid_until"))
        if valid_until is None:
            problems.append(f"valid_until: {get('valid_until')!r} is not a date (dd/mm/yyyy)")
        elif decided is not None and valid_until <= decided:
            problems.append("valid_until: must be after the decision date")
    entity = get("entity_type")
    if entity and entity not in ENTITY_TYPES:
        problems.append(f"entity_type: {entity!r} is not one of {', '.join(ENTITY_TYPES)}")
    if problems:
        return [f"line {line}: {p}" for p in problems]
    assert producer and product and group
    suggestions = library.products.suggest_sets(product)
    chosen = next((s for s in suggestions if s.group_id == group.id), None)
    return _Row(
        line=line,
        producer=producer,
        representative=get("representative"),
        phone=phone,
        province=get("province") or "Cà Mau",
        commune=get("commune"),
        entity_type=entity,
        product=product,
        group_id=group.id,
        set_id=chosen.id if chosen else None,
        stars=stars,
        decision_date=decided,
        decision_number=get("decision_number") or None,
        valid_until=valid_until,
    )


async def import_producers(
    session: AsyncSession, table: list[list[Any]], library: Library, now: datetime
) -> ImportReport:
    """Check every row; write producers and products only when all rows are good."""
    report = ImportReport()
    if not table:
        report.errors.append("line 1: the file is empty")
        return report
    index, missing = map_headers([str(h) for h in table[0]])
    if missing:
        report.errors.append(f"line 1: missing column(s): {', '.join(missing)}")
        return report
    rows: list[_Row] = []
    for line, raw in enumerate(table[1:], start=2):
        if not any(str(c or "").strip() for c in raw):
            continue
        checked = _check(line, list(raw), index, library)
        if isinstance(checked, list):
            report.errors.extend(checked)
        else:
            rows.append(checked)
    if report.errors or not rows:
        if not rows and not report.errors:
            report.errors.append("line 2: no data rows")
        return report
    for row in rows:
        producer = await _find_or_create(session, row, now, report)
        await _upsert_product(session, producer, row, now, report)
    return report


async def _find_or_create(
    session: AsyncSession, row: _Row, now: datetime, report: ImportReport
) -> Producer:
    if row.phone:
        query = select(Producer).where(Producer.phone == row.phone)
    else:
        query = select(Producer).where(
            Producer.name == row.producer, Producer.commune == row.commune
        )
    producer = (await session.exec(query.where(col(Producer.erased_at).is_(None)))).first()
    if producer is None:
        producer = Producer(source="import", created_at=now)
        report.producers += 1
    producer.name = row.producer
    producer.representative = row.representative or producer.representative
    producer.phone = row.phone or producer.phone
    producer.province = row.province
    producer.commune = row.commune or producer.commune
    producer.entity_type = row.entity_type or producer.entity_type
    producer.updated_at = now
    session.add(producer)
    await session.flush()
    return producer


async def _upsert_product(
    session: AsyncSession, producer: Producer, row: _Row, now: datetime, report: ImportReport
) -> None:
    query = select(Product).where(Product.producer_id == producer.id, Product.name == row.product)
    product = (await session.exec(query)).first()
    if product is None:
        product = Product(
            producer_id=producer.id or 0, name=row.product, group_id=row.group_id, created_at=now
        )
        report.products += 1
    product.group_id = row.group_id
    product.set_id = row.set_id or product.set_id
    product.stage = "rated" if row.stars else product.stage or "producing"
    product.stars = row.stars
    product.decision_date = row.decision_date
    product.decision_number = row.decision_number
    product.valid_until = row.valid_until
    product.expiry_date = certificate_expiry(row.decision_date, row.valid_until)
    product.updated_at = now
    session.add(product)


async def export_rows(session: AsyncSession, kind: str, library: Library) -> list[list[Any]]:
    """The `producers`, `products` or `dossiers` table as rows, the header first."""
    producers = {p.id: p for p in (await session.exec(select(Producer))).all()}
    products = list((await session.exec(select(Product).order_by(col(Product.id)))).all())
    by_producer: dict[int, list[Product]] = {}
    for product in products:
        by_producer.setdefault(product.producer_id, []).append(product)
    statuses: dict[int, dict[str, str]] = {}
    for item in (await session.exec(select(DossierItem))).all():
        statuses.setdefault(item.product_id, {})[item.item_id] = item.status

    def progress(product: Product) -> str:
        items = library.checklist.items_for(
            product.evaluation_type or "first", product.group_id, product.set_id
        )
        p = dossier_store.progress(items, statuses.get(product.id or 0, {}))
        return f"{p.required_done}/{p.required_total}"

    if kind == "producers":
        rows: list[list[Any]] = [
            [
                "representative",
                "producer",
                "entity_type",
                "phone",
                "province",
                "commune",
                "products",
                "stage",
                "dossier_progress",
                "source",
            ]
        ]
        for producer in producers.values():
            own = by_producer.get(producer.id or 0, [])
            rows.append(
                [
                    producer.representative,
                    producer.name,
                    producer.entity_type,
                    producer.phone or "",
                    producer.province,
                    producer.commune,
                    "; ".join(p.name for p in own),
                    "; ".join(p.stage for p in own),
                    "; ".join(progress(p) for p in own),
                    producer.source,
                ]
            )
        return rows
    if kind == "products":
        rows = [
            [
                "producer",
                "representative",
                "phone",
                "province",
                "commune",
                "product",
                "group",
                "set",
                "stage",
                "stars",
                "decision_number",
                "decision_date",
                "expiry_date",
                "evaluation_type",
                "dossier_progress",
                "valid_until",
            ]
        ]
        for p in products:
            owner = producers[p.producer_id]
            rows.append(
                [
                    owner.name,
                    owner.representative,
                    owner.phone or "",
                    owner.province,
                    owner.commune,
                    p.name,
                    p.group_id,
                    p.set_id or "",
                    p.stage,
                    p.stars or "",
                    p.decision_number or "",
                    p.decision_date.isoformat() if p.decision_date else "",
                    p.expiry_date.isoformat() if p.expiry_date else "",
                    p.evaluation_type or "",
                    progress(p),
                    p.valid_until.isoformat() if p.valid_until else "",
                ]
            )
        return rows
    if kind == "dossiers":
        files: dict[int, int] = {}
        for item_id, _ in await session.exec(select(DossierFile.dossier_item_id, DossierFile.id)):
            files[item_id] = files.get(item_id, 0) + 1
        items = {
            (i.product_id, i.item_id): i for i in (await session.exec(select(DossierItem))).all()
        }
        rows = [["producer", "product", "evaluation_type", "item", "kind", "status", "files"]]
        for p in products:
            kind_id = p.evaluation_type or "first"
            for item in library.checklist.items_for(kind_id, p.group_id, p.set_id):
                row = items.get((p.id or 0, item.id))
                rows.append(
                    [
                        producers[p.producer_id].name,
                        p.name,
                        kind_id,
                        item.id,
                        item.kind,
                        row.status if row else "missing",
                        files.get(row.id or 0, 0) if row else 0,
                    ]
                )
        return rows
    raise ValueError(f"unknown export {kind!r}: producers, products or dossiers")
