"""The officers' question inbox: open escalations with the asker's context, and answering them.

An answer is written in the same transaction as the escalation's new status, as an outbox row
(`esc:<id>:answer`) that the delivery worker sends on the asker's channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.faq.tables import Escalation
from conversations.i18n import Catalogs
from conversations.messages import Reply
from conversations.models import User
from conversations.outbox import OutboxMessage, enqueue
from conversations.registration.tables import Producer, Product
from knowledge.library import Library

OPEN, ANSWERED = "open", "answered"
KIND = "officer_answer"
MAX_ANSWER = 3000
REPLY_WORKING_DAYS = 2
"""What producers are told to expect for an officer's answer (the province's own target)."""


@dataclass(frozen=True, slots=True)
class Question:
    """One escalated question as the inbox shows it."""

    escalation: Escalation
    user: User | None
    producer: Producer | None
    products: tuple[str, ...]
    closest_question: str | None
    """The closest FAQ entry's question (in the asker's language), when retrieval found one."""
    delivery: str | None
    """Status of the answer's outbox row, once answered."""


def dedupe_key(escalation_id: int) -> str:
    """The outbox dedupe key of the answer to one escalation."""
    return f"esc:{escalation_id}:answer"


async def questions(
    session: AsyncSession, library: Library, status: str = OPEN, limit: int = 100
) -> list[Question]:
    """Escalations with `status` (open ones oldest first, answered ones newest first)."""
    order = col(Escalation.id) if status == OPEN else col(Escalation.answered_at).desc()
    query = (
        select(Escalation, User, Producer)
        .outerjoin(User, User.id == Escalation.user_id)  # type: ignore[arg-type]
        .outerjoin(Producer, Producer.user_id == Escalation.user_id)  # type: ignore[arg-type]
        .where(Escalation.status == status)
        .order_by(order)
        .limit(limit)
    )
    rows = list(await session.exec(query))
    producer_ids = [p.id for _, _, p in rows if p is not None]
    names: dict[int, list[str]] = {}
    if producer_ids:
        products = select(Product).where(col(Product.producer_id).in_(producer_ids))
        for product in await session.exec(products.order_by(col(Product.id))):
            names.setdefault(product.producer_id, []).append(product.name)
    keys = [dedupe_key(e.id or 0) for e, _, _ in rows]
    delivery: dict[str, str] = {}
    if status != OPEN and keys:
        query_out = select(OutboxMessage.dedupe_key, OutboxMessage.status).where(
            col(OutboxMessage.dedupe_key).in_(keys)
        )
        delivery = {key: state for key, state in await session.exec(query_out)}
    entries = {e.id: e for e in library.faq}
    found = []
    for escalation, user, producer in rows:
        entry = entries.get(escalation.closest_entry or "")
        lang = escalation.lang if escalation.lang in ("vi", "en") else "vi"
        found.append(
            Question(
                escalation=escalation,
                user=user,
                producer=producer if producer is not None and producer.erased_at is None else None,
                products=tuple(names.get(producer.id or 0, [])) if producer else (),
                closest_question=entry.question[lang] if entry else None,
                delivery=delivery.get(dedupe_key(escalation.id or 0)),
            )
        )
    return found


async def open_count(session: AsyncSession) -> int:
    """How many questions wait for an officer."""
    query = select(Escalation.id).where(Escalation.status == OPEN)
    return len((await session.exec(query)).all())


async def answer(
    session: AsyncSession,
    escalation_id: int,
    *,
    officer: User,
    text: str,
    catalogs: Catalogs,
    now: datetime,
) -> Escalation | None:
    """Mark an open escalation answered and queue the answer for the asker; None if not open."""
    query = select(Escalation).where(Escalation.id == escalation_id).with_for_update()
    escalation = (await session.exec(query)).first()
    text = text.strip()[:MAX_ANSWER]
    if escalation is None or escalation.status != OPEN or not text:
        return None
    escalation.status = ANSWERED
    escalation.answer = text
    escalation.answered_by = officer.id
    escalation.answered_at = now
    session.add(escalation)
    user = await session.get(User, escalation.user_id) if escalation.user_id else None
    t = catalogs.texts(user.locale if user else escalation.lang)
    header = "💬 " + t("An OCOP officer answered your question:")
    body = "\n\n".join((header, "“" + escalation.question.strip() + "”", text))
    await enqueue(
        session,
        dedupe_key=dedupe_key(escalation_id),
        user_id=user.id if user else None,
        kind=KIND,
        reply=Reply(body),
        not_before=now,
        urgent=False,
    )
    return escalation
