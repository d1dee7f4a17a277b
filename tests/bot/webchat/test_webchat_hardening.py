"""The web chat under abuse: huge bodies, bad text, floods of visitors, uploads, long-polls."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from pathlib import Path

import httpx
import pytest
from sqlmodel import func, select

from bot.channels.webchat.ratelimit import RateLimiter
from bot.workers.uploads import UploadSweeper
from conversations.channels.tables import WebMessage
from conversations.messages import Reply
from conversations.models import User
from testbed.raw_http import chunked_post
from tests.bot.webchat import files
from tests.bot.webchat.served import Served, first_visit, greeted
from tests.bot.webchat.test_webchat_api import mid

MIB = 1024 * 1024
SAME_ORIGIN = {"sec-fetch-site": "same-origin", "content-type": "application/json"}


async def test_a_huge_chunked_message_is_refused_at_the_limit(served: Served) -> None:
    answer = await chunked_post(served.url, "/chat/api/messages", SAME_ORIGIN, 16 * MIB)
    assert answer.status == 413
    assert answer.sent < 4 * MIB


async def test_a_huge_chunked_upload_is_refused_at_the_limit(served: Served) -> None:
    answer = await chunked_post(served.url, "/chat/api/uploads", SAME_ORIGIN, 64 * MIB)
    assert answer.status in (413, 403)
    assert answer.sent < 24 * MIB


async def test_lone_surrogates_and_nul_bytes_are_cleaned_not_a_500(served: Served) -> None:
    async with served.client() as client:
        await first_visit(client)
        for text in ("\ud800", "xin\x00 chào", "\udfff\ud800hỏi"):
            body = json.dumps({"id": mid(), "text": text})  # ASCII-escaped, as JSON allows
            response = await client.post(
                "/chat/api/messages", content=body, headers={"content-type": "application/json"}
            )
            assert response.status_code == 200, response.text
        label = {"id": mid(), "action": "menu:\x00", "label": "\ud800x"}
        response = await client.post(
            "/chat/api/messages",
            content=json.dumps(label),
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 200
        history = await client.get("/chat/api/messages?after=0")
    texts = [m["text"] for m in history.json()["messages"] if m["dir"] == "in"]
    assert texts[:3] == ["", "xin chào", "hỏi"]


async def test_odd_query_values_get_a_400_or_an_answer_never_a_500(served: Served) -> None:
    async with served.client() as client:
        await first_visit(client)
        for query in ("after=99999999999999999999999", "wait=nan", "wait=-1", "after=-5"):
            response = await client.get(f"/chat/api/messages?{query}")
            assert response.status_code == 200, query
        assert (await client.get("/chat/api/messages?after=abc")).status_code == 400
        assert (await client.get("/chat/api/files/%00")).status_code == 404


async def _upload(client: httpx.AsyncClient, data: bytes = files.PDF) -> httpx.Response:
    headers = {"content-type": "application/pdf", "x-file-name": "hs.pdf"}
    return await client.post("/chat/api/uploads", content=data, headers=headers)


async def test_uploads_need_a_visitor_who_has_written(served: Served, tmp_path: Path) -> None:
    async with served.client() as client:
        assert (await _upload(client)).status_code == 403  # no cookie: a new visitor
        await first_visit(client)
        assert (await _upload(client)).status_code == 403  # a cookie, but never wrote
        await greeted(client, served)
        assert (await _upload(client)).status_code == 201
    assert len(list((tmp_path / "var" / "uploads").glob("*.json"))) == 1


async def test_uploads_are_rate_limited_per_address_and_overall(served: Served) -> None:
    served.chat.upload_limit = RateLimiter(60, burst=2, clock=lambda: 0.0)
    async with served.client() as client:
        await greeted(client, served)
        codes = [(await _upload(client)).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    served.chat.upload_limit = RateLimiter(60, burst=100, clock=lambda: 0.0)
    served.chat.upload_all_limit = RateLimiter(60, burst=1, clock=lambda: 0.0)
    async with served.client() as other:
        await greeted(other, served)
        assert [(await _upload(other)).status_code for _ in range(2)] == [201, 429]


async def test_uploads_beyond_the_disk_quota_are_refused_and_logged(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    store = served.chat.uploads
    async with served.client() as client:
        await greeted(client, served)
        assert (await _upload(client)).status_code == 201
        store.quota = await store.used() + store.max_bytes  # exactly one more large file fits
        assert not await store.full()
        assert (await _upload(client)).status_code == 201
        with caplog.at_level(logging.ERROR):
            refused = await _upload(client)
    assert refused.status_code == 507 and refused.json()["error"] == "full"
    assert "uploads refused" in caplog.text


async def test_files_no_message_refers_to_are_deleted_after_a_day(
    served: Served, tmp_path: Path
) -> None:
    async with served.client() as client:
        await greeted(client, served)
        kept = (await _upload(client)).json()["id"]
        dropped = (await _upload(client)).json()["id"]
        fresh = (await _upload(client)).json()["id"]
        sent = await client.post("/chat/api/messages", json={"id": mid(), "upload": kept})
        assert sent.status_code == 200
    folder = tmp_path / "var" / "uploads"
    old = time.time() - 2 * 86400
    for upload_id in (kept, dropped):
        for path in (folder / upload_id, folder / f"{upload_id}.json"):
            os.utime(path, (old, old))
    sweeper = UploadSweeper(served.runtime.sessions, served.chat.uploads)
    assert await sweeper.run_once() == 1
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [kept, f"{kept}.json", fresh, f"{fresh}.json"]
    )
    assert await sweeper.run_once() == 0


async def test_new_visitors_are_rate_limited_per_address(served: Served) -> None:
    served.chat.new_visitor_limit = RateLimiter(60, burst=3, clock=lambda: 0.0)
    codes = []
    for _ in range(5):
        async with served.client() as client:  # no cookie: a new visitor every time
            response = await client.post("/chat/api/messages", json={"id": mid(), "text": "hi"})
            codes.append(response.status_code)
    assert codes == [200, 200, 200, 429, 429]
    async with served.runtime.sessions() as session:
        users = (await session.exec(select(func.count()).select_from(User))).one()
    assert users == 3


async def test_a_newer_long_poll_of_the_same_visitor_releases_the_older(served: Served) -> None:
    async with served.client() as client:
        await greeted(client, served)
        first = asyncio.create_task(client.get("/chat/api/messages?after=999999&wait=20"))
        await asyncio.sleep(0.5)
        started = time.monotonic()
        second = asyncio.create_task(client.get("/chat/api/messages?after=999999&wait=1"))
        released = await asyncio.wait_for(first, 5)
        assert released.status_code == 200 and released.json()["messages"] == []
        assert time.monotonic() - started < 2
        assert (await second).status_code == 200


async def test_long_polls_per_address_are_capped(served: Served) -> None:
    served.chat.polls.per_address = 2
    clients = [served.client() for _ in range(3)]
    try:
        for client in clients:
            await greeted(client, served)
        waits = [
            asyncio.create_task(c.get("/chat/api/messages?after=999999&wait=2"))
            for c in clients[:2]
        ]
        await asyncio.sleep(0.5)
        refused = await clients[2].get("/chat/api/messages?after=999999&wait=2")
        assert refused.status_code == 429
        assert [r.status_code for r in await asyncio.gather(*waits)] == [200, 200]
        assert (await clients[2].get("/chat/api/messages?after=999999&wait=0")).status_code == 200
    finally:
        for client in clients:
            await client.aclose()


async def test_a_long_poll_is_woken_without_reading_the_database_meanwhile(
    served: Served,
) -> None:
    served.chat.recheck = 25.0  # what `ocop-bot run` uses
    reads = 0
    after = served.chat.transcript.after

    async def counted(user_key: str, after_id: int) -> list[WebMessage]:
        nonlocal reads
        reads += 1
        return await after(user_key, after_id)

    served.chat.transcript.after = counted  # type: ignore[method-assign]
    async with served.client() as client:
        value = await greeted(client, served)
        visitor = served.visitor(value)
        last = (await client.get("/chat/api/messages?after=0")).json()["messages"][-1]["id"]
        reads = 0
        poll = asyncio.create_task(client.get(f"/chat/api/messages?after={last}&wait=20"))
        await asyncio.sleep(2.0)
        assert reads == 1
        started = time.monotonic()
        await served.send(visitor, [Reply("Thông báo mới")])
        answer = await asyncio.wait_for(poll, 5)
    assert time.monotonic() - started < 1
    assert [m["text"] for m in answer.json()["messages"]] == ["Thông báo mới"]
    assert reads == 2
