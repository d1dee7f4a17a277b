"""The transactional outbox: one row per recipient and cause, written with the cause itself."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Column
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.clock import utcnow
from conversations.messages import Attachment, Choice, Reply
from conversations.models import User

PENDING, SENDING, SENT = "pending", "sending", "sent"
FAILED, BLOCKED, WINDOW_CLOSED, NO_CHANNEL, CANCELLED = (
    "failed",
    "blocked",
    "window_closed",
    "no_channel",
    "cancelled",
)
FINAL = frozenset({SENT, FAILED, BLOCKED, WINDOW_CLOSED, NO_CHANNEL, CANCELLED})
ERRORS = {
    NO_CHANNEL: "no channel to reach this user",
    BLOCKED: "user blocked the bot",
    WINDOW_CLOSED: "outside the channel's reply window",
}
"""The `error` recorded with each status that means "could not reach them"."""
REASONS = {NO_CHANNEL: "no_channel", BLOCKED: "blocked", WINDOW_CLOSED: "window"}
"""The `reason` recorded with them (bot.channels.errors.REASONS has the others)."""


class OutboxMessage(SQLModel, table=True):
    """A proactive message waiting for, or done with, delivery."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=200, unique=True)
    ref: str = Field(max_length=12, index=True)
    """A short stable reference used in the message's button values."""
    user_id: int | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL", index=True
    )
    producer_id: int | None = Field(default=None, index=True)
    kind: str = Field(max_length=32, index=True)
    series: str = Field(default="", max_length=160, index=True)
    """Reminders of one thing (a product's certificate expiry) share a series."""
    text: str
    choices: list[list[str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    attachment: dict[str, str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    """{"kind", "file_ref", "mime_type"} of a photo or document sent with the text."""
    urgent: bool = False
    status: str = Field(default=PENDING, max_length=16, index=True)
    due_on: date | None = None
    """The date the message is about (a deadline, an expiry), for previews and reports."""
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    attempts: int = 0
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    channel: str | None = Field(default=None, max_length=16)
    channel_message_id: str | None = Field(default=None, max_length=64)
    error: str | None = Field(default=None, max_length=300)
    reason: str | None = Field(default=None, max_length=16)
    """Why a final row was not sent, in a word officers see ("window", "quota", "night",
    "blocked", "gave_up"...; bot.channels.errors.REASONS)."""
    created_at: datetime = Field(default_factory=utcnow)


class ReminderOptOut(SQLModel, table=True):
    """A user who does not want one kind of reminder."""

    __tablename__ = "reminder_opt_outs"

    user_id: int = Field(primary_key=True, foreign_key="users.id", ondelete="CASCADE")
    kind: str = Field(primary_key=True, max_length=32)


class ReminderAck(SQLModel, table=True):
    """A series of reminders the user said is done: the rest of it is not sent."""

    __tablename__ = "reminder_acks"

    user_id: int = Field(primary_key=True, foreign_key="users.id", ondelete="CASCADE")
    series: str = Field(primary_key=True, max_length=160)
    acked_at: datetime = Field(default_factory=utcnow)


class SchedulerRun(SQLModel, table=True):
    """A scheduler job done for one local day; the row makes each day run once, on any worker."""

    __tablename__ = "scheduler_runs"

    job: str = Field(primary_key=True, max_length=32)
    day: date = Field(primary_key=True)
    ran_at: datetime = Field(default_factory=utcnow)


class CalendarOverride(SQLModel, table=True):
    """An officer's change to a calendar milestone, applied over the file."""

    __tablename__ = "calendar_overrides"

    province_id: str = Field(primary_key=True, max_length=40)
    year: int = Field(primary_key=True)
    milestone_id: str = Field(primary_key=True, max_length=60)
    day: date
    status: str = Field(default="confirmed", max_length=12)
    updated_by: int | None = None
    updated_at: datetime = Field(default_factory=utcnow)


def undeliverable(
    user: User | None, windows: Mapping[str, timedelta | None] | None, now: datetime
) -> str | None:
    """Why a proactive message cannot reach `user` now (NO_CHANNEL, BLOCKED, WINDOW_CLOSED), or
    None when it can. The delivery worker decides with it, and officers' counts predict with it.

    `windows` maps each channel that can send to its reply window (None: no window); None means
    every channel can send, with no window (a count made outside `ocop-bot run`).
    """
    if user is None or (windows is not None and user.channel not in windows):
        return NO_CHANNEL
    if not user.reachable:
        return BLOCKED
    window = windows.get(user.channel) if windows is not None else None
    last = user.last_inbound_at
    if window is not None and (last is None or now - last > window):
        return WINDOW_CLOSED
    return None


def reply_of(row: OutboxMessage) -> Reply:
    """The stored message as a reply to send."""
    attachment = None
    if row.attachment:
        kind = "photo" if row.attachment.get("kind") == "photo" else "document"
        attachment = Attachment(
            kind, row.attachment["file_ref"], row.attachment.get("mime_type", "")
        )
    choices = tuple(Choice(label, value) for label, value in row.choices)
    return Reply(row.text, choices=choices, attachment=attachment)


def make_ref(dedupe_key: str) -> str:
    """A short reference for `dedupe_key` (10 hex characters)."""
    return hashlib.sha1(dedupe_key.encode("utf-8")).hexdigest()[:10]


def outbox_values(
    *,
    dedupe_key: str,
    user_id: int | None,
    kind: str,
    reply: Reply,
    not_before: datetime,
    producer_id: int | None = None,
    series: str = "",
    urgent: bool = False,
    due_on: date | None = None,
) -> dict[str, Any]:
    """The column values of one outbox row (a recipient without a channel: `no_channel`)."""
    return {
        "dedupe_key": dedupe_key[:200],
        "ref": make_ref(dedupe_key),
        "user_id": user_id,
        "producer_id": producer_id,
        "kind": kind,
        "series": series[:160],
        "text": reply.text,
        "choices": [[c.label, c.value] for c in reply.choices],
        "attachment": (
            {
                "kind": reply.attachment.kind,
                "file_ref": reply.attachment.file_ref,
                "mime_type": reply.attachment.mime_type,
            }
            if reply.attachment
            else None
        ),
        "urgent": urgent,
        "status": PENDING if user_id is not None else NO_CHANNEL,
        "due_on": due_on,
        "next_attempt_at": not_before,
        "attempts": 0,
        "created_at": utcnow(),
    }


def _insert_new(session: AsyncSession) -> Any:
    """INSERT INTO outbox ... ON CONFLICT (dedupe_key) DO NOTHING, for the session's database."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    return insert(OutboxMessage).on_conflict_do_nothing(index_elements=["dedupe_key"])


async def enqueue(
    session: AsyncSession,
    *,
    dedupe_key: str,
    user_id: int | None,
    kind: str,
    reply: Reply,
    not_before: datetime,
    producer_id: int | None = None,
    series: str = "",
    urgent: bool = False,
    due_on: date | None = None,
) -> bool:
    """Add one message unless its dedupe key is already there; True when added.

    A recipient without any channel is recorded at once as `no_channel`, so officers see it.
    """
    values = outbox_values(
        dedupe_key=dedupe_key,
        user_id=user_id,
        kind=kind,
        reply=reply,
        not_before=not_before,
        producer_id=producer_id,
        series=series,
        urgent=urgent,
        due_on=due_on,
    )
    result = await session.exec(_insert_new(session).values(**values))  # type: ignore[call-overload]
    return bool(result.rowcount)


async def enqueue_many(session: AsyncSession, rows: list[dict[str, Any]], batch: int = 2000) -> int:
    """Add the rows (from `outbox_values`) whose dedupe keys are not there yet, a batch per
    statement; returns how many were added."""
    added = 0
    connection = await session.connection()
    statement = _insert_new(session).returning(OutboxMessage.id)  # type: ignore[arg-type]
    for start in range(0, len(rows), batch):
        result = await connection.execute(statement, rows[start : start + batch])
        added += len(result.all())
    return added
