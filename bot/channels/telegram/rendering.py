"""Replies as Telegram messages: text chunks, inline keyboards, contact keyboards, quiz polls."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.channels.text_split import fitting, utf16_len
from bot.channels.text_split import split_text as split_pieces
from conversations.messages import Choice, Poll, Reply

log = logging.getLogger(__name__)

MAX_TEXT = 4096
"""Longest message text, counted as Telegram counts it (UTF-16 code units)."""
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
"""Bytes of callback data a button may carry."""
SHORT_LABEL = 14
"""Buttons whose labels are at most this long go two to a row."""
NUMBER_PREFIX = "#"
"""Callback data `#3` stands for "the 3rd choice" when a value is too long to carry."""
MAX_QUESTION = 300
MAX_OPTION = 100
MAX_OPTIONS = 12
MAX_EXPLANATION = 200
MAX_EXPLANATION_LINE_FEEDS = 2

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Bot API call to make: a text, a photo, a document or a quiz poll."""

    kind: Literal["text", "photo", "document", "poll"]
    text: str = ""
    markup: Markup | None = None
    file_ref: str = ""
    poll: Poll | None = None
    values: tuple[str, ...] = ()
    """For a poll: the choice value behind each option, in order."""


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """`text` in pieces within `limit` (see bot.channels.text_split)."""
    return split_pieces(text, limit)


def callback_data(value: str, number: int) -> str:
    """The value itself when it fits in 1–64 bytes, else the choice's number (`#3`)."""
    if 1 <= len(value.encode("utf-8")) <= MAX_CALLBACK_DATA:
        return value
    if not value:
        return f"{NUMBER_PREFIX}{number}"  # Telegram refuses empty callback data
    log.warning("choice value longer than 64 bytes; button %d sends its number", number)
    return f"{NUMBER_PREFIX}{number}"


def inline_keyboard(choices: Sequence[Choice]) -> InlineKeyboardMarkup:
    """One button per choice: short labels two to a row, longer ones alone."""
    rows: list[list[InlineKeyboardButton]] = []
    pending: InlineKeyboardButton | None = None
    for number, choice in enumerate(choices, start=1):
        data = callback_data(choice.value, number)
        button = InlineKeyboardButton(choice.label, callback_data=data)
        if len(choice.label) <= SHORT_LABEL:
            if pending is None:
                pending = button
            else:
                rows.append([pending, button])
                pending = None
            continue
        if pending is not None:
            rows.append([pending])
            pending = None
        rows.append([button])
    if pending is not None:
        rows.append([pending])
    return InlineKeyboardMarkup(rows)


def contact_keyboard(label: str) -> ReplyKeyboardMarkup:
    """A one-time keyboard whose only button shares the user's phone number."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(label, request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def native_poll(reply: Reply) -> Poll | None:
    """The reply's poll when Telegram can show it as a quiz with one value per option, else None."""
    poll = reply.poll
    if poll is None:
        return None
    fits = (
        2 <= len(poll.options) <= MAX_OPTIONS
        and len(reply.choices) == len(poll.options)
        and 0 < utf16_len(poll.question) <= MAX_QUESTION
        and all(0 < utf16_len(option) <= MAX_OPTION for option in poll.options)
        and len(poll.correct) <= 1
        and all(0 <= index < len(poll.options) for index in poll.correct)
    )
    if not fits:
        log.warning("poll does not fit Telegram's limits; sending it as buttons")
        return None
    return Poll(poll.question, poll.options, poll.correct, explanation(poll.explanation))


def explanation(text: str) -> str:
    """A quiz explanation within Telegram's 200 characters and two line feeds."""
    lines = text.strip().split("\n")
    if len(lines) > MAX_EXPLANATION_LINE_FEEDS + 1:
        keep = MAX_EXPLANATION_LINE_FEEDS
        lines = [*lines[:keep], " ".join(lines[keep:])]
    joined = "\n".join(lines)
    if utf16_len(joined) <= MAX_EXPLANATION:
        return joined
    return joined[: fitting(joined, MAX_EXPLANATION - 1)].rstrip() + "…"


def _texts(text: str, markup: Markup | None) -> list[Outgoing]:
    pieces = split_text(text)
    out = [Outgoing("text", piece) for piece in pieces[:-1]]
    return [*out, Outgoing("text", pieces[-1], markup)]


def _render(reply: Reply) -> list[Outgoing]:
    choices = inline_keyboard(reply.choices) if reply.choices else None
    poll = native_poll(reply)
    if poll is not None:
        values = tuple(choice.value for choice in reply.choices)
        lead = reply.text.strip()
        before = _texts(lead, None) if lead and lead != poll.question.strip() else []
        return [*before, Outgoing("poll", poll=poll, values=values)]
    text = reply.text if reply.text.strip() else reply.numbered().strip()
    if reply.attachment is not None:
        kind = reply.attachment.kind
        ref = reply.attachment.file_ref
        if utf16_len(text) <= MAX_CAPTION:
            return [Outgoing(kind, text, choices, file_ref=ref)]
        return [*_texts(text, None), Outgoing(kind, "", choices, file_ref=ref)]
    if not text.strip():
        return []
    if reply.request_contact:
        asking = contact_keyboard(reply.request_contact)
        if choices is None:
            return _texts(text, asking)
        return [*_texts(text, choices), Outgoing("text", reply.request_contact, asking)]
    return _texts(text, choices)


def plan(replies: Sequence[Reply], *, remove_keyboard: bool = False) -> list[Outgoing]:
    """The calls that show `replies`, in order.

    With `remove_keyboard`, a contact keyboard left from an earlier question is taken away
    (on the first message that has no buttons of its own) unless a reply asks for a contact.
    """
    out = [item for reply in replies for item in _render(reply)]
    if remove_keyboard and not any(reply.request_contact for reply in replies):
        for index, item in enumerate(out):
            if item.markup is None and item.kind != "poll":
                out[index] = Outgoing(item.kind, item.text, ReplyKeyboardRemove(), item.file_ref)
                break
    return out
