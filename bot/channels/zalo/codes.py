"""Zalo OA error codes (platforms.md B6) translated into the channel-neutral errors."""

from __future__ import annotations

from typing import Any

from bot.channels import errors
from bot.channels.errors import Blocked, ChannelError, RateLimited, Refused, WindowClosed

# ChannelError
#  ├── Blocked          -213 not following, -227 banned or inactive
#  ├── WindowClosed     -230 no interaction in 7 days, -232 interaction expired
#  ├── Refused          final for this message, with a reason: -211 quota used up,
#  │                    -234 promotion at night, -244 user refused this message type,
#  │                    -217/-248 platform policy, -320/-321 Zalo Cloud Account (billing)
#  ├── RateLimited      -32 call limit reached, HTTP 429
#  ├── TransientError   HTTP 5xx, network errors, unreadable answers
#  ├── ZaloAuthError    -216/-220 token invalid or expired (after one refresh), -223
#  ├── ZaloApiRetired   -240 the v2 message API is shut down
#  └── ZaloError        everything else, with the code

TOKEN_REJECTED = frozenset({-216, -220})
"""Access token invalid (-216), expired (-220)."""
NOT_FOLLOWING = frozenset({-213, -227})
WINDOW = frozenset({-230, -232})
FINAL = {
    -211: errors.QUOTA,
    -234: errors.NIGHT,
    -244: errors.OPTED_OUT,
    -217: errors.POLICY,
    -248: errors.POLICY,
    -320: errors.BILLING,
    -321: errors.BILLING,
}
"""Codes that refuse this message for good (zalo-fidelity.md 5): recorded, never retried."""
RATE_LIMITED = frozenset({-32})
RETIRED = -240
NOT_AUTHORISED = -223


class ZaloError(ChannelError):
    """Zalo refused a call; `code` is its error number."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"zalo error {code}: {message}")
        self.code = code


class ZaloAuthError(ZaloError):
    """The OA's token was refused and could not be renewed: an officer must re-authorise."""


class ZaloApiRetired(ZaloError):
    """Zalo shut the endpoint down (-240): this client must move to the current API version."""


def check(answer: object, *, what: str, rate_limit_wait: float = 30.0) -> dict[str, Any]:
    """The `data` of a successful answer; raise the matching error for a non-zero `error`."""
    if not isinstance(answer, dict):
        raise ZaloError(0, f"{what}: the answer is not a JSON object")
    try:
        code = int(answer.get("error", 0) or 0)
    except (TypeError, ValueError):
        raise ZaloError(0, f"{what}: unreadable error field") from None
    if code == 0:
        data = answer.get("data")
        return data if isinstance(data, dict) else {}
    message = f"{what}: {str(answer.get('message') or 'no message')[:200]}"
    if code in NOT_FOLLOWING:
        raise Blocked(f"zalo error {code}: {message}")
    if code in WINDOW:
        raise WindowClosed(f"zalo error {code}: {message}")
    if code in FINAL:
        raise Refused(f"zalo error {code}: {message}", FINAL[code])
    if code in RATE_LIMITED:
        raise RateLimited(rate_limit_wait, f"zalo error {code}: {message}")
    if code in TOKEN_REJECTED or code == NOT_AUTHORISED:
        raise ZaloAuthError(code, message)
    if code == RETIRED:
        raise ZaloApiRetired(code, f"{message} (the API version this client calls is shut down)")
    raise ZaloError(code, message)
