"""The `POST /telegram` endpoint: check the secret, decode the update, process it, then answer."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Bot, Update

log = logging.getLogger(__name__)

PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1_000_000
"""Bytes; a real update is a few kilobytes."""

Process = Callable[[Update], Awaitable[bool]]


def secret_matches(given: str, expected: str) -> bool:
    """True when the header carries the configured secret (compared in constant time)."""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def webhook_route(secret: str, bot: Callable[[], Bot | None], process: Process) -> Route:
    """The route Telegram posts updates to.

    The update is processed before the answer, so a failure (500) or a dropped connection makes
    Telegram send it again; the engine drops the copy if the first attempt got through.
    `bot` returns None until the channel is ready, which Telegram also retries (503).
    """

    async def receive(request: Request) -> Response:
        if not secret_matches(request.headers.get(SECRET_HEADER, ""), secret):
            log.warning("telegram webhook: request without the right secret refused")
            return Response(status_code=403)
        current = bot()
        if current is None:
            return Response(status_code=503)
        length = request.headers.get("content-length", "0")
        if not length.isdigit() or int(length) > MAX_BODY:
            return Response(status_code=413)
        try:
            data = json.loads(await request.body())
            update = Update.de_json(data, current)
        except Exception:
            log.warning("telegram webhook: body is not an update; dropped")
            return Response(status_code=400)
        if not await process(update):
            return Response(status_code=500)
        return Response(status_code=200)

    return Route(PATH, receive, methods=["POST"])
