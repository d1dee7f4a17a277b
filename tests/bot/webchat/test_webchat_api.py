"""The web chat's HTTP API over real HTTP: cookies, transcript, long-poll, CSRF, limits."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from itsdangerous import Signer
from sqlmodel import select

from bot.channels.webchat import Limits
from bot.channels.webchat.identity import COOKIE, EMBED_COOKIE
from bot.channels.webchat.ratelimit import RateLimiter
from conversations.channels.tables import WebMessage
from conversations.i18n import Catalogs
from conversations.messages import MAX_TEXT, Choice, Reply
from tests.bot.webchat.served import Served, first_visit

_n = iter(range(10_000_000))


def mid() -> str:
    """A fresh page message id."""
    return f"test{next(_n):08d}"


async def post(client: httpx.AsyncClient, **message: object) -> httpx.Response:
    """Post one message as the page does."""
    message.setdefault("id", mid())
    return await client.post("/chat/api/messages", json=message)


async def test_first_visit_gets_signed_httponly_lax_cookie(served: Served) -> None:
    async with served.client() as client:
        response = await client.get("/chat")
    cookies = response.headers.get_list("set-cookie")
    first = next(c for c in cookies if c.startswith(f"{COOKIE}="))
    assert "HttpOnly" in first
    assert "SameSite=lax" in first
    assert "Path=/chat" in first
    embed = next(c for c in cookies if c.startswith(f"{EMBED_COOKIE}="))
    for flag in ("Secure", "HttpOnly", "SameSite=None", "Partitioned"):
        assert flag in embed
    value = first.split(";")[0].split("=", 1)[1]
    assert served.visitor(value)  # verifies with the server's key


async def test_reload_keeps_identity_and_transcript(served: Served, catalogs: Catalogs) -> None:
    vi = catalogs.texts("vi")
    async with served.client() as client:
        await first_visit(client)
        sent = await post(client, text="menu", silent=True)
        assert sent.status_code == 200
        body = sent.json()
        assert [m["dir"] for m in body["messages"]] == ["out"]  # silent: no visitor row
        greeting = body["messages"][0]
        assert vi("Hello! I am the OCOP assistant of Cà Mau.") in greeting["text"]
        assert len(greeting["choices"]) == 6
        tapped = await post(client, action="menu:ask", label="❓ Hỏi về OCOP")
        rows = tapped.json()["messages"]
        assert (rows[0]["dir"], rows[0]["text"]) == ("in", "❓ Hỏi về OCOP")
        assert rows[1]["dir"] == "out"
        assert rows[1]["text"]
        again = await client.get("/chat/api/messages", params={"after": 0})  # a reload
    texts = [m["text"] for m in again.json()["messages"]]
    assert texts == [greeting["text"], "❓ Hỏi về OCOP", rows[1]["text"]]
    ids = [m["id"] for m in again.json()["messages"]]
    assert ids == sorted(ids)


async def test_forged_cookie_gets_a_new_identity_not_the_conversation(served: Served) -> None:
    async with served.client() as victim:
        value = await first_visit(victim)
        await post(victim, text="Số điện thoại của tôi là 0912345678")
    victim_id = served.visitor(value)
    forgeries = [
        f"{victim_id}.AAAAAAAAAAAAAAAAAAAAAAAAAAA",
        Signer(b"another key", salt="ocop.webchat.visitor").sign(victim_id).decode(),
        victim_id,
    ]
    for forged in forgeries:
        async with served.client() as attacker:
            attacker.cookies.set(COOKIE, forged, domain="127.0.0.1", path="/chat")
            response = await attacker.get("/chat/api/messages", params={"after": 0})
            assert response.json() == {"messages": []}
            new_id = served.visitor(attacker.cookies[COOKIE])
            assert new_id != victim_id
            page = await attacker.get("/chat")
            assert "0912345678" not in page.text


async def test_retried_message_is_stored_and_answered_once(served: Served) -> None:
    async with served.client() as client:
        await first_visit(client)
        first = await post(client, id="retry-0001", text="xin chào")
        second = await post(client, id="retry-0001", text="xin chào")
        assert len(first.json()["messages"]) == 2
        assert second.json()["messages"] == []
        rows = (await client.get("/chat/api/messages", params={"after": 0})).json()["messages"]
    assert [m["dir"] for m in rows] == ["in", "out"]
    assert rows[0]["mid"] == "retry-0001"
    assert len(served.received) == 2
    assert served.received[0].message_id.endswith(":retry-0001")
    assert served.received[0].channel == "web"


async def test_a_retry_after_a_crash_before_the_answer_was_stored_gets_the_answer(
    served: Served,
) -> None:
    """The engine committed the turn, then the process died before the replies were stored:
    the page's retry (same id) gets the replies of that turn, and the step does not move."""
    async with served.client() as client:
        visitor = served.visitor(await first_visit(client))
        first = await post(client, id="crash-0001", text="menu")
        answer = [m["text"] for m in first.json()["messages"] if m["dir"] == "out"]
        assert answer
        async with served.runtime.sessions() as session, session.begin():
            rows = (await session.exec(select(WebMessage).where(
                WebMessage.user_key == visitor, WebMessage.direction == "out"))).all()
            for row in rows:
                await session.delete(row)
        again = await post(client, id="crash-0001", text="menu")
        assert [m["text"] for m in again.json()["messages"] if m["dir"] == "out"] == answer
        rows = (await client.get("/chat/api/messages", params={"after": 0})).json()["messages"]
    assert [m["dir"] for m in rows] == ["in"] + ["out"] * len(answer)


