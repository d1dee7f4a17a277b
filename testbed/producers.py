"""Seeding producers on several channels for the broadcast tests and the benchmark."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.clock import utcnow
from conversations.models import IDLE, Conversation, User
from conversations.outbox import ReminderOptOut
from conversations.registration.tables import DossierItem, Producer, Product


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
    sessions: async_sessionmaker[AsyncSession],
    n: int,
    *,
    first_chat: int = 10_000,
    commune: str = "Phường An Xuyên",
) -> list[int]:
    """`n` reachable Telegram producers with chat ids first_chat, first_chat+1, …, inserted in
    bulk (a few statements a thousand, not thousands of statements); their chat ids."""
    chats = list(range(first_chat, first_chat + n))
    for start in range(0, n, 1_000):  # asyncpg takes at most 32,767 parameters a statement
        await _bulk(sessions, chats[start : start + 1_000], commune)
    return chats


async def _bulk(sessions: async_sessionmaker[AsyncSession], chats: list[int], commune: str) -> None:
    now = utcnow()
    async with sessions() as session, session.begin():
        users = [
            {
                "channel": "telegram",
                "external_id": str(c),
                "display_name": f"p{c}",
                "locale": "vi",
                "locale_chosen": False,
                "role": "user",
                "reachable": True,
                "created_at": now,
                "last_inbound_at": now - timedelta(days=1),
            }
            for c in chats
        ]
        await session.exec(insert(User).values(users))  # type: ignore[call-overload]
        rows = await session.exec(
            select(User.id, User.external_id).where(
                User.channel == "telegram", col(User.external_id).in_([str(c) for c in chats])
            )
        )
        ids = {int(ext): uid for uid, ext in rows}
        conversations = [
            {"user_id": ids[c], "state": IDLE, "data": {}, "choices": [], "updated_at": now}
            for c in chats
        ]
        await session.exec(insert(Conversation).values(conversations))  # type: ignore[call-overload]
        producers = [
            {
                "user_id": ids[c],
                "representative": f"p{c}",
                "name": f"HTX p{c}",
                "entity_type": "cooperative",
                "province": "Cà Mau",
                "commune": commune,
                "source": "chat",
                "created_at": now,
                "updated_at": now,
            }
            for c in chats
        ]
        await session.exec(insert(Producer).values(producers))  # type: ignore[call-overload]
