"""Fixtures for the dashboard: the served app with an officer, seeded data, Chromium, Telegram."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.async_api import Browser, async_playwright

from bot.admin.component import Admin
from bot.admin.lockout import LoginLimits
from bot.admin.passwords import hash_password
from bot.admin.sessions import SessionPolicy
from bot.channels.telegram import TelegramChannel, TelegramConfig
from bot.channels.webchat import WebChat
from bot.runtime import Runtime, open_runtime
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.component import Component
from bot.workers.delivery import DeliveryWorker
from bot.workers.ratelimit import ChannelLimiter
from conversations.clock import QuietHours
from conversations.i18n import Catalogs
from conversations.officers.roles import grant, set_password_hash
from testbed.telegram_api import FakeBotApi
from tests.bot.telegram.conftest import FAST
from tests.bot.webchat.conftest import CHROMIUM, CHROMIUM_ARGS, NO_CHROMIUM
from tests.bot.webchat.served import QuietServer
from tests.support import Database

SECRET = "test-secret-key-for-the-dashboard-0123456789"
OFFICER = "lan"
PASSWORD = "mat-khau-rat-dai-2026"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def confirm_token_of(html: str) -> str:
    """The one-shot token of a broadcast preview's confirm form."""
    found = re.search(r'name="confirm_token" value="([^"]+)"', html)
    assert found, "no confirm token in the page"
    return found.group(1)


def csrf_of(html: str) -> str:
    """The CSRF token in the first form of a page."""
    found = _CSRF.search(html)
    assert found, "no CSRF field in the page"
    return found.group(1)


@dataclass
class Dashboard:
    """The running app: base URL, runtime, the admin component, the fake Telegram server."""

    url: str
    runtime: Runtime
    admin: Admin
    api: FakeBotApi | None = None
    clients: list[httpx.AsyncClient] = field(default_factory=list)

    def client(self) -> httpx.AsyncClient:
        """An HTTP client with its own cookie jar (closed at the end of the test)."""
        client = httpx.AsyncClient(base_url=self.url, timeout=20, follow_redirects=False)
        self.clients.append(client)
        return client

    async def login(
        self, client: httpx.AsyncClient, name: str = OFFICER, password: str = PASSWORD
    ) -> httpx.Response:
        """Open the login form and post it, as a browser does."""
        page = await client.get("/admin/login")
        assert page.status_code == 200
        data = {"csrf": csrf_of(page.text), "name": name, "password": password, "next": "/admin"}
        return await client.post("/admin/login", data=data)

    async def logged_in(self) -> httpx.AsyncClient:
        """A client with the officer's session."""
        client = self.client()
        response = await self.login(client)
        assert response.status_code == 303, response.text
        return client


async def add_officer(database: Database, name: str = OFFICER, password: str = PASSWORD) -> int:
    """A web officer with a dashboard password; their user id."""
    async with database.sessions() as session, session.begin():
        user, _ = await grant(session, "web", name)
        await session.flush()
        await set_password_hash(session, user, hash_password(password))
        return user.id or 0


Start = Callable[..., Awaitable[Dashboard]]


@pytest.fixture
async def start(
    database: Database, catalogs: Catalogs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Start]:
    """Start the real app on uvicorn; `telegram=True` adds a channel on a fake Bot API server
    and a delivery worker sending through it."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    stack: list[Callable[[], Awaitable[None]]] = []

    async def launch(
        *,
        telegram: bool = False,
        limits: LoginLimits | None = None,
        policy: SessionPolicy | None = None,
    ) -> Dashboard:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=database.url,
            ocop_secret_key=SECRET,
        )
        opened = open_runtime(settings, catalogs=catalogs)
        runtime = await opened.__aenter__()
        stack.append(lambda: opened.__aexit__(None, None, None))
        parts: list[Component] = [
            WebChat(runtime, var_dir=tmp_path / "var"),
            runtime.knowledge_watcher(0.2),
        ]
        admin = Admin(
            runtime,
            var_dir=tmp_path / "var",
            peers=parts,
            limits=limits,
            policy=policy,
        )
        parts.append(admin)
        api = None
        if telegram:
            api = FakeBotApi()
            await api.__aenter__()
            stack.append(lambda: api.__aexit__(None, None, None))
            config = TelegramConfig(
                token=api.token, api_base_url=api.url, poll_timeout=1, stop_grace=2.0, retry=FAST
            )
            channel = TelegramChannel(config, runtime.engine, runtime.sessions)
            parts.append(channel)
            runtime.services.channels = {"telegram": None, "web": None}
            parts.append(
                DeliveryWorker(
                    runtime.sessions,
                    {"telegram": channel},
                    {"telegram": ChannelLimiter(100.0)},
                    settings.zone,
                    quiet=QuietHours(time(0, 0), time(0, 0)),
                    poll_seconds=0.1,
                )
            )
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config_uv = uvicorn.Config(
            create_app(runtime, parts),
            lifespan="on",
            log_level="warning",
            ws="none",
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        server = QuietServer(config_uv)
        task = asyncio.create_task(server.serve(sockets=[sock]))

        async def stop() -> None:
            server.should_exit = True
            await task
            sock.close()

        async with asyncio.timeout(10):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.02)
        stack.append(stop)
        if telegram:
            async with asyncio.timeout(10):
                await parts[3].wait_ready()  # type: ignore[attr-defined]
        dashboard = Dashboard(f"http://127.0.0.1:{port}", runtime, admin, api)
        stack.append(lambda: _close(dashboard))
        return dashboard

    try:
        yield launch
    finally:
        for undo in reversed(stack):
            await undo()


async def _close(dashboard: Dashboard) -> None:
    for client in dashboard.clients:
        await client.aclose()


@pytest.fixture
async def dashboard(start: Start, database: Database) -> Dashboard:
    """The app with one officer (no Telegram)."""
    await add_officer(database)
    return await start()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Headless Chromium from Debian; skipped when it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


def short_sessions(**kwargs: Any) -> SessionPolicy:
    """A session policy with short lifetimes, for expiry tests."""
    values = {"lifetime": timedelta(hours=12), "idle": timedelta(hours=2), **kwargs}
    return SessionPolicy(**values)
