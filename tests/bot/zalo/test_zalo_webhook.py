"""POST /zalo: signatures, stale and replayed events, echoes, receipts, follow and unfollow."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest
from sqlmodel import select

from conversations.models import ProcessedMessage
from testbed.zalo_api import FakeZalo
from tests.bot.zalo import payloads
from tests.bot.zalo.conftest import Harness, Served

BINH = "7009876543210"


@pytest.fixture
async def served(zalo: Harness) -> Served:
    """One app serving /zalo."""
    return await zalo.start()


async def _nothing_happened(served: Served, api: FakeZalo) -> None:
    await served.settle()
    assert await served.events() == []
    assert api.sent == []
    async with served.runtime.sessions() as session:
        assert list(await session.exec(select(ProcessedMessage))) == []


async def test_a_signed_message_is_answered(served: Served, zalo_api: FakeZalo) -> None:
    assert await served.post(payloads.text(BINH, "menu")) == 200
    await served.settle()
    assert "trợ lý OCOP" in zalo_api.texts(BINH)[0]


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "mac=" + "0" * 64,
        "mac=deadbeef",
        "not-even-a-mac",
    ],
    ids=["missing", "empty", "zeros", "short", "garbage"],
)
async def test_a_missing_or_wrong_signature_gets_401_and_changes_nothing(
    served: Served, zalo_api: FakeZalo, signature: str | None
) -> None:
    assert await served.post(payloads.text(BINH, "menu"), signature=signature) == 401
    await _nothing_happened(served, zalo_api)


async def test_signatures_made_the_wrong_ways_are_refused(
    served: Served, zalo_api: FakeZalo
) -> None:
    event = payloads.text(BINH, "menu")
    raw = payloads.encode(event)
    stamp = event["timestamp"]
    wrong = [
        payloads.sign(raw, stamp, key="the-app-secret-instead"),  # App Secret, not OA key
        payloads.sign(raw, stamp, app_id="1122334455"),  # oa_id instead of app_id
        payloads.sign(raw + b" ", stamp),  # another body
        payloads.sign(raw, str(int(stamp) + 1)),  # another timestamp
    ]
    for signature in wrong:
        assert await served.post(event, signature=signature, raw=raw) == 401
    # A body re-serialised differently (same JSON, other bytes) is not the signed body.
    spaced = json.dumps(event, ensure_ascii=True).encode()
    assert await served.post(event, signature=payloads.sign(raw, stamp), raw=spaced) == 401
    await _nothing_happened(served, zalo_api)


async def test_the_signature_header_is_case_insensitive_hex(
    served: Served, zalo_api: FakeZalo
) -> None:
    event = payloads.text(BINH, "menu")
    raw = payloads.encode(event)
    upper = "mac=" + payloads.sign(raw, event["timestamp"])[4:].upper()
    assert await served.post(event, signature=upper, raw=raw) == 200


async def test_another_apps_event_is_refused(served: Served, zalo_api: FakeZalo) -> None:
    event = {**payloads.text(BINH, "menu"), "app_id": "999"}
    raw = payloads.encode(event)
    signature = payloads.sign(raw, event["timestamp"], app_id="999")
    assert await served.post(event, signature=signature, raw=raw) == 401
    await _nothing_happened(served, zalo_api)


@pytest.mark.parametrize("age", [25 * 3600, -25 * 3600], ids=["old", "future"])
async def test_timestamps_more_than_a_day_off_are_refused(
    served: Served, zalo_api: FakeZalo, age: int
) -> None:
    event = payloads.text(BINH, "menu")
    event["timestamp"] = str(int((time.time() - age) * 1000))
    assert await served.post(event) == 401
    await _nothing_happened(served, zalo_api)


@pytest.mark.parametrize("late", [6 * 60, 3 * 3600], ids=["6 minutes", "3 hours"])
async def test_a_retry_with_its_original_timestamp_is_answered_once(
    served: Served, zalo_api: FakeZalo, late: int
) -> None:
    # Zalo retries a delivery for an hour or two; the signed body keeps its first timestamp.
    event = payloads.text(BINH, "menu", msg_id=f"msg-late-{late}")
    event["timestamp"] = str(int((time.time() - late) * 1000))
    assert await served.post(event) == 200
    await served.settle()
    assert await served.post(event) == 200  # the same retry again
    await served.settle()
    assert len(zalo_api.to(BINH)) == 1 and "trợ lý OCOP" in zalo_api.texts(BINH)[0]


async def test_bad_bodies_change_nothing(served: Served, zalo_api: FakeZalo) -> None:
    raw = b"\x00\xffnot json"
    assert await served.post({}, signature=payloads.sign(raw, ""), raw=raw) == 400
    assert await served.post({}, signature=payloads.sign(b"[]", ""), raw=b"[]") == 400
    big = b'{"a":"' + b"x" * 1_100_000 + b'"}'
    assert await served.post({}, signature=payloads.sign(big, ""), raw=big) == 413
    await _nothing_happened(served, zalo_api)


async def test_a_replayed_event_is_answered_once(served: Served, zalo_api: FakeZalo) -> None:
    event = payloads.text(BINH, "menu", msg_id="msg-replayed")
    for _ in range(3):
        assert await served.post(event) == 200
    await served.settle()
    # Zalo may also resend it later with a new timestamp: the msg_id still dedupes it.
    assert await served.post({**event, "timestamp": payloads.now_ms()}) == 200
    await served.settle()
    assert len(zalo_api.to(BINH)) == 1
    assert len(await served.events()) == 1


async def test_events_without_msg_id_are_deduped_by_name_user_and_time(
    served: Served, zalo_api: FakeZalo
) -> None:
    assert await served.post(payloads.text(BINH, "menu")) == 200
    await served.settle()
    event = payloads.chat_now(BINH)
    assert await served.post(event) == 200
    assert await served.post(event) == 200
    await served.settle()
    assert len(zalo_api.to(BINH)) == 2
    _, stored = await served.events()
    assert stored.dedupe_key == f"user_click_chatnow:{BINH}:{event['timestamp']}"


@pytest.mark.parametrize(
    "make_event",
    [
        # Built when the test runs: an event's timestamp must be fresh, and a parameter list
        # is built when tests are collected, possibly many minutes earlier.
        lambda: payloads.echo(BINH, "Xin chào, tôi là cán bộ OCOP"),
        lambda: {**payloads.echo(BINH, "ảnh"), "event_name": "oa_send_image"},
        lambda: payloads.receipt(BINH, "user_received_message"),
        lambda: payloads.receipt(BINH, "user_seen_message"),
        lambda: {**payloads.follow(BINH), "event_name": "add_user_to_tag"},
        lambda: {**payloads.follow(BINH), "event_name": "something_new"},
    ],
    ids=["oa_send_text", "oa_send_image", "received", "seen", "tag", "unknown"],
)
async def test_echoes_receipts_and_unknown_events_get_no_reply(
    served: Served, zalo_api: FakeZalo, make_event: Callable[[], dict[str, object]]
) -> None:
    assert await served.post(make_event()) == 200  # acknowledged, so Zalo does not retry
    await _nothing_happened(served, zalo_api)


async def test_unfollow_marks_the_user_unreachable_and_follow_again_reachable(
    served: Served, zalo_api: FakeZalo
) -> None:
    assert await served.post(payloads.text(BINH, "menu")) == 200
    await served.settle()
    assert await served.post(payloads.follow(BINH, "unfollow")) == 200
    await served.settle()
    user = await served.user(BINH)
    assert user is not None and user.reachable is False
    assert await served.post(payloads.follow(BINH, "follow")) == 200
    await served.settle()
    user = await served.user(BINH)
    assert user is not None and user.reachable is True
    assert len(zalo_api.to(BINH)) == 1  # follow and unfollow are not answered


async def test_the_event_name_may_come_as_event(served: Served, zalo_api: FakeZalo) -> None:
    event = payloads.text(BINH, "menu")
    event["event"] = event.pop("event_name")
    event["timestamp"] = int(event["timestamp"])  # a number in some sources
    raw = payloads.encode(event)
    signature = payloads.sign(raw, str(event["timestamp"]))
    assert await served.post(event, signature=signature, raw=raw) == 200
    await served.settle()
    assert len(zalo_api.to(BINH)) == 1


async def test_a_photo_outside_a_dossier_step_is_thanked(
    served: Served, zalo_api: FakeZalo
) -> None:
    assert await served.post(payloads.image(BINH, "https://photo.zdn.vn/abc.jpg")) == 200
    await served.settle()
    assert "Tôi chỉ cần ảnh, tệp hoặc số điện thoại" in zalo_api.texts(BINH)[0]


async def test_an_event_that_cannot_be_stored_is_not_acknowledged(
    served: Served, zalo_api: FakeZalo, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = payloads.text(BINH, "menu")

    async def database_down(_event: object) -> bool:
        raise OSError("database unreachable")

    with monkeypatch.context() as patch:
        patch.setattr(served.channel.inbox, "store", database_down)
        assert await served.post(event) == 503  # Zalo sends it again later
    assert await served.post(event) == 200
    await served.settle()
    assert len(zalo_api.to(BINH)) == 1