async def test_long_poll_returns_a_proactive_message_at_once(served: Served) -> None:
    async with served.client() as client:
        visitor = served.visitor(await first_visit(client))
        waiting = asyncio.create_task(
            client.get("/chat/api/messages", params={"after": 0, "wait": 20})
        )
        await asyncio.sleep(0.3)
        assert not waiting.done()
        started = time.monotonic()
        receipts = await served.send(
            visitor, [Reply("Nhắc hạn: nộp hồ sơ trước 15/3.", choices=(Choice("OK", "x:ok"),))]
        )
        response = await waiting
    assert time.monotonic() - started < 2
    [message] = response.json()["messages"]
    assert receipts == [str(message["id"])]
    assert message["dir"] == "out"
    assert message["text"] == "Nhắc hạn: nộp hồ sơ trước 15/3."
    assert message["choices"] == [["OK", "x:ok"]]


@pytest.mark.parametrize("query", ["after=x", "after=1&wait=soon"])
async def test_bad_transcript_queries_are_refused(served: Served, query: str) -> None:
    async with served.client() as client:
        await first_visit(client)
        assert (await client.get(f"/chat/api/messages?{query}")).status_code == 400
        huge = await client.get("/chat/api/messages", params={"after": 10**30})
        assert huge.json() == {"messages": []}


async def test_long_poll_sees_rows_stored_by_another_process(served: Served) -> None:
    async with served.client() as client:
        visitor = served.visitor(await first_visit(client))
        waiting = asyncio.create_task(
            client.get("/chat/api/messages", params={"after": 0, "wait": 20})
        )
        await asyncio.sleep(0.2)
        async with served.runtime.sessions() as session, session.begin():
            session.add(WebMessage(user_key=visitor, direction="out", text="từ tiến trình khác"))
        response = await asyncio.wait_for(waiting, timeout=5)
    assert [m["text"] for m in response.json()["messages"]] == ["từ tiến trình khác"]


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example", "sec-fetch-site": "cross-site"},
        {"origin": "https://evil.example"},
        {"sec-fetch-site": "same-site"},
        {"origin": "null"},
        {},  # an old browser that says nothing must send the CSRF token
        {"x-csrf-token": "0" * 32},
    ],
    ids=["cross-site", "foreign-origin", "same-site", "null-origin", "silent", "bad-token"],
)
async def test_state_changing_posts_are_same_origin_only(
    served: Served, headers: dict[str, str]
) -> None:
    async with httpx.AsyncClient(base_url=served.url, headers=headers) as client:
        await first_visit(client)
        message = await client.post("/chat/api/messages", json={"id": mid(), "text": "hi"})
        upload = await client.post("/chat/api/uploads", content=b"%PDF-1.4")
    assert message.status_code == 403
    assert upload.status_code == 403
    assert served.received == []


