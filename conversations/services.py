"""What flows may use besides the database: catalogs, knowledge, the clock, local settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from conversations.clock import utcnow
from conversations.i18n import Catalogs
from knowledge.library import Library


@dataclass(slots=True)
class Services:
    """Built once by the process that runs the engine and handed to every turn."""

    catalogs: Catalogs
    knowledge: Library | None = None
    """What the bot knows; flows that need it say so politely when it is missing."""
    faq: Any = None
    """The FAQ index (`knowledge.retrieval.FaqIndex`), or None when running without it."""
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    clock: Callable[[], datetime] = utcnow
    default_locale: str = "vi"
