"""Bodies are read as a stream with a hard limit: a huge chunked body is refused mid-way (413)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Bot

from bot.channels.telegram import webhook as telegram_webhook
from bot.channels.zalo import webhook as zalo_webhook
from bot.channels.zalo.config import ZaloConfig
from bot.web.bodies import read_body, read_form
from testbed.raw_http import chunked_post
from tests.bot.webchat.served import QuietServer

MIB = 1024 * 1024


async def _echo_body(request: Request) -> Response:
    return PlainTextResponse(str(len(await read_body(request, 100_000))))


async def _echo_form(request: Request) -> Response:
    form = await read_form(request, 100_000, max_fields=1000)
    return PlainTextResponse(",".join(sorted(form.keys())))


@pytest.fixture
async def url() -> AsyncIterator[str]:
    """Both webhooks and two echo routes on uvicorn (httptools, as `ocop-bot run`)."""
    config = ZaloConfig(app_id="123", app_secret="a", oa_secret_key="k")

    async def store(_event: object) -> bool:
        return True

    async def process(_update: object) -> bool:
        return True

    bot = Bot("123:abc")
    routes = [
        zalo_webhook.webhook_route(config, store, lambda: datetime.now(UTC)),
        telegram_webhook.webhook_route("s3cret", lambda: bot, process),
        Route("/echo", _echo_body, methods=["POST"]),
        Route("/form", _echo_form, methods=["POST"]),
    ]
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = QuietServer(
        uvicorn.Config(Starlette(routes=routes), log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:  # noqa: ASYNC110 (uvicorn has no event for it)
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def test_a_chunked_zalo_body_is_refused_at_the_limit_not_after_the_end(url: str) -> None:
    answer = await chunked_post(url, "/zalo", {"x-zevent-signature": "mac=whatever"}, 32 * MIB)
    assert answer.status == 413
    assert answer.sent < 8 * MIB


async def test_a_chunked_telegram_body_is_refused_at_the_limit(url: str) -> None:
    headers = {"x-telegram-bot-api-secret-token": "s3cret"}
    answer = await chunked_post(url, "/telegram", headers, 32 * MIB)
    assert answer.status == 413
    assert answer.sent < 8 * MIB


async def test_a_declared_length_over_the_limit_is_refused_before_reading(url: str) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=url) as client:
        too_big = await client.post("/echo", content=b"x" * 100_001)
        fits = await client.post("/echo", content=b"x" * 100_000)
    assert (too_big.status_code, fits.status_code, fits.text) == (413, 200, "100000")


async def test_a_form_of_many_small_fields_stops_at_the_byte_limit(url: str) -> None:
    fields = b"".join(b"f%d=%s&" % (i, b"y" * 1000) for i in range(60))
    answer = await chunked_post(
        url, "/form", {"content-type": "application/x-www-form-urlencoded"}, 16 * MIB, block=fields
    )
    assert answer.status == 413
    assert answer.sent < 8 * MIB


async def test_zalo_without_a_signature_reads_no_body(url: str) -> None:
    answer = await chunked_post(url, "/zalo", {}, 32 * MIB)
    assert answer.status == 401
