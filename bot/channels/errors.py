"""Channel-neutral send failures; each adapter translates its library's errors into these."""

from __future__ import annotations


class ChannelError(Exception):
    """A message could not be delivered."""


class Blocked(ChannelError):
    """The user blocked the bot or unfollowed the account: stop sending to them."""


class RateLimited(ChannelError):
    """The channel asked us to slow down; try again after `retry_after` seconds."""

    def __init__(self, retry_after: float, message: str = "") -> None:
        super().__init__(message or f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


class WindowClosed(ChannelError):
    """The channel only allows replies within a window after the user's last message (Zalo)."""


class TransientError(ChannelError):
    """A network or server error that may pass; retry with backoff."""
