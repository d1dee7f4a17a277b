"""The Telegram channel: updates in through polling or the webhook, engine replies out."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from functools import partial

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.routing import BaseRoute
from telegram import Bot, CallbackQuery, ChatMember, ChatMemberUpdated, Update
from telegram.error import BadRequest, InvalidToken
from telegram.ext import ContextTypes, TypeHandler

from bot.channels.errors import Blocked, ChannelError, TransientError
from bot.channels.inbox import Event, Inbox
from bot.channels.telegram import polls
from bot.channels.telegram.commands import set_commands
from bot.channels.telegram.config import (
    ALLOWED_UPDATES,
    TelegramConfig,
    build_application,
    keep_token_out_of_logs,
)
from bot.channels.telegram.inbound import CHANNEL, to_incoming
from bot.channels.telegram.polling import Poller
from bot.channels.telegram.rendering import MAX_TEXT, split_text, utf16_len
from bot.channels.telegram.sending import RetryPolicy, TelegramSender, call
from bot.channels.telegram.webhook import webhook_route
from bot.runtime import Runtime
from conversations import users
from conversations.engine import Engine
from conversations.messages import Incoming, Reply

log = logging.getLogger(__name__)

QUICK = RetryPolicy(backoff=(0.5,), rate_limit_retries=1, max_retry_after=2.0)
"""For answering a button tap: the spinner should stop now or not at all."""
MAX_BOOT_BACKOFF = 60.0


class TelegramChannel:
    """Serves one bot token inside `ocop-bot run` (a `Component`) and sends for other parts."""

    name = CHANNEL
    channel = CHANNEL
    reply_window: timedelta | None = None
    """Telegram lets a bot write to a user at any time (until the user blocks it)."""

    def __init__(
        self, config: TelegramConfig, engine: Engine, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        self.config = config
        self.engine = engine
        self.sessions = sessions
        self.application = build_application(config)
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self.sender = TelegramSender(self.application.bot, sessions, config.retry)
        self.inbox = Inbox(
            sessions, self._handle_stored, self._no_delivery, config.inbox, channel=CHANNEL
        )
        self.poller: Poller | None = None
        self._boot: asyncio.Task[None] | None = None
        self.refused = ""
        """Why Telegram refused to start the channel (its webhook address), if it did."""
        self._ready = asyncio.Event()
        self._failed: set[int] = set()
        self._busy = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @classmethod
    def from_runtime(cls, runtime: Runtime) -> TelegramChannel:
        """The channel configured by the runtime's settings, on its engine and database."""
        config = TelegramConfig.from_settings(runtime.settings)
        return cls(config, runtime.engine, runtime.sessions)

    @property
    def bot(self) -> Bot:
        """The PTB bot that talks to the Bot API."""
        return self.application.bot

    def routes(self) -> list[BaseRoute]:
        """`POST /telegram` in webhook mode; nothing when polling."""
        if not self.config.webhook:
            return []
        return [webhook_route(self.config.webhook_secret, self._ready_bot, self._store)]

    async def start(self) -> None:
        """Connect in the background (retrying while Telegram is unreachable), then serve."""
        keep_token_out_of_logs()
        self._boot = asyncio.create_task(self._connect(), name="telegram-connect")

    async def wait_ready(self) -> None:
        """Wait until updates are being received (wrap in `asyncio.timeout`)."""
        await self._ready.wait()

    async def stop(self) -> None:
        """Stop receiving, finish the updates in hand (bounded), close the HTTP clients."""
        self._ready.clear()
        if self._boot is not None and not self._boot.done():
            self._boot.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._boot
        if self.poller is not None:
            await self.poller.stop(self.config.stop_grace)
        if self.config.webhook:
            await self.inbox.stop()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), self.config.stop_grace)
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        await self.bot.shutdown()  # also when initialize() never finished

    async def process(self, update: Update) -> bool:
        """Handle one update through the PTB application; False when it failed."""
        self._busy += 1
        self._idle.clear()
        try:
            await self.application.process_update(update)
        finally:
            self._busy -= 1
            if self._busy == 0:
                self._idle.set()
        if update.update_id in self._failed:
            self._failed.discard(update.update_id)
            return False
        return True

    async def _store(self, update: Update) -> bool:
        """Commit a webhook update to the inbox (False: stored before)."""
        user = update.effective_user or update.effective_chat
        key = str(user.id) if user is not None else ""
        kind = next((k for k in ALLOWED_UPDATES if getattr(update, k, None) is not None), "other")
        payload = update.to_dict()
        return await self.inbox.store(Event(kind, key, str(update.update_id), 0, payload))

    async def _handle_stored(self, event: Event) -> list[Reply]:
        """Process a stored update as if it had just arrived; raise so a failure is retried."""
        update = Update.de_json(dict(event.payload), self.bot)
        if not await self.process(update):
            raise ChannelError(f"telegram: update {update.update_id} failed")
        return []

    async def _no_delivery(self, _user_key: str, _reply: Reply) -> None:
        """Replies go out while the update is processed; the inbox has nothing left to send."""

    async def send(self, external_id: str, replies: Sequence[Reply]) -> list[str]:
        """Send `replies` to a user; the sent message ids. Raises `bot.channels.errors` types.

        For the delivery worker: a flood wait is not sat out here but raised as `RateLimited`,
        so the worker can pause all of Telegram's traffic and try the row again later.
        """
        if not self._ready.is_set():
            raise TransientError("the Telegram channel is not connected")
        policy = replace(self.config.retry, rate_limit_retries=0)
        return await self.sender.send(external_id, replies, policy=policy)

    async def edit(self, external_id: str, message_id: str, text: str) -> None:
        """Replace the text of a message the bot sent (an officer's progress line).

        Text beyond Telegram's 4,096 characters is cut; an unchanged text is no error.
        """
        if not self._ready.is_set():
            raise TransientError("the Telegram channel is not connected")
        text = text.strip()
        if not text:
            raise ChannelError("edit message: the new text is empty")
        if utf16_len(text) > MAX_TEXT:
            text = split_text(text, MAX_TEXT - 1)[0] + "…"
        policy = replace(self.config.retry, rate_limit_retries=0)
        try:
            await call(
                partial(self.bot.edit_message_text, text, chat_id=external_id,
                        message_id=int(message_id)),
                what="edit message",
                policy=policy,
            )
        except ChannelError as exc:
            if "not modified" not in str(exc):
                raise

    async def download(self, file_ref: str) -> bytes:
        """The content of a file the user sent (photo or document), fetched now."""
        policy = self.config.retry
        file = await call(partial(self.bot.get_file, file_ref), what="get file", policy=policy)
        data = await call(file.download_as_bytearray, what="download file", policy=policy)
        return bytes(data)

    def _ready_bot(self) -> Bot | None:
        return self.bot if self._ready.is_set() else None

    async def _connect(self) -> None:
        delay = 1.0
        while True:
            try:
                await self._bootstrap()
                break
            except InvalidToken:
                log.error("telegram: the bot token was rejected; the channel is off")
                return
            except BadRequest as exc:
                log.error(
                    "telegram: Telegram refused the webhook address %s (%s); the channel is "
                    "off: fix TELEGRAM_WEBHOOK_URL (HTTPS, port 443, 80, 88 or 8443)",
                    self.config.webhook_url,
                    exc.message,
                )
                self.refused = exc.message
                return
            except Exception as exc:
                log.warning("telegram: cannot reach the Bot API (%s); retry in %gs", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BOOT_BACKOFF)
        if self.config.webhook:
            await self.inbox.start()
        else:
            self.poller = Poller(
                self.bot,
                self.process,
                timeout=self.config.poll_timeout,
                allowed_updates=ALLOWED_UPDATES,
            )
            self.poller.start()
        self._ready.set()
        log.info("telegram: serving @%s by %s", self.bot.username, self._mode())

    async def _bootstrap(self) -> None:
        await self.application.initialize()
        if not self.application.running:
            await self.application.start()
        if self.config.webhook:
            await self.bot.set_webhook(
                self.config.webhook_url,
                secret_token=self.config.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            await self.bot.delete_webhook()
        services = self.engine.services
        await set_commands(self.bot, services.catalogs, services.default_locale)

    def _mode(self) -> str:
        return "webhook" if self.config.webhook else "long polling"

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query is not None:
            await self._answer(update.callback_query)
        if update.my_chat_member is not None:
            await self._membership(update.my_chat_member)
            return
        incoming = await self._incoming(update)
        if incoming is None:
            return
        replies = await self.engine.handle(incoming)
        if not replies:
            return
        try:
            await self.sender.send(incoming.user_key, replies, remove_keyboard=True)
        except Blocked:
            pass  # already marked unreachable
        except ChannelError as exc:
            # The update is confirmed all the same: Telegram will not send it again.
            log.warning("telegram: reply to update %d not delivered: %s", update.update_id, exc)
        # Sent (or never to be): a redelivery after a crash from here on gets nothing again.
        await self.engine.delivered(incoming)

    async def _incoming(self, update: Update) -> Incoming | None:
        if update.poll_answer is not None:
            return await polls.answer_incoming(self.sessions, update.poll_answer, update.update_id)
        return to_incoming(update)

    async def _answer(self, query: CallbackQuery) -> None:
        """Stop the button's spinner; a tap too old to answer is still handled."""
        try:
            await call(query.answer, what="answer button", policy=QUICK)
        except ChannelError as exc:
            log.info("telegram: could not answer a button tap: %s", exc)

    async def _membership(self, change: ChatMemberUpdated) -> None:
        """A user blocked or unblocked the bot: record whether we can still reach them."""
        if change.chat.type != change.chat.PRIVATE:
            return
        status = change.new_chat_member.status
        reachable = status not in (ChatMember.BANNED, ChatMember.LEFT)
        async with self.sessions() as session, session.begin():
            await users.set_reachable(session, CHANNEL, str(change.from_user.id), reachable)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update):
            self._failed.add(update.update_id)
            log.error("telegram: update %d failed", update.update_id, exc_info=context.error)
        else:
            log.error("telegram: error outside an update", exc_info=context.error)
