"""Replies as Zalo OA messages: text pieces, query buttons, the phone card, pictures and files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from bot.channels.text_split import split_text as split_pieces
from bot.channels.text_split import utf16_len
from bot.channels.zalo.client import (
    MAX_BUTTONS,
    MAX_PAYLOAD,
    MAX_TEXT,
    MAX_TITLE,
    query_button,
)
from conversations.messages import Choice, Reply
from conversations.words import match_choice

MAX_SUBTITLE = 500
"""Characters in the subtitle of the request-user-info card (title: 100)."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One API call to make: a text (maybe with buttons), the info card, a picture or a file."""

    kind: Literal["text", "info", "image", "file"]
    text: str = ""
    buttons: tuple[dict[str, str], ...] = ()
    fallback: str = ""
    """Sent instead when Zalo refuses the buttons or the card: the same, as plain text."""
    title: str = ""
    file_ref: str = ""
    file_name: str = ""
    mime_type: str = ""


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """`text` in pieces within `limit` (see bot.channels.text_split)."""
    return split_pieces(text, limit)


def payload(choices: Sequence[Choice], number: int) -> str:
    """What the button for choice `number` (from 1) sends: its label, or its number.

    A tap comes back as an ordinary text message carrying the payload, so the payload is
    something a person could type: the label when the engine would match it to this very
    choice, else the number.
    """
    choice = choices[number - 1]
    offered = [[c.label, c.value] for c in choices]
    label = choice.label.strip()
    if label and len(label) <= MAX_PAYLOAD and match_choice(label, offered) == choice.value:
        return label
    return str(number)


def buttons(choices: Sequence[Choice]) -> tuple[dict[str, str], ...]:
    """Query buttons for the first five choices (`_texts` may list them all numbered too)."""
    shown = choices[:MAX_BUTTONS]
    return tuple(
        query_button(choice.label, payload(choices, number))
        for number, choice in enumerate(shown, start=1)
    )


def numbered(text: str, choices: Sequence[Choice]) -> str:
    """`text` followed by every choice as a numbered line."""
    return Reply(text, choices=tuple(choices)).numbered().strip()


def _texts(text: str, choices: Sequence[Choice]) -> list[Outgoing]:
    if not choices:
        return [Outgoing("text", piece) for piece in split_text(text) if piece.strip()]
    listed = len(choices) > MAX_BUTTONS or any(len(c.label) > MAX_TITLE for c in choices)
    body = numbered(text, choices) if listed else text.strip()
    pieces = split_text(body or numbered(text, choices))
    last = pieces[-1]
    plain = last if listed else numbered(last, choices)
    out = [Outgoing("text", piece) for piece in pieces[:-1]]
    return [*out, Outgoing("text", last, buttons(choices), fallback=plain)]


def _info(reply: Reply) -> list[Outgoing]:
    """The reply's text and buttons, then the card; a lone short question goes on the card."""
    text = reply.text.strip()
    if not reply.choices and text and len(text) <= MAX_SUBTITLE:
        return [Outgoing("info", text, title=reply.request_contact, fallback=text)]
    subtitle = text if len(text) <= MAX_SUBTITLE else text[: MAX_SUBTITLE - 1] + "…"
    card = Outgoing("info", subtitle or reply.request_contact, title=reply.request_contact)
    return [*_texts(reply.text, reply.choices), card]


def _attachment(reply: Reply) -> list[Outgoing]:
    attachment = reply.attachment
    assert attachment is not None
    text = reply.text.strip()
    kind: Literal["image", "file"] = "image" if attachment.kind == "photo" else "file"
    item = Outgoing(
        kind,
        file_ref=attachment.file_ref,
        file_name=attachment.file_name,
        mime_type=attachment.mime_type,
    )
    if kind == "image" and not reply.choices and 0 < utf16_len(text) <= MAX_TEXT:
        return [replace(item, text=text)]  # the text as the picture's caption
    if reply.choices:
        return [item, *_texts(reply.text, reply.choices)]
    return [*_texts(reply.text, ()), item]


def render(reply: Reply) -> list[Outgoing]:
    """The calls that show one reply (a quiz poll is shown as its text and choices)."""
    if reply.attachment is not None:
        return _attachment(reply)
    if reply.request_contact:
        return _info(reply)
    return _texts(reply.text, reply.choices)


def plan(replies: Sequence[Reply]) -> list[Outgoing]:
    """The calls that show `replies`, in order."""
    return [item for reply in replies for item in render(reply)]
