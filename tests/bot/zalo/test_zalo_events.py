"""Reading webhook payloads: both shapes where sources disagree, attachments, phones, keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.channels.zalo import events, signature
from conversations.messages import Attachment, Contact
from tests.bot.zalo import payloads

AN = "7007000000001"


def test_signature_matches_the_formula_and_refuses_near_misses() -> None:
    body = b'{"event_name":"user_send_text"}'
    good = payloads.sign(body, "1700000000000", "123", "key")
    assert signature.signature("123", body, "1700000000000", "key") == good
    assert signature.valid(good, "123", body, "1700000000000", "key")
    assert signature.valid(good[4:], "123", body, "1700000000000", "key")  # without "mac="
    assert not signature.valid(good, "123", body, "1700000000001", "key")
    assert not signature.valid(good + "0", "123", body, "1700000000000", "key")
    assert not signature.valid("mac=ünïcode", "123", body, "1700000000000", "key")


def test_freshness_allows_small_drift_both_ways() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    millis = int(now.timestamp() * 1000)
    five = timedelta(minutes=5)
    assert signature.fresh(millis - 299_000, now, five)
    assert signature.fresh(millis + 60_000, now, five)
    assert not signature.fresh(millis - 301_000, now, five)
    assert not signature.fresh(millis + 301_000, now, five)


def test_a_text_event() -> None:
    event = events.read(payloads.text(AN, "Đồng ý", msg_id="m-1"))
    assert event is not None and (event.name, event.user_key, event.dedupe_key) == (
        "user_send_text",
        AN,
        "m-1",
    )
    [incoming] = events.incomings(event, "An")
    assert (incoming.channel, incoming.text, incoming.message_id) == ("zalo", "Đồng ý", "m-1")
    assert incoming.display_name == "An"


def test_an_image_and_a_file_become_attachments() -> None:
    photo = events.read(payloads.image(AN, "https://photo.zdn.vn/x.png", caption="phiếu"))
    assert photo is not None
    [incoming] = events.incomings(photo)
    assert incoming.attachment == Attachment("photo", "https://photo.zdn.vn/x.png", "image/png")
    assert incoming.text == "phiếu"
    for size in ("52000", 52000):
        doc = events.read(payloads.file(AN, "https://f.zdn.vn/a", "ke-hoach.docx", size, "docx"))
        assert doc is not None
        [incoming] = events.incomings(doc)
        assert incoming.attachment is not None
        assert (incoming.attachment.kind, incoming.attachment.size) == ("document", 52000)
        assert incoming.attachment.file_name == "ke-hoach.docx"
        assert incoming.attachment.mime_type.endswith("wordprocessingml.document")


def test_several_photos_in_one_event_are_several_messages() -> None:
    body = payloads.image(AN, "https://photo.zdn.vn/1.jpg")
    second = {"type": "image", "payload": {"url": "https://photo.zdn.vn/2.jpg"}}
    body["message"]["attachments"].append(second)
    event = events.read(body)
    assert event is not None
    _first, other = events.incomings(event)
    assert other.message_id == f"{event.dedupe_key}:2"
    assert other.attachment is not None and other.attachment.file_ref.endswith("2.jpg")


@pytest.mark.parametrize(
    ("phone", "expected"),
    [("84912345678", "0912345678"), ("+84912345678", "0912345678"), ("0912345678", "0912345678")],
)
def test_a_submitted_phone_is_normalised(phone: str, expected: str) -> None:
    event = events.read(payloads.submit_info(AN, phone))
    assert event is not None
    [incoming] = events.incomings(event)
    assert incoming.contact == Contact(phone=expected, name="Nguyễn Văn An")
    assert incoming.display_name == "Nguyễn Văn An"


def test_users_are_found_where_each_event_keeps_them() -> None:
    follow = events.read(payloads.follow(AN))
    chat_now = events.read(payloads.chat_now(AN))
    assert follow is not None and chat_now is not None
    assert follow.user_key == chat_now.user_key == AN
    assert events.reachability(follow) == "follow"
    [greeting] = events.incomings(chat_now)
    assert greeting.text == "menu"
    # Another source puts the chat-now user in sender.id.
    other = {**payloads.chat_now(AN), "sender": {"id": AN}}
    del other["user_id"]
    found = events.read(other)
    assert found is not None and found.user_key == AN


def test_stickers_and_locations_are_unsupported_not_ignored() -> None:
    body = payloads.text(AN, "")
    body["event_name"] = "user_send_sticker"
    event = events.read(body)
    assert event is not None
    [incoming] = events.incomings(event)
    assert incoming.unsupported


def test_long_keys_are_hashed_to_fit_the_engine() -> None:
    event = events.read(payloads.text(AN, "x", msg_id="m" * 300))
    assert event is not None and len(event.dedupe_key) <= 128


@pytest.mark.parametrize(
    "body",
    [
        payloads.echo(AN, "hi"),
        payloads.receipt(AN),
        {"event_name": "user_send_text", "timestamp": "1"},  # no user
        {"timestamp": "1"},
        {"event_name": "anonymous_send_text", "sender": {"id": "anon"}},
    ],
    ids=["echo", "receipt", "no-user", "no-name", "anonymous"],
)
def test_events_the_bot_never_answers(body: dict[str, object]) -> None:
    assert events.read(body) is None


def test_a_shared_link_reaches_the_engine_as_its_address() -> None:
    body = payloads.text(AN, "")
    body["event_name"] = "user_send_link"
    link = {"type": "link", "payload": {"url": "https://ocop.gov.vn/tin-tuc", "title": "OCOP"}}
    body["message"]["attachments"] = [link]
    event = events.read(body)
    assert event is not None
    [incoming] = events.incomings(event)
    assert incoming.text == "https://ocop.gov.vn/tin-tuc"
