"""What one message costs the transcript: its rows written in the engine's own transaction (or,
for a retry, one write shared by concurrent messages), and no long-poll wake-up for the page that
posted it."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import delete, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.channels.webchat import transcript
from bot.channels.webchat.batches import Batches
from conversations.channels.tables import WebMessage
from conversations.messages import Incoming, Reply
from conversations.models import Conversation, ProcessedMessage, User
from tests.bot.webchat.served import Served, first_visit, greeted

_n = iter(range(10_000_000))


def mid() -> str:
    """A fresh page message id."""
    return f"write{next(_n):08d}"


async def test_a_pages_own_post_does_not_wake_its_long_poll_but_others_do(
    served: Served,
) -> None:
    served.chat.recheck = 25.0  # what `ocop-bot run` uses: no re-read of the database meanwhile
    async with served.client() as client:
        visitor = served.visitor(await greeted(client, served))
        last = (await client.get("/chat/api/messages?after=0")).json()["messages"][-1]["id"]
        poll = asyncio.create_task(
            client.get(f"/chat/api/messages?after={last}&wait=20&tab=pageAAAAAAAA")
        )
        await asyncio.sleep(0.5)
        own = await client.post(
            "/chat/api/messages", json={"id": mid(), "text": "menu", "tab": "pageAAAAAAAA"}
        )
        assert own.status_code == 200
        stored = [m["id"] for m in own.json()["messages"]]
        assert stored
        await asyncio.sleep(1.0)
        assert not poll.done()  # its page has these rows already, in the answer to its post
        await served.send(visitor, [Reply("Thông báo mới")])
        answer = await asyncio.wait_for(poll, 5)
    ids = [m["id"] for m in answer.json()["messages"]]
    assert ids[: len(stored)] == stored  # the page shows each id once (chat.js skips known ids)
    assert answer.json()["messages"][-1]["text"] == "Thông báo mới"


async def test_another_pages_post_wakes_the_long_poll(served: Served) -> None:
    async with served.client() as client:
        await greeted(client, served)
        last = (await client.get("/chat/api/messages?after=0")).json()["messages"][-1]["id"]
        poll = asyncio.create_task(
            client.get(f"/chat/api/messages?after={last}&wait=20&tab=pageAAAAAAAA")
        )
        await asyncio.sleep(0.5)
        other = await client.post(
            "/chat/api/messages", json={"id": mid(), "text": "menu", "tab": "pageBBBBBBBB"}
        )
        answer = await asyncio.wait_for(poll, 5)
    assert [m["id"] for m in answer.json()["messages"]] == [
        m["id"] for m in other.json()["messages"]
    ]


async def _known(served: Served, keys: list[str]) -> None:
    for key in keys:
        incoming = Incoming(channel="web", user_key=key, message_id=f"{key}:hello", text="menu")
        await served.runtime.engine.handle(incoming)


async def test_concurrent_messages_are_stored_in_one_write(served: Served) -> None:
    keys = [f"visitor-writes-{n:04d}" for n in range(5)]
    await _known(served, keys)
    batches = served.chat.transcript._batches
    write = batches._write
    writes: list[int] = []

    async def counted(batch: list) -> dict[str, str]:  # type: ignore[type-arg]
        writes.append(len(batch))
        return await write(batch)

    batches._write = counted  # type: ignore[method-assign]
    rows = [[transcript.incoming(k, mid(), "a"), transcript.outgoing(k, Reply("b"))] for k in keys]
    locales = await asyncio.gather(
        *(served.chat.transcript.record(r, k) for r, k in zip(rows, keys, strict=True))
    )
    assert writes == [5]
    assert locales == ["vi"] * 5
    ids = [row.id for pair in rows for row in pair]
    assert all(isinstance(i, int) for i in ids)
    assert ids == sorted(ids)
    for key, pair in zip(keys, rows, strict=True):
        stored = await served.chat.transcript.after(key, 0)
        assert [(r.id, r.direction, r.text) for r in stored] == [
            (r.id, r.direction, r.text) for r in pair
        ]


async def test_one_bad_message_does_not_cost_the_others_their_write(served: Served) -> None:
    keys = [f"visitor-bad-{n:04d}" for n in range(3)]
    await _known(served, keys)
    good = [[transcript.incoming(k, mid(), "ok")] for k in keys[:2]]
    bad = [WebMessage(user_key=keys[2], direction="out", text="x", payload={"x": object()})]
    results = await asyncio.gather(
        served.chat.transcript.record(good[0], keys[0]),
        served.chat.transcript.record(bad, keys[2]),
        served.chat.transcript.record(good[1], keys[1]),
        return_exceptions=True,
    )
    assert results[0] == "vi"
    assert results[2] == "vi"
    assert isinstance(results[1], RuntimeError)
    assert bad[0].id is None
    for key, rows in zip(keys[:2], good, strict=True):
        assert [r.id for r in await served.chat.transcript.after(key, 0)] == [rows[0].id]
    assert await served.chat.transcript.after(keys[2], 0) == []


@pytest.mark.parametrize("text", ["menu", "6"])
async def test_a_retry_after_a_crash_before_anything_was_stored_gets_message_and_answer(
    served: Served, text: str
) -> None:
    """The engine committed the turn, then the process died before the transcript was
    written: the retry stores the message and that turn's replies, and the step stays."""
    async with served.client() as client:
        visitor = served.visitor(await first_visit(client))
        message = {"id": mid(), "text": text}
        first = await client.post("/chat/api/messages", json=message)
        answer = [m["text"] for m in first.json()["messages"] if m["dir"] == "out"]
        assert answer
        async with served.runtime.sessions() as session, session.begin():
            await session.exec(delete(WebMessage).where(WebMessage.user_key == visitor))  # type: ignore[call-overload]
        again = await client.post("/chat/api/messages", json=message)
        rows = (await client.get("/chat/api/messages", params={"after": 0})).json()["messages"]
    assert [m["text"] for m in again.json()["messages"] if m["dir"] == "out"] == answer
    assert [m["dir"] for m in rows] == ["in"] + ["out"] * len(answer)
    assert rows[0]["mid"] == message["id"]
    assert len(served.received) == 3  # the turn, the retry, the retry asking for its replies


