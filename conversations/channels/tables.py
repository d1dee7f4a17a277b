"""Tables that channels keep beside the dialogue: native polls sent, and the web chat's messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from conversations.clock import utcnow


class SentPoll(SQLModel, table=True):
    """A native quiz poll sent on a channel, with the choice value behind each option."""

    __tablename__ = "sent_polls"

    channel: str = Field(primary_key=True, max_length=16)
    poll_id: str = Field(primary_key=True, max_length=128)
    user_key: str = Field(max_length=128, index=True)
    values: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)


class WebMessage(SQLModel, table=True):
    """One message shown in the web chat, kept so a reload shows the conversation again and
    proactive messages (reminders, announcements, officer answers) can be fetched by the page."""

    __tablename__ = "web_messages"

    id: int | None = Field(default=None, primary_key=True)
    user_key: str = Field(max_length=128, index=True)
    direction: str = Field(max_length=3)
    """"in" (typed or tapped by the visitor) or "out" (from the bot)."""
    text: str = ""
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    """For "out": choices [[label, value]], attachment, poll; for "in": the action tapped."""
    created_at: datetime = Field(default_factory=utcnow, index=True)


class ReplyQuota(SQLModel, table=True):
    """What one user's reply window has used: our count since their last message, and the
    quota the channel reported with the last send (Zalo's `data.quota`)."""

    __tablename__ = "reply_quotas"

    channel: str = Field(primary_key=True, max_length=16)
    user_key: str = Field(primary_key=True, max_length=128)
    window_from: datetime | None = None
    """The user's message that opened the window being counted."""
    replies: int = 0
    """Messages sent since `window_from` (Zalo: 8 are free within 48 h)."""
    quota_type: str = Field(default="", max_length=24)
    remain: int | None = None
    """What the channel said is left, when it said."""
    total: int | None = None
    updated_at: datetime = Field(default_factory=utcnow, index=True)
