"""Native quiz polls kept in the database, so an answer maps back to a choice after a restart."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import PollAnswer

from bot.channels.telegram.inbound import CHANNEL, user_fields
from conversations.channels.tables import SentPoll
from conversations.messages import Incoming

STALE = "poll:stale"
"""The action for an answer to a poll we do not know; the engine answers it as a stale button."""


async def remember(
    sessions: async_sessionmaker[AsyncSession], poll_id: str, user_key: str, values: Sequence[str]
) -> None:
    """Store which choice value each option of poll `poll_id` stands for."""
    async with sessions() as session, session.begin():
        await session.merge(
            SentPoll(channel=CHANNEL, poll_id=poll_id, user_key=user_key, values=list(values))
        )


async def answer_incoming(
    sessions: async_sessionmaker[AsyncSession], answer: PollAnswer, update_id: int
) -> Incoming | None:
    """The poll answer as the action of the chosen option; None for a withdrawn vote."""
    user = answer.user
    if user is None or not answer.option_ids:
        return None
    async with sessions() as session:
        sent = await session.get(SentPoll, (CHANNEL, answer.poll_id))
    index = answer.option_ids[0]
    value = STALE
    if sent is not None and sent.user_key == str(user.id) and index < len(sent.values):
        value = sent.values[index]
    return Incoming(action=value, **user_fields(user, update_id))