async def test_a_turn_and_its_transcript_rows_are_committed_together(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new message's rows are written in the engine's own transaction: when they cannot be
    stored, the turn is not kept either (the step does not move, the message id is not
    recorded), so the page's retry of the same message is a turn of its own."""
    async with served.client() as client:
        visitor = served.visitor(await greeted(client, served))
        await client.post("/chat/api/messages", json={"id": mid(), "text": "menu"})
        before = await _state(served, visitor)
        original = Batches.insert
        calls: list[int] = []

        async def fails_once(self: Batches, session: AsyncSession, rows: list[WebMessage]
                             ) -> None:
            calls.append(len(rows))
            if len(calls) == 1:
                raise OSError("disk full")
            await original(self, session, rows)

        monkeypatch.setattr(Batches, "insert", fails_once)
        message = {"id": mid(), "text": "6"}
        failed = await client.post("/chat/api/messages", json=message)
        assert failed.status_code == 200  # the apology, stored on its own
        assert await _state(served, visitor) == before
        again = await client.post("/chat/api/messages", json=message)
        moved = await _state(served, visitor)
    assert again.status_code == 200
    assert moved != before
    assert [m["dir"] for m in again.json()["messages"]][:1] == ["in"]


async def _state(served: Served, visitor: str) -> tuple[str, int]:
    """The visitor's conversation step and how many of their message ids were recorded."""
    async with served.runtime.sessions() as session:
        user = (await session.exec(
            select(User).where(User.channel == "web", User.external_id == visitor)
        )).one()
        conv = await session.get(Conversation, user.id)
        seen = (await session.exec(
            select(func.count()).select_from(ProcessedMessage).where(
                ProcessedMessage.user_id == user.id
            )
        )).one()
    assert conv is not None
    return conv.state, seen
