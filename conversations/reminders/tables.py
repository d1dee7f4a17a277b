"""Reminders a producer set in their own words ("nhắc tôi ngày 15/12 đi nộp hồ sơ")."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlmodel import Field, SQLModel

from conversations.clock import utcnow

ACTIVE, DONE, CANCELLED = "active", "done", "cancelled"
TEXT_MAX = 300


class PersonalReminder(SQLModel, table=True):
    """One reminder a user asked for; its message waits in the outbox (`personal:<id>`)."""

    __tablename__ = "personal_reminders"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    text: str = Field(max_length=TEXT_MAX)
    """What to remind of, in the user's own words."""
    remind_on: date
    """The local date asked for."""
    at: time | None = None
    """The local time asked for; None means the usual morning hour."""
    due_at: datetime = Field(index=True)
    """When it goes out (UTC)."""
    status: str = Field(default=ACTIVE, max_length=12, index=True)
    created_at: datetime = Field(default_factory=utcnow)
