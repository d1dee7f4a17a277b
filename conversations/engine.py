"""The dialogue engine: one inbound message in, replies out, state saved in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import TextClause, bindparam, text, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations import users
from conversations.i18n import pick_locale
from conversations.locks import KeyedLocks
from conversations.messages import Incoming, Reply
from conversations.models import Conversation, ProcessedMessage, User
from conversations.router import Router
from conversations.services import Services
from conversations.turn import Turn

log = logging.getLogger(__name__)

Also = Callable[[AsyncSession, list[Reply], str], Awaitable[None]]
"""A channel's own writes for a turn (session, the turn's replies, the user's language after it),
made in the turn's transaction."""

INBOUND_PRECISION = timedelta(minutes=1)
"""How stale `User.last_inbound_at` may get before it is written again (it bounds the Zalo
messaging window, counted in hours, so a minute is plenty and saves a write per message)."""


class Engine:
    """Handles `Incoming` messages: dedupe, serialise per user, route, save, return replies."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], services: Services, router: Router
    ) -> None:
        self.sessions = sessions
        self.services = services
        self.router = router
        self._locks = KeyedLocks()
        # Built once with bind parameters so SQLAlchemy compiles each a single time and then
        # serves it from its statement cache (a fresh `insert().on_conflict_do_nothing()` has no
        # cache key and was compiled again for every message).
        self._load_query = (
            select(User, Conversation)
            .join(Conversation, Conversation.user_id == User.id)  # type: ignore[arg-type]
            .where(
                User.channel == bindparam("channel"),
                User.external_id == bindparam("external_id"),
            )
            .with_for_update()
        )
        self._record_message: TextClause = text(
            "INSERT INTO processed_messages (channel, message_id, user_id, processed_at) "
            "VALUES (:channel, :message_id, :user_id, :processed_at) ON CONFLICT DO NOTHING"
        ).bindparams(
            *(bindparam(c.name, type_=c.type) for c in ProcessedMessage.__table__.columns)  # type: ignore[attr-defined]
        )

    async def handle(self, incoming: Incoming, also: Also | None = None) -> list[Reply]:
        """Answer one message. A duplicate message id returns []; an internal error, an apology.

        `also` runs inside the turn's transaction once its replies are known (a channel that
        stores them itself, as the web chat's transcript, saves a transaction and can never
        keep a turn without its rows): when `handle` returns the very list `also` was given,
        both were committed together; anything else (a duplicate, an apology) was not.
        """
        key = f"{incoming.channel}:{incoming.user_key}"
        async with self._locks.hold(key):
            try:
                return await self._handle(incoming, also)
            except Exception:
                log.exception(
                    "failed to handle %s message %s", incoming.channel, incoming.message_id
                )
                texts = self.services.catalogs.texts(
                    pick_locale(incoming.locale_hint, self.services.default_locale)
                )
                return [Reply(texts("Sorry, something went wrong on my side. Please try again."))]

    async def _handle(self, incoming: Incoming, also: Also | None) -> list[Reply]:
        now = self.services.clock()
        async with self.sessions() as session, session.begin():
            user, conv = await self._load(session, incoming)
            if not await self._first_time(session, incoming, user.id):
                # Already handled. If it was the last message, its turn may have been committed
                # without its replies ever leaving (a crash in between): answer it again.
                if incoming.repeat_answer and conv.last_message_id == incoming.message_id:
                    return [Reply.from_json(r) for r in conv.last_replies]
                return []
            if user.last_inbound_at is None or now - user.last_inbound_at > INBOUND_PRECISION:
                user.last_inbound_at = now
            if not user.reachable and incoming.channel != "terminal":
                user.reachable = True  # they wrote to us, so the channel reaches them again
            if incoming.display_name and not user.display_name:
                user.display_name = incoming.display_name[:200]
            turn = Turn(
                session=session,
                user=user,
                conv=conv,
                incoming=incoming,
                t=self.services.catalogs.texts(user.locale),
                services=self.services,
                now=now,
            )
            replies = await self.router.route(turn)
            # The choices on offer are those of the last reply: a last message without choices
            # (a question to type into, the step asked again after an aside) takes them away.
            offered = replies[-1].choices if replies else ()
            conv.choices = [[c.label, c.value] for c in offered]
            # A step asking for a phone keeps its share-contact button on a retry (Router._again).
            asking = replies[-1].request_contact if replies else ""
            if asking:
                conv.data["contact_label"] = asking
            else:
                conv.data.pop("contact_label", None)
            conv.updated_at = now
            conv.last_message_id = incoming.message_id
            conv.last_replies = [r.to_json() for r in replies]
            flag_modified(conv, "data")
            flag_modified(conv, "choices")
            if also is not None:
                await also(session, replies, user.locale)
        return replies

    async def delivered(self, incoming: Incoming) -> None:
        """Record that the replies to `incoming` reached the user: a redelivery gets none.

        For a channel that cannot tell by itself whether a turn's replies left (Telegram): its
        redeliveries ask for `repeat_answer`, and only a turn not marked here is answered again.
        """
        user_id = (
            select(User.id)
            .where(User.channel == incoming.channel, User.external_id == incoming.user_key)
            .scalar_subquery()
        )
        async with self.sessions() as session, session.begin():
            await session.exec(  # type: ignore[call-overload]
                update(Conversation)
                .where(
                    Conversation.user_id == user_id,  # type: ignore[arg-type]
                    Conversation.last_message_id == incoming.message_id,  # type: ignore[arg-type]
                )
                .values(last_replies=[])
            )

    async def _load(self, session: AsyncSession, incoming: Incoming) -> tuple[User, Conversation]:
        """The user (created when new) and their conversation, both rows locked until commit.

        Both rows are locked, not only the user's: after waiting for a lock PostgreSQL re-reads
        the rows it locked, so the conversation state is the one the previous message saved.
        """
        query, keys = (
            self._load_query,
            {"channel": incoming.channel, "external_id": incoming.user_key},
        )
        row = (await session.exec(query, params=keys)).first()
        if row is None:
            await users.get_or_create(
                session,
                incoming.channel,
                incoming.user_key,
                locale=pick_locale(incoming.locale_hint, self.services.default_locale),
                name=incoming.display_name,
            )
            row = (await session.exec(query, params=keys)).one()
        return row[0], row[1]

    async def _first_time(
        self, session: AsyncSession, incoming: Incoming, user_id: int | None
    ) -> bool:
        """Record the message id; False when it was already recorded (a duplicate)."""
        connection = await session.connection()
        result = await connection.execute(
            self._record_message,
            {
                "channel": incoming.channel,
                "message_id": incoming.message_id,
                "user_id": user_id,
                "processed_at": self.services.clock(),
            },
        )
        return bool(result.rowcount)
