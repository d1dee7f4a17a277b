"""Officers: the role on a user, one-time invite codes redeemed in chat, dashboard passwords.

The role lives on `users.role`; every officer action reads it from the row loaded in the same
transaction, so a revoked officer or a producer replaying an officer's button gets nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations import users
from conversations.clock import utcnow
from conversations.models import User
from conversations.officers.role_names import (  # noqa: F401 (re-exported)
    CHANNELS,
    EDITOR,
    OFFICER,
    STAFF,
    USER,
)
from conversations.quiz.courses import CODE_ALPHABET, clean_code

INVITE_LENGTH = 8
INVITE_DAYS = 7

RedeemOutcome = Literal["granted", "already", "expired", "used", "unknown"]


class OfficerInvite(SQLModel, table=True):
    """A one-time code that makes whoever types "/canbo CODE" in chat an officer."""

    __tablename__ = "officer_invites"

    code: str = Field(primary_key=True, max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    used_at: datetime | None = None


class OfficerCredential(SQLModel, table=True):
    """The argon2 hash of a dashboard officer's password (hashing is done by `bot/`)."""

    __tablename__ = "officer_credentials"

    user_id: int = Field(primary_key=True, foreign_key="users.id", ondelete="CASCADE")
    password_hash: str = Field(max_length=200)
    updated_at: datetime = Field(default_factory=utcnow)


@dataclass(frozen=True, slots=True)
class OfficerRow:
    """One officer as `ocop-bot officers list` shows them."""

    user_id: int
    channel: str
    external_id: str
    display_name: str
    has_password: bool
    role: str = OFFICER


def is_officer(user: User | None) -> bool:
    """True when `user` (a row loaded in the current transaction) has the officer role."""
    return user is not None and user.role == OFFICER


def can_edit_knowledge(user: User | None) -> bool:
    """True for officers and editors (a row loaded in the current transaction)."""
    return user is not None and user.role in STAFF


async def grant(
    session: AsyncSession, channel: str, external_id: str, role: str = OFFICER
) -> tuple[User, bool]:
    """Give (channel, external id) `role` (officer or editor), creating the user if needed;
    (user, changed)."""
    if role not in STAFF:
        raise ValueError(f"unknown role {role!r}")
    user = await users.get_or_create(session, channel, external_id, lock=True)
    changed = user.role != role
    user.role = role
    session.add(user)
    return user, changed


async def revoke(session: AsyncSession, channel: str, external_id: str) -> bool:
    """Take the officer role (and any dashboard password) away; False when not an officer."""
    query = select(User).where(User.channel == channel, User.external_id == external_id)
    user = (await session.exec(query.with_for_update())).first()
    if user is None or user.role not in STAFF:
        return False
    user.role = USER
    session.add(user)
    credential = await session.get(OfficerCredential, user.id)
    if credential is not None:
        await session.delete(credential)
    return True


async def list_officers(session: AsyncSession) -> list[OfficerRow]:
    """Every officer, by channel and id."""
    query = (
        select(User, OfficerCredential.user_id)
        .outerjoin(OfficerCredential, OfficerCredential.user_id == User.id)  # type: ignore[arg-type]
        .where(col(User.role).in_(STAFF))
        .order_by(col(User.channel), col(User.external_id))
    )
    return [
        OfficerRow(u.id or 0, u.channel, u.external_id, u.display_name, cred is not None, u.role)
        for u, cred in await session.exec(query)
    ]


async def create_invite(session: AsyncSession, now: datetime, days: int = INVITE_DAYS) -> str:
    """A new one-time invite code, valid for `days`."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(INVITE_LENGTH))
        if await session.get(OfficerInvite, code) is None:
            break
    session.add(OfficerInvite(code=code, created_at=now, expires_at=now + timedelta(days=days)))
    await session.flush()
    return code


async def redeem(session: AsyncSession, user: User, typed: str, now: datetime) -> RedeemOutcome:
    """Use invite `typed` for `user`: the code is spent, the user becomes an officer."""
    code = clean_code(typed)
    if not code or len(code) > 16:
        return "unknown"
    query = select(OfficerInvite).where(OfficerInvite.code == code).with_for_update()
    invite = (await session.exec(query)).first()
    if invite is None:
        return "unknown"
    if invite.used_at is not None:
        return "already" if invite.used_by == user.id else "used"
    if invite.expires_at < now:
        return "expired"
    invite.used_by = user.id
    invite.used_at = now
    session.add(invite)
    user.role = OFFICER
    session.add(user)
    return "granted"


async def web_officer(session: AsyncSession, name: str) -> User | None:
    """The dashboard user called `name` (a `web` officer or editor), if any."""
    query = select(User).where(
        User.channel == "web", User.external_id == name, col(User.role).in_(STAFF)
    )
    return (await session.exec(query)).first()


async def set_password_hash(session: AsyncSession, user: User, password_hash: str) -> None:
    """Store (or replace) the dashboard password hash of officer `user`."""
    credential = await session.get(OfficerCredential, user.id)
    if credential is None:
        credential = OfficerCredential(user_id=user.id or 0, password_hash=password_hash)
    credential.password_hash = password_hash
    credential.updated_at = utcnow()
    session.add(credential)


async def password_hash_of(session: AsyncSession, user: User) -> str | None:
    """The stored password hash of officer `user`, or None."""
    credential = await session.get(OfficerCredential, user.id)
    return credential.password_hash if credential else None
