"""A fake Zalo OA API and OAuth server on 127.0.0.1 that records sends and rotates tokens.

The real client talks HTTP to it. It checks the `access_token` header, answers token refresh
with a new access token and a new single-use refresh token (the old one stops working), checks
the PKCE verifier of a code exchange, and can answer the next N calls of a path with a Zalo
error code or an HTTP status.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

APP_ID = "4321987654321"
APP_SECRET = "app-secret-for-tests"
OA_SECRET_KEY = "oa-secret-key-for-tests"
OA_ID = "1122334455"
MESSAGES = {
    -32: "Your application reached limit call api",
    -201: "Parameters are invalid",
    -213: "User has not followed OA",
    -216: "Access token is invalid",
    -220: "Access token has expired",
    -230: "User has not interacted with the OA in the past 7 days",
    -240: "The API of sending message v2 has been shut down",
}


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
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self._socket: socket.socket | None = None

    async def __aenter__(self) -> Self:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        routes = [
            Route("/v3.0/oa/message/cs", self._send, methods=["POST"]),
            Route("/v2.0/oa/upload/{kind}", self._upload, methods=["POST"]),
            Route("/v3.0/oa/user/detail", self._profile, methods=["GET"]),
            Route("/v4/oa/access_token", self._token, methods=["POST"]),
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
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
        if self._socket is not None:
            self._socket.close()

    # --- what tests use ------------------------------------------------------------------

    def fail(self, path: str, error: int = 0, *, times: int = 1, status: int = 200) -> None:
        """Answer the next `times` calls of `path` with Zalo error `error` or HTTP `status`."""
        self._failures.setdefault(path, []).extend([(error, status)] * times)

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
        message_id = f"zmsg-{next(self._ids)}"
        user_id = str(body["recipient"]["user_id"])
        self.sent.append(Sent(user_id, body["message"], message_id))
        await self._notify()
        data = {"message_id": message_id, "user_id": user_id}
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
