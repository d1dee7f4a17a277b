"""Fixtures for the Telegram channel: the fake Bot API server and channels started against it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.channels.telegram import TelegramChannel, TelegramConfig
from bot.channels.telegram.sending import RetryPolicy
from conversations.engine import Engine
from conversations.models import ProcessedMessage, User
from conversations.router import Router
from conversations.services import Services
from testbed.telegram_api import FakeBotApi
from tests.bot.telegram.flows import flows_router
from tests.support import Database

FAST = RetryPolicy(backoff=(0.05, 0.1), rate_limit_retries=3, max_retry_after=5.0)


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22.8 warns when it builds a RetryAfter unless durations are timedeltas."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """A fake Bot API server on a free local port."""
    async with FakeBotApi() as fake:
        yield fake


@dataclass
class Harness:
    """Starts channels against the fake server; every `start()` is a new process."""

    api: FakeBotApi
    database: Database
    services: Services
    started: list[TelegramChannel] = field(default_factory=list)
    _reader: async_sessionmaker[AsyncSession] | None = None

    def sessions(self) -> async_sessionmaker[AsyncSession]:
        """Sessions for the test's own queries (one pool, opened on first use)."""
        if self._reader is None:
            self._reader = self.database.open()
        return self._reader

    def config(self, **overrides: Any) -> TelegramConfig:
        """A channel configuration pointing at the fake server."""
        values: dict[str, Any] = {
            "token": self.api.token,
            "api_base_url": self.api.url,
            "poll_timeout": 1,
            "stop_grace": 5.0,
            "retry": FAST,
        }
        return TelegramConfig(**{**values, **overrides})

    def engine(self, router: Callable[[], Router] = flows_router) -> Engine:
        """An engine on a fresh connection pool."""
        return Engine(self.database.open(), self.services, router())

    async def start(
        self, router: Callable[[], Router] = flows_router, **overrides: Any
    ) -> TelegramChannel:
        """A channel, started and connected."""
        engine = self.engine(router)
        channel = TelegramChannel(self.config(**overrides), engine, engine.sessions)
        self.started.append(channel)
        await channel.start()
        async with asyncio.timeout(10):
            await channel.wait_ready()
        return channel

    async def user(self, uid: int) -> User | None:
        """The stored Telegram user `uid`."""
        async with self.sessions()() as session:
            query = select(User).where(User.channel == "telegram", User.external_id == str(uid))
            return (await session.exec(query)).first()

    async def processed(self) -> set[int]:
        """The update ids the engine has handled."""
        async with self.sessions()() as session:
            query = select(ProcessedMessage.message_id).where(
                ProcessedMessage.channel == "telegram"
            )
            return {int(i) for i in (await session.exec(query)).all()}

    async def stop_all(self) -> None:
        """Stop every channel started (stopping twice is harmless)."""
        for channel in self.started:
            await channel.stop()


@pytest.fixture
async def telegram(
    api: FakeBotApi, database: Database, services: Services
) -> AsyncIterator[Harness]:
    """Start Telegram channels on the fake server and the test database."""
    harness = Harness(api, database, services)
    try:
        yield harness
    finally:
        await harness.stop_all()
