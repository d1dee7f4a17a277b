"""The webhook signature: X-ZEvent-Signature = "mac=" + sha256(app_id + body + time + key)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

PREFIX = "mac="


def signature(app_id: str, body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """The header value Zalo sends for `body` (also used by tests to sign events)."""
    digest = hashlib.sha256(
        app_id.encode() + body + timestamp.encode() + oa_secret_key.encode()
    ).hexdigest()
    return PREFIX + digest


def valid(header: str, app_id: str, body: bytes, timestamp: str, oa_secret_key: str) -> bool:
    """True when `header` is the signature of `body`, compared in constant time.

    The hash is plain SHA-256 over the concatenation (not an HMAC), with the OA Secret Key
    (not the App Secret) last; `app_id` and `timestamp` are those of the JSON body (B4).
    """
    given = header.strip()
    if given[: len(PREFIX)].lower() == PREFIX:
        given = given[len(PREFIX) :]
    expected = signature(app_id, body, timestamp, oa_secret_key)[len(PREFIX) :]
    return hmac.compare_digest(given.lower().encode(), expected.encode())


def fresh(timestamp_ms: int, now: datetime, max_age: timedelta) -> bool:
    """True when the event's time is within `max_age` of `now`, either way (clocks drift)."""
    age = now.timestamp() * 1000 - timestamp_ms
    return abs(age) <= max_age.total_seconds() * 1000
