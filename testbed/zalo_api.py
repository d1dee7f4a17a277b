"""A fake Zalo OA API and OAuth server on 127.0.0.1 that records sends and rotates tokens.

The real client talks HTTP to it. It checks the `access_token` header, answers token refresh
with a new access token and a new single-use refresh token (the old one stops working), checks
the PKCE verifier of a code exchange, and can answer the next N calls of a path with a Zalo
error code or an HTTP status.

It refuses what Zalo refuses, with Zalo's answer (HTTP 200, a non-zero `error`): bodies with
unknown fields, a button message with a `template_type` or more than five buttons (-201), text
over 2,000 characters (-210), a `request_user_info` card without `image_url` (-201); a send to
a user who unfollowed (-213), who wrote more than 7 days ago or never (-230), a reply beyond
the 8 free ones in 48 h or after 48 h with no proactive quota left (-211), a promotion at night
(-234). A successful send carries `data.quota`. `down` makes every call a 503 (an outage).
Time is `now()` (seconds), which a test may replace to simulate hours passing.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from testbed.local_server import LocalServer

APP_ID = "4321987654321"
APP_SECRET = "app-secret-for-tests"
OA_SECRET_KEY = "oa-secret-key-for-tests"
OA_ID = "1122334455"
MESSAGES = {
    -32: "Your application reached limit call api",
    -201: "Parameters are invalid",
    -210: "Parameter exceeds the limit",
    -211: "Out of quota",
    -213: "User has not followed OA",
    -216: "Access token is invalid",
    -220: "Access token has expired",
    -230: "User has not interacted with the OA in the past 7 days",
    -234: "Cannot send promotion messages at night",
    -240: "The API of sending message v2 has been shut down",
}
MAX_TEXT = 2000
MAX_BUTTONS = 5
BUTTON_TYPES = frozenset(
    {"oa.query.show", "oa.query.hide", "oa.open.url", "oa.open.phone", "oa.open.sms"}
)
FREE_REPLIES = 8
FREE_FOR = 48 * 3600
WINDOW = 7 * 24 * 3600
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


class Refusal(Exception):
    """Zalo's answer to a message it will not send."""

    def __init__(self, code: int, message: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message or MESSAGES.get(code, "failed")


def _only(value: object, allowed: set[str], what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Refusal(-201, f"{what} must be an object")
    unknown = set(value) - allowed
    if unknown:
        raise Refusal(-201, f"{what}: unknown field {sorted(unknown)[0]}")
    return value


def check_message(message: object) -> None:
    """Raise `Refusal` for a consultation message Zalo would refuse."""
    body = _only(message, {"text", "attachment"}, "message")
    text = body.get("text")
    if text is not None and (not isinstance(text, str) or not text.strip()):
        raise Refusal(-201, "message.text is empty")
    if isinstance(text, str) and len(text) > MAX_TEXT:
        raise Refusal(-210, "message.text is longer than 2000 characters")
    if "attachment" not in body:
        if text is None:
            raise Refusal(-201, "message has neither text nor attachment")
        return
    attachment = _only(body["attachment"], {"type", "payload"}, "attachment")
    kind = attachment.get("type")
    payload = attachment.get("payload")
    if kind == "file":
        _only(payload, {"token"}, "file payload")
        return
    if kind != "template" or not isinstance(payload, dict):
        raise Refusal(-201, "attachment.type is invalid")
    template = payload.get("template_type")
    if template is None:  # text with buttons
        _only(payload, {"buttons"}, "button payload")
        buttons = payload.get("buttons")
        if not isinstance(text, str) or not isinstance(buttons, list) or not buttons:
            raise Refusal(-201, "a button message needs text and buttons")
        if len(buttons) > MAX_BUTTONS:
            raise Refusal(-201, "at most 5 buttons")
        for button in buttons:
            found = _only(button, {"title", "type", "payload", "image_icon"}, "button")
            if found.get("type") not in BUTTON_TYPES or not str(found.get("title", "")).strip():
                raise Refusal(-201, "button type or title is invalid")
            if len(str(found["title"])) > 100 or len(str(found.get("payload", ""))) > 1000:
                raise Refusal(-210, "button title or payload too long")
        return
    elements = payload.get("elements")
    _only(payload, {"template_type", "elements"}, "template payload")
    if not isinstance(elements, list) or len(elements) != 1:
        raise Refusal(-201, "elements must hold one element")
    if template == "request_user_info":
        element = _only(elements[0], {"title", "subtitle", "image_url"}, "element")
        if not all(str(element.get(k) or "").strip() for k in ("title", "subtitle", "image_url")):
            raise Refusal(-201, "request_user_info needs title, subtitle and image_url")
        if not str(element["image_url"]).startswith(("https://", "http://")):
            raise Refusal(-201, "image_url is not an address")
        if len(str(element["title"])) > 100 or len(str(element["subtitle"])) > 500:
            raise Refusal(-210, "title or subtitle too long")
        return
    if template == "media":
        element = _only(elements[0], {"media_type", "url", "attachment_id"}, "element")
        if element.get("media_type") != "image" or not (
            element.get("url") or element.get("attachment_id")
        ):
            raise Refusal(-201, "a media element needs an image url or attachment_id")
        return
    raise Refusal(-201, f"template_type {template!r} is invalid")


@dataclass
class Sent:
    """One message the fake accepted."""

    user_id: str
    message: dict[str, Any]
    message_id: str

    @property
    def text(self) -> str:
        """The visible text (for the info card: title and subtitle)."""
        if "text" in self.message:
            return str(self.message["text"])
        payload = self.message.get("attachment", {}).get("payload", {})
        elements = payload.get("elements") or [{}]
        if payload.get("template_type") == "promotion":
            return "\n".join(str(e.get("content", "")) for e in elements if "content" in e)
        return f"{elements[0].get('title', '')}\n{elements[0].get('subtitle', '')}".strip()

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The buttons of a text-with-buttons message."""
        return list(self.message.get("attachment", {}).get("payload", {}).get("buttons", []))

    @property
    def template(self) -> str:
        """The template type ("" for plain text)."""
        return str(self.message.get("attachment", {}).get("payload", {}).get("template_type", ""))


@dataclass
class Call:
    """One request made to the fake."""

    path: str
    token: str
    params: dict[str, Any] = field(default_factory=dict)


class FakeZalo:
    """The server and its state; use as `async with FakeZalo() as zalo:`."""

    def __init__(self) -> None:
        self.url = ""
        self.now: Callable[[], float] = time.time
        self.down = False
        """Every call answers 503 while True (Zalo unreachable)."""
        self.wrote: dict[str, float] = {}
        """User → when they last wrote (seconds); a send is judged against it."""
        self.replies: dict[str, int] = {}
        """Replies sent to a user since they last wrote."""
        self.unfollowed: set[str] = set()
        self.proactive_quota = 0
        """Messages beyond the free replies Zalo still lets the OA send (a verified OA's quota)."""
        self.promotion_quota = 1000
        self.promotions: list[Sent] = []
        self.access = "access-0"
        self.refresh = "refresh-0"
        self.refresh_delay = 0.0
        self.profiles: dict[str, str] = {}
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.uploads: list[tuple[str, str, bytes]] = []
        self.refreshes: list[dict[str, str]] = []
        self.codes: dict[str, str] = {}
        """Authorisation code → the PKCE challenge it was issued for."""
        self._failures: dict[str, list[tuple[int, int]]] = {}
        self._rotation = itertools.count(1)
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._http = LocalServer()

    async def __aenter__(self) -> Self:
        routes = [
            Route("/v3.0/oa/message/cs", self._send, methods=["POST"]),
            Route("/v3.0/oa/message/promotion", self._promote, methods=["POST"]),
            Route("/v2.0/oa/upload/{kind}", self._upload, methods=["POST"]),
            Route("/v3.0/oa/user/detail", self._profile, methods=["GET"]),
            Route("/v4/oa/access_token", self._token, methods=["POST"]),
        ]
        self.url = await self._http.start(routes)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self._http.stop()

    # --- what tests use ------------------------------------------------------------------

    def fail(self, path: str, error: int = 0, *, times: int = 1, status: int = 200) -> None:
        """Answer the next `times` calls of `path` with Zalo error `error` or HTTP `status`."""
        self._failures.setdefault(path, []).extend([(error, status)] * times)

    def user_wrote(self, user_id: str, at: float | None = None) -> None:
        """`user_id` sent the OA a message at `at` (default now): their reply window opens."""
        self.wrote[user_id] = self.now() if at is None else at
        self.replies[user_id] = 0

    def expire(self) -> None:
        """The current access token stops working (calls get -216 until a refresh)."""
        self.access = "(none valid until a refresh)"

    def issue_code(self, code: str, challenge: str) -> None:
        """Accept `code` once, for the PKCE challenge sent in the authorisation address."""
        self.codes[code] = challenge

    def to(self, user_id: str) -> list[Sent]:
        """The messages delivered to `user_id`, in order."""
        return [s for s in self.sent if s.user_id == user_id]

    def texts(self, user_id: str) -> list[str]:
        """The texts delivered to `user_id`."""
        return [s.text for s in self.to(user_id)]

    def calls_to(self, path: str) -> list[Call]:
        """Every call of `path`, failed ones included."""
        return [c for c in self.calls if c.path == path]

    async def wait_until(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        """Wait until `predicate()` holds; checked after every call."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(predicate)

    # --- the HTTP side -------------------------------------------------------------------

    async def _record(self, call: Call) -> tuple[int, int] | None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()
        failures = self._failures.get(call.path)
        return failures.pop(0) if failures else None

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _refused(self, failure: tuple[int, int] | None, token: str) -> Response | None:
        if self.down:
            return Response("service unavailable", status_code=503)
        if failure is not None:
            error, status = failure
            if status != 200:
                return Response("upstream trouble", status_code=status)
            return JSONResponse({"error": error, "message": MESSAGES.get(error, "failed")})
        if token != self.access:
            return JSONResponse({"error": -216, "message": MESSAGES[-216]})
        return None

    async def _send(self, request: Request) -> Response:
        body = await request.json()
        token = request.headers.get("access_token", "")
        failure = await self._record(Call(request.url.path, token, body))
        refused = self._refused(failure, token)
        if refused is not None:
            return refused
        try:
            _only(body, {"recipient", "message"}, "body")
            user_id = str(_only(body["recipient"], {"user_id"}, "recipient").get("user_id", ""))
            check_message(body.get("message"))
            quota = self._spend(user_id)
        except (Refusal, KeyError) as exc:
            refusal = exc if isinstance(exc, Refusal) else Refusal(-201, "recipient missing")
            return JSONResponse({"error": refusal.code, "message": refusal.message})
        message_id = f"zmsg-{next(self._ids)}"
        self.sent.append(Sent(user_id, body["message"], message_id))
        await self._notify()
        data = {"message_id": message_id, "user_id": user_id, "quota": quota}
        return JSONResponse({"error": 0, "message": "Success", "data": data})

    def _spend(self, user_id: str) -> dict[str, Any]:
        """The quota a consultation message to `user_id` uses; `Refusal` when none is left."""
        if user_id in self.unfollowed:
            raise Refusal(-213)
        wrote = self.wrote.get(user_id)
        age = self.now() - wrote if wrote is not None else None
        if age is None or age > WINDOW:
            raise Refusal(-230)
        used = self.replies.get(user_id, 0)
        if age <= FREE_FOR and used < FREE_REPLIES:
            self.replies[user_id] = used + 1
            expires = datetime.fromtimestamp(wrote + FREE_FOR, UTC).isoformat()  # type: ignore[operator]
            return {
                "quota_type": "reply",
                "remain": FREE_REPLIES - used - 1,
                "total": FREE_REPLIES,
                "expired_date": expires,
            }
        if self.proactive_quota <= 0:
            raise Refusal(-211)
        self.proactive_quota -= 1
        self.replies[user_id] = used + 1
        return {"quota_type": "proactive", "remain": self.proactive_quota}

    async def _promote(self, request: Request) -> Response:
        body = await request.json()
        token = request.headers.get("access_token", "")
        failure = await self._record(Call(request.url.path, token, body))
        refused = self._refused(failure, token)
        if refused is not None:
            return refused
        try:
            user_id = str(_only(body["recipient"], {"user_id"}, "recipient").get("user_id", ""))
            message = _only(body.get("message"), {"attachment"}, "message")
            attachment = _only(message.get("attachment"), {"type", "payload"}, "attachment")
            payload = _only(attachment.get("payload"), {"template_type", "language", "elements",
                                                       "buttons"}, "payload")  # fmt: skip
            if payload.get("template_type") != "promotion" or not payload.get("elements"):
                raise Refusal(-201, "a promotion needs template_type promotion and elements")
            for element in payload["elements"]:
                found = _only(element, {"type", "content", "image_url", "attachment_id",
                                        "align"}, "element")  # fmt: skip
                if found.get("type") not in ("banner", "header", "text", "table"):
                    raise Refusal(-201, "element type is invalid")
                if found.get("type") == "text" and len(str(found.get("content", ""))) > MAX_TEXT:
                    raise Refusal(-210)
            hour = datetime.fromtimestamp(self.now(), ZONE).hour
            if hour >= 22 or hour < 6:
                raise Refusal(-234)
            if user_id in self.unfollowed:
                raise Refusal(-213)
            if self.promotion_quota <= 0:
                raise Refusal(-211)
            self.promotion_quota -= 1
        except (Refusal, KeyError) as exc:
            refusal = exc if isinstance(exc, Refusal) else Refusal(-201, "recipient missing")
            return JSONResponse({"error": refusal.code, "message": refusal.message})
        message_id = f"zmsg-{next(self._ids)}"
        sent = Sent(user_id, body["message"], message_id)
        self.sent.append(sent)
        self.promotions.append(sent)
        await self._notify()
        quota = {"quota_type": "promotion", "remain": self.promotion_quota}
        data = {"message_id": message_id, "user_id": user_id, "quota": quota}
        return JSONResponse({"error": 0, "message": "Success", "data": data})

    async def _upload(self, request: Request) -> Response:
        form = await request.form()
        upload = form["file"]
        data = await upload.read()  # type: ignore[union-attr]
        await form.close()
        token = request.headers.get("access_token", "")
        failure = await self._record(Call(request.url.path, token))
        refused = self._refused(failure, token)
        if refused is not None:
            return refused
        kind = request.path_params["kind"]
        self.uploads.append((kind, str(upload.filename), data))  # type: ignore[union-attr]
        key = "attachment_id" if kind == "image" else "token"
        found = {key: f"{kind}-{len(data)}"}
        return JSONResponse({"error": 0, "message": "Success", "data": found})

    async def _profile(self, request: Request) -> Response:
        token = request.headers.get("access_token", "")
        data = json.loads(request.query_params.get("data", "{}"))
        failure = await self._record(Call(request.url.path, token, data))
        refused = self._refused(failure, token)
        if refused is not None:
            return refused
        user_id = str(data.get("user_id", ""))
        if user_id not in self.profiles:
            return JSONResponse({"error": -201, "message": "user not found"})
        profile = {"user_id": user_id, "display_name": self.profiles[user_id]}
        return JSONResponse({"error": 0, "message": "Success", "data": profile})

    async def _token(self, request: Request) -> Response:
        form = dict(await request.form())
        failure = await self._record(Call(request.url.path, "", dict(form)))
        if self.down:
            return Response("service unavailable", status_code=503)
        if failure is not None:
            return Response("upstream trouble", status_code=failure[1] or 502)
        if request.headers.get("secret_key") != APP_SECRET or form.get("app_id") != APP_ID:
            return JSONResponse({"error": -14001, "error_description": "Invalid app secret"})
        grant = form.get("grant_type")
        if grant == "refresh_token":
            self.refreshes.append({k: str(v) for k, v in form.items()})
            if self.refresh_delay:
                await asyncio.sleep(self.refresh_delay)
            if form.get("refresh_token") != self.refresh:
                return JSONResponse({"error": -14014, "error_description": "Invalid refresh token"})
        elif grant == "authorization_code":
            challenge = self.codes.pop(str(form.get("code")), None)
            verifier = str(form.get("code_verifier", "")).encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
            if challenge is None or digest.decode() != challenge:
                return JSONResponse({"error": -14019, "error_description": "Invalid code"})
        else:
            return JSONResponse({"error": -14003, "error_description": "Invalid grant type"})
        n = next(self._rotation)
        self.access, self.refresh = f"access-{n}", f"refresh-{n}"
        await self._notify()
        return JSONResponse(
            {"access_token": self.access, "refresh_token": self.refresh, "expires_in": "90000"}
        )
