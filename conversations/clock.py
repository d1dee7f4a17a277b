"""Time in one place: aware UTC for storage, the local zone for what users see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Now, timezone-aware, in UTC (the form every timestamp column stores)."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Local hours in which only urgent messages go out (start may be after end: overnight)."""

    start: time = time(21, 0)
    end: time = time(7, 0)

    def contains(self, moment: datetime, zone: ZoneInfo) -> bool:
        """True when `moment` falls inside the quiet hours, local time."""
        local = moment.astimezone(zone).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end
