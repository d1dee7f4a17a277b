"""Credentials that channels renew themselves: the Zalo OA's rotating access and refresh tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from conversations.clock import utcnow


class ZaloToken(SQLModel, table=True):
    """The tokens of one Zalo Official Account, kept under the id of the app linked to it.

    The refresh token is single-use: every refresh returns a new one, saved in the same
    transaction as the new access token. A failed refresh is recorded here for officers.
    """

    __tablename__ = "zalo_tokens"

    app_id: str = Field(primary_key=True, max_length=32)
    oa_id: str = Field(default="", max_length=32)
    access_token: str = Field(sa_column=Column(Text, nullable=False))
    refresh_token: str = Field(default="", sa_column=Column(Text, nullable=False))
    expires_at: datetime | None = None
    """When the access token expires; None when unknown (a token pasted into the settings)."""
    refreshed_at: datetime | None = None
    refresh_count: int = 0
    last_error: str | None = Field(default=None, max_length=300)
    failed_at: datetime | None = None
    """When the last refresh failed; cleared by the next successful one."""
    updated_at: datetime = Field(default_factory=utcnow)

    def expiring(self, now: datetime, margin: timedelta) -> bool:
        """True when the access token expires within `margin` of `now`."""
        return self.expires_at is not None and self.expires_at - now <= margin
