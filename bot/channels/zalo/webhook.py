"""The `POST /zalo` endpoint: check the signature and age, store the event, answer 200."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.channels.zalo import events, signature
from bot.channels.zalo.config import ZaloConfig
from bot.web.bodies import read_body
from bot.web.cleaning import scrub

log = logging.getLogger(__name__)

PATH = "/zalo"
SIGNATURE_HEADER = "X-ZEvent-Signature"
TIMESTAMP_HEADER = "X-ZEvent-Timestamp"
MAX_BODY = 1_000_000
"""Bytes; a real event is a few kilobytes."""

Store = Callable[[events.Event], Awaitable[bool]]


def webhook_route(config: ZaloConfig, store: Store, clock: Callable[[], datetime]) -> Route:
    """The route Zalo posts events to.

    The event is committed to the inbox before the 200 leaves, so an acknowledged event
    survives a crash; the engine runs in the background. Anything refused (401, 400, 413)
    changes nothing. A failure to store answers 503, which Zalo retries.
    """

    async def receive(request: Request) -> Response:
        header = request.headers.get(SIGNATURE_HEADER, "")
        if not header:
            log.warning("zalo webhook: request without a signature refused")
            return Response(status_code=401)
        raw = await read_body(request, MAX_BODY)
        try:
            body = scrub(json.loads(raw))
        except ValueError:
            body = None
        if not isinstance(body, dict):
            log.warning("zalo webhook: body is not a JSON object; refused")
            return Response(status_code=400)
        stamp = body.get("timestamp")
        timestamp = str(stamp) if stamp is not None else request.headers.get(TIMESTAMP_HEADER, "")
        app_id = str(body.get("app_id") or config.app_id)
        if app_id != config.app_id or not signature.valid(
            header, config.app_id, raw, timestamp, config.oa_secret_key
        ):
            log.warning("zalo webhook: wrong signature; refused")
            return Response(status_code=401)
        millis = events.timestamp_ms({"timestamp": timestamp})
        if millis is None or not signature.fresh(millis, clock(), config.max_event_age):
            log.warning("zalo webhook: stale or undated event refused (timestamp %r)", timestamp)
            return Response(status_code=401)
        event = events.read(body, timestamp)
        if event is None:
            return Response(status_code=200)
        try:
            await store(event)
        except Exception:
            log.exception("zalo webhook: could not store a %s event", event.name)
            return Response(status_code=503)
        return Response(status_code=200)

    return Route(PATH, receive, methods=["POST"])
