"""Any sequence of inputs: the engine never fails and always answers."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.database import create_engine, session_factory, upgrade
from conversations.assistant import build_router
from conversations.engine import Engine
from conversations.i18n import Catalogs
from conversations.messages import Attachment, Contact, Incoming
from conversations.services import Services

WORDS = [
    "menu",
    "hủy",
    "huy",
    "quay lại",
    "bỏ qua",
    "ngôn ngữ",
    "help",
    "/start",
    "1",
    "2",
    "6",
    "9",
    "0",
    "-1",
    "English",
    "Tiếng Việt",
    "xin chào",
    "hồ sơ",
    "🙂",
    "🎉🎉",
    "",
    " ",
    "\u200b",
    "\x00",
    "a" * 5000,
    "ĐĂNG KÝ",
    "dang ky",
    "<b>x</b>",
    "'; drop table",
]
ACTIONS = [
    "menu:register",
    "menu:settings",
    "vi",
    "en",
    "g:menu",
    "g:back",
    "g:cancel",
    "nonsense",
    "menu:",
    ":",
    "g:",
    "x" * 300,
]

inputs = st.one_of(
    st.builds(lambda t: {"text": t}, st.sampled_from(WORDS) | st.text(max_size=60)),
    st.builds(lambda a: {"action": a}, st.sampled_from(ACTIONS) | st.text(max_size=20)),
    st.just({"contact": Contact(phone="0912345678")}),
    st.just({"attachment": Attachment(kind="photo", file_ref="f1", size=10)}),
    st.just({"unsupported": True}),
)


@pytest.fixture(scope="module")
def loop_and_engine(tmp_path_factory: pytest.TempPathFactory, catalogs: Catalogs) -> Iterator:
    path: Path = tmp_path_factory.mktemp("prop") / "p.db"
    loop = asyncio.new_event_loop()
    db = create_engine(f"sqlite:///{path}")
    loop.run_until_complete(upgrade(db))
    engine = Engine(session_factory(db), Services(catalogs=catalogs), build_router())
    yield loop, engine
    loop.run_until_complete(db.dispose())
    loop.close()


_users = itertools.count()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(inputs, min_size=1, max_size=12))
def test_any_sequence_always_answers(
    loop_and_engine: tuple[asyncio.AbstractEventLoop, Engine],
    sequence: list[dict[str, object]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    loop, engine = loop_and_engine
    user = f"p{next(_users)}"
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        for i, fields in enumerate(sequence):
            incoming = Incoming(channel="prop", user_key=user, message_id=f"{user}-{i}", **fields)
            replies = loop.run_until_complete(engine.handle(incoming))
            assert replies, fields
            assert all(r.text.strip() for r in replies)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
