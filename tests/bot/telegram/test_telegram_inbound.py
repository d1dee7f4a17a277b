"""Telegram updates translated into neutral `Incoming` messages (no network, no database)."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from bot.channels.telegram.inbound import command_text, to_incoming
from conversations.messages import Attachment, Contact, Incoming
from testbed import telegram_updates as updates

LAN = 501


def incoming(body: dict[str, Any], update_id: int = 7) -> Incoming | None:
    return to_incoming(Update.de_json({"update_id": update_id, **body}, None))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("/start", "menu"),
        ("/Start", "menu"),
        ("/start@ocop_test_bot", "menu"),
        ("/start from-a-deep-link", "menu"),
        ("/help", "help"),
        ("/cancel", "hủy"),
        ("/huy", "/huy"),
        ("/quay_lai now", "/quay_lai now"),
        ("xin chào /start", "xin chào /start"),
        ("  ", "  "),
    ],
)
def test_commands_become_the_engine_words(typed: str, expected: str) -> None:
    assert command_text(typed) == expected


def test_text_carries_who_and_the_update_id() -> None:
    assert incoming(updates.text(LAN, "/start")) == Incoming(
        channel="telegram",
        user_key="501",
        message_id="7",
        text="menu",
        display_name="Lan",
        locale_hint="vi",
        repeat_answer=True,  # a redelivery after a crash gets the turn's replies, if unsent
    )


def test_button_tap_is_an_action() -> None:
    result = incoming(updates.tap(LAN, "menu:register"))
    assert result is not None
    assert (result.action, result.text) == ("menu:register", None)


def test_numbered_button_is_the_typed_number() -> None:
    result = incoming(updates.tap(LAN, "#3"))
    assert result is not None
    assert (result.action, result.text) == (None, "3")


def test_tap_without_data_is_unsupported() -> None:
    body = updates.tap(LAN, "x")
    del body["callback_query"]["data"]
    body["callback_query"]["game_short_name"] = "game"
    result = incoming(body)
    assert result is not None
    assert result.unsupported


def test_shared_contact() -> None:
    result = incoming(updates.contact(LAN, "+84901234567"))
    assert result is not None
    assert result.contact == Contact(phone="+84901234567", name="Lan Nguyễn")


def test_photo_is_its_largest_size_with_the_caption() -> None:
    body = updates.photo(LAN, [("small", 90), ("big", 1280), ("mid", 320)], caption="nhãn")
    result = incoming(body)
    assert result is not None
    assert result.attachment == Attachment(
        kind="photo", file_ref="big", mime_type="image/jpeg", size=1280
    )
    assert result.text == "nhãn"


def test_document() -> None:
    body = updates.document(LAN, "doc-1", "giay-phep.pdf", "application/pdf", 52_000)
    result = incoming(body)
    assert result is not None
    assert result.attachment == Attachment(
        kind="document",
        file_ref="doc-1",
        mime_type="application/pdf",
        size=52_000,
        file_name="giay-phep.pdf",
    )


@pytest.mark.parametrize(
    "content",
    [
        {"voice": {"file_id": "v", "file_unique_id": "uv", "duration": 3}},
        {"location": {"latitude": 9.17, "longitude": 105.15}},
    ],
)
def test_other_messages_are_unsupported(content: dict[str, Any]) -> None:
    result = incoming(updates.message(LAN, **content))
    assert result is not None
    assert result.unsupported


def test_sticker_is_unsupported_but_still_says_who() -> None:
    assert incoming(updates.sticker(LAN)) == Incoming(
        channel="telegram",
        user_key="501",
        message_id="7",
        display_name="Lan",
        locale_hint="vi",
        unsupported=True,
        repeat_answer=True,
    )


def test_group_chats_and_edits_are_not_for_the_engine() -> None:
    body = updates.text(LAN, "hello")
    body["message"]["chat"] = {"id": -100, "type": "group", "title": "HTX"}
    assert incoming(body) is None
    edited = {"edited_message": updates.text(LAN, "fixed typo")["message"]}
    assert incoming(edited) is None
    assert incoming(updates.poll_answer(LAN, "p1", 0)) is None  # needs the database
