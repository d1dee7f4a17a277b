"""The `POST /telegram` endpoint: check the secret, decode the update, store it, then answer."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Bot, Update

from bot.web.bodies import read_body
from bot.web.cleaning import scrub

log = logging.getLogger(__name__)

PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1_000_000
"""Bytes; a real update is a few kilobytes."""

Store = Callable[[Update], Awaitable[bool]]


def secret_matches(given: str, expected: str) -> bool:
    """True when the header carries the configured secret (compared in constant time)."""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def webhook_route(secret: str, bot: Callable[[], Bot | None], store: Store) -> Route:
    """The route Telegram posts updates to.

    The update is committed to the inbox and answered 200 at once; it is processed after, in
    the background, however long the turn or a flood wait takes (a slow answer would make
    Telegram send it again). A failure to store answers 503, which Telegram retries; a copy
    of a stored update is dropped by its update id. `bot` returns None until the channel is
    ready, which Telegram also retries (503).
    """

    async def receive(request: Request) -> Response:
        if not secret_matches(request.headers.get(SECRET_HEADER, ""), secret):
            log.warning("telegram webhook: request without the right secret refused")
            return Response(status_code=403)
        current = bot()
        if current is None:
            return Response(status_code=503)
        raw = await read_body(request, MAX_BODY)
        try:
            data = scrub(json.loads(raw))
            update = Update.de_json(data, current)
        except Exception:
            log.warning("telegram webhook: body is not an update; dropped")
            return Response(status_code=400)
        try:
            await store(update)
        except Exception:
            log.exception("telegram webhook: could not store update %d", update.update_id)
            return Response(status_code=503)
        return Response(status_code=200)

    return Route(PATH, receive, methods=["POST"])
