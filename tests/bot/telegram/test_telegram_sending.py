"""Sending through the fake Bot API: flood waits, network retries, blocked users, `send()`."""

from __future__ import annotations

import time

import pytest

from bot.channels.errors import Blocked, RateLimited, TransientError
from bot.channels.sender import Sender
from conversations.messages import Attachment, Choice, Reply
from testbed import telegram_updates as updates
from testbed.telegram_api import FakeBotApi
from tests.bot.telegram.conftest import Harness

LAN = 601


async def test_flood_wait_is_retried_and_delivered_exactly_once(
    telegram: Harness, api: FakeBotApi
) -> None:
    await telegram.start()
    api.fail("sendMessage", status=429, retry_after=1)
    began = time.monotonic()
    await api.push(updates.text(LAN, "xin chào"))
    await api.wait_until(lambda: len(api.to(LAN)) == 1)
    assert time.monotonic() - began >= 1.0
    assert len(api.calls_of("sendMessage")) == 2
    await api.push(updates.text(LAN, "again"))
    await api.wait_until(lambda: len(api.to(LAN)) == 2)
    assert api.texts(LAN) == ["echo: xin chào", "echo: again"]


async def test_network_errors_are_retried_with_backoff(telegram: Harness, api: FakeBotApi) -> None:
    await telegram.start()
    api.fail("sendMessage", status=502, times=2)
    await api.push(updates.text(LAN, "hello"))
    await api.wait_until(lambda: len(api.to(LAN)) == 1)
    assert len(api.calls_of("sendMessage")) == 3
    assert api.texts(LAN) == ["echo: hello"]


async def test_blocked_user_is_marked_unreachable(telegram: Harness, api: FakeBotApi) -> None:
    await telegram.start()
    await api.push(updates.text(LAN, "hello"))
    await api.wait_until(lambda: len(api.to(LAN)) == 1)
    api.fail("sendMessage", status=403)
    [update_id] = await api.push(updates.text(LAN, "hello again"))
    await api.wait_until(lambda: api.confirmed_below > update_id)  # confirmed once processed
    assert len(api.calls_of("sendMessage")) == 2  # a block is not retried
    user = await telegram.user(LAN)
    assert user is not None
    assert user.reachable is False


async def test_block_and_unblock_updates_track_reachability(
    telegram: Harness, api: FakeBotApi
) -> None:
    await telegram.start()
    await api.push(updates.text(LAN, "hello"))
    await api.wait_until(lambda: len(api.to(LAN)) == 1)
    [blocked] = await api.push(updates.membership(LAN, "kicked"))
    await api.wait_until(lambda: api.confirmed_below > blocked)  # confirmed once processed
    user = await telegram.user(LAN)
    assert user is not None
    assert user.reachable is False
    [unblocked] = await api.push(updates.membership(LAN, "member"))
    await api.wait_until(lambda: api.confirmed_below > unblocked)
    user = await telegram.user(LAN)
    assert user is not None
    assert user.reachable is True
    assert api.to(LAN)[1:] == []  # membership changes are not messages


async def test_send_returns_message_ids_and_raises_channel_errors(
    telegram: Harness, api: FakeBotApi
) -> None:
    channel = await telegram.start()
    sender: Sender = channel  # what the delivery worker needs
    assert (sender.channel, sender.reply_window) == ("telegram", None)
    await api.push(updates.text(LAN, "hello"))  # the user exists
    await api.wait_until(lambda: len(api.to(LAN)) == 1)

    long = "\n\n".join(f"Đoạn {i}: " + "chữ " * 200 for i in range(8))
    ids = await channel.send(str(LAN), [Reply(long, choices=(Choice("OK", "ok"),))])
    assert len(ids) == 2
    first, second = api.to(LAN)[1:]
    assert [str(first.message_id), str(second.message_id)] == ids
    assert first.reply_markup is None
    assert second.reply_markup == {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    assert first.text.endswith("chữ") and second.text.startswith("Đoạn")

    photo = Attachment(kind="photo", file_ref="AgAD-photo")
    await channel.send(str(LAN), [Reply("Mẫu nhãn", attachment=photo)])
    assert api.to(LAN)[-1].method == "sendPhoto"
    assert api.to(LAN)[-1].params["caption"] == "Mẫu nhãn"

    calls = len(api.calls_of("sendMessage"))
    api.fail("sendMessage", status=429, retry_after=3)
    with pytest.raises(RateLimited) as limited:  # the delivery worker pauses, not the channel
        await channel.send(str(LAN), [Reply("later")])
    assert limited.value.retry_after == 3
    assert len(api.calls_of("sendMessage")) == calls + 1

    api.fail("sendMessage", status=502, times=3)
    with pytest.raises(TransientError):
        await channel.send(str(LAN), [Reply("down")])

    api.fail("sendMessage", status=403)
    with pytest.raises(Blocked):
        await channel.send(str(LAN), [Reply("blocked")])
    user = await telegram.user(LAN)
    assert user is not None
    assert user.reachable is False
