"""Dashboard tables: officers' login sessions and the failed-login counters that lock logins."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from conversations.clock import utcnow


class AdminSession(SQLModel, table=True):
    """One officer logged in to the dashboard; the cookie holds a token whose hash is the id."""

    __tablename__ = "admin_sessions"

    id: str = Field(primary_key=True, max_length=64)
    """sha256 (hex) of the cookie token: a stolen database does not give usable cookies."""
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    csrf: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)


class LoginFailure(SQLModel, table=True):
    """Failed logins counted per key ("name:<officer>" or "ip:<address>") in a time window."""

    __tablename__ = "admin_login_failures"

    key: str = Field(primary_key=True, max_length=160)
    failures: int = 0
    window_start: datetime = Field(default_factory=utcnow)
    locked_until: datetime | None = None
