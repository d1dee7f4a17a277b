"""What the Bot API refuses, the fake refuses (as a 400 with Telegram's description); the channel
copes: edits within the limits and "not modified" as success, a refused webhook stops the
channel with one clear line, no empty callback data, a limiter that never draws a 429."""

from __future__ import annotations

import asyncio
import logging
import time

import httpx
import pytest

from bot.channels.errors import ChannelError
from bot.channels.telegram import TelegramChannel, TelegramConfig
from bot.channels.telegram.rendering import inline_keyboard
from bot.workers.ratelimit import ChannelLimiter
from conversations.messages import Choice, Reply
from testbed.telegram_api import TOKEN, FakeBotApi
from tests.bot.telegram.conftest import Harness

LAN = 1301


async def _call(api: FakeBotApi, method: str, **params: object) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(f"{api.url}/bot{TOKEN}/{method}", json=params)


@pytest.mark.parametrize(
    ("method", "params", "description"),
    [
        ("sendMessage", {"chat_id": LAN, "text": "x" * 4097}, "message is too long"),
        ("sendMessage", {"chat_id": LAN, "text": ""}, "message text is empty"),
        ("sendMessage", {"chat_id": LAN, "text": "🌾" * 2049}, "message is too long"),
        ("sendPhoto", {"chat_id": LAN, "photo": "p", "caption": "c" * 1025}, "caption is too long"),
        (
            "sendMessage",
            {"chat_id": LAN, "text": "?", "reply_markup": {"inline_keyboard": [[
                {"text": "A", "callback_data": ""}]]}},
            "BUTTON_DATA_INVALID",
        ),
        (
            "sendMessage",
            {"chat_id": LAN, "text": "?", "reply_markup": {"inline_keyboard": [[
                {"text": "A", "callback_data": "x" * 65}]]}},
            "BUTTON_DATA_INVALID",
        ),
        ("sendPoll", {"chat_id": LAN, "question": "?", "options": ["a", "b"], "type": "quiz"},
         "correct option"),
        ("sendPoll", {"chat_id": LAN, "question": "?", "options": ["a", "b"],
                      "explanation": "vì"}, "only in quizzes"),
        ("editMessageText", {"chat_id": LAN, "message_id": 5, "text": "mới"}, "not found"),
        ("answerCallbackQuery", {"callback_query_id": "never-sent"}, "query is too old"),
        ("setWebhook", {"url": "http://bot.example.org/telegram"}, "HTTPS URL"),
        ("setWebhook", {"url": "https://bot.example.org:8080/telegram"}, "ports 80, 88"),
    ],
    ids=["4097", "empty", "emoji over 4096 units", "caption", "empty data", "65-byte data",
         "quiz without answer", "explanation on a regular poll", "edit unknown", "old query",
         "http webhook", "webhook port"],
)  # fmt: skip
async def test_the_fake_refuses_what_the_bot_api_refuses(
    api: FakeBotApi, method: str, params: dict[str, object], description: str
) -> None:
    response = await _call(api, method, **params)
    body = response.json()
    assert response.status_code == 400 and body["ok"] is False and body["error_code"] == 400
    assert body["description"].startswith("Bad Request: ") and description in body["description"]
    assert api.sent == []


async def test_an_edit_to_the_same_text_is_not_modified_and_a_missing_chat_not_found(
    api: FakeBotApi,
) -> None:
    sent = (await _call(api, "sendMessage", chat_id=LAN, text="Đã gửi 10/200")).json()
    message_id = sent["result"]["message_id"]
    again = await _call(api, "editMessageText", chat_id=LAN, message_id=message_id,
                        text="Đã gửi 10/200")  # fmt: skip
    assert again.status_code == 400 and "message is not modified" in again.json()["description"]
    changed = await _call(api, "editMessageText", chat_id=LAN, message_id=message_id,
                          text="Đã gửi 20/200")  # fmt: skip
    assert changed.json()["result"]["message_id"] == message_id
    api.missing_chats.add(999)
    gone = await _call(api, "sendMessage", chat_id=999, text="xin chào")
    assert gone.json()["description"] == "Bad Request: chat not found"


async def test_edits_treat_not_modified_as_done_and_cut_long_text(
    telegram: Harness, api: FakeBotApi
) -> None:
    channel = await telegram.start()
    [message_id] = await channel.send(str(LAN), [Reply("Đã gửi 10/200")])
    await channel.edit(str(LAN), message_id, "Đã gửi 10/200")  # unchanged: no error
    await channel.edit(str(LAN), message_id, "Đã gửi " + "rất nhiều " * 600)
    edits = [s for s in api.to(LAN) if s.method == "editMessageText"]
    assert len(edits) == 1 and len(edits[0].text) <= 4096 and edits[0].text.endswith("…")
    with pytest.raises(ChannelError):
        await channel.edit(str(LAN), message_id, "   ")
    assert len(api.calls_of("editMessageText")) == 2  # the empty one never sent


