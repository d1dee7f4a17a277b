"""Fixtures for the Zalo channel: the fake OA server, and the real app serving /zalo in-process."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import col, func, select

from bot.channels.zalo import ZaloChannel, ZaloConfig
from bot.runtime import Runtime
from bot.settings import Settings
from bot.web.app import create_app
from conversations.assistant import build_engine
from conversations.channels.inbox import OPEN, InboxEvent
from conversations.models import User
from conversations.services import Services
from testbed.zalo_api import APP_ID, APP_SECRET, OA_SECRET_KEY, FakeZalo
from tests.bot.zalo import payloads
from tests.support import Database

PUBLIC_BASE_URL = "https://ocop.example.vn"
FAST = {
    "drain_poll": 0.05,
    "backoff": 0.05,
    "refresh_pause": timedelta(0),
    "rate_limit_wait": 0.05,
    "keep_fresh_every": 3600.0,
    "claim_for": timedelta(seconds=30),
    "stop_grace": 5.0,
    "http_timeout": 5.0,
}


@pytest.fixture
async def zalo_api() -> AsyncIterator[FakeZalo]:
    """A fake Zalo OA API and OAuth server on a free local port."""
    async with FakeZalo() as fake:
        yield fake


def zalo_settings(api: FakeZalo, database: Database, **overrides: Any) -> Settings:
    """Settings that serve Zalo against the fake server and the test database."""
    values: dict[str, Any] = {
        "database_url": database.url,
        "ocop_secret_key": "test-secret-key",
        "zalo_app_id": APP_ID,
        "zalo_app_secret": APP_SECRET,
        "zalo_oa_secret_key": OA_SECRET_KEY,
        "zalo_access_token": api.access,
        "zalo_refresh_token": api.refresh,
        "zalo_api_base_url": api.url,
        "zalo_oauth_base_url": api.url,
        "public_base_url": PUBLIC_BASE_URL,
    }
    return Settings(**{**values, **overrides})


@dataclass
class Served:
    """One running app with the Zalo channel (one 'process'), and a client posting to /zalo."""

    api: FakeZalo
    channel: ZaloChannel
    client: httpx.AsyncClient
    runtime: Runtime

    async def post(
        self,
        event: dict[str, Any],
        *,
        signature: str | None = "sign",
        raw: bytes | None = None,
    ) -> int:
        """Post `event` (signed unless `signature` is None or given); the HTTP status.

        A message from a user opens their reply window at the fake Zalo first, as on Zalo.
        """
        sender = event.get("sender")
        name = str(event.get("event_name") or event.get("event") or "")
        wrote = name.startswith("user_send_") or name == "user_submit_info"
        if isinstance(sender, dict) and wrote:
            stamp = str(event.get("timestamp", ""))
            at = int(stamp) / 1000 if stamp.isdigit() else None
            if at is None or at > self.api.wrote.get(str(sender.get("id")), 0):
                self.api.user_wrote(str(sender.get("id")), at)
        body = raw if raw is not None else payloads.encode(event)
        headers = {"Content-Type": "application/json"}
        if signature == "sign":
            signature = payloads.sign(body, str(event.get("timestamp", "")))
        if signature is not None:
            headers["X-ZEvent-Signature"] = signature
        response = await self.client.post("/zalo", content=body, headers=headers)
        return response.status_code

    async def open_events(self) -> int:
        """Stored events not finished yet."""
        async with self.runtime.sessions() as session:
            query = select(func.count()).select_from(InboxEvent)
            return int((await session.exec(query.where(col(InboxEvent.status).in_(OPEN)))).one())

    async def settle(self, within: float = 10.0) -> None:
        """Wait until every stored event is handled and answered."""
        async with asyncio.timeout(within):
            while await self.open_events():  # noqa: ASYNC110 (another process may drain)
                await asyncio.sleep(0.02)

    async def events(self) -> list[InboxEvent]:
        """Every stored event, oldest first."""
        async with self.runtime.sessions() as session:
            return list(await session.exec(select(InboxEvent).order_by(col(InboxEvent.id))))

    async def user(self, uid: str) -> User | None:
        """The stored Zalo user `uid`."""
        async with self.runtime.sessions() as session:
            query = select(User).where(User.channel == "zalo", User.external_id == uid)
            return (await session.exec(query)).first()


@dataclass
class Harness:
    """Starts apps with the Zalo channel; each `start()` is a new process on the same database."""

    api: FakeZalo
    database: Database
    services: Services
    stack: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)

    def config(self, **overrides: Any) -> ZaloConfig:
        """The channel configuration from the settings, with fast timings."""
        base = ZaloConfig.from_settings(zalo_settings(self.api, self.database))
        return replace(base, **{**FAST, **overrides})

    async def start(self, clock: Callable[[], datetime] | None = None, **overrides: Any) -> Served:
        """An app serving /zalo, its lifespan running (the channel started); `clock` replaces
        the channel's time (its inbox and token store)."""
        settings = zalo_settings(self.api, self.database)
        sessions = self.database.open()
        engine = build_engine(sessions, self.services)
        runtime = Runtime(settings, self.database.engines[-1], sessions, self.services, engine)
        timing = {"clock": clock} if clock is not None else {}
        channel = ZaloChannel(self.config(**overrides), engine, sessions, **timing)
        app = create_app(runtime, [channel])
        await self.stack.enter_async_context(app.router.lifespan_context(app))
        transport = httpx.ASGITransport(app=app)
        client = httpx.AsyncClient(transport=transport, base_url="http://bot.test")
        await self.stack.enter_async_context(client)
        return Served(self.api, channel, client, runtime)


@pytest.fixture
async def zalo(
    zalo_api: FakeZalo, database: Database, services: Services
) -> AsyncIterator[Harness]:
    """Start apps with the Zalo channel against the fake server and the test database."""
    harness = Harness(zalo_api, database, services)
    async with harness.stack:
        yield harness
