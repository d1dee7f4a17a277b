"""Settings, read once at start from the environment and `.env`; bad values fail in one line."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    ocop_secret_key: str = ""
    """Signs web cookies (OCOP_SECRET_KEY); empty means one is generated and kept under var/."""

    telegram_bot_token: str = ""
    telegram_api_base_url: str = "https://api.telegram.org"
    telegram_webhook_url: str = ""
    telegram_webhook_secret: str = ""

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        async_database_url(value)
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
