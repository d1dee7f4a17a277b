"""Time in one place: aware UTC for storage, the local zone for what users see."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, timezone-aware, in UTC (the form every timestamp column stores)."""
    return datetime.now(UTC)
