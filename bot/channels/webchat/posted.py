"""A message the page posts (text, a tapped button or an uploaded file), validated."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.channels.webchat.uploads import Upload
from bot.web.cleaning import clean_text
from conversations.i18n import LOCALES

_MID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_LABEL = 200


@dataclass(frozen=True, slots=True)
class Sent:
    """One message from the page; exactly one of text, action and upload is set."""

    id: str
    """The page's own id for the message: a retry after a lost answer carries the same one."""
    text: str | None = None
    action: str | None = None
    label: str = ""
    """The tapped button's label, shown in the transcript instead of its value."""
    upload_id: str | None = None
    upload: Upload | None = None
    silent: bool = False
    """Not shown in the transcript (the "menu" the page sends to get the greeting)."""
    hint: str | None = None
    """The language the page was opened in, used only for a visitor's first message."""
    tab: str = ""
    """The page's own id (one per page load): its long-poll is not woken for this message."""


def page_id(value: object) -> str:
    """A page's id as posted or asked for, "" when absent or malformed."""
    return value if isinstance(value, str) and _MID.match(value) else ""


def parse_sent(data: object) -> Sent | None:
    """The message in the posted JSON, or None when it is malformed."""
    if not isinstance(data, dict):
        return None
    mid, text, action = data.get("id"), data.get("text"), data.get("action")
    label, upload_id = data.get("label"), data.get("upload")
    silent, hint = data.get("silent", False), data.get("hint")
    if not isinstance(mid, str) or not _MID.match(mid) or not isinstance(silent, bool):
        return None
    if sum(v is not None for v in (text, action, upload_id)) != 1:
        return None
    if not isinstance(text, str | None) or not isinstance(upload_id, str | None):
        return None
    if action is not None and not (isinstance(action, str) and 0 < len(action) <= MAX_LABEL):
        return None
    if not isinstance(label, str | None):
        return None
    return Sent(
        id=mid,
        text=clean_text(text) if text is not None else None,
        action=clean_text(action) if action is not None else None,
        label=clean_text(label or action or "")[:MAX_LABEL],
        upload_id=upload_id,
        silent=silent,
        hint=hint if hint in LOCALES else None,
        tab=page_id(data.get("tab")),
    )
