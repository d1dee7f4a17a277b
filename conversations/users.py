"""Small user operations used outside a message turn (CLI, adapters)."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.clock import utcnow
from conversations.models import IDLE, Conversation, User


async def get_or_create(
    session: AsyncSession,
    channel: str,
    external_id: str,
    *,
    locale: str = "vi",
    name: str = "",
    lock: bool = False,
) -> User:
    """The user for (channel, external id), created with an empty conversation when new.

    With `lock`, the row stays locked until the transaction ends (a row lock on PostgreSQL;
    SQLite's write transactions are already exclusive).
    """
    query = select(User).where(User.channel == channel, User.external_id == external_id)
    if lock:
        query = query.with_for_update()
    user = (await session.exec(query)).first()
    if user is not None:
        return user
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    await session.exec(  # type: ignore[call-overload]
        insert(User)
        .values(
            channel=channel,
            external_id=external_id,
            locale=locale,
            display_name=name[:200],
            created_at=utcnow(),
            locale_chosen=False,
            role="user",
            reachable=True,
        )
        .on_conflict_do_nothing()
    )
    user = (await session.exec(query)).one()
    await session.exec(  # type: ignore[call-overload]
        insert(Conversation)
        .values(user_id=user.id, state=IDLE, data={}, choices=[], updated_at=utcnow())
        .on_conflict_do_nothing()
    )
    return user


async def set_locale(session: AsyncSession, channel: str, external_id: str, locale: str) -> None:
    """Make `locale` the user's chosen language."""
    user = await get_or_create(session, channel, external_id, locale=locale)
    user.locale = locale
    user.locale_chosen = True
    session.add(user)


async def set_reachable(
    session: AsyncSession, channel: str, external_id: str, reachable: bool
) -> None:
    """Record whether the channel can still deliver to this user (False after a block)."""
    query = select(User).where(User.channel == channel, User.external_id == external_id)
    user = (await session.exec(query)).first()
    if user is not None and user.reachable != reachable:
        user.reachable = reachable
        session.add(user)
