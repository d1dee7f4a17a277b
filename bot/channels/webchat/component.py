"""The web chat component: hands visitors' messages to the engine and keeps the transcript."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlmodel import select
from starlette.requests import Request
from starlette.routing import BaseRoute

from bot.channels.webchat import transcript
from bot.channels.webchat.assets import Assets
from bot.channels.webchat.identity import Identity
from bot.channels.webchat.notifier import Notifier
from bot.channels.webchat.page import Page
from bot.channels.webchat.posted import Sent
from bot.channels.webchat.ratelimit import RateLimiter
from bot.channels.webchat.routes import chat_routes
from bot.channels.webchat.transcript import Transcript
from bot.channels.webchat.uploads import UploadStore
from bot.runtime import Runtime
from bot.web.secret_key import load_secret_key
from conversations.channel_store import WebMessage
from conversations.engine import Engine
from conversations.locks import KeyedLocks
from conversations.messages import Incoming, Reply
from conversations.models import User

log = logging.getLogger(__name__)

CHANNEL = "web"


@dataclass(frozen=True, slots=True)
class Limits:
    """How much one visitor, and one client address, may send."""

    per_minute: float = 20
    burst: int = 20
    address_per_minute: float = 600
    """Per client address: a flood guard only, since many phones share a carrier's address."""
    address_burst: int = 120


class WebChat:
    """The `/chat` page and its API; `send()` is how proactive messages reach a visitor."""

    name = "webchat"
    channel = CHANNEL
    reply_window: timedelta | None = None

    def __init__(
        self,
        runtime: Runtime,
        *,
        var_dir: Path = Path("var"),
        limits: Limits = Limits(),
        poll_wait: float = 25.0,
        recheck: float = 3.0,
    ) -> None:
        self.runtime = runtime
        self.engine: Engine = runtime.engine
        self.var_dir = var_dir
        self.uploads = UploadStore(var_dir / "uploads")
        self.transcript = Transcript(runtime.sessions)
        self.notifier = Notifier()
        self.visitor_limit = RateLimiter(limits.per_minute, limits.burst)
        self.address_limit = RateLimiter(limits.address_per_minute, limits.address_burst)
        self.poll_wait = poll_wait
        self.recheck = recheck
        self._locks = KeyedLocks()
        self._identity: Identity | None = None
        self._page: Page | None = None
        self._assets: Assets | None = None

    @property
    def identity(self) -> Identity:
        """Visitor ids and cookies (ready once started)."""
        if self._identity is None:
            raise RuntimeError("the web chat is not started")
        return self._identity

    @property
    def page(self) -> Page:
        """The page template (ready once started)."""
        if self._page is None:
            raise RuntimeError("the web chat is not started")
        return self._page

    @property
    def assets(self) -> Assets:
        """The static files (ready once started)."""
        if self._assets is None:
            raise RuntimeError("the web chat is not started")
        return self._assets

    def routes(self) -> list[BaseRoute]:
        """`/`, `/chat`, `/chat/embed.js`, `/chat/static/…` and `/chat/api/…`."""
        return chat_routes(self)

    async def start(self) -> None:
        """Load the signing key (creating var/secret_key if needed), the page and its files."""
        self._identity, self._page, self._assets = await asyncio.to_thread(self._load)
        self.notifier.closed = False

    def _load(self) -> tuple[Identity, Page, Assets]:
        secret = load_secret_key(self.runtime.settings, self.var_dir)
        return Identity(secret), Page(self.runtime.services.catalogs), Assets()

    async def stop(self) -> None:
        """Release every waiting long-poll so the server can stop."""
        self.notifier.close()

    async def send(self, user_key: str, replies: list[Reply]) -> list[str]:
        """Store `replies` for visitor `user_key`; their page shows them within seconds.

        Returns the ids of the stored rows as receipts.
        """
        async with self._locks.hold(user_key):
            rows = await self.transcript.append([transcript.outgoing(user_key, r) for r in replies])
        self.notifier.wake(user_key)
        return [str(row.id) for row in rows]

    async def receive(self, visitor: str, sent: Sent) -> list[WebMessage]:
        """Store what the visitor sent, let the engine answer, store the answer; new rows back.

        The visitor's row is stored before the engine runs, so nothing typed is lost even if
        answering fails; a retried message id is neither stored nor answered twice.
        """
        async with self._locks.hold(visitor):
            stored: list[WebMessage] = []
            if not sent.silent and not await self.transcript.has_incoming(visitor, sent.id):
                stored += await self.transcript.append([self._incoming_row(visitor, sent)])
            incoming = Incoming(
                channel=CHANNEL,
                user_key=visitor,
                message_id=f"{visitor}:{sent.id}",
                text=sent.text,
                action=sent.action,
                attachment=sent.upload.attachment() if sent.upload else None,
                locale_hint=sent.hint,
            )
            replies = await self.engine.handle(incoming)
            stored += await self.transcript.append(
                [transcript.outgoing(visitor, reply) for reply in replies]
            )
        self.notifier.wake(visitor)
        return stored

    def _incoming_row(self, visitor: str, sent: Sent) -> WebMessage:
        if sent.upload is not None:
            u = sent.upload
            attachment = {"upload": u.id, "name": u.file_name, "size": u.size, "kind": u.kind}
            return transcript.incoming(visitor, sent.id, "", attachment=attachment)
        if sent.action is not None:
            return transcript.incoming(visitor, sent.id, sent.label, action=sent.action)
        return transcript.incoming(visitor, sent.id, sent.text or "")

    async def messages(
        self,
        visitor: str,
        after: int,
        wait: float,
        disconnected: Callable[[], Awaitable[bool]],
    ) -> list[WebMessage]:
        """Messages after `after`; when there are none, wait up to `wait` seconds for some.

        Wakes at once for messages stored by this process, and re-reads the database every
        `recheck` seconds for messages stored by another one.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(wait, self.poll_wait)
        while True:
            with self.notifier.listen(visitor) as event:
                rows = await self.transcript.after(visitor, after)
                remaining = deadline - loop.time()
                if rows or remaining <= 0 or self.notifier.closed:
                    return rows
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), min(self.recheck, remaining))
            if await disconnected():
                return []

    async def locale_of(self, visitor: str) -> str | None:
        """The language the engine speaks with this visitor, or None before their first message."""
        query = select(User.locale).where(User.channel == CHANNEL, User.external_id == visitor)
        async with self.runtime.sessions() as session:
            return (await session.exec(query)).first()

    def limited(self, request: Request, visitor: str) -> float:
        """0 when this request may go on, else the seconds to wait."""
        address = request.client.host if request.client else "unknown"
        return self.address_limit.take(address) or self.visitor_limit.take(visitor)
