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


class Refused(ChannelError):
    """The channel will not send this message, and would refuse it again: final, not retried.

    `reason` says why, in a word officers see beside the message (`REASONS`).
    """

    reason = "refused"

    def __init__(self, message: str = "", reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class WindowClosed(Refused):
    """The channel only allows replies within a window after the user's last message (Zalo)."""

    reason = "window"


WINDOW, QUOTA, NIGHT, OPTED_OUT, POLICY, BILLING, BLOCKED, GAVE_UP = (
    "window", "quota", "night", "opted_out", "policy", "billing", "blocked", "gave_up"
)  # fmt: skip
REASONS = frozenset({WINDOW, QUOTA, NIGHT, OPTED_OUT, POLICY, BILLING, BLOCKED, GAVE_UP})
"""Why a message was not delivered: outside the reply window, quota used up, promotion at night,
the user refused this kind of message, against the platform's rules, the OA's account has no
money, the user blocked or unfollowed, retried until it was no longer allowed."""


class TransientError(ChannelError):
    """A network or server error that may pass; retry with backoff."""
