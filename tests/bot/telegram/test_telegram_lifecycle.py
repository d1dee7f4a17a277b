"""Connecting and staying up: retries while the Bot API is down, a rejected token, no crash."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.channels.errors import TransientError
from bot.channels.telegram import TelegramChannel
from conversations.messages import Reply
from testbed import telegram_updates as updates
from testbed.telegram_api import FakeBotApi
from tests.bot.telegram.conftest import Harness

LAN = 1101


async def test_connects_once_the_bot_api_answers(telegram: Harness, api: FakeBotApi) -> None:
    api.fail("getMe", status=502)
    await telegram.start()
    assert len(api.calls_of("getMe")) == 2


async def test_polling_survives_getupdates_errors(telegram: Harness, api: FakeBotApi) -> None:
    await telegram.start()
    api.fail("getUpdates", status=502)
    await api.push(updates.text(LAN, "still there?"))
    await api.wait_until(lambda: len(api.to(LAN)) == 1)
    assert api.texts(LAN) == ["echo: still there?"]


async def test_rejected_token_turns_the_channel_off_without_logging_it(
    telegram: Harness, api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    engine = telegram.engine()
    config = telegram.config(token="999:not-the-right-token")
    channel = TelegramChannel(config, engine, engine.sessions)
    telegram.started.append(channel)
    with caplog.at_level(logging.DEBUG):
        await channel.start()
        async with asyncio.timeout(10):
            while "token was rejected" not in caplog.text:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
    assert "not-the-right-token" not in caplog.text
    with pytest.raises(TransientError):
        await channel.send(str(LAN), [Reply("hello")])
    await channel.stop()


async def test_the_command_menu_is_set_in_vietnamese_and_english(
    telegram: Harness, api: FakeBotApi
) -> None:
    await telegram.start()
    await api.wait_until(lambda: "" in api.commands)
    assert set(api.commands) == {"vi", "en", ""}
    vi = {c["command"]: c["description"] for c in api.commands["vi"]}
    en = {c["command"]: c["description"] for c in api.commands["en"]}
    assert vi["hoso"] == "Hồ sơ của tôi" and en["hoso"] == "My dossier"
    assert api.commands[""] == api.commands["vi"]  # the default language for everyone else


async def test_a_refused_command_menu_does_not_stop_the_bot(
    telegram: Harness, api: FakeBotApi
) -> None:
    api.fail("setMyCommands", status=400)
    await telegram.start()
    await api.push(updates.text(LAN, "still there?"))
    await api.wait_until(lambda: len(api.to(LAN)) == 1)