async def test_a_chat_that_is_gone_is_a_channel_error(telegram: Harness, api: FakeBotApi) -> None:
    channel = await telegram.start()
    api.missing_chats.add(LAN)
    with pytest.raises(ChannelError, match=r"[Cc]hat not found"):
        await channel.send(str(LAN), [Reply("xin chào")])


def test_empty_choice_values_never_make_empty_callback_data() -> None:
    markup = inline_keyboard([Choice("Có", ""), Choice("Không", "no")])
    data = [b.callback_data for row in markup.inline_keyboard for b in row]
    assert data == ["#1", "no"]


def test_a_webhook_address_telegram_would_refuse_stops_the_start() -> None:
    for url in ("http://bot.example.org/telegram", "https://bot.example.org:8080/telegram"):
        with pytest.raises(ValueError, match="TELEGRAM_WEBHOOK_URL"):
            TelegramConfig(token=TOKEN, webhook_url=url, webhook_secret="s3cret")
    TelegramConfig(token=TOKEN, webhook_url="https://bot.example.org:8443/t", webhook_secret="s")


async def test_a_refused_set_webhook_turns_the_channel_off_with_one_clear_line(
    telegram: Harness, api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    refusal = "Bad Request: bad webhook: Failed to resolve host"
    api.fail("setWebhook", status=400, description=refusal)
    engine = telegram.engine()
    config = telegram.config(
        webhook_url="https://no-such-host.example/telegram", webhook_secret="s3cret"
    )
    channel = TelegramChannel(config, engine, engine.sessions)
    telegram.started.append(channel)
    with caplog.at_level(logging.WARNING):
        await channel.start()
        async with asyncio.timeout(10):
            while not channel.refused:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        await asyncio.sleep(1.5)  # no retry follows
    assert len(api.calls_of("setWebhook")) == 1
    lines = [r.getMessage() for r in caplog.records if "webhook" in r.getMessage()]
    assert len(lines) == 1 and "TELEGRAM_WEBHOOK_URL" in lines[0]
    assert "cannot reach" not in caplog.text


@pytest.mark.parametrize("limit", [30, 200])
async def test_the_fake_refuses_the_send_beyond_the_limit_in_any_sliding_second(
    limit: int,
) -> None:
    # The fake's clock is held still, so the burst falls inside one second however slow the
    # machine is; then it is stepped to show the window slides rather than resets.
    now = [100.0]
    many = httpx.Limits(max_connections=limit + 10)
    async with (
        FakeBotApi(rate_limit=limit, clock=lambda: now[0]) as api,
        httpx.AsyncClient(limits=many, timeout=30) as client,
    ):
        url = f"{api.url}/bot{TOKEN}/sendMessage"

        async def burst(count: int) -> list[httpx.Response]:
            return await asyncio.gather(
                *(client.post(url, json={"chat_id": n, "text": "x"}) for n in range(count))
            )

        answers = await burst(limit + 1)
        codes = sorted(a.status_code for a in answers)
        assert codes == [200] * limit + [429]
        refused = next(a for a in answers if a.status_code == 429).json()
        assert refused["parameters"]["retry_after"] == 1
        now[0] += 0.5
        assert (await client.post(url, json={"chat_id": 1, "text": "x"})).status_code == 429
        now[0] += 0.6
        assert sorted(a.status_code for a in await burst(limit)) == [200] * limit
        assert api.limited == 2


async def test_the_limiter_paces_a_burst_under_the_sliding_window_with_no_429() -> None:
    async with FakeBotApi(rate_limit=30) as api, httpx.AsyncClient() as client:
        limiter = ChannelLimiter(30.0)
        url = f"{api.url}/bot{TOKEN}/sendMessage"

        async def one(chat: int) -> None:
            async with limiter.slot(str(chat)):
                response = await client.post(url, json={"chat_id": chat, "text": "x"})
                assert response.status_code == 200, response.json()

        began = time.monotonic()
        await asyncio.gather(*(one(n) for n in range(75)))
        took = time.monotonic() - began
    assert api.limited == 0 and len(api.sent) == 75
    assert took < 75 / 30 * 2  # paced, not stalled (the efficiency is in bench/broadcast.py)
