"""Seeding producers on several channels for the broadcast tests and the benchmark."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.clock import utcnow
from conversations.models import IDLE, Conversation, User
from conversations.outbox import ReminderOptOut
from conversations.producers import DossierItem, Producer, Product


@dataclass(frozen=True, slots=True)
class Seeded:
    """One producer as seeded: its ids and what the audience filters look at."""

    producer_id: int
    user_id: int | None
    channel: str | None
    external_id: str | None
    commune: str
    stage: str
    group: str


async def add_producer(
    session: AsyncSession,
    *,
    name: str,
    commune: str,
    channel: str | None = "telegram",
    external_id: str | None = None,
    stage: str = "producing",
    group: str = "food",
    reachable: bool = True,
    last_inbound: datetime | None = None,
    opted_out: bool = False,
    done_items: tuple[str, ...] = (),
) -> Seeded:
    """A producer (with a chat user unless `channel` is None) and one product."""
    user = None
    if channel is not None:
        user = User(
            channel=channel,
            external_id=external_id or name,
            display_name=name,
            reachable=reachable,
            last_inbound_at=last_inbound or utcnow(),
        )
        session.add(user)
        await session.flush()
        session.add(Conversation(user_id=user.id or 0, state=IDLE))
        if opted_out:
            session.add(ReminderOptOut(user_id=user.id or 0, kind="announcement"))
    producer = Producer(
        user_id=user.id if user else None,
        representative=name,
        name=f"HTX {name}",
        province="Cà Mau",
        commune=commune,
        source="chat" if user else "import",
    )
    session.add(producer)
    await session.flush()
    product = Product(
        producer_id=producer.id or 0,
        name=f"Sản phẩm {name}",
        group_id=group,
        stage=stage,
        evaluation_type="first",
    )
    session.add(product)
    await session.flush()
    for item in done_items:
        session.add(DossierItem(product_id=product.id or 0, item_id=item, status="have"))
    return Seeded(
        producer.id or 0,
        user.id if user else None,
        channel,
        user.external_id if user else None,
        commune,
        stage,
        group,
    )


async def telegram_producers(
    sessions: async_sessionmaker[AsyncSession], n: int, *, first_chat: int = 10_000,
    commune: str = "Phường An Xuyên",
) -> list[Seeded]:
    """`n` reachable Telegram producers with chat ids first_chat, first_chat+1, …"""
    seeded = []
    async with sessions() as session, session.begin():
        for i in range(n):
            seeded.append(
                await add_producer(
                    session,
                    name=f"p{first_chat + i}",
                    commune=commune,
                    external_id=str(first_chat + i),
                    last_inbound=utcnow() - timedelta(days=1),
                )
            )
    return seeded
