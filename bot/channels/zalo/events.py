"""Zalo webhook events read into what the bot does with them: engine messages or reachability."""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from typing import Any, Literal

from bot.channels.inbox import Event
from bot.channels.zalo.config import CHANNEL
from conversations.messages import Attachment, Contact, Incoming
from conversations.parsing import normalise_phone

log = logging.getLogger(__name__)

TEXT = frozenset({"user_send_text", "user_send_link"})
FILES = frozenset({"user_send_image", "user_send_file"})
UNREADABLE = frozenset(
    {"user_send_sticker", "user_send_gif", "user_send_audio", "user_send_video",
     "user_send_location", "user_send_business_card"}
)  # fmt: skip
OTHERS = frozenset({"user_submit_info", "user_click_chatnow", "follow", "unfollow"})
HANDLED = TEXT | FILES | UNREADABLE | OTHERS
GREETING = "menu"
"""What a tap on the OA's "Nhắn tin" (chat now) button says to the engine."""
MAX_KEY = 128


def event_name(body: dict[str, Any]) -> str:
    """The event's name (`event_name`, or `event` in some integrations)."""
    return str(body.get("event_name") or body.get("event") or "")


def timestamp_ms(body: dict[str, Any]) -> int | None:
    """The event's time in milliseconds, from a string or a number; None when unreadable."""
    raw = body.get("timestamp")
    try:
        return int(str(raw).strip()) if raw is not None and str(raw).strip() else None
    except ValueError:
        return None


def _id(value: object) -> str:
    if isinstance(value, dict):
        value = value.get("id")
    return str(value).strip() if isinstance(value, str | int) else ""


def user_of(name: str, body: dict[str, Any]) -> str:
    """The OA-scoped id of the user the event is about ("" when it has none)."""
    if name in ("follow", "unfollow"):
        return _id(body.get("follower")) or _id(body.get("user_id")) or _id(body.get("sender"))
    return _id(body.get("sender")) or _id(body.get("user_id")) or _id(body.get("follower"))


def _key(text: str) -> str:
    """`text` as a message id the engine can store (long keys are hashed)."""
    if len(text) <= MAX_KEY:
        return text
    return "h:" + hashlib.sha256(text.encode()).hexdigest()


def read(body: dict[str, Any], header_timestamp: str = "") -> Event | None:
    """The event to keep, or None for echoes, receipts and events the bot does not handle.

    Payload shapes differ between sources (platforms.md B3), so both are read where they
    disagree: the event name in `event_name` or `event`; the timestamp as a string or a number
    of milliseconds; the user in `sender.id`, `follower.id` or a top-level `user_id`; the
    message id in `msg_id` or `message_id`. Attachments: sizes as numbers or strings; phone
    numbers as 84… or 0….
    """
    name = event_name(body)
    if name not in HANDLED:
        if name.startswith("oa_send_") or name in ("user_received_message", "user_seen_message"):
            return None  # the OA's own messages and delivery receipts: never answered
        log.info("zalo: event %r ignored (not handled)", name or "(no name)")
        return None
    user = user_of(name, body)
    if not user:
        log.warning("zalo: %s event without a user id ignored", name)
        return None
    stamp = timestamp_ms(body)
    if stamp is None:
        stamp = timestamp_ms({"timestamp": header_timestamp}) or 0
    message = body.get("message") if isinstance(body.get("message"), dict) else {}
    msg_id = str(message.get("msg_id") or message.get("message_id") or "").strip()
    key = msg_id or f"{name}:{user}:{stamp}"
    return Event(name, user, _key(key), stamp, body)


def _size(value: object) -> int:
    try:
        return max(0, int(str(value))) if value not in (None, "") else 0
    except ValueError:
        return 0


def _attachments(message: dict[str, Any]) -> list[Attachment]:
    found: list[Attachment] = []
    items = message.get("attachments")
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        kind = str(item.get("type") or "")
        data = item.get("payload") if isinstance(item.get("payload"), dict) else {}
        ref = str(data.get("url") or data.get("id") or item.get("id") or "")
        if not ref or kind not in ("image", "file"):
            continue
        file_name = str(data.get("name") or "")
        if kind == "image":
            mime = mimetypes.guess_type(ref.split("?", 1)[0])[0] or "image/jpeg"
            found.append(Attachment("photo", ref, mime, _size(data.get("size")), file_name))
            continue
        extension = str(data.get("type") or "").lower().lstrip(".")
        mime = mimetypes.guess_type(file_name or f"file.{extension}")[0] or ""
        found.append(Attachment("document", ref, mime, _size(data.get("size")), file_name))
    return found


def _link(message: dict[str, Any]) -> str:
    """The address of a shared link (`user_send_link` may carry it only as an attachment)."""
    items = message.get("attachments")
    for item in items if isinstance(items, list) else []:
        data = item.get("payload") if isinstance(item, dict) else None
        if isinstance(data, dict) and data.get("url"):
            return str(data["url"])
    return ""


def _contact(body: dict[str, Any]) -> Contact | None:
    info = body.get("info")
    if not isinstance(info, dict):
        return None
    raw = str(info.get("phone") or "").strip()
    if not raw:
        return None
    digits = raw.lstrip("+")
    phone = normalise_phone(raw) or (f"0{digits[2:]}" if digits.startswith("84") else raw)
    return Contact(phone=phone, name=str(info.get("name") or "").strip())


def incomings(event: Event, display_name: str = "") -> list[Incoming]:
    """What the engine is told: one `Incoming` per text, file or shared contact in the event."""
    body = event.payload
    fields: dict[str, Any] = {
        "channel": CHANNEL,
        "user_key": event.user_key,
        "message_id": event.dedupe_key,
        "display_name": display_name,
        # An event is handled again only when its first handling never stored its replies on
        # the inbox row (the process died after the engine's commit): answer it again.
        "repeat_answer": True,
    }
    message = body.get("message") if isinstance(body.get("message"), dict) else {}
    text = str(message.get("text") or "")
    if event.name in TEXT:
        return [Incoming(text=text or _link(message), **fields)]
    if event.name == "user_click_chatnow":
        return [Incoming(text=GREETING, **fields)]
    if event.name == "user_submit_info":
        contact = _contact(body)
        if contact is None:
            return [Incoming(unsupported=True, **fields)]
        fields["display_name"] = display_name or contact.name
        return [Incoming(contact=contact, **fields)]
    if event.name in FILES:
        files = _attachments(message)
        if not files:
            return [Incoming(unsupported=True, **fields)]
        out = [Incoming(attachment=files[0], text=text or None, **fields)]
        for number, attachment in enumerate(files[1:], start=2):
            fields["message_id"] = _key(f"{event.dedupe_key}:{number}")
            out.append(Incoming(attachment=attachment, **fields))
        return out
    return [Incoming(unsupported=True, **fields)]


def reachability(event: Event) -> Literal["follow", "unfollow"] | None:
    """ "follow" or "unfollow" for those events, else None."""
    if event.name == "follow":
        return "follow"
    if event.name == "unfollow":
        return "unfollow"
    return None
