"""What the delivery worker needs from a channel: send replies to one user."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from conversations.messages import Reply


class Sender(Protocol):
    """A channel that can deliver proactive messages."""

    channel: str
    reply_window: timedelta | None
    """Messages may only be sent this long after the user's last message (Zalo); None: always."""

    async def send(self, external_id: str, replies: list[Reply]) -> list[str]:
        """Deliver `replies`; return the channel's message ids; raise bot.channels.errors."""
        ...
