"""The web chat component: hands visitors' messages to the engine and keeps the transcript."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.routing import BaseRoute

from bot.channels.webchat import transcript
from bot.channels.webchat.assets import Assets
from bot.channels.webchat.identity import Identity
from bot.channels.webchat.notifier import Notifier
from bot.channels.webchat.page import Page
from bot.channels.webchat.polls import PollSlots
from bot.channels.webchat.posted import Sent
from bot.channels.webchat.ratelimit import RateLimiter, address_of
from bot.channels.webchat.routes import chat_routes
from bot.channels.webchat.transcript import Transcript
from bot.channels.webchat.uploads import UploadStore
from bot.runtime import Runtime
from bot.web.secret_key import load_secret_key
from conversations.channels.tables import WebMessage
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
    new_visitors_per_minute: float = 20
    """New visitors (requests without a cookie that would create one) per client address."""
    new_visitors_burst: int = 30
    uploads_per_minute: float = 10
    """Files per client address."""
    uploads_burst: int = 10
    uploads_all_per_minute: float = 120
    """Files from everyone together."""
    uploads_all_burst: int = 60
    polls_per_visitor: int = 1
    """Long-polls one visitor may hold open (a newer one replaces the older one)."""
    polls_per_address: int = 200
    polls_per_minute: float = 60
    """Long-polls one visitor may start (each costs a database read); a page starts one per
    message it receives."""
    polls_burst: int = 20


@dataclass(frozen=True, slots=True)
class Received:
    """What a posted message left in the transcript, and the visitor's language after it."""

    rows: list[WebMessage]
    locale: str | None


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
        recheck: float = 25.0,
    ) -> None:
        self.runtime = runtime
        self.engine: Engine = runtime.engine
        self.var_dir = var_dir
        self.uploads = UploadStore(var_dir / "uploads")
        self.transcript = Transcript(runtime.sessions)
        self.notifier = Notifier()
        self.visitor_limit = RateLimiter(limits.per_minute, limits.burst)
        self.address_limit = RateLimiter(limits.address_per_minute, limits.address_burst)
        self.new_visitor_limit = RateLimiter(
            limits.new_visitors_per_minute, limits.new_visitors_burst
        )
        self.upload_limit = RateLimiter(limits.uploads_per_minute, limits.uploads_burst)
        self.upload_all_limit = RateLimiter(limits.uploads_all_per_minute, limits.uploads_all_burst)
        self.polls = PollSlots(limits.polls_per_visitor, limits.polls_per_address)
        self.poll_limit = RateLimiter(limits.polls_per_minute, limits.polls_burst)
        self.poll_wait = poll_wait
        self.recheck = recheck
        self._locks = KeyedLocks()
        self._full_logged = -1e9
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

    def drain(self) -> None:
        """Answer every waiting long-poll now: told before uvicorn waits for open requests."""
        self.notifier.close()

    async def stop(self) -> None:
        """Release every waiting long-poll so the server can stop."""
        self.drain()

    async def send(self, user_key: str, replies: list[Reply]) -> list[str]:
        """Store `replies` for visitor `user_key`; their page shows them within seconds.

        Returns the ids of the stored rows as receipts.
        """
        async with self._locks.hold(user_key):
            rows = await self.transcript.append(
                [transcript.outgoing(user_key, r, push=True) for r in replies]
            )
        self.notifier.wake(user_key)
        return [str(row.id) for row in rows]

    async def receive(self, visitor: str, sent: Sent) -> Received:
        """Let the engine answer what the visitor sent, and store both in the turn's transaction.

        The page keeps the message until it has an answer, and the engine records its id, so
        a retry (same id) is answered once. A new message's rows are stored by the engine's
        turn itself (`Engine.handle(also=...)`). Only when the turn stored nothing (a retry, or
        an apology after an error) is the transcript looked at and written apart: rows already
        stored are not stored again, and a turn whose rows were never stored (a database
        written before rows went with the turn) is answered from the engine's copy of its
        replies. The waiting long-polls of the visitor's other pages are woken; the posting
        page (`sent.tab`) has them in its answer.
        """
        async with self._locks.hold(visitor):
            incoming = Incoming(
                channel=CHANNEL,
                user_key=visitor,
                message_id=f"{visitor}:{sent.id}",
                text=sent.text,
                action=sent.action,
                attachment=sent.upload.attachment() if sent.upload else None,
                locale_hint=sent.hint,
                repeat_answer=False,
            )
            committed: list[tuple[list[Reply], Received]] = []

            async def also(session: AsyncSession, replies: list[Reply], locale: str) -> None:
                rows = self._rows(visitor, sent, replies, already=False)
                await self.transcript.insert(session, rows)
                committed.append((replies, Received(rows, locale)))

            replies = await self.engine.handle(incoming, also)
            if committed and committed[0][0] is replies:  # stored with the turn
                received = committed[0][1]
            else:
                already = False
                if not replies:
                    already, answered = await self.transcript.retried(visitor, sent.id)
                    if not answered:  # the turn's rows were lost: its replies come again
                        repeat = dataclasses.replace(incoming, repeat_answer=True)
                        replies = await self.engine.handle(repeat)
                rows = self._rows(visitor, sent, replies, already)
                received = Received(rows, await self.transcript.record(rows, visitor))
        if received.rows:
            self.notifier.wake(visitor, sent.tab)
        return received

    def _rows(self, visitor: str, sent: Sent, replies: list[Reply], already: bool
              ) -> list[WebMessage]:
        """The transcript rows of one answered message: what was sent (unless stored before or
        silent), then the replies."""
        rows = [] if already or sent.silent else [self._incoming_row(visitor, sent)]
        return rows + [transcript.outgoing(visitor, reply) for reply in replies]

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
        replaced: asyncio.Event | None = None,
        tab: str = "",
    ) -> list[WebMessage]:
        """Messages after `after`; when there are none, wait up to `wait` seconds for some.

        Wakes at once for messages stored by this process (an in-process signal, no polling
        of the database); re-reads the database only every `recheck` seconds, for messages
        stored by another process. Returns at once, empty, when `replaced` is set (the same
        visitor opened a newer long-poll). Messages posted by page `tab` itself do not wake it.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(wait, self.poll_wait)
        while True:
            with self.notifier.listen(visitor, tab) as event:
                rows = await self.transcript.after(visitor, after)
                remaining = deadline - loop.time()
                if rows or remaining <= 0 or self.notifier.closed:
                    return rows
                if await _first(event, replaced, min(self.recheck, remaining)) == "replaced":
                    return []
            if await disconnected():
                return []

    async def locale_of(self, visitor: str) -> str | None:
        """The language the engine speaks with this visitor, or None before their first message."""
        query = select(User.locale).where(User.channel == CHANNEL, User.external_id == visitor)
        async with self.runtime.sessions() as session:
            return (await session.exec(query)).first()

    def limited(self, request: Request, visitor: str, fresh: bool = False) -> float:
        """0 when this request may go on, else the seconds to wait."""
        address = address_of(request)
        wait = self.address_limit.take(address) or self.visitor_limit.take(visitor)
        return wait or (self.new_visitor_limit.take(address) if fresh else 0.0)

    def upload_limited(self, request: Request) -> float:
        """0 when this upload may go on (per address, then for everyone), else seconds to wait."""
        return self.upload_limit.take(address_of(request)) or self.upload_all_limit.take("*")

    async def known(self, visitor: str) -> bool:
        """True when the visitor has already sent a message (the engine knows them)."""
        query = select(User.id).where(User.channel == CHANNEL, User.external_id == visitor)
        async with self.runtime.sessions() as session:
            return (await session.exec(query)).first() is not None

    def storage_full(self) -> None:
        """Tell the officers that uploads are refused (in the log; the dashboard shows it too)."""
        now = asyncio.get_running_loop().time()
        if now - self._full_logged > 600:
            self._full_logged = now
            log.error(
                "web chat uploads refused: %s is at its quota of %d MB; free space or raise it",
                self.uploads.directory,
                self.uploads.quota // 1024**2,
            )


async def _first(event: asyncio.Event, replaced: asyncio.Event | None, seconds: float) -> str:
    """ "woken", "replaced" or "timeout": whichever comes first."""
    waits = {asyncio.ensure_future(event.wait()): "woken"}
    if replaced is not None:
        waits[asyncio.ensure_future(replaced.wait())] = "replaced"
    done, pending = await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    if replaced is not None and replaced.is_set():
        return "replaced"
    return "woken" if done else "timeout"
