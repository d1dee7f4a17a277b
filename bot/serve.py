"""`ocop-bot run`: one process serving every configured channel, the web pages and the workers."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from datetime import timedelta
from types import FrameType

import uvicorn
from starlette.types import ASGIApp

from bot.admin.component import Admin
from bot.channels.sender import Sender
from bot.channels.webchat import WebChat
from bot.runtime import Runtime, open_runtime
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.component import Component, Draining
from bot.workers.broadcasts import BroadcastDispatcher
from bot.workers.delivery import DeliveryWorker
from bot.workers.ratelimit import ChannelLimiter
from bot.workers.scheduler import ReminderScheduler
from bot.workers.uploads import UploadSweeper

log = logging.getLogger(__name__)


def components(runtime: Runtime) -> list[Component]:
    """The components this configuration runs: the web chat always, channels with tokens."""
    found: list[Component] = [WebChat(runtime)]
    found.append(Admin(runtime, peers=found))
    if runtime.settings.telegram_bot_token:
        from bot.channels.telegram import TelegramChannel

        found.append(TelegramChannel.from_runtime(runtime))
    if runtime.settings.zalo_app_id and runtime.settings.zalo_oa_secret_key:
        from bot.channels.zalo import ZaloChannel

        found.append(ZaloChannel.from_runtime(runtime))
    found += workers(runtime, found)
    return found


def workers(runtime: Runtime, channels: list[Component]) -> list[Component]:
    """The delivery worker (sending the outbox through every channel), the broadcast
    dispatcher and the reminder scheduler."""
    settings = runtime.settings
    senders: dict[str, Sender] = {
        c.channel: c
        for c in channels
        if hasattr(c, "channel") and hasattr(c, "send")  # type: ignore[attr-defined,misc]
    }
    limiters = {
        "telegram": ChannelLimiter(settings.telegram_rate_per_second, per_chat_gap=1.0),
        "zalo": ChannelLimiter(settings.zalo_rate_per_second),
        "web": ChannelLimiter(200.0),
    }
    runtime.services.channels = {name: s.reply_window for name, s in senders.items()}
    delivery = DeliveryWorker(
        runtime.sessions,
        senders,
        limiters,
        settings.zone,
        quiet=runtime.services.quiet,
        stuck_after=timedelta(seconds=settings.delivery_stuck_seconds),
    )
    dispatcher = BroadcastDispatcher(
        runtime.sessions,
        runtime.services,
        senders,
        limiters,
        progress_every=timedelta(seconds=settings.broadcast_progress_seconds),
    )
    sweepers: list[Component] = [
        UploadSweeper(runtime.sessions, c.uploads) for c in channels if isinstance(c, WebChat)
    ]
    scheduler = ReminderScheduler(runtime.sessions, runtime.services)
    return [runtime.knowledge_watcher(), delivery, dispatcher, scheduler, *sweepers]


def chat_url(settings: Settings) -> str:
    """The address to open the web chat at (a wildcard host is shown as 127.0.0.1)."""
    host = settings.ocop_host
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.ocop_port}/chat"


def server_config(settings: Settings, app: ASGIApp) -> uvicorn.Config:
    """uvicorn's configuration: proxy headers believed only from FORWARDED_ALLOW_IPS."""
    trusted = settings.forwarded_allow_ips.strip()
    return uvicorn.Config(
        app,
        host=settings.ocop_host,
        port=settings.ocop_port,
        log_level=settings.log_level.lower(),
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or "",
    )


async def serve(settings: Settings) -> None:
    """Run until SIGINT/SIGTERM; uvicorn drains requests, then components stop in order."""
    async with open_runtime(settings) as runtime:
        parts = components(runtime)
        app = create_app(runtime, parts)
        drains = [c.drain for c in parts if isinstance(c, Draining)]
        server = DrainingServer(server_config(settings, app), drains)
        names = ", ".join(c.name for c in parts) or "health check only"
        print(f"OCOP assistant on http://{settings.ocop_host}:{settings.ocop_port}/ ({names})")
        if any(c.name == "webchat" for c in parts):
            print(f"Web chat: {chat_url(settings)}")
        if any(c.name == "admin" for c in parts):
            print(f"Officer dashboard: {chat_url(settings).removesuffix('/chat')}/admin")
        # uvicorn restores the previous handlers after its graceful shutdown and re-raises the
        # signal it caught; with a no-op handler in place the process then closes the database
        # and exits 0 instead of dying from the re-raised SIGTERM.
        previous = {sig: signal.signal(sig, _ignore) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            await server.serve()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


class DrainingServer(uvicorn.Server):
    """uvicorn's server that, told to stop, first answers the requests components hold open, so
    its graceful shutdown does not wait out every open page's long-poll and then cut it."""

    def __init__(self, config: uvicorn.Config, drains: list[Callable[[], None]]) -> None:
        super().__init__(config)
        self._drains = drains

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """Drain (on the event loop), then stop as uvicorn does."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        for drain in self._drains:
            if loop is None:
                drain()
            else:
                loop.call_soon_threadsafe(drain)
        super().handle_exit(sig, frame)


def _ignore(_signum: int, _frame: FrameType | None) -> None:
    """Stands in for the default action while uvicorn re-raises a signal it already handled."""
