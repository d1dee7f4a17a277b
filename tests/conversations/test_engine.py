"""The engine on SQLite and PostgreSQL: resume after restart, dedupe, per-user order, globals."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import asdict

import pytest

from conversations.engine import Engine
from conversations.i18n import Catalogs
from conversations.messages import MAX_TEXT, Attachment, Choice, Poll, Reply
from conversations.services import Services
from tests.conversations.demo_flows import demo_router
from tests.support import Chat, Database

EngineFactory = Callable[[], Engine]


@pytest.fixture
def new_engine(database: Database, catalogs: Catalogs) -> EngineFactory:
    """Each call builds a fresh engine on a fresh connection pool: a restarted process."""

    def make() -> Engine:
        return Engine(database.open(), Services(catalogs=catalogs), demo_router())

    return make


async def test_menu_first_contact(new_engine: EngineFactory) -> None:
    chat = Chat(new_engine())
    await chat.say("menu")
    assert "trợ lý OCOP" in chat.text
    assert chat.value("Đăng ký") == "menu:register"


async def test_restart_between_every_step_resumes(new_engine: EngineFactory) -> None:
    script = ["xin chao", "Demo", "Lan", "42", "2", "1"]
    expected = ["", "Your name?", "Your age?", "Colour?", "name=Lan age=42 color=green", "Saved."]
    for line, want in zip(script, expected, strict=True):
        chat = Chat(new_engine())  # a new process for every message
        await chat.say(line)
        assert want in chat.text
    chat = Chat(new_engine())
    await chat.say("menu")
    assert chat.value("Đăng ký") == "menu:register"


async def test_duplicate_message_id_is_processed_once(new_engine: EngineFactory) -> None:
    chat = Chat(new_engine())
    await chat.say("hi")
    await chat.tap("start:count")
    first = await chat.send(text="x", message_id="dup-1")
    assert first[0].text == "n=1"
    # Redelivered (the process died after its commit, before the reply left): the same answer,
    # from the stored turn, and the state does not move.
    again = await chat.send(text="x", message_id="dup-1", repeat_answer=True)
    assert again == first
    restarted = Chat(new_engine())
    assert await restarted.send(text="x", message_id="dup-1", repeat_answer=True) == first
    # A channel that cannot tell whether the answer arrived gets nothing (no double answer).
    assert await restarted.send(text="x", message_id="dup-1") == []
    await restarted.say("x")
    assert restarted.text == "n=2"
    # An older message was answered before the next one was handled: nothing again.
    assert await restarted.send(text="x", message_id="dup-1", repeat_answer=True) == []


async def test_a_redelivered_reply_keeps_its_buttons_poll_and_attachment(
    new_engine: EngineFactory,
) -> None:
    chat = Chat(new_engine())
    first = await chat.send(text="hi", message_id="hi-1")
    assert first and any(r.choices for r in first)
    again = await Chat(new_engine()).send(text="hi", message_id="hi-1", repeat_answer=True)
    assert again == first
    reply = Reply(
        "q",
        choices=(Choice("A", "a"),),
        request_contact="📱",
        poll=Poll("q?", ("x", "y"), (1,), "why"),
        attachment=Attachment("photo", "ref", "image/jpeg", 10, "a.jpg"),
        meta={"k": "v"},
    )
    assert Reply.from_json(json.loads(json.dumps(reply.to_json()))) == reply
    # The stored form is asdict's (rows written before to_json was spelled out read the same).
    assert json.loads(json.dumps(reply.to_json())) == json.loads(json.dumps(asdict(reply)))


async def test_concurrent_messages_for_one_user_run_one_at_a_time(
    new_engine: EngineFactory, database: Database
) -> None:
    engine = new_engine()
    chat = Chat(engine)
    await chat.say("hi")
    await chat.tap("start:count")
    # Two engines stand for two processes; on PostgreSQL the row lock serialises them.
    engines = [engine, new_engine()] if database.dialect == "postgresql" else [engine]
    chats = [Chat(engines[i % len(engines)]) for i in range(50)]
    results = await asyncio.gather(*(c.say("tick") for c in chats))
    seen = sorted(int(r[0].text.removeprefix("n=")) for r in results)
    assert seen == list(range(1, 51))
    await chat.say("tick")
    assert chat.text == "n=51"


async def test_two_users_do_not_share_state(new_engine: EngineFactory) -> None:
    engine = new_engine()
    a, b = Chat(engine, "a"), Chat(engine, "b")
    for c in (a, b):
        await c.say("hi")
        await c.tap("start:count")
    await a.say("x")
    await a.say("x")
    await b.say("x")
    assert a.text == "n=2"
    assert b.text == "n=1"


async def test_global_words_inside_a_form(new_engine: EngineFactory) -> None:
    chat = Chat(new_engine())
    await chat.say("hi")
    await chat.say("Demo")
    await chat.say("Lan")
    assert "Your age?" in chat.text
    await chat.say("Quay lại")
    assert "Your name?" in chat.text
    await chat.say("Lan")
    await chat.say("bo qua")  # optional age skipped
    assert "Colour?" in chat.text
    await chat.say("bỏ qua")  # colour is required
    assert "can't be skipped" in chat.text or "không bỏ qua" in chat.text
    await chat.say("ngon ngu")
    await chat.say("English")
    assert "English" in chat.text
    assert "Colour?" in chat.text  # the paused form resumes after the language choice
    await chat.say("MENU")
    assert "What would you like to do?" in chat.text
    await chat.say("hi")
    await chat.say("Demo")
    assert "Colour?" in chat.text  # menu paused the form; coming back resumes it
    await chat.say("/huy")
    assert "Cancelled" in chat.text
    await chat.say("hi")
    await chat.say("Demo")
    assert "Your name?" in chat.text  # cancel discarded it


async def test_edit_from_summary_returns_to_summary(new_engine: EngineFactory) -> None:
    chat = Chat(new_engine())
    for line in ("hi", "Demo", "Lan", "30", "1"):
        await chat.say(line)
    assert "name=Lan age=30 color=red" in chat.text
    await chat.tap("edit:age")
    assert "Your age?" in chat.text
    await chat.say("31")
    assert "name=Lan age=31 color=red" in chat.text
    await chat.say("Confirm")
    assert "Saved." in chat.text


async def test_bad_input_changes_nothing(new_engine: EngineFactory) -> None:
    chat = Chat(new_engine())
    for line in ("hi", "Demo", "Lan"):
        await chat.say(line)
    for bad in ("", "   ", "x" * (MAX_TEXT + 1), "abc"):
        await chat.say(bad)
        assert chat.replies, bad
        assert "Your age?" not in chat.text or bad == "abc"
    await chat.send(unsupported=True)
    assert "chưa đọc được" in chat.text
    await chat.say("40")
    assert "Colour?" in chat.text
    await chat.say("tím")
    assert "Pick a colour." in chat.text
    assert [v for _, v in chat.choices] == ["red", "green"]


async def test_stale_and_forged_buttons_change_nothing(new_engine: EngineFactory) -> None:
    chat = Chat(new_engine())
    for line in ("hi", "Demo", "Lan", "40"):
        await chat.say(line)
    await chat.tap("edit:name")  # a summary button that is not on offer yet
    assert "older message" in chat.text or "tin nhắn cũ" in chat.text
    await chat.tap("red")
    assert "name=Lan age=40 color=red" in chat.text
    await chat.tap("💥;DROP TABLE users")
    assert "tin nhắn cũ" in chat.text
    await chat.tap("ok")
    assert "Saved." in chat.text


async def test_numbers_and_labels_select_choices(new_engine: EngineFactory) -> None:
    chat = Chat(new_engine())
    for line in ("hi", "Demo", "Lan", "40"):
        await chat.say(line)
    await chat.say("xanh la")  # label without diacritics
    assert "color=green" in chat.text
    await chat.tap("edit:color")
    await chat.say("1")
    assert "color=red" in chat.text
