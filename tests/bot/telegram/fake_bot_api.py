"""A fake Telegram Bot API on 127.0.0.1: the real PTB talks HTTP to it; it records every call.

It keeps a queue of updates with Telegram's offset rules (an update is forgotten once
`getUpdates` is called with a higher offset), answers the methods the bot uses, serves files,
can answer the next N calls of a method with an error (429 with retry_after, 403, 502), and can
enforce an overall sending rate like Telegram's flood control (429 when exceeded).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self

import uvicorn
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

TOKEN = "123456:TEST-fake-token"
BOT = {"id": 123456, "is_bot": True, "first_name": "OCOP", "username": "ocop_test_bot"}
STRING_PARAMS = frozenset(
    {"text", "caption", "question", "explanation", "callback_query_id", "file_id", "url",
     "secret_token", "photo", "document", "type", "parse_mode"}
)  # fmt: skip
"""Parameters PTB sends as raw strings; every other value is JSON-encoded."""
LIMITED_METHODS = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "sendPoll", "editMessageText"}
)
DESCRIPTIONS = {
    403: "Forbidden: bot was blocked by the user",
    409: "Conflict: can't use getUpdates method while webhook is active",
    429: "Too Many Requests: retry after {retry_after}",
    502: "Bad Gateway",
}


class ApiError(Exception):
    """An error answer from a method."""

    def __init__(self, status: int, description: str = "", retry_after: int | None = None):
        super().__init__(description)
        self.status = status
        self.description = description or DESCRIPTIONS.get(status, "Error")
        self.retry_after = retry_after

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description.format(retry_after=self.retry_after),
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return JSONResponse(body, status_code=self.status)


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]


@dataclass
class Sent:
    """One message the fake accepted (and would have shown to the user)."""

    method: str
    chat_id: int
    message_id: int
    text: str = ""
    reply_markup: dict[str, Any] | None = None
    params: dict[str, Any] = field(default_factory=dict)


class FakeBotApi:
    """The server and its state; use as `async with FakeBotApi() as api:`."""

    def __init__(
        self, token: str = TOKEN, first_update_id: int = 1, rate_limit: float | None = None
    ) -> None:
        self.token = token
        self.rate_limit = rate_limit
        """Messages per second over all chats (as Telegram's ~30/s): a bucket holding one
        second's worth; a send finding it empty gets 429 with retry_after 1."""
        self.limited = 0
        """Sends refused by `rate_limit`."""
        self._bucket = rate_limit or 0.0
        self._bucket_at = time.monotonic()
        self.url = ""
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.pending: list[dict[str, Any]] = []
        self.confirmed_below = 0
        """Every update with a lower id has been confirmed (Telegram forgot it)."""
        self.webhook: dict[str, Any] = {}
        self.files: dict[str, bytes] = {}
        self.polls: dict[str, list[str]] = {}
        self._failures: dict[str, list[ApiError]] = {}
        self._update_ids = itertools.count(first_update_id)
        self._ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._closing = False
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self._socket: socket.socket | None = None

    async def __aenter__(self) -> Self:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        routes = [
            Route("/bot{token}/{method}", self._api, methods=["GET", "POST"]),
            Route("/file/bot{token}/{path:path}", self._file),
        ]
        config = uvicorn.Config(
            Starlette(routes=routes), log_level="warning", lifespan="off", ws="none"
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[self._socket]))
        async with asyncio.timeout(10):
            while not self._server.started:  # noqa: ASYNC110 (uvicorn offers only this flag)
                await asyncio.sleep(0.01)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._closing = True
        await self._notify()
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
        if self._socket is not None:
            self._socket.close()

    # --- what tests use ------------------------------------------------------------------

    def fail(
        self, method: str, *, status: int, times: int = 1, retry_after: int | None = None
    ) -> None:
        """Answer the next `times` calls of `method` with an error."""
        errors = self._failures.setdefault(method, [])
        errors.extend(ApiError(status, retry_after=retry_after) for _ in range(times))

    def stamp(self, body: dict[str, Any]) -> dict[str, Any]:
        """`body` as an update with the next update id (for posting to a webhook)."""
        return {"update_id": next(self._update_ids), **body}

    async def push(self, *bodies: dict[str, Any]) -> list[int]:
        """Queue updates for `getUpdates`; their ids."""
        updates = [self.stamp(body) for body in bodies]
        self.pending.extend(updates)
        await self._notify()
        return [u["update_id"] for u in updates]

    def calls_of(self, method: str) -> list[Call]:
        """The calls of `method`, failed ones included."""
        return [c for c in self.calls if c.method == method]

    def to(self, chat_id: int) -> list[Sent]:
        """The messages delivered to `chat_id`, in order."""
        return [s for s in self.sent if s.chat_id == chat_id]

    def texts(self, chat_id: int) -> list[str]:
        """The texts (or poll questions) delivered to `chat_id`."""
        return [s.text for s in self.to(chat_id)]

    async def wait_until(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        """Wait until `predicate()` holds; checked after every call and every queued update."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(predicate)

    # --- the HTTP side -------------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _params(self, request: Request) -> dict[str, Any]:
        if request.headers.get("content-type", "").startswith("application/json"):
            return dict(await request.json())
        form = await request.form()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if not isinstance(value, str) or key in STRING_PARAMS:
                params[key] = value
                continue
            try:
                params[key] = json.loads(value)
            except ValueError:
                params[key] = value
        return params

    async def _api(self, request: Request) -> Response:
        method = request.path_params["method"]
        try:
            params = await self._params(request)
        except ClientDisconnect:  # the bot gave up on this request (a cancelled long poll)
            return Response(status_code=499)
        self.calls.append(Call(method, params))
        await self._notify()
        if request.path_params["token"] != self.token:
            return ApiError(401, "Unauthorized").response()
        try:
            failures = self._failures.get(method)
            if failures:
                raise failures.pop(0)
            if method in LIMITED_METHODS and not self._take_token():
                self.limited += 1
                raise ApiError(429, retry_after=1)
            handler = getattr(self, f"_m_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = await handler(params)
        except ApiError as error:
            return error.response()
        await self._notify()
        return JSONResponse({"ok": True, "result": result})

    async def _file(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return Response(status_code=401)
        file_id = request.path_params["path"].rsplit("/", 1)[-1].split(".")[0]
        if file_id not in self.files:
            return Response(status_code=404)
        return Response(self.files[file_id], media_type="application/octet-stream")

    def _take_token(self) -> bool:
        if self.rate_limit is None:
            return True
        now = time.monotonic()
        refill = (now - self._bucket_at) * self.rate_limit
        self._bucket = min(self.rate_limit, self._bucket + refill)
        self._bucket_at = now
        if self._bucket < 1:
            return False
        self._bucket -= 1
        return True

    def _deliver(self, method: str, params: dict[str, Any], shown: str, **extra: Any) -> dict:
        chat_id = int(params["chat_id"])
        message_id = next(self._ids)
        markup = params.get("reply_markup")
        self.sent.append(Sent(method, chat_id, message_id, shown, markup, params))
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT,
            **extra,
        }
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return message

    # --- Bot API methods -----------------------------------------------------------------

    async def _m_getMe(self, _params: dict[str, Any]) -> dict[str, Any]:
        return BOT

    async def _m_deleteWebhook(self, _params: dict[str, Any]) -> bool:
        self.webhook = {}
        return True

    async def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = params
        return True

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook.get("url"):
            raise ApiError(409)
        offset = params.get("offset")
        if offset is not None:
            self.confirmed_below = max(self.confirmed_below, int(offset))
            self.pending = [u for u in self.pending if u["update_id"] >= self.confirmed_below]
        limit = int(params.get("limit", 100))
        deadline = time.monotonic() + float(params.get("timeout", 0))
        async with self._changed:
            while not self._closing:
                if self.pending:
                    return self.pending[:limit]
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), left)
        return []

    async def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        text = params["text"]
        return self._deliver("sendMessage", params, text, text=text)

    async def _m_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = params["photo"]
        size = {"file_id": file_id, "file_unique_id": f"u-{file_id}", "width": 1, "height": 1}
        caption = params.get("caption", "")
        return self._deliver("sendPhoto", params, caption, photo=[size], caption=caption)

    async def _m_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        document = {"file_id": params["document"], "file_unique_id": "u-doc"}
        caption = params.get("caption", "")
        return self._deliver("sendDocument", params, caption, document=document, caption=caption)

    async def _m_sendPoll(self, params: dict[str, Any]) -> dict[str, Any]:
        poll_id = f"poll-{next(self._ids)}"
        texts = [o["text"] if isinstance(o, dict) else o for o in params["options"]]
        self.polls[poll_id] = texts
        poll = {
            "id": poll_id,
            "question": params["question"],
            "options": [
                {"text": t, "voter_count": 0, "persistent_id": f"o{i}"} for i, t in enumerate(texts)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": params.get("is_anonymous", True),
            "type": params.get("type", "regular"),
            "allows_multiple_answers": params.get("allows_multiple_answers", False),
            "allows_revoting": params.get("allows_revoting", False),
            "members_only": False,
            "correct_option_ids": params.get("correct_option_ids", []),
        }
        return self._deliver("sendPoll", params, params["question"], poll=poll)

    async def _m_answerCallbackQuery(self, _params: dict[str, Any]) -> bool:
        return True

    async def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._deliver("editMessageText", params, params["text"], text=params["text"])

    async def _m_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = params["file_id"]
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": len(self.files[file_id]),
            "file_path": f"documents/{file_id}.bin",
        }
