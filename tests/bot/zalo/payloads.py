"""Zalo webhook events as Zalo sends them, and their signatures (built from the formula)."""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from typing import Any

from testbed.zalo_api import APP_ID, OA_ID, OA_SECRET_KEY

_ids = itertools.count(1)


def now_ms() -> str:
    """The current time as Zalo writes it: a string of milliseconds."""
    return str(int(time.time() * 1000))


def sign(raw: bytes, timestamp: str, app_id: str = APP_ID, key: str = OA_SECRET_KEY) -> str:
    """The X-ZEvent-Signature header, computed independently of the code under test."""
    digest = hashlib.sha256(app_id.encode() + raw + timestamp.encode() + key.encode())
    return "mac=" + digest.hexdigest()


def encode(event: dict[str, Any]) -> bytes:
    """The body as Zalo posts it (compact JSON, non-ASCII kept)."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()


def _base(name: str, user: str, **extra: Any) -> dict[str, Any]:
    return {
        "app_id": APP_ID,
        "user_id_by_app": f"app-{user}",
        "event_name": name,
        "timestamp": now_ms(),
        **extra,
    }


def text(user: str, words: str, msg_id: str | None = None) -> dict[str, Any]:
    """A `user_send_text` event (typed, or a query button tapped)."""
    message = {"msg_id": msg_id or f"msg-{next(_ids)}", "text": words}
    return _base(
        "user_send_text", user, sender={"id": user}, recipient={"id": OA_ID}, message=message
    )


def image(user: str, url: str, caption: str = "") -> dict[str, Any]:
    """A `user_send_image` event."""
    attachment = {"type": "image", "payload": {"url": url, "thumbnail": url + "?thumb"}}
    message = {"msg_id": f"msg-{next(_ids)}", "text": caption, "attachments": [attachment]}
    return _base(
        "user_send_image", user, sender={"id": user}, recipient={"id": OA_ID}, message=message
    )


def file(user: str, url: str, name: str, size: str | int, kind: str) -> dict[str, Any]:
    """A `user_send_file` event (the size comes as a string in some payloads)."""
    payload = {"url": url, "name": name, "size": size, "type": kind, "checksum": "abc"}
    message = {"msg_id": f"msg-{next(_ids)}", "attachments": [{"type": "file", "payload": payload}]}
    return _base(
        "user_send_file", user, sender={"id": user}, recipient={"id": OA_ID}, message=message
    )


def submit_info(user: str, phone: str, name: str = "Nguyễn Văn An") -> dict[str, Any]:
    """A `user_submit_info` event: the user shared their Zalo profile details."""
    info = {
        "name": name,
        "phone": phone,
        "address": "",
        "city": "Cà Mau",
        "district": "",
        "ward": "",
    }
    return _base("user_submit_info", user, sender={"id": user}, recipient={"id": OA_ID}, info=info)


def follow(user: str, name: str = "follow") -> dict[str, Any]:
    """A `follow` or `unfollow` event (no sender/recipient: `follower.id`)."""
    return _base(name, user, oa_id=OA_ID, follower={"id": user}, source="oa_profile")


def chat_now(user: str) -> dict[str, Any]:
    """A `user_click_chatnow` event: the user tapped "Nhắn tin" on the OA."""
    return _base("user_click_chatnow", user, oa_id=OA_ID, user_id=user)


def echo(user: str, words: str) -> dict[str, Any]:
    """An `oa_send_text` echo of a message the OA sent (sender is the OA)."""
    message = {"msg_id": f"msg-{next(_ids)}", "text": words}
    return _base(
        "oa_send_text", user, sender={"id": OA_ID}, recipient={"id": user}, message=message
    )


def receipt(user: str, name: str = "user_seen_message") -> dict[str, Any]:
    """A delivery receipt: `sender` is the OA, `recipient` the user, `msg_ids` a list."""
    message = {"msg_ids": ["zmsg-1"]}
    return _base(name, user, sender={"id": OA_ID}, recipient={"id": user}, message=message)
