"""What the Telegram channel is configured with, and the PTB application built from it."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from telegram.ext import Application, ApplicationBuilder

from bot.channels.inbox import InboxTimings
from bot.channels.telegram.sending import RetryPolicy
from bot.settings import Settings

ALLOWED_UPDATES = ("message", "callback_query", "poll_answer", "my_chat_member")
"""The update kinds the bot asks Telegram for."""

WEBHOOK_PORTS = frozenset({443, 80, 88, 8443})
"""The only ports Telegram posts webhooks to."""
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass(frozen=True, slots=True)
class TelegramConfig:
    """Token, Bot API address, webhook or polling, and the timings of the channel."""

    token: str
    api_base_url: str = "https://api.telegram.org"
    webhook_url: str = ""
    """Public HTTPS address of `POST /telegram`; empty means long polling."""
    webhook_secret: str = ""
    poll_timeout: int = 25
    """Seconds one `getUpdates` long poll may wait for news."""
    stop_grace: float = 8.0
    """Seconds a stop waits for updates in hand before abandoning them (they come again)."""
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    inbox: InboxTimings = field(default_factory=InboxTimings)
    """How webhook updates, stored before Telegram gets its 200, are drained and retried."""

    def __post_init__(self) -> None:
        if not self.token:
            raise ValueError("TELEGRAM_BOT_TOKEN is empty")
        if self.webhook_url:
            address = urlsplit(self.webhook_url)
            if address.scheme != "https" or not address.hostname:
                raise ValueError("TELEGRAM_WEBHOOK_URL must be an https:// address")
            if (address.port or 443) not in WEBHOOK_PORTS:
                raise ValueError("TELEGRAM_WEBHOOK_URL must use port 443, 80, 88 or 8443")
        if self.webhook_url and not _SECRET.match(self.webhook_secret):
            raise ValueError(
                "TELEGRAM_WEBHOOK_SECRET must be set with TELEGRAM_WEBHOOK_URL "
                "(1-256 characters: A-Z a-z 0-9 _ -)"
            )

    @classmethod
    def from_settings(cls, settings: Settings) -> TelegramConfig:
        """The configuration given by the process settings."""
        return cls(
            token=settings.telegram_bot_token,
            api_base_url=settings.telegram_api_base_url,
            webhook_url=settings.telegram_webhook_url,
            webhook_secret=settings.telegram_webhook_secret,
        )

    @property
    def webhook(self) -> bool:
        """True in webhook mode, False when polling."""
        return bool(self.webhook_url)


TOKEN_LOGGERS = {"httpx": logging.WARNING, "httpcore": logging.WARNING}
TOKEN_LOGGERS |= {"telegram.Bot": logging.INFO, "telegram.ext.ExtBot": logging.INFO}
"""Loggers that print Bot API URLs, which contain the token, below these levels."""


def keep_token_out_of_logs() -> None:
    """Raise the loggers that would print the token (httpx request lines, PTB's URL debug)."""
    for name, level in TOKEN_LOGGERS.items():
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < level:
            logger.setLevel(level)


def build_application(config: TelegramConfig) -> Application:  # type: ignore[type-arg]
    """A PTB application on the configured Bot API server, without PTB's own updater.

    Updates come from our poller or our webhook route, which confirm them only once handled.
    """
    keep_token_out_of_logs()
    base = config.api_base_url.rstrip("/")
    return (
        ApplicationBuilder()
        .token(config.token)
        .base_url(f"{base}/bot{{token}}")
        .base_file_url(f"{base}/file/bot{{token}}")
        .updater(None)
        .job_queue(None)
        .build()
    )
