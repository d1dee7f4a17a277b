"""Officers' announcements: stored, turned into one outbox row per recipient, cancelled, reported.

A broadcast is `scheduled` until its time, `sending` once its rows are in the outbox, `done`
when every row has a final status, or `cancelled`. The officer's text is data: it is joined to
the header and footer as a string, never used as a template or a format string.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, func, update
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.announcements import audience as aud
from conversations.clock import utcnow
from conversations.i18n import DEFAULT_LOCALE, Catalogs, Texts
from conversations.messages import Attachment, Choice, Reply
from conversations.models import User
from conversations.outbox import CANCELLED, PENDING, SENDING, OutboxMessage, enqueue
from knowledge.library import Library

SCHEDULED, RUNNING, DONE = "scheduled", "sending", "done"
KIND = "announcement"
MAX_TEXT = 3000
"""Longest announcement: it must fit one Telegram message with the header and footer."""
MAX_CAPTION_TEXT = 900
"""Longest announcement with a photo (a Telegram caption holds 1,024 characters)."""
STOP_ACTION = "announce:off"


class Broadcast(SQLModel, table=True):
    """One announcement an officer sent or scheduled."""

    __tablename__ = "broadcasts"

    id: int | None = Field(default=None, primary_key=True)
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    text: str = Field(sa_column=Column(Text, nullable=False))
    photo: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    """{"channel", "file_ref", "mime_type"}: a photo sent with the text on that channel."""
    audience: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    urgent: bool = False
    send_at: datetime = Field(index=True)
    status: str = Field(default=SCHEDULED, max_length=12, index=True)
    total: int = 0
    """Recipients written to the outbox (opted-out people are not)."""
    opted_out: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    cancelled_at: datetime | None = None
    progress_ref: str | None = Field(default=None, max_length=64)
    """The channel message id of the officer's progress message, edited as sending goes on."""
    progress_at: datetime | None = None
    confirm_token: str | None = Field(default=None, max_length=64, unique=True, index=True)
    """The one-shot token of the confirmation that created it: confirming twice creates one."""


@dataclass(frozen=True, slots=True)
class Stats:
    """Where a broadcast's outbox rows stand."""

    total: int
    by_status: Mapping[str, int]

    def __getitem__(self, status: str) -> int:
        return self.by_status.get(status, 0)

    @property
    def waiting(self) -> int:
        """Rows still pending or being sent."""
        return self[PENDING] + self[SENDING]


def series(broadcast_id: int) -> str:
    """The outbox series of one broadcast's rows."""
    return f"bc:{broadcast_id}"


def photo_attachment(photo: Mapping[str, Any] | None) -> Attachment | None:
    """The stored photo as an attachment."""
    if not photo:
        return None
    return Attachment("photo", str(photo["file_ref"]), str(photo.get("mime_type", "")))


def message_for(t: Texts, text: str, photo: Mapping[str, Any] | None, channel: str) -> Reply:
    """The announcement exactly as a recipient on `channel` sees it, in `t`'s language."""
    header = "📣 " + t("Announcement from the OCOP office")
    footer = t("To stop announcements, type “dừng thông báo”.")
    body = "\n\n".join((header, text.strip(), footer))
    attachment = photo_attachment(photo) if photo and photo.get("channel") == channel else None
    stop = Choice("🔕 " + t("Stop announcements"), STOP_ACTION)
    return Reply(body, choices=(stop,), attachment=attachment)


async def create(
    session: AsyncSession,
    *,
    officer: User,
    text: str,
    audience: aud.Audience,
    send_at: datetime,
    urgent: bool,
    photo: Mapping[str, Any] | None = None,
    token: str | None = None,
) -> Broadcast:
    """Store a new broadcast (still `scheduled`; `materialize` writes its rows).

    `token` is the confirmation's one-shot token (see `by_token`); the unique index refuses a
    second broadcast with the same one.
    """
    broadcast = Broadcast(
        confirm_token=token,
        created_by=officer.id,
        text=text.strip()[:MAX_TEXT],
        photo=dict(photo) if photo else None,
        audience=audience.to_json(),
        urgent=urgent,
        send_at=send_at,
        created_at=utcnow(),
    )
    session.add(broadcast)
    await session.flush()
    return broadcast


async def by_token(session: AsyncSession, token: str) -> Broadcast | None:
    """The broadcast a confirmation token already created (a double click, a replayed form).

    Callers hold the officer's row lock, so two confirmations at once are checked in turn.
    """
    query = select(Broadcast).where(Broadcast.confirm_token == token)
    return (await session.exec(query)).first()


