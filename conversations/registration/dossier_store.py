"""Reading and writing a product's checklist progress and attached files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.messages import Attachment
from conversations.registration.tables import DossierFile, DossierItem
from knowledge.checklist import ChecklistItem

DONE = frozenset({"have"})
ANSWERED = frozenset({"have", "in_progress", "dont_have", "skipped"})


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a product's dossier is."""

    required_done: int
    required_total: int
    evidence_done: int
    evidence_total: int

    def bar(self, width: int = 10) -> str:
        """A text progress bar of the required items: ▓▓▓░░░."""
        if not self.required_total:
            return "░" * width
        filled = round(width * self.required_done / self.required_total)
        return "▓" * filled + "░" * (width - filled)


async def statuses(session: AsyncSession, product_id: int) -> dict[str, str]:
    """Checklist item id → status for one product (items never touched are absent)."""
    rows = await session.exec(select(DossierItem).where(DossierItem.product_id == product_id))
    return {row.item_id: row.status for row in rows}


async def _row(session: AsyncSession, product_id: int, item_id: str, now: datetime) -> DossierItem:
    query = select(DossierItem).where(
        DossierItem.product_id == product_id, DossierItem.item_id == item_id
    )
    row = (await session.exec(query)).first()
    if row is None:
        row = DossierItem(product_id=product_id, item_id=item_id, updated_at=now)
        session.add(row)
        await session.flush()
    return row


async def set_status(
    session: AsyncSession, product_id: int, item_id: str, status: str, now: datetime
) -> None:
    """Record where the product stands on one item."""
    row = await _row(session, product_id, item_id, now)
    row.status = status
    row.updated_at = now
    session.add(row)


async def attach(
    session: AsyncSession,
    product_id: int,
    item_id: str,
    channel: str,
    attachment: Attachment,
    now: datetime,
) -> None:
    """Keep a file sent for an item and mark the item as had."""
    row = await _row(session, product_id, item_id, now)
    row.status = "have"
    row.updated_at = now
    session.add(row)
    session.add(
        DossierFile(
            dossier_item_id=row.id or 0,
            channel=channel,
            kind=attachment.kind,
            file_ref=attachment.file_ref[:4000],
            mime_type=attachment.mime_type[:100],
            size=attachment.size,
            file_name=attachment.file_name[:200],
            created_at=now,
        )
    )


async def file_counts(session: AsyncSession, product_id: int) -> dict[str, int]:
    """Checklist item id → number of files attached."""
    query = (
        select(DossierItem.item_id, DossierFile.id)
        .join(DossierFile, DossierFile.dossier_item_id == DossierItem.id)  # type: ignore[arg-type]
        .where(DossierItem.product_id == product_id)
    )
    counts: dict[str, int] = {}
    for item_id, _ in await session.exec(query):
        counts[item_id] = counts.get(item_id, 0) + 1
    return counts


def progress(items: list[ChecklistItem], state: dict[str, str]) -> Progress:
    """Count the items had, required and evidence separately."""
    required = [i for i in items if i.kind == "required"]
    evidence = [i for i in items if i.kind != "required"]
    return Progress(
        required_done=sum(state.get(i.id) in DONE for i in required),
        required_total=len(required),
        evidence_done=sum(state.get(i.id) in DONE for i in evidence),
        evidence_total=len(evidence),
    )
