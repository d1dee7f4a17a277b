"""Bot API calls with retries, and PTB's errors translated into the channel errors."""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import TypeVar

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, Message
from telegram.constants import PollType
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from bot.channels.errors import Blocked, ChannelError, RateLimited, TransientError
from bot.channels.telegram import polls
from bot.channels.telegram.inbound import CHANNEL
from bot.channels.telegram.rendering import Outgoing, plan
from conversations import users
from conversations.messages import Reply

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long to keep trying one Bot API call."""

    backoff: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)
    """Waits before each retry after a network error; their number bounds the retries."""
    rate_limit_retries: int = 3
    max_retry_after: float = 60.0
    """A flood wait longer than this is handed to the caller as `RateLimited`."""


def retry_seconds(exc: RetryAfter) -> float:
    """The wait Telegram asked for, whether PTB gives it as int or timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def call(
    action: Callable[[], Awaitable[T]], *, what: str, policy: RetryPolicy = RetryPolicy()
) -> T:
    """Run one Bot API call: wait out flood control, retry network errors, translate the rest."""
    network_retries = iter(policy.backoff)
    flood_waits = 0
    while True:
        try:
            return await action()
        except RetryAfter as exc:
            wait = retry_seconds(exc)
            if wait > policy.max_retry_after or flood_waits >= policy.rate_limit_retries:
                raise RateLimited(wait, f"{what}: rate limited for {wait:g}s") from exc
            flood_waits += 1
            log.info("%s: flood control, retrying in %gs", what, wait)
            await asyncio.sleep(wait)
        except Forbidden as exc:
            raise Blocked(f"{what}: {exc.message}") from exc
        except BadRequest as exc:
            raise ChannelError(f"{what}: {exc.message}") from exc
        except NetworkError as exc:  # includes TimedOut
            delay = next(network_retries, None)
            if delay is None:
                raise TransientError(f"{what}: {exc.message}") from exc
            log.info("%s: %s; retrying in %gs", what, exc.message, delay)
            await asyncio.sleep(delay)
        except InvalidToken:
            # PTB may quote the token in this message: do not chain it into logs.
            raise ChannelError(f"{what}: the bot token was rejected") from None
        except TelegramError as exc:
            raise ChannelError(f"{what}: {exc.message}") from exc


class TelegramSender:
    """Sends replies to one chat at a time; a blocked user is marked unreachable."""

    def __init__(
        self,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        policy: RetryPolicy = RetryPolicy(),
    ) -> None:
        self.bot = bot
        self.sessions = sessions
        self.policy = policy

    async def send(
        self,
        external_id: str,
        replies: Sequence[Reply],
        *,
        remove_keyboard: bool = False,
        policy: RetryPolicy | None = None,
    ) -> list[str]:
        """Show `replies` to user `external_id`; the ids of the messages sent, in order."""
        sent: list[str] = []
        try:
            for item in plan(replies, remove_keyboard=remove_keyboard):
                message = await call(
                    partial(self._one, external_id, item),
                    what=f"send {item.kind}",
                    policy=policy or self.policy,
                )
                sent.append(str(message.message_id))
                if item.kind == "poll" and message.poll is not None:
                    await self._remember(message.poll.id, external_id, item.values)
        except Blocked:
            await self.mark_unreachable(external_id)
            raise
        return sent

    async def _remember(self, poll_id: str, external_id: str, values: Sequence[str]) -> None:
        try:
            await polls.remember(self.sessions, poll_id, external_id, values)
        except Exception:
            # The poll is out; without its row an answer gets the engine's stale-button reply.
            log.exception("could not store telegram poll %s", poll_id)

    async def mark_unreachable(self, external_id: str) -> None:
        """Record that this user blocked the bot, so nothing more is sent to them."""
        async with self.sessions() as session, session.begin():
            await users.set_reachable(session, CHANNEL, external_id, False)
        log.info("telegram user %s blocked the bot; marked unreachable", external_id)

    async def _one(self, chat_id: str, item: Outgoing) -> Message:
        bot = self.bot
        if item.kind == "text":
            return await bot.send_message(chat_id, item.text, reply_markup=item.markup)
        if item.kind == "photo":
            return await bot.send_photo(
                chat_id, item.file_ref, caption=item.text or None, reply_markup=item.markup
            )
        if item.kind == "document":
            return await bot.send_document(
                chat_id, item.file_ref, caption=item.text or None, reply_markup=item.markup
            )
        poll = item.poll
        if poll is None:
            raise ValueError("a poll item without a poll")
        return await bot.send_poll(
            chat_id,
            poll.question,
            list(poll.options),
            is_anonymous=False,
            type=PollType.QUIZ if poll.correct else PollType.REGULAR,
            correct_option_ids=list(poll.correct) or None,
            explanation=poll.explanation or None,
        )
