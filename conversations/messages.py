"""Channel-neutral messages: what arrives (`Incoming`) and what the bot answers (`Reply`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

MAX_TEXT = 4000
"""Longest text the engine accepts from a user; longer input is refused politely."""


@dataclass(frozen=True, slots=True)
class Contact:
    """A phone number shared through the channel's own contact button."""

    phone: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A photo or document sent by or to a user: a channel file reference plus metadata."""

    kind: Literal["photo", "document"]
    file_ref: str
    mime_type: str = ""
    size: int = 0
    file_name: str = ""


@dataclass(frozen=True, slots=True)
class Incoming:
    """One inbound event from any channel, already translated by its adapter."""

    channel: str
    user_key: str
    message_id: str
    text: str | None = None
    action: str | None = None
    contact: Contact | None = None
    attachment: Attachment | None = None
    locale_hint: str | None = None
    display_name: str = ""
    unsupported: bool = False
    """True when the channel got something the bot cannot read yet (sticker, voice note)."""
    repeat_answer: bool = False
    """A redelivery of the user's last message gets that turn's stored replies again (the process
    may have died after the commit, before they left). Only for a channel that can tell itself
    whether they arrived (the web chat checks its transcript; Zalo's inbox row holds the replies
    once they are stored, so an event handled twice never had them; Telegram records each sent
    turn with `Engine.delivered`); others would answer twice."""


@dataclass(frozen=True, slots=True)
class Choice:
    """One option offered to the user: a button where the channel has them, a numbered line else."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Poll:
    """A quiz question that channels with native quiz polls may render as one."""

    question: str
    options: tuple[str, ...]
    correct: tuple[int, ...]
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    """One message for the user; flows return these and never send anything themselves."""

    text: str
    choices: tuple[Choice, ...] = ()
    request_contact: str = ""
    """When set, channels with a share-contact button show one with this label."""
    poll: Poll | None = None
    attachment: Attachment | None = None
    meta: dict[str, str] = field(default_factory=dict)

    def numbered(self) -> str:
        """The text with each choice as a numbered line, for channels without buttons."""
        if not self.choices:
            return self.text
        lines = [self.text, ""]
        lines += [f"{i}. {c.label}" for i, c in enumerate(self.choices, start=1)]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form, stored so that a redelivered message gets the same answer
        (`dataclasses.asdict`'s, written out: it deep-copies every field, on every turn)."""
        poll, attachment = self.poll, self.attachment
        return {
            "text": self.text,
            "choices": [{"label": c.label, "value": c.value} for c in self.choices],
            "request_contact": self.request_contact,
            "poll": None if poll is None else {
                "question": poll.question,
                "options": list(poll.options),
                "correct": list(poll.correct),
                "explanation": poll.explanation,
            },
            "attachment": None if attachment is None else asdict(attachment),
            "meta": dict(self.meta),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        """The reply `to_json` stored."""
        poll, attachment = data.get("poll"), data.get("attachment")
        return cls(
            text=data["text"],
            choices=tuple(Choice(**c) for c in data.get("choices", ())),
            request_contact=data.get("request_contact", ""),
            poll=Poll(
                question=poll["question"],
                options=tuple(poll["options"]),
                correct=tuple(poll["correct"]),
                explanation=poll.get("explanation", ""),
            )
            if poll
            else None,
            attachment=Attachment(**attachment) if attachment else None,
            meta=dict(data.get("meta", {})),
        )
