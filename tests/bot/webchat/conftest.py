"""Fixtures for the web chat: the real app on uvicorn on a free port, an HTTP client, Chromium."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Browser, async_playwright

from bot.channels.webchat import Limits, WebChat
from bot.runtime import open_runtime
from bot.settings import Settings
from bot.web.app import create_app
from conversations.engine import Also
from conversations.i18n import Catalogs
from conversations.messages import Incoming, Reply
from tests.bot.webchat.browser import ChatPage
from tests.bot.webchat.served import QuietServer, Served
from tests.support import Database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NO_CHROMIUM = "install Debian's chromium to run browser tests: apt-get install chromium"
SECRET = "test-secret-key-for-the-web-chat-0123456789"


@pytest.fixture
def limits() -> Limits:
    """Rate limits of the served web chat (modules override this fixture to test them)."""
    return Limits()


@pytest.fixture
async def served(
    database: Database, catalogs: Catalogs, tmp_path: Path, limits: Limits
) -> AsyncIterator[Served]:
    """The real app (every route, lifespan) on uvicorn, on 127.0.0.1 and a free port."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database.url,
        ocop_secret_key=SECRET,
    )
    async with open_runtime(settings, catalogs=catalogs) as runtime:
        chat = WebChat(runtime, var_dir=tmp_path / "var", limits=limits, recheck=0.5)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        served = Served(f"http://127.0.0.1:{port}", chat, runtime)
        handle = runtime.engine.handle

        async def spy(incoming: Incoming, also: Also | None = None) -> list[Reply]:
            served.received.append(incoming)
            return await handle(incoming, also)

        runtime.engine.handle = spy  # type: ignore[method-assign]
        config = uvicorn.Config(
            create_app(runtime, [chat]),
            lifespan="on",
            log_level="warning",
            ws="none",
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        server = QuietServer(config)
        task = asyncio.create_task(server.serve(sockets=[sock]))
        async with asyncio.timeout(10):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.02)
        try:
            yield served
        finally:
            server.should_exit = True
            await task
            sock.close()


@pytest.fixture
def chromium() -> Path:
    """Debian's Chromium; the browser tests skip when it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    """Headless Chromium from Debian (never a downloaded one, no `playwright install`)."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
async def chat_page(browser: Browser, served: Served) -> AsyncIterator[ChatPage]:
    """A phone-sized page (360 px) in a fresh browser profile; fails on script errors or alerts."""
    context = await browser.new_context(
        viewport={"width": 360, "height": 740}, locale="vi-VN", device_scale_factor=2
    )
    page = await context.new_page()
    chat = ChatPage(page, served)
    page.on("pageerror", lambda error: chat.errors.append(str(error)))
    page.on("dialog", chat.on_dialog)
    try:
        yield chat
    finally:
        await context.close()
    assert chat.errors == []
