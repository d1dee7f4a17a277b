"""Cleaning what clients send before it reaches the database: no NUL, no lone surrogates.

PostgreSQL refuses a NUL byte in text and no database can store half of a UTF-16 surrogate
pair (JSON allows both: "\\u0000", "\\ud800"). Dropping them changes no real text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MAX_ID = 2**31 - 1
"""Largest id of a row: ids are 32-bit integers on PostgreSQL."""

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def clean_text(text: str) -> str:
    """`text` without NUL characters and lone surrogates."""
    return _UNSTORABLE.sub("", text)


def scrub(value: Any) -> Any:
    """`value` (parsed JSON) with every string, key or value, cleaned by `clean_text`."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(str(k)): scrub(v) for k, v in value.items()}
    return value


def ids_in_range(params: Mapping[str, Any]) -> bool:
    """True when every integer path parameter can be a row id."""
    return all(0 <= v <= MAX_ID for v in params.values() if isinstance(v, int))
