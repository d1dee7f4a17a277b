"""`ocop-bot run`: one process serving every configured channel, the web pages and the workers."""

from __future__ import annotations

import logging

import uvicorn

from bot.runtime import Runtime, open_runtime
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.component import Component

log = logging.getLogger(__name__)


def components(runtime: Runtime) -> list[Component]:
    """The components this configuration runs: the web chat always, channels with tokens."""
    found: list[Component] = []
    return found


async def serve(settings: Settings) -> None:
    """Run until SIGINT/SIGTERM; uvicorn drains requests, then components stop in order."""
    async with open_runtime(settings) as runtime:
        parts = components(runtime)
        app = create_app(runtime, parts)
        config = uvicorn.Config(
            app,
            host=settings.ocop_host,
            port=settings.ocop_port,
            log_level=settings.log_level.lower(),
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=5,
        )
        server = uvicorn.Server(config)
        names = ", ".join(c.name for c in parts) or "health check only"
        print(f"OCOP assistant on http://{settings.ocop_host}:{settings.ocop_port}/ ({names})")
        await server.serve()
