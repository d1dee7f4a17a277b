"""What the FAQ leaves behind: answer feedback, and questions handed to an officer."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from conversations.clock import utcnow


class FaqFeedback(SQLModel, table=True):
    """A 👍 or 👎 on an FAQ answer."""

    __tablename__ = "faq_feedback"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    entry_id: str = Field(max_length=80, index=True)
    helpful: bool
    question: str = Field(default="", max_length=400)
    created_at: datetime = Field(default_factory=utcnow)


class Escalation(SQLModel, table=True):
    """A question the bot could not answer, waiting in the officers' inbox."""

    __tablename__ = "escalations"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL", index=True
    )
    question: str = Field(max_length=4000)
    lang: str = Field(default="vi", max_length=8)
    score: float = 0.0
    closest_entry: str | None = Field(default=None, max_length=80)
    status: str = Field(default="open", max_length=12, index=True)
    answer: str | None = None
    answered_by: int | None = None
    answered_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow, index=True)
