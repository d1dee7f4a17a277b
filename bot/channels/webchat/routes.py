"""The web chat's HTTP endpoints: the page, its assets, the message API, uploads and files."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.channels.webchat.posted import page_id, parse_sent
from bot.channels.webchat.ratelimit import address_of, retry_after
from bot.channels.webchat.transcript import as_json
from bot.channels.webchat.uploads import KINDS, MAX_BYTES, UploadRefused
from bot.web.bodies import BodyTooLarge, chunks, read_body
from conversations.i18n import LOCALES
from conversations.messages import MAX_TEXT

if TYPE_CHECKING:
    from bot.channels.webchat.component import WebChat

MAX_MESSAGE_BODY = 64 * 1024
"""A JSON message: 4,000 characters of text fit several times over."""

PAGE_SECURITY = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors *"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}
"""No inline script can run on the page, and nothing loads from another site; any site may
frame it (the embed)."""

_REFUSED_STATUS = {"empty": 400, "type": 415, "too_large": 413, "full": 507}
_MAX_ID = 2**31 - 1
"""Largest message id: `web_messages.id` is a 32-bit integer on PostgreSQL."""


def _error(status: int, error: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": error, **extra}, status_code=status)


def _guard(chat: WebChat, request: Request) -> tuple[str, bool, Response | None]:
    """(visitor, freshly minted, a refusal) for a state-changing request: origin, then rate."""
    visitor, fresh = chat.identity.resolve(request)
    if not chat.identity.same_origin(request, visitor):
        return visitor, fresh, _error(403, "forbidden")
    wait = chat.limited(request, visitor, fresh)
    if wait:
        seconds = retry_after(wait)
        refusal = _error(429, "rate_limited", retry_after=seconds)
        refusal.headers["retry-after"] = str(seconds)
        return visitor, fresh, refusal
    return visitor, fresh, None


def chat_routes(chat: WebChat) -> list[BaseRoute]:
    """Every route of the web chat, bound to `chat`."""
    gzip = [Middleware(GZipMiddleware, minimum_size=500)]

    async def home(_request: Request) -> Response:
        return RedirectResponse("/chat", status_code=302)

    async def page(request: Request) -> Response:
        visitor, _fresh = chat.identity.resolve(request)
        lang = request.query_params.get("lang")
        hint = lang if lang in LOCALES else ""
        locale = await chat.locale_of(visitor) or hint or chat.runtime.settings.default_locale
        html = chat.page.render(
            locale,
            css=chat.assets.url("/chat/static", "chat.css"),
            js=chat.assets.url("/chat/static", "chat.js"),
            api="/chat/api",
            csrf=chat.identity.csrf_token(visitor),
            hint=hint,
            max_text=MAX_TEXT,
            max_bytes=MAX_BYTES,
            accept=",".join(KINDS),
        )
        response = HTMLResponse(html, headers=PAGE_SECURITY)
        chat.identity.set_cookies(response, request, visitor)  # also renews the expiry
        return response

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name == "embed.js":
            return Response("Not Found", status_code=404, media_type="text/plain")
        return chat.assets.response(request, name)

    async def embed(request: Request) -> Response:
        return chat.assets.response(request, "embed.js", cache="public, max-age=3600")

    async def read_messages(request: Request) -> Response:
        visitor, fresh = chat.identity.resolve(request)
        try:
            after = min(max(0, int(request.query_params.get("after", "0"))), _MAX_ID)
            wait = max(0.0, float(request.query_params.get("wait", "0")))
        except ValueError:
            return _error(400, "bad_request")
        if fresh or wait <= 0:
            rows = [] if fresh else await chat.messages(visitor, after, 0, request.is_disconnected)
        elif seconds := chat.poll_limit.take(visitor):
            return _error(429, "too_many_polls", retry_after=retry_after(seconds))
        else:
            with chat.polls.hold(visitor, address_of(request)) as replaced:
                if replaced is None:
                    return _error(429, "too_many_polls", retry_after=5)
                tab = page_id(request.query_params.get("tab"))
                rows = await chat.messages(
                    visitor, after, wait, request.is_disconnected, replaced, tab
                )
        response = JSONResponse(
            {"messages": [as_json(row) for row in rows]}, headers={"cache-control": "no-store"}
        )
        if fresh:
            chat.identity.set_cookies(response, request, visitor)
        return response

    async def post_message(request: Request) -> Response:
        visitor, fresh, refusal = _guard(chat, request)
        if refusal is not None:
            return refusal
        try:
            sent = parse_sent(json.loads(await read_body(request, MAX_MESSAGE_BODY)))
        except BodyTooLarge:
            return _error(413, "too_large")
        except ValueError:
            sent = None
        if sent is None:
            return _error(400, "bad_request")
        if sent.upload_id is not None:
            found = await chat.uploads.get(sent.upload_id)
            if found is None or not found.readable_by(visitor):
                return _error(400, "unknown_upload")
            sent = dataclasses.replace(sent, upload=found)
        received = await chat.receive(visitor, sent)
        messages = [as_json(r) for r in received.rows]
        response = JSONResponse({"messages": messages, "locale": received.locale})
        if fresh:
            chat.identity.set_cookies(response, request, visitor)
        return response

    async def upload(request: Request) -> Response:
        visitor, fresh, refusal = _guard(chat, request)
        if refusal is not None:
            return refusal
        if fresh or not await chat.known(visitor):
            return _error(403, "no_conversation")
        if seconds := chat.upload_limited(request):
            refused = _error(429, "rate_limited", retry_after=retry_after(seconds))
            refused.headers["retry-after"] = str(retry_after(seconds))
            return refused
        name = unquote(request.headers.get("x-file-name", ""))[:400]
        try:
            stored = await chat.uploads.save(visitor, chunks(request, MAX_BYTES), name)
        except BodyTooLarge:
            return _error(413, "too_large")
        except UploadRefused as refused:
            if refused.reason == "full":
                chat.storage_full()
            return _error(_REFUSED_STATUS[refused.reason], refused.reason)
        body = {
            "id": stored.id,
            "kind": stored.kind,
            "mime_type": stored.mime_type,
            "size": stored.size,
            "name": stored.file_name,
        }
        response = JSONResponse(body, status_code=201)
        if fresh:
            chat.identity.set_cookies(response, request, visitor)
        return response

    async def file(request: Request) -> Response:
        visitor = chat.identity.read(request)
        found = await chat.uploads.get(request.path_params["upload_id"])
        if found is None or visitor is None or not found.readable_by(visitor):
            return Response("Not Found", status_code=404, media_type="text/plain")
        return FileResponse(
            chat.uploads.path(found.id),
            media_type=found.mime_type,
            filename=found.file_name,
            content_disposition_type="inline" if found.kind == "photo" else "attachment",
            headers={
                "x-content-type-options": "nosniff",
                "cache-control": "private, max-age=86400",
                "content-security-policy": "default-src 'none'; img-src 'self'; sandbox",
            },
        )

    return [
        Route("/", home, methods=["GET"]),
        Route("/chat", page, methods=["GET"], middleware=gzip),
        Route("/chat/embed.js", embed, methods=["GET"]),
        Route("/chat/static/{name}", static, methods=["GET"]),
        Route("/chat/api/messages", read_messages, methods=["GET"], middleware=gzip),
        Route(
            "/chat/api/messages",
            post_message,
            methods=["POST"],
            middleware=gzip,
        ),
        Route("/chat/api/uploads", upload, methods=["POST"]),
        Route("/chat/api/files/{upload_id}", file, methods=["GET"]),
    ]
