"""A fake Telegram Bot API on 127.0.0.1: the real PTB talks HTTP to it; it records every call.

It keeps a queue of updates with Telegram's offset rules (an update is forgotten once
`getUpdates` is called with a higher offset), answers the methods the bot uses, serves files,
can answer the next N calls of a method with an error (429 with retry_after, 403, 502), and can
enforce an overall sending rate like Telegram's flood control (429 when exceeded).

It refuses what the Bot API refuses, as a 400 with Telegram's description: text outside
1–4096 characters (UTF-16 units), a caption over 1024, callback data outside 1–64 bytes, a
button answer over 200 characters, a quiz without `correct_option_ids` or a regular poll with
an explanation, an edit of a message it never sent ("message to edit not found") or to the
same text and buttons ("message is not modified"), an answer to a button tap it never
delivered or after `query_timeout` ("query is too old"), a send to a chat in `missing_chats`
("chat not found"), and a webhook address that is not HTTPS on port 443, 80, 88 or 8443.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import urlsplit

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from testbed.local_server import LocalServer

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
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
CHAT_NOT_FOUND = "Bad Request: chat not found"
MAX_TEXT, MAX_CAPTION, MAX_CALLBACK_DATA, MAX_ANSWER = 4096, 1024, 64, 200
WEBHOOK_PORTS = frozenset({443, 80, 88, 8443})


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _bad(description: str) -> ApiError:
    return ApiError(400, description)


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
        self,
        token: str = TOKEN,
        first_update_id: int = 1,
        rate_limit: float | None = None,
        *,
        sliding: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.rate_limit = rate_limit
        """Messages per second over all chats (as Telegram's ~30/s). `sliding` (the default):
        the send that would be the (limit+1)th accepted within any one second gets 429 with
        retry_after 1; otherwise a bucket holding one second's worth, refilled steadily."""
        self.sliding = sliding
        self.clock = clock
        """Seconds for the rate limit; a test may freeze or step it."""
        self.limited = 0
        """Sends refused by `rate_limit`."""
        self._bucket = rate_limit or 0.0
        self._bucket_at = clock()
        self._accepted: collections.deque[float] = collections.deque()
        self.url = ""
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.pending: list[dict[str, Any]] = []
        self.confirmed_below = 0
        """Every update with a lower id has been confirmed (Telegram forgot it)."""
        self.webhook: dict[str, Any] = {}
        self.commands: dict[str, list[dict[str, str]]] = {}
        """The command menu set with `setMyCommands`, per language code ("" for the default)."""
        self.files: dict[str, bytes] = {}
        self.polls: dict[str, list[str]] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        """(chat, message id) → the text and markup shown, for edits."""
        self.queries: dict[str, float] = {}
        """Button taps delivered (callback query id → when), for answers."""
        self.query_timeout = 15.0
        self.missing_chats: set[int] = set()
        self._failures: dict[str, list[ApiError]] = {}
        self._update_ids = itertools.count(first_update_id)
        self._ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._closing = False
        self._http = LocalServer()

    async def __aenter__(self) -> Self:
        routes = [
            Route("/bot{token}/{method}", self._api, methods=["GET", "POST"]),
            Route("/file/bot{token}/{path:path}", self._file),
        ]
        self.url = await self._http.start(routes)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._closing = True
        await self._notify()
        await self._http.stop()

    # --- what tests use ------------------------------------------------------------------

    def fail(
        self,
        method: str,
        *,
        status: int,
        times: int = 1,
        retry_after: int | None = None,
        description: str = "",
    ) -> None:
        """Answer the next `times` calls of `method` with an error."""
        errors = self._failures.setdefault(method, [])
        errors.extend(ApiError(status, description, retry_after) for _ in range(times))

    def stamp(self, body: dict[str, Any]) -> dict[str, Any]:
        """`body` as an update with the next update id (for posting to a webhook)."""
        query = body.get("callback_query")
        if isinstance(query, dict) and "id" in query:
            self.queries[str(query["id"])] = time.monotonic()
        return {"update_id": next(self._update_ids), **body}

    async def push(self, *bodies: dict[str, Any]) -> list[int]:
        """Queue updates for `getUpdates`; their ids."""
        updates = [self.stamp(body) for body in bodies]
        self.pending.extend(updates)
        await self._notify()
        return [u["update_id"] for u in updates]

    async def redeliver(self, *updates: dict[str, Any]) -> None:
        """Queue stamped updates again, as Telegram does with those a dead process left open."""
        self.pending.extend(updates)
        await self._notify()

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
        now = self.clock()
        if self.sliding:
            while self._accepted and self._accepted[0] <= now - 1.0:
                self._accepted.popleft()
            if len(self._accepted) >= self.rate_limit:
                return False
            self._accepted.append(now)
            return True
        refill = (now - self._bucket_at) * self.rate_limit
        self._bucket = min(self.rate_limit, self._bucket + refill)
        self._bucket_at = now
        if self._bucket < 1:
            return False
        self._bucket -= 1
        return True

    def _check_chat(self, params: dict[str, Any]) -> int:
        chat_id = int(params["chat_id"])
        if chat_id in self.missing_chats:
            raise _bad(CHAT_NOT_FOUND)
        markup = params.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []) if isinstance(markup, dict) else []:
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                    raise _bad("Bad Request: BUTTON_DATA_INVALID")
        return chat_id

    @staticmethod
    def _check_text(text: object, *, caption: bool = False) -> str:
        value = "" if text is None else str(text)
        if caption:
            if utf16_len(value) > MAX_CAPTION:
                raise _bad("Bad Request: message caption is too long")
            return value
        if not value.strip():
            raise _bad("Bad Request: message text is empty")
        if utf16_len(value) > MAX_TEXT:
            raise _bad("Bad Request: message is too long")
        return value

    def _deliver(self, method: str, params: dict[str, Any], shown: str, **extra: Any) -> dict:
        chat_id = self._check_chat(params)
        message_id = next(self._ids)
        markup = params.get("reply_markup")
        self.sent.append(Sent(method, chat_id, message_id, shown, markup, params))
        self.messages[(chat_id, message_id)] = {"text": shown, "markup": markup}
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
        url = urlsplit(str(params.get("url", "")))
        if url.scheme != "https" or not url.hostname:
            raise _bad("Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        if (url.port or 443) not in WEBHOOK_PORTS:
            raise _bad(
                "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
            )
        self.webhook = params
        return True

    async def _m_setMyCommands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of at most 100")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            description = command.get("description", "") if isinstance(command, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        language = params.get("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise ApiError(400, "Bad Request: invalid language code")
        self.commands[language] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
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
        text = self._check_text(params.get("text"))
        return self._deliver("sendMessage", params, text, text=text)

    async def _m_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = params["photo"]
        size = {"file_id": file_id, "file_unique_id": f"u-{file_id}", "width": 1, "height": 1}
        caption = self._check_text(params.get("caption", ""), caption=True)
        return self._deliver("sendPhoto", params, caption, photo=[size], caption=caption)

    async def _m_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        document = {"file_id": params["document"], "file_unique_id": "u-doc"}
        caption = self._check_text(params.get("caption", ""), caption=True)
        return self._deliver("sendDocument", params, caption, document=document, caption=caption)

    async def _m_sendPoll(self, params: dict[str, Any]) -> dict[str, Any]:
        kind = params.get("type", "regular")
        correct = params.get("correct_option_ids")
        if kind == "quiz" and not correct:
            raise _bad("Bad Request: wrong correct option ids specified")
        if kind != "quiz" and (params.get("explanation") or correct):
            raise _bad("Bad Request: explanation and correct options are allowed only in quizzes")
        if utf16_len(str(params.get("explanation") or "")) > 200:
            raise _bad("Bad Request: explanation is too long")
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

    async def _m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        given = self.queries.get(str(params.get("callback_query_id", "")))
        if given is None or time.monotonic() - given > self.query_timeout:
            raise _bad(QUERY_TOO_OLD)
        if utf16_len(str(params.get("text") or "")) > MAX_ANSWER:
            raise _bad("Bad Request: MESSAGE_TOO_LONG")
        return True

    async def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._check_chat(params)
        text = self._check_text(params.get("text"))
        message_id = int(params.get("message_id", 0))
        shown = self.messages.get((chat_id, message_id))
        if shown is None:
            raise _bad("Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if shown["text"] == text and shown["markup"] == markup:
            raise _bad(NOT_MODIFIED)
        self.messages[(chat_id, message_id)] = {"text": text, "markup": markup}
        self.sent.append(Sent("editMessageText", chat_id, message_id, text, markup, params))
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "edit_date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT,
            "text": text,
        }
        return message

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
