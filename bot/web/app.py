"""The ASGI app: `/healthz` plus the routes of every component, started and stopped with it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.runtime import Runtime
from bot.web.component import Component

log = logging.getLogger(__name__)


def create_app(runtime: Runtime, components: Sequence[Component]) -> Starlette:
    """The app with every component's routes; components start and stop with its lifespan."""

    async def healthz(_request: Request) -> JSONResponse:
        try:
            async with runtime.db.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            log.exception("health check: database unreachable")
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "components": [c.name for c in components]})

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        started: list[Component] = []
        try:
            for component in components:
                await component.start()
                started.append(component)
            yield
        finally:
            for component in reversed(started):
                try:
                    await component.stop()
                except Exception:
                    log.exception("stopping %s failed", component.name)

    routes: list[BaseRoute] = [Route("/healthz", healthz)]
    for component in components:
        routes.extend(component.routes())
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.runtime = runtime
    return app