async def test_old_browser_with_the_csrf_token_may_post(served: Served) -> None:
    async with httpx.AsyncClient(base_url=served.url) as client:
        visitor = served.visitor(await first_visit(client))
        token = served.chat.identity.csrf_token(visitor)
        response = await client.post(
            "/chat/api/messages",
            json={"id": mid(), "text": "menu"},
            headers={"x-csrf-token": token},
        )
    assert response.status_code == 200
    page_token = served.chat.identity.csrf_token(visitor)
    assert page_token == token


def freeze_visitor_limit(served: Served) -> None:
    """The default per-visitor bucket on a clock that stands still (a slow machine refills it)."""
    limits = Limits()
    assert (limits.per_minute, limits.burst) == (20, 20)
    served.chat.visitor_limit = RateLimiter(limits.per_minute, limits.burst, clock=lambda: 0.0)


async def test_rate_limit_answers_429_after_20_messages(served: Served) -> None:
    freeze_visitor_limit(served)
    async with served.client() as client:
        await first_visit(client)
        codes = [(await post(client, text=f"tin {i}")).status_code for i in range(20)]
        limited = await post(client, text="tin 21")
    assert codes == [200] * 20
    assert limited.status_code == 429
    assert limited.json()["error"] == "rate_limited"
    assert int(limited.headers["retry-after"]) == 3
    assert len(served.received) == 20


async def test_limits_are_per_visitor(served: Served) -> None:
    freeze_visitor_limit(served)
    async with served.client() as one, served.client() as two:
        await first_visit(one)
        await first_visit(two)
        for i in range(20):
            await post(one, text=f"tin {i}")
        assert (await post(one, text="x")).status_code == 429
        assert (await post(two, text="x")).status_code == 200


async def test_oversized_body_is_refused_and_long_text_answered_politely(
    served: Served, catalogs: Catalogs
) -> None:
    vi = catalogs.texts("vi")
    async with served.client() as client:
        await first_visit(client)
        huge = await client.post(
            "/chat/api/messages",
            content=b'{"id": "abcdefgh", "text": "' + b"a" * 100_000 + b'"}',
            headers={"content-type": "application/json"},
        )
        assert huge.status_code == 413
        long = await post(client, text="ạ" * (MAX_TEXT + 1))
    assert long.status_code == 200
    reply = long.json()["messages"][-1]["text"]
    expected = vi(
        "That message is too long for me (over {n} characters). Please send a shorter one.",
        n=vi.number(MAX_TEXT),
    )
    assert reply == expected


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"text": "no id"}',
        b'{"id": "bad id!", "text": "x"}',
        b'{"id": "abcdefgh"}',
        b'{"id": "abcdefgh", "text": "x", "action": "menu:ask"}',
        b'{"id": "abcdefgh", "text": 5}',
        b'{"id": "abcdefgh", "action": ""}',
        b'{"id": "abcdefgh", "upload": "AAAAAAAAAAAAAAAAAAAAAA"}',
        b'{"id": "abcdefgh", "upload": "../../etc/passwd"}',
    ],
)
async def test_malformed_messages_are_refused(served: Served, body: bytes) -> None:
    async with served.client() as client:
        await first_visit(client)
        response = await client.post(
            "/chat/api/messages", content=body, headers={"content-type": "application/json"}
        )
    assert response.status_code == 400
    assert served.received == []


async def test_page_follows_the_visitors_language(served: Served) -> None:
    async with served.client() as client:
        await first_visit(client)
        assert '<html lang="vi">' in (await client.get("/chat")).text
        await post(client, action="g:language", label="🌐")
        switched = await post(client, action="en", label="English")
        assert switched.json()["locale"] == "en"
        assert '<html lang="en">' in (await client.get("/chat")).text
    async with served.client() as newcomer:
        page = await newcomer.get("/chat", params={"lang": "en"})
        assert '<html lang="en">' in page.text
        assert 'data-hint="en"' in page.text
        first = await post(newcomer, text="menu", silent=True, hint="en")
        assert "Hello! I am the OCOP assistant" in first.json()["messages"][0]["text"]
