"""Dashboard sessions kept in the database: a random cookie token, its hash stored, expiry.

Logging out deletes the row, so the cookie is worth nothing afterwards. Every request loads
the officer with the session and re-checks the role; a revoked officer's sessions are deleted.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import col, or_
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.models import User
from conversations.officers.roles import can_edit_knowledge
from conversations.officers.tables import AdminSession

COOKIE = "ocop_admin"
COOKIE_PATH = "/admin"
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """How long a session lives: at most `lifetime`, and `idle` after the last request."""

    lifetime: timedelta = timedelta(hours=12)
    idle: timedelta = timedelta(hours=2)


def token_id(token: str) -> str:
    """The stored id of a cookie token (its sha256)."""
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(
    session: AsyncSession, user: User, policy: SessionPolicy, now: datetime
) -> tuple[str, AdminSession]:
    """A new session for `user`: (cookie token, row); expired sessions are swept on the way."""
    await session.exec(  # type: ignore[call-overload]
        delete(AdminSession).where(
            or_(
                col(AdminSession.expires_at) < now,
                col(AdminSession.last_seen_at) < now - policy.idle,
            )
        )
    )
    token = secrets.token_urlsafe(32)
    row = AdminSession(
        id=token_id(token),
        user_id=user.id or 0,
        csrf=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + policy.lifetime,
    )
    session.add(row)
    return token, row


async def current(
    session: AsyncSession, token: str, policy: SessionPolicy, now: datetime
) -> tuple[AdminSession, User] | None:
    """The live session of `token` and its officer; None (and the row gone) when not valid."""
    if not token or len(token) > 100:
        return None
    row = await session.get(AdminSession, token_id(token))
    if row is None:
        return None
    user = await session.get(User, row.user_id)
    expired = row.expires_at <= now or row.last_seen_at + policy.idle <= now
    if expired or not can_edit_knowledge(user) or user is None or user.channel != "web":
        await session.delete(row)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
    return row, user


async def close_session(session: AsyncSession, token: str) -> None:
    """Log out: the session row is deleted."""
    await session.exec(delete(AdminSession).where(col(AdminSession.id) == token_id(token)))  # type: ignore[call-overload]
