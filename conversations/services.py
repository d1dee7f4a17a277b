"""What flows may use besides the database: catalogs, knowledge, the clock, local settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from conversations.clock import QuietHours, utcnow
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
    material: Any = None
    """The training-material search (`conversations.material.live.MaterialSearch`), asked when
    no FAQ entry answers; None when running without it."""
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    clock: Callable[[], datetime] = utcnow
    default_locale: str = "vi"
    quiet: QuietHours = field(default_factory=QuietHours)
    """Local hours in which non-urgent proactive messages wait."""
    channels: dict[str, timedelta | None] | None = None
    """Channels the running process can send on, each with its reply window (None: none);
    None when unknown (a CLI or a test without channels), so every channel counts."""