async def materialize(
    session: AsyncSession,
    broadcast: Broadcast,
    catalogs: Catalogs,
    library: Library | None,
    now: datetime,
) -> int:
    """Write one outbox row per recipient (opted-out people skipped); the broadcast is sending.

    Safe to repeat: rows have dedupe keys `bc:<id>:u<user>` (or `:p<producer>` for producers
    who never chatted, recorded at once as `no_channel`).
    """
    recipients = await aud.recipients(session, library, aud.Audience.from_json(broadcast.audience))
    stopped = await aud.opted_out(session)
    written = skipped = 0
    for recipient in recipients:
        user = recipient.user
        if user is not None and user.id in stopped:
            skipped += 1
            continue
        t = catalogs.texts(user.locale if user else DEFAULT_LOCALE)
        reply = message_for(t, broadcast.text, broadcast.photo, user.channel if user else "")
        await enqueue(
            session,
            dedupe_key=f"{series(broadcast.id or 0)}:{recipient.key}",
            user_id=user.id if user else None,
            producer_id=recipient.producer_id,
            kind=KIND,
            reply=reply,
            not_before=now,
            series=series(broadcast.id or 0),
            urgent=broadcast.urgent,
        )
        written += 1
    broadcast.status = RUNNING
    broadcast.total = written
    broadcast.opted_out = skipped
    broadcast.started_at = now
    session.add(broadcast)
    return written


async def due(session: AsyncSession, now: datetime, limit: int = 10) -> list[Broadcast]:
    """Scheduled broadcasts whose time has come, locked for this transaction."""
    query = (
        select(Broadcast)
        .where(Broadcast.status == SCHEDULED, Broadcast.send_at <= now)
        .order_by(col(Broadcast.send_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.exec(query)).all())


async def cancel(session: AsyncSession, broadcast_id: int, now: datetime) -> Broadcast | None:
    """Cancel a scheduled or running broadcast: rows not yet sent are cancelled; None if done."""
    query = select(Broadcast).where(Broadcast.id == broadcast_id).with_for_update()
    broadcast = (await session.exec(query)).first()
    if broadcast is None or broadcast.status not in (SCHEDULED, RUNNING):
        return None
    await session.exec(  # type: ignore[call-overload]
        update(OutboxMessage)
        .where(
            col(OutboxMessage.series) == series(broadcast_id),
            col(OutboxMessage.status) == PENDING,
        )
        .values(status=CANCELLED, error="broadcast cancelled")
    )
    broadcast.status = CANCELLED
    broadcast.cancelled_at = now
    session.add(broadcast)
    return broadcast


async def stats(session: AsyncSession, broadcast: Broadcast) -> Stats:
    """Counts of the broadcast's outbox rows by status."""
    return (await stats_of(session, [broadcast]))[broadcast.id or 0]


async def stats_of(session: AsyncSession, rows: list[Broadcast]) -> dict[int, Stats]:
    """`stats` of several broadcasts in one query, by broadcast id."""
    names = {series(b.id or 0): b.id or 0 for b in rows}
    query = (
        select(OutboxMessage.series, OutboxMessage.status, func.count())
        .where(col(OutboxMessage.series).in_(list(names)))
        .group_by(col(OutboxMessage.series), col(OutboxMessage.status))
    )
    found: dict[int, dict[str, int]] = {ident: {} for ident in names.values()}
    for name, status, n in await session.exec(query):
        found[names[name]][status] = n
    return {ident: Stats(sum(counts.values()), counts) for ident, counts in found.items()}


async def history(session: AsyncSession, limit: int = 10) -> list[Broadcast]:
    """The latest broadcasts, newest first."""
    query = select(Broadcast).order_by(col(Broadcast.id).desc()).limit(limit)
    return list((await session.exec(query)).all())


async def running(session: AsyncSession) -> list[Broadcast]:
    """Broadcasts whose rows are being delivered."""
    query = select(Broadcast).where(Broadcast.status == RUNNING).order_by(col(Broadcast.id))
    return list((await session.exec(query)).all())


def progress_text(t: Texts, broadcast: Broadcast, numbers: Stats) -> str:
    """One line for the officer: "Đã gửi 1.200/5.000 · lỗi 3 · đã chặn 12"."""
    return t(
        "📣 Announcement #{id}: sent {sent}/{total} · failed {failed} · blocked {blocked}",
        id=broadcast.id,
        sent=t.number(numbers["sent"]),
        total=t.number(numbers.total),
        failed=t.number(numbers["failed"]),
        blocked=t.number(numbers["blocked"]),
    )


def report_text(t: Texts, broadcast: Broadcast, numbers: Stats) -> str:
    """The final (or current) delivery report of a broadcast."""
    lines = [
        t("📊 Report of announcement #{id}", id=broadcast.id),
        "“" + excerpt(broadcast.text) + "”",
        t("Recipients: {n}", n=t.number(numbers.total)),
        t("✅ Delivered: {n}", n=t.number(numbers["sent"])),
        t("⛔ Blocked the bot: {n}", n=t.number(numbers["blocked"])),
        t("⌛ Outside the Zalo window: {n}", n=t.number(numbers["window_closed"])),
        t("📵 No chat channel: {n}", n=t.number(numbers["no_channel"])),
        t("❌ Failed: {n}", n=t.number(numbers["failed"])),
    ]
    if numbers["cancelled"]:
        lines.append(t("🚫 Cancelled before sending: {n}", n=t.number(numbers["cancelled"])))
    if numbers.waiting:
        lines.append(t("⏳ Still waiting: {n}", n=t.number(numbers.waiting)))
    if broadcast.opted_out:
        lines.append(t("🔕 Stopped announcements: {n}", n=t.number(broadcast.opted_out)))
    return "\n".join(lines)


def excerpt(text: str, limit: int = 60) -> str:
    """The start of an announcement on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
