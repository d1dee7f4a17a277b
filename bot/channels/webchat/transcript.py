"""The web chat transcript: storing both directions in `WebMessage` and reading it back as JSON."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.channels.webchat.batches import Batches
from conversations.channels.tables import WebMessage
from conversations.messages import Reply

PAGE = 200
"""Most messages returned by one read: the whole recent transcript fits on a phone screen's log."""
CHANNEL = "web"
RECENT_IN = 30
"""Inbound rows searched for a retried message id (retries come within seconds)."""


def outgoing(user_key: str, reply: Reply, *, push: bool = False) -> WebMessage:
    """The row for one bot reply: its text, its choices as buttons, its attachment; `push`
    for a proactive message (an announcement), whose buttons leave the step's own alone."""
    text = reply.text
    if reply.poll is not None and not reply.choices:
        options = [f"{i}. {o}" for i, o in enumerate(reply.poll.options, start=1)]
        text = "\n".join([text or reply.poll.question, "", *options]).strip()
    payload: dict[str, Any] = {"push": True} if push else {}
    if reply.choices:
        payload["choices"] = [[c.label, c.value] for c in reply.choices]
    if reply.attachment is not None:
        a = reply.attachment
        payload["attachment"] = {
            "kind": a.kind,
            "ref": a.file_ref,
            "mime_type": a.mime_type,
            "size": a.size,
            "name": a.file_name,
        }
    return WebMessage(user_key=user_key, direction="out", text=text, payload=payload)


def incoming(user_key: str, mid: str, text: str, **payload: Any) -> WebMessage:
    """The row for what the visitor typed or tapped; `mid` is the page's own message id."""
    return WebMessage(user_key=user_key, direction="in", text=text, payload={"mid": mid, **payload})


class Transcript:
    """Reads and appends one visitor's web chat messages."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._batches = Batches(sessions, CHANNEL)

    async def append(self, rows: list[WebMessage]) -> list[WebMessage]:
        """Store `rows` in one transaction, in order; they come back with their ids."""
        if not rows:
            return []
        async with self._sessions() as session, session.begin():
            await self._batches.insert(session, rows)
        return rows

    async def insert(self, session: AsyncSession, rows: list[WebMessage]) -> None:
        """Store `rows` in the caller's transaction, in order; they get their ids."""
        if rows:
            await self._batches.insert(session, rows)

    async def record(self, rows: list[WebMessage], user_key: str) -> str | None:
        """Store the rows of one answered message (they get their ids) and read the visitor's
        language after it; messages answered meanwhile share the write (bot.channels.webchat
        .batches)."""
        return await self._batches.record(rows, user_key)

    async def after(self, user_key: str, after_id: int) -> list[WebMessage]:
        """Messages newer than `after_id` (the oldest first); with 0, the latest page of them."""
        query = select(WebMessage).where(WebMessage.user_key == user_key)
        async with self._sessions() as session:
            if after_id > 0:
                query = query.where(col(WebMessage.id) > after_id).order_by(col(WebMessage.id))
                return list((await session.exec(query.limit(PAGE))).all())
            query = query.order_by(col(WebMessage.id).desc()).limit(PAGE)
            return list(reversed((await session.exec(query)).all()))

    async def retried(self, user_key: str, mid: str) -> tuple[bool, bool]:
        """Whether the page's message `mid` was already stored (a retry after a lost answer),
        and whether an answer was stored after it (else the process died before storing one)."""
        query = (
            select(WebMessage)
            .where(WebMessage.user_key == user_key)
            .order_by(col(WebMessage.id).desc())
            .limit(RECENT_IN)
        )
        async with self._sessions() as session:
            rows = (await session.exec(query)).all()
        answered = False
        for row in rows:  # newest first
            if row.direction == "in" and row.payload.get("mid") == mid:
                return True, answered
            answered = answered or row.direction == "out"
        return False, False


def as_json(row: WebMessage, files_url: str = "/chat/api/files/") -> dict[str, Any]:
    """What the page gets for one row; only fields it shows, nothing it could execute."""
    data: dict[str, Any] = {
        "id": row.id,
        "dir": row.direction,
        "text": row.text,
        "at": row.created_at.isoformat(),
    }
    choices = row.payload.get("choices")
    if row.direction == "out" and choices:
        data["choices"] = choices
    if row.direction == "out" and row.payload.get("push"):
        data["push"] = True
    attachment = row.payload.get("attachment")
    if attachment:
        upload = attachment.get("upload")
        data["attachment"] = {
            "name": attachment.get("name", ""),
            "size": attachment.get("size", 0),
            "url": f"{files_url}{upload}" if upload else "",
        }
    if row.direction == "in":
        data["mid"] = row.payload.get("mid", "")
    return data
