"""X-Forwarded-For is believed only from the proxies in FORWARDED_ALLOW_IPS (none by default)."""

from __future__ import annotations

import asyncio
import socket

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.serve import server_config
from bot.settings import Settings
from tests.bot.webchat.served import QuietServer

FORWARDED = {"x-forwarded-for": "203.0.113.7", "x-forwarded-proto": "https"}


async def _seen(request: Request) -> JSONResponse:
    host = request.client.host if request.client else ""
    return JSONResponse({"address": host, "scheme": request.url.scheme})


async def _ask(**settings: str) -> dict[str, str]:
    """What the app sees of a request from 127.0.0.1 carrying forwarded headers."""
    values = Settings(_env_file=None, **settings)  # type: ignore[call-arg]
    config = server_config(values, Starlette(routes=[Route("/", _seen)]))
    config.lifespan = "off"
    config.log_level = "warning"
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = QuietServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:  # noqa: ASYNC110 (uvicorn has no event for it)
        await asyncio.sleep(0.02)
    try:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
        async with httpx.AsyncClient() as client:
            return (await client.get(url, headers=FORWARDED)).json()  # type: ignore[no-any-return]
    finally:
        server.should_exit = True
        await task
        sock.close()


async def test_by_default_no_proxy_is_trusted_not_even_a_local_one() -> None:
    assert await _ask() == {"address": "127.0.0.1", "scheme": "http"}


async def test_a_trusted_proxy_gives_the_client_address_and_https() -> None:
    seen = await _ask(forwarded_allow_ips="127.0.0.1")
    assert seen == {"address": "203.0.113.7", "scheme": "https"}


async def test_another_trusted_address_does_not_trust_this_one() -> None:
    seen = await _ask(forwarded_allow_ips="10.0.0.0/8")
    assert seen == {"address": "127.0.0.1", "scheme": "http"}
