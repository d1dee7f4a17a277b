"""A channel for delivery tests: records what it sends and fails on request."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from bot.channels.errors import Blocked, ChannelError
from conversations.messages import Reply


class FakeSender:
    """Records every send; `fail` maps an external id to errors raised on its next sends."""

    def __init__(
        self, channel: str = "test", reply_window: timedelta | None = None, latency: float = 0.0
    ) -> None:
        self.channel = channel
        self.reply_window = reply_window
        self.latency = latency
        self.sent: list[tuple[str, str]] = []
        self.fail: dict[str, list[ChannelError]] = {}
        self.calls: Counter[str] = Counter()

    async def send(self, external_id: str, replies: list[Reply]) -> list[str]:
        """Deliver, or raise the next scripted error for this user."""
        self.calls[external_id] += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        errors = self.fail.get(external_id)
        if errors:
            raise errors.pop(0)
        if external_id.startswith("blocked"):
            raise Blocked("blocked")
        ids = []
        for reply in replies:
            self.sent.append((external_id, reply.text))
            ids.append(str(len(self.sent)))
        return ids
