"""The dialogue engine: one inbound message in, replies out, state saved in one transaction."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations import users
from conversations.i18n import pick_locale
from conversations.locks import KeyedLocks
from conversations.messages import Incoming, Reply
from conversations.models import Conversation, ProcessedMessage
from conversations.router import Router
from conversations.services import Services
from conversations.turn import Turn

log = logging.getLogger(__name__)


class Engine:
    """Handles `Incoming` messages: dedupe, serialise per user, route, save, return replies."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], services: Services, router: Router
    ) -> None:
        self.sessions = sessions
        self.services = services
        self.router = router
        self._locks = KeyedLocks()

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Answer one message. A duplicate message id returns []; an internal error, an apology."""
        key = f"{incoming.channel}:{incoming.user_key}"
        async with self._locks.hold(key):
            try:
                return await self._handle(incoming)
            except Exception:
                log.exception(
                    "failed to handle %s message %s", incoming.channel, incoming.message_id
                )
                texts = self.services.catalogs.texts(
                    pick_locale(incoming.locale_hint, self.services.default_locale)
                )
                return [Reply(texts("Sorry, something went wrong on my side. Please try again."))]

    async def _handle(self, incoming: Incoming) -> list[Reply]:
        now = self.services.clock()
        async with self.sessions() as session, session.begin():
            user = await users.get_or_create(
                session,
                incoming.channel,
                incoming.user_key,
                locale=pick_locale(incoming.locale_hint, self.services.default_locale),
                name=incoming.display_name,
                lock=True,
            )
            seen = await session.get(ProcessedMessage, (incoming.channel, incoming.message_id))
            if seen is not None:
                return []
            session.add(
                ProcessedMessage(
                    channel=incoming.channel,
                    message_id=incoming.message_id,
                    user_id=user.id,
                    processed_at=now,
                )
            )
            user.last_inbound_at = now
            if incoming.display_name and not user.display_name:
                user.display_name = incoming.display_name[:200]
            conv = await session.get(Conversation, user.id)
            if conv is None:
                conv = Conversation(user_id=user.id, data={}, choices=[])  # type: ignore[arg-type]
                session.add(conv)
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
            offered = next((r.choices for r in reversed(replies) if r.choices), None)
            if offered is not None:
                conv.choices = [[c.label, c.value] for c in offered]
            conv.updated_at = now
            flag_modified(conv, "data")
            flag_modified(conv, "choices")
        return replies
