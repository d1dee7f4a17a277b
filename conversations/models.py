"""Core tables: users, their conversation state, and inbound message ids already processed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from conversations.clock import utcnow

IDLE = "idle"
"""Conversation state when no flow is active."""


class User(SQLModel, table=True):
    """A person on one channel; one row per (channel, external id)."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_users_channel_ext"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    external_id: str = Field(max_length=128)
    display_name: str = Field(default="", max_length=200)
    locale: str = Field(default="vi", max_length=8)
    locale_chosen: bool = False
    role: str = Field(default="user", max_length=16)
    reachable: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    last_inbound_at: datetime | None = None


class Conversation(SQLModel, table=True):
    """Where a user is: the active state string, the form being filled, the choices last offered."""

    __tablename__ = "conversations"

    user_id: int = Field(primary_key=True, foreign_key="users.id", ondelete="CASCADE")
    state: str = Field(default=IDLE, max_length=64)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    choices: list[list[str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
    last_message_id: str = Field(default="", max_length=128)
    """The inbound message whose turn was saved last, and below the replies it got: a channel that
    redelivers it (the process died after the commit, before the send) gets them again."""
    last_replies: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )


class ProcessedMessage(SQLModel, table=True):
    """An inbound message id already handled; a second copy of it is dropped."""

    __tablename__ = "processed_messages"

    channel: str = Field(primary_key=True, max_length=16)
    message_id: str = Field(primary_key=True, max_length=128)
    user_id: int | None = Field(default=None, index=True)
    processed_at: datetime = Field(default_factory=utcnow, index=True)
