"""The Zalo OA channel: signed webhook events in, engine replies out, the token kept fresh."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.channels.errors import ChannelError
from bot.channels.inbox import Inbox
from bot.channels.zalo import events
from bot.channels.zalo.client import ZaloClient
from bot.channels.zalo.config import CHANNEL, PHONE_CARD_PATH, ZaloConfig
from bot.channels.zalo.oauth import OAuthClient
from bot.channels.zalo.sender import ZaloSender
from bot.channels.zalo.tokens import TokenStore
from bot.channels.zalo.webhook import webhook_route
from bot.runtime import Runtime
from conversations import users
from conversations.channels import quota
from conversations.clock import QuietHours, utcnow
from conversations.engine import Engine
from conversations.messages import Reply
from conversations.models import User

log = logging.getLogger(__name__)

MAX_NAMED = 50_000
"""Users whose display name was looked up, remembered so Zalo is asked once per process."""
SECRET_LOGGERS = {"aiosqlite": logging.INFO, "httpx": logging.WARNING, "httpcore": logging.WARNING}
"""Loggers that print SQL parameters (the token row) or request lines below these levels."""


def keep_secrets_out_of_logs() -> None:
    """Raise the loggers that would print the stored tokens at DEBUG level."""
    for name, level in SECRET_LOGGERS.items():
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < level:
            logger.setLevel(level)


class ZaloChannel:
    """Serves one OA inside `ocop-bot run` (a `Component`) and is the delivery worker's `Sender`."""

    name = CHANNEL
    channel = CHANNEL
    night = QuietHours(time(22, 0), time(6, 0))
    """Zalo refuses promotion messages (announcements) between 22:00 and 06:00 (-234)..."""
    night_zone = ZoneInfo("Asia/Ho_Chi_Minh")
    """...Vietnam time."""

    def __init__(
        self,
        config: ZaloConfig,
        engine: Engine,
        sessions: async_sessionmaker[AsyncSession],
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.config = config
        self.engine = engine
        self.sessions = sessions
        self.clock = clock
        self.http = httpx.AsyncClient(transport=transport, timeout=config.http_timeout)
        self.oauth = OAuthClient(self.http, config.oauth_base_url, config.app_id, config.app_secret)
        self.tokens = TokenStore(
            sessions,
            self.oauth,
            config.app_id,
            margin=config.refresh_margin,
            pause=config.refresh_pause,
            clock=clock,
        )
        self.client = ZaloClient(
            self.http,
            self.tokens,
            config.api_base_url,
            rate_limit_wait=config.rate_limit_wait,
            on_quota=self._quota,
        )
        self.sender = ZaloSender(self.client, sessions, config.reply_window, config.info_image_url)
        self.reply_window = self.sender.reply_window
        self.inbox = Inbox(sessions, self._handle, self._deliver, config, clock)
        self._keeper: asyncio.Task[None] | None = None
        self._named: set[str] = set()

    @classmethod
    def from_runtime(cls, runtime: Runtime) -> ZaloChannel:
        """The channel configured by the runtime's settings, on its engine and database."""
        return cls(ZaloConfig.from_settings(runtime.settings), runtime.engine, runtime.sessions)

    def routes(self) -> list[BaseRoute]:
        """`POST /zalo`, and the phone card's picture Zalo fetches."""
        card = Route(PHONE_CARD_PATH, _phone_card, methods=["GET", "HEAD"])
        return [webhook_route(self.config, self._store, self.clock), card]

    async def start(self) -> None:
        """Store the initial tokens if the database has none, start the inbox and token keeper."""
        keep_secrets_out_of_logs()
        await self.tokens.seed(self.config.access_token, self.config.refresh_token)
        if await self.tokens.status() is None:
            log.error(
                "zalo: no access token; events are stored but not answered until "
                "`ocop-bot zalo auth` is run (or ZALO_ACCESS_TOKEN/ZALO_REFRESH_TOKEN are set)"
            )
        await self.inbox.start()
        self._keeper = asyncio.create_task(self._keep_fresh(), name="zalo-token")
        log.info("zalo: serving POST /zalo for app %s", self.config.app_id)

    async def stop(self) -> None:
        """Stop the inbox (finishing events in hand) and the keeper, then close the HTTP client."""
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
            self._keeper = None
        await self.inbox.stop()
        await self.http.aclose()

    async def send(self, external_id: str, replies: Sequence[Reply]) -> list[str]:
        """Send `replies` to a user; Zalo's message ids. Raises `bot.channels.errors` types."""
        return await self.sender.send(external_id, replies)

    async def announce(self, external_id: str, reply: Reply) -> list[str]:
        """Send an announcement as Zalo requires for bulk messages (a promotion message)."""
        return await self.sender.announce(external_id, reply)

    async def _store(self, event: events.Event) -> bool:
        return await self.inbox.store(event)

    async def _deliver(self, user_key: str, reply: Reply) -> None:
        await self.sender.send(user_key, [reply])

    async def _handle(self, event: events.Event) -> list[Reply]:
        change = events.reachability(event)
        if change is not None:
            async with self.sessions() as session, session.begin():
                await users.set_reachable(session, CHANNEL, event.user_key, change == "follow")
            return []
        if event.name == "user_click_chatnow" and not await self._may_answer(event.user_key):
            log.info("zalo: chat-now tap by a user outside the reply window; not answered")
            return []
        name = await self._display_name(event.user_key)
        replies: list[Reply] = []
        for incoming in events.incomings(event, name):
            replies += await self.engine.handle(incoming)
        return replies

    async def _may_answer(self, user_key: str) -> bool:
        """True when Zalo lets the OA write to this user now: they wrote within the window.

        A tap on "Nhắn tin" is not a message: answering a stranger would draw -213/-232.
        """
        async with self.sessions() as session:
            query = select(User).where(User.channel == CHANNEL, User.external_id == user_key)
            user = (await session.exec(query)).first()
        if user is None or not user.reachable or user.last_inbound_at is None:
            return False
        return self.clock() - user.last_inbound_at < self.config.reply_window

    async def _quota(self, user_key: str, reported: dict[str, Any]) -> None:
        """Keep the quota a send reported, counted against the user's free replies."""
        async with self.sessions() as session, session.begin():
            await quota.record(session, CHANNEL, user_key, reported, self.clock())

    async def _display_name(self, user_key: str) -> str:
        """The user's Zalo name when we have none stored yet (asked once per process)."""
        if user_key in self._named:
            return ""
        if len(self._named) >= MAX_NAMED:
            self._named.clear()
        self._named.add(user_key)
        async with self.sessions() as session:
            query = select(User.display_name).where(
                User.channel == CHANNEL, User.external_id == user_key
            )
            stored = (await session.exec(query)).first()
        if stored:
            return ""
        try:
            return await self.client.display_name(user_key)
        except ChannelError as exc:
            log.info("zalo: no profile name for a user: %s", exc)
            return ""

    async def _keep_fresh(self) -> None:
        """Refresh the token ahead of expiry even when no message needs it."""
        while True:
            await asyncio.sleep(self.config.keep_fresh_every)
            try:
                await self.tokens.keep_fresh()
            except ChannelError as exc:
                log.warning("zalo: token check failed: %s", exc)
            except Exception:
                log.exception("zalo: token check failed")


PHONE_CARD = Path(__file__).with_name("phone-card.png")


async def _phone_card(_request: Request) -> Response:
    """The default picture of the share-your-phone card (PNG, 600×400)."""
    data = await asyncio.to_thread(PHONE_CARD.read_bytes)
    headers = {"Cache-Control": "public, max-age=86400"}
    return Response(data, media_type="image/png", headers=headers)
