"""Update bodies shaped as Telegram sends them, for the fake server's queue or a webhook post."""

from __future__ import annotations

import itertools
import time
from typing import Any

from testbed.telegram_api import BOT

_ids = itertools.count(1)


def user(uid: int, name: str = "Lan", lang: str = "vi") -> dict[str, Any]:
    """A Telegram user."""
    return {"id": uid, "is_bot": False, "first_name": name, "language_code": lang}


def _chat(uid: int) -> dict[str, Any]:
    return {"id": uid, "type": "private", "first_name": "Lan"}


def message(uid: int, **fields: Any) -> dict[str, Any]:
    """A private message from `uid` with the given content fields."""
    body = {"message_id": next(_ids), "date": int(time.time()), "chat": _chat(uid)}
    return {"message": {**body, "from": user(uid), **fields}}


def text(uid: int, words: str) -> dict[str, Any]:
    """A typed text (a command when it starts with a slash)."""
    fields: dict[str, Any] = {"text": words}
    if words.startswith("/"):
        length = len(words.split()[0])
        fields["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return message(uid, **fields)


def tap(uid: int, data: str) -> dict[str, Any]:
    """A tap on an inline button carrying `data`, under a message the bot sent."""
    shown = {"message_id": next(_ids), "date": int(time.time()), "chat": _chat(uid), "from": BOT}
    query = {
        "id": f"cb-{next(_ids)}",
        "from": user(uid),
        "chat_instance": "ci",
        "data": data,
        "message": {**shown, "text": "…"},
    }
    return {"callback_query": query}


def contact(uid: int, phone: str) -> dict[str, Any]:
    """The user's own phone number, shared with the contact button."""
    card = {"phone_number": phone, "first_name": "Lan", "last_name": "Nguyễn", "user_id": uid}
    return message(uid, contact=card)


def photo(uid: int, sizes: list[tuple[str, int]], caption: str = "") -> dict[str, Any]:
    """A photo in several sizes, each (file_id, file_size)."""
    shots = [
        {"file_id": fid, "file_unique_id": f"u-{fid}", "width": n, "height": n, "file_size": n}
        for fid, n in sizes
    ]
    fields: dict[str, Any] = {"photo": shots}
    if caption:
        fields["caption"] = caption
    return message(uid, **fields)


def document(uid: int, file_id: str, name: str, mime: str, size: int) -> dict[str, Any]:
    """A file sent as a document."""
    doc = {
        "file_id": file_id,
        "file_unique_id": f"u-{file_id}",
        "file_name": name,
        "mime_type": mime,
        "file_size": size,
    }
    return message(uid, document=doc)


def sticker(uid: int) -> dict[str, Any]:
    """A sticker, which the bot cannot read."""
    fields = {"file_id": "st", "file_unique_id": "ust", "width": 512, "height": 512}
    flags = {"is_animated": False, "is_video": False, "type": "regular"}
    return message(uid, sticker={**fields, **flags})


def poll_answer(uid: int, poll_id: str, option: int) -> dict[str, Any]:
    """`uid` chose option number `option` (from 0) of poll `poll_id`."""
    answer = {
        "poll_id": poll_id,
        "user": user(uid),
        "option_ids": [option],
        "option_persistent_ids": [f"o{option}"],
    }
    return {"poll_answer": answer}


def membership(uid: int, status: str) -> dict[str, Any]:
    """The user blocked (`kicked`) or unblocked (`member`) the bot."""
    old = "member" if status == "kicked" else "kicked"
    change = {
        "chat": _chat(uid),
        "from": user(uid),
        "date": int(time.time()),
        "old_chat_member": {"status": old, "user": BOT, **_until(old)},
        "new_chat_member": {"status": status, "user": BOT, **_until(status)},
    }
    return {"my_chat_member": change}


def _until(status: str) -> dict[str, Any]:
    return {"until_date": 0} if status == "kicked" else {}
