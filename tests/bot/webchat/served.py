"""The running web chat app as tests see it, and the first visit every client makes."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import uvicorn

from bot.channels.webchat import WebChat
from bot.channels.webchat.identity import COOKIE
from bot.runtime import Runtime
from conversations.messages import Incoming, Reply


class QuietServer(uvicorn.Server):
    """uvicorn that leaves signal handling to pytest."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class Served:
    """The running app: its base URL, the web chat component and what reached the engine."""

    url: str
    chat: WebChat
    runtime: Runtime
    received: list[Incoming] = field(default_factory=list)

    def client(self, **kwargs: object) -> httpx.AsyncClient:
        """An HTTP client that talks to the app like a browser page of our own origin."""
        headers = {"origin": self.url, "sec-fetch-site": "same-origin"}
        return httpx.AsyncClient(base_url=self.url, headers=headers, timeout=20, **kwargs)  # type: ignore[arg-type]

    def visitor(self, cookie_value: str) -> str:
        """The visitor id inside a signed cookie value."""
        visitor = self.chat.identity.unsign(cookie_value)
        assert visitor is not None, "cookie signature did not verify"
        return visitor

    async def send(self, user_key: str, replies: list[Reply]) -> list[str]:
        """A proactive message, as the delivery worker would send it."""
        return await self.chat.send(user_key, replies)


async def first_visit(client: httpx.AsyncClient) -> str:
    """Open /chat with `client`; the signed cookie value it was given."""
    response = await client.get("/chat")
    assert response.status_code == 200
    value = client.cookies.get(COOKIE)
    assert value
    return value


async def greeted(client: httpx.AsyncClient, served: Served) -> str:
    """Open /chat and send the silent greeting the page sends on load, as a real visitor has
    (uploads need a visitor who has written); what reached the engine is forgotten."""
    value = await first_visit(client)
    response = await client.post(
        "/chat/api/messages", json={"id": "greeting-0001", "text": "menu", "silent": True}
    )
    assert response.status_code == 200
    served.received.clear()
    return value
