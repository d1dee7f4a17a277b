"""Settings, read once at start from the environment and `.env`; bad values fail in one line."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
"""What Telegram accepts as a webhook secret token."""


def parse_quiet_hours(value: str) -> tuple[time, time]:
    """ "21:00-07:00" → (21:00, 07:00); an empty value means no quiet hours (00:00-00:00)."""
    if not value.strip():
        return time(0), time(0)
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError as exc:
        raise ValueError("must look like 21:00-07:00") from exc
    return start, end


class SettingsError(Exception):
    """A setting is missing or wrong; the message is one line naming it."""


def async_database_url(url: str) -> str:
    """The SQLAlchemy async URL for `url`: plain sqlite/postgresql URLs get their async driver."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError("must look like sqlite:///path or postgresql://user@host/db")
    base, _, driver = scheme.partition("+")
    if base == "sqlite":
        if driver not in ("", "aiosqlite"):
            raise ValueError(f"unsupported SQLite driver {driver!r}; use sqlite:///path")
        return f"sqlite+aiosqlite://{rest}"
    if base in ("postgresql", "postgres"):
        if driver not in ("", "asyncpg"):
            raise ValueError(f"unsupported PostgreSQL driver {driver!r}; use postgresql://…")
        return f"postgresql+asyncpg://{rest}"
    raise ValueError(f"unsupported database {base!r}; use sqlite:///path or postgresql://…")


class Settings(BaseSettings):
    """Every setting of the process. Names are the environment variables, upper-cased."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    database_url: str = "sqlite:///var/ocop.db"
    ocop_host: str = "127.0.0.1"
    ocop_port: int = Field(default=8080, ge=1, le=65535)
    default_locale: Literal["vi", "en"] = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    public_base_url: str = ""
    """The address the world reaches this process at (PUBLIC_BASE_URL, e.g.
    https://ocop.example.vn): Zalo fetches the phone-card picture the app serves from there."""
    quiet_hours: str = "21:00-07:00"
    """Local hours in which only urgent reminders and broadcasts are sent (QUIET_HOURS)."""
    telegram_rate_per_second: float = Field(default=30.0, gt=0)
    zalo_rate_per_second: float = Field(default=10.0, gt=0)
    delivery_stuck_seconds: float = Field(default=300.0, gt=0)
    """A message claimed this long ago without a result (its worker died) is sent again."""
    broadcast_progress_seconds: float = Field(default=3.0, gt=0)
    """How often an officer's progress line of a running broadcast is refreshed."""
    knowledge_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    """How often each process checks for newly published knowledge."""
    ocop_cache_dir: str = "var/cache"
    """Where the compiled knowledge is kept between starts (OCOP_CACHE_DIR); empty: nowhere."""
    ocop_secret_key: str = ""
    """Signs web cookies (OCOP_SECRET_KEY); empty means one is generated and kept under var/."""
    forwarded_allow_ips: str = ""
    """Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (FORWARDED_ALLOW_IPS,
    comma-separated addresses or networks, e.g. 127.0.0.1 or 10.0.0.0/8; "*" trusts anyone).
    Empty: none, every client is its own connection's address."""

    telegram_bot_token: str = ""
    telegram_api_base_url: str = "https://api.telegram.org"
    telegram_webhook_url: str = ""
    telegram_webhook_secret: str = Field(default="", validate_default=True)

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        parse_quiet_hours(value)
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        async_database_url(value)
        return value

    @field_validator("telegram_webhook_url")
    @classmethod
    def _telegram_webhook_url(cls, value: str) -> str:
        if value and not value.startswith("https://"):
            raise ValueError("Telegram only calls https:// webhook addresses")
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _telegram_webhook_secret(cls, value: str, info: ValidationInfo) -> str:
        if (value or info.data.get("telegram_webhook_url")) and not _WEBHOOK_SECRET.match(value):
            raise ValueError(
                "needed with TELEGRAM_WEBHOOK_URL: 1-256 characters from A-Z a-z 0-9 _ -"
            )
        return value

    # --- Zalo Official Account (bot/channels/zalo); served when ZALO_APP_ID is set -----------
    zalo_app_id: str = ""
    zalo_oa_secret_key: str = Field(default="", validate_default=True)
    """The OA Secret Key that signs webhook events (X-ZEvent-Signature)."""
    zalo_app_secret: str = Field(default="", validate_default=True)
    """Sent in the `secret_key` header of OAuth token calls (the app's secret, not the OA's)."""
    zalo_access_token: str = ""
    zalo_refresh_token: str = ""
    """Initial tokens: stored once in the database, which keeps the rotated ones after that."""
    zalo_api_base_url: str = "https://openapi.zalo.me"
    zalo_oauth_base_url: str = "https://oauth.zaloapp.com"
    zalo_redirect_uri: str = ""
    """Callback address registered for the app, used by `ocop-bot zalo auth`."""
    zalo_reply_window_hours: float = Field(default=168.0, gt=0, le=24 * 365)
    """Consultation messages fail after 7 days without a user message (error -230)."""
    zalo_webhook_max_age_seconds: int = Field(default=86_400, ge=1)
    """Signed events up to a day old are accepted: Zalo retries a delivery for an hour or two
    with the original timestamp; replays are dropped by their message id."""
    zalo_info_image_url: str = ""
    """Picture on the "share your phone number" card (PNG or JPG URL); empty: the picture the
    app serves at PUBLIC_BASE_URL/zalo/phone-card.png (no card without either)."""

    @field_validator("zalo_app_id")
    @classmethod
    def _zalo_app_id(cls, value: str) -> str:
        if value and not value.isdigit():
            raise ValueError("must be the numeric app id shown on developers.zalo.me")
        return value

    @field_validator("zalo_oa_secret_key")
    @classmethod
    def _zalo_oa_secret_key(cls, value: str, info: ValidationInfo) -> str:
        app_id = info.data.get("zalo_app_id")
        if app_id and not value:
            raise ValueError("needed with ZALO_APP_ID to check the signature of webhook events")
        if value and not app_id and "zalo_app_id" in info.data:
            raise ValueError("set ZALO_APP_ID too (Zalo is served when both are set)")
        return value

    @field_validator("zalo_app_secret")
    @classmethod
    def _zalo_app_secret(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("zalo_app_id") and not value:
            raise ValueError("needed with ZALO_APP_ID to refresh the OA's access token")
        return value

    @field_validator("zalo_api_base_url", "zalo_oauth_base_url")
    @classmethod
    def _zalo_base_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https://")
        return value.rstrip("/")

    @field_validator("public_base_url")
    @classmethod
    def _public_base_url(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must be the https:// address of this server")
        return value.rstrip("/")

    @field_validator("zalo_redirect_uri", "zalo_info_image_url")
    @classmethod
    def _zalo_https(cls, value: str) -> str:
        if value and not value.startswith("https://"):
            raise ValueError("must be an https:// address")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def async_url(self) -> str:
        """The database URL with its async driver."""
        return async_database_url(self.database_url)

    @property
    def zone(self) -> ZoneInfo:
        """The local time zone."""
        return ZoneInfo(self.timezone)

    def sqlite_path(self) -> Path | None:
        """The SQLite file, when the database is SQLite."""
        scheme, _, rest = self.database_url.partition("://")
        if not scheme.startswith("sqlite"):
            return None
        path = rest[1:] if rest.startswith("/") else rest
        return Path(path) if path and path != ":memory:" else None


def load_settings(**overrides: object) -> Settings:
    """Read the settings once; raise `SettingsError` with one clear line when one is wrong."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"bad setting {name}: {message}") from None
