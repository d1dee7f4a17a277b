"""Webhook events a channel has acknowledged but not yet finished: stored before the answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from conversations.clock import utcnow

NEW, ANSWERED, DONE, FAILED = "new", "answered", "done", "failed"
"""NEW: stored, not handled; ANSWERED: the engine's replies are stored, not all delivered."""
OPEN = (NEW, ANSWERED)


class InboxEvent(SQLModel, table=True):
    """One inbound event, stored before the webhook answers 200, drained in the background."""

    __tablename__ = "inbox_events"
    __table_args__ = (UniqueConstraint("channel", "dedupe_key", name="uq_inbox_channel_key"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    dedupe_key: str = Field(max_length=160)
    """The channel's message id, or event name + user + time for events without one."""
    user_key: str = Field(default="", max_length=128, index=True)
    kind: str = Field(max_length=48)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=NEW, max_length=12, index=True)
    replies: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    """The engine's replies not yet delivered (for ANSWERED rows)."""
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    claimed_until: datetime | None = None
    """A worker is handling the row until then; after that another may take it over."""
    error: str | None = Field(default=None, max_length=300)
    reason: str | None = Field(default=None, max_length=16)
    """Why the replies were not (all) delivered, in a word (as `OutboxMessage.reason`)."""
    received_at: datetime = Field(default_factory=utcnow, index=True)
    finished_at: datetime | None = None
