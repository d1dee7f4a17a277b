"""Telegram updates as neutral `Incoming` messages: text, commands, taps, contacts, files."""

from __future__ import annotations

from typing import Any

from telegram import Chat, Message, Update, User

from bot.channels.telegram.rendering import NUMBER_PREFIX
from conversations.messages import Attachment, Contact, Incoming

CHANNEL = "telegram"

COMMANDS = {"start": "menu", "help": "help", "cancel": "hủy"}
"""Telegram's conventional commands, as the global words the engine understands."""


def user_fields(user: User, update_id: int) -> dict[str, Any]:
    """The `Incoming` fields that say who sent update `update_id`."""
    return {
        "channel": CHANNEL,
        "user_key": str(user.id),
        "message_id": str(update_id),
        "display_name": user.first_name or "",
        "locale_hint": user.language_code,
        # Telegram sends an unconfirmed update again after a crash; the turn's replies come
        # again unless the channel recorded them as sent (`Engine.delivered`).
        "repeat_answer": True,
    }


def command_text(text: str) -> str:
    """`/start`, `/help`, `/cancel` (also `/start@bot payload`) as words; other text unchanged."""
    word = text.split(maxsplit=1)[0] if text.strip() else ""
    if not word.startswith("/"):
        return text
    name = word[1:].partition("@")[0].lower()
    return COMMANDS.get(name, text)


def _private(chat: Chat | None) -> bool:
    return chat is not None and chat.type == Chat.PRIVATE


def _attachment(message: Message) -> Attachment | None:
    if message.photo:
        largest = max(message.photo, key=lambda p: (p.file_size or 0, p.width * p.height))
        return Attachment(
            kind="photo",
            file_ref=largest.file_id,
            mime_type="image/jpeg",
            size=largest.file_size or 0,
        )
    document = message.document
    if document is not None:
        return Attachment(
            kind="document",
            file_ref=document.file_id,
            mime_type=document.mime_type or "",
            size=document.file_size or 0,
            file_name=document.file_name or "",
        )
    return None


def from_message(message: Message, update_id: int) -> Incoming | None:
    """A private-chat message as an `Incoming`; anything unreadable is marked unsupported."""
    user = message.from_user
    if user is None or not _private(message.chat):
        return None
    fields = user_fields(user, update_id)
    if message.text is not None:
        return Incoming(text=command_text(message.text), **fields)
    if message.contact is not None:
        contact = message.contact
        name = " ".join(part for part in (contact.first_name, contact.last_name) if part)
        return Incoming(contact=Contact(phone=contact.phone_number, name=name), **fields)
    attachment = _attachment(message)
    if attachment is not None:
        return Incoming(attachment=attachment, text=message.caption, **fields)
    return Incoming(unsupported=True, **fields)


def from_callback(update: Update) -> Incoming | None:
    """A button tap as an `Incoming` action (a `#n` number as the typed number)."""
    query = update.callback_query
    if query is None or (query.message is not None and not _private(query.message.chat)):
        return None
    fields = user_fields(query.from_user, update.update_id)
    data = query.data
    if data is None:
        return Incoming(unsupported=True, **fields)
    number = data.removeprefix(NUMBER_PREFIX)
    if data.startswith(NUMBER_PREFIX) and number.isdigit():
        return Incoming(text=number, **fields)
    return Incoming(action=data, **fields)


def to_incoming(update: Update) -> Incoming | None:
    """The `Incoming` for a message or a button tap; None for updates the engine never sees.

    Edited messages, group chats and service updates are dropped here; poll answers and
    membership changes are handled by the channel because they need the database.
    """
    if update.message is not None:
        return from_message(update.message, update.update_id)
    if update.callback_query is not None:
        return from_callback(update)
    return None
