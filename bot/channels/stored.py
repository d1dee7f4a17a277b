"""Replies as JSON, so the inbox can keep those not yet delivered (quiz polls become choices)."""

from __future__ import annotations

from typing import Any

from conversations.messages import Attachment, Choice, Reply


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    """What Zalo can show of `reply`, as plain JSON values."""
    data: dict[str, Any] = {"text": reply.text}
    if reply.choices:
        data["choices"] = [[c.label, c.value] for c in reply.choices]
    if reply.request_contact:
        data["request_contact"] = reply.request_contact
    if reply.attachment is not None:
        a = reply.attachment
        data["attachment"] = [a.kind, a.file_ref, a.mime_type, a.size, a.file_name]
    return data


def reply_from_dict(data: dict[str, Any]) -> Reply:
    """The reply stored by `reply_to_dict`."""
    attachment = None
    if data.get("attachment"):
        kind, ref, mime, size, name = data["attachment"]
        attachment = Attachment(kind, str(ref), str(mime), int(size), str(name))
    return Reply(
        str(data.get("text", "")),
        choices=tuple(Choice(str(label), str(value)) for label, value in data.get("choices", [])),
        request_contact=str(data.get("request_contact", "")),
        attachment=attachment,
    )
