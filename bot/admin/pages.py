"""The dashboard's templates in the officer's language, with its helpers; compiled at start."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from starlette.responses import HTMLResponse

from bot.admin import labels
from bot.web.environments import STATIC_DIR, TEMPLATES_DIR, localized_environments
from conversations.i18n import Catalogs

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


class Pages:
    """Renders `admin/*.html` in the officer's language, with dates in the local time zone."""

    def __init__(self, catalogs: Catalogs, zone: ZoneInfo, directory: Path = TEMPLATES_DIR):
        self.zone = zone
        self.css = (STATIC_DIR / "admin.css").read_bytes()
        self.css_version = hashlib.sha256(self.css).hexdigest()[:12]
        self._envs = localized_environments(catalogs, directory)
        for locale, env in self._envs.items():
            env.globals.update(
                date=lambda d, locale=locale: _date(d, locale),
                when=lambda d, locale=locale: self._when(d, locale),
                num=lambda n, locale=locale: format_decimal(n, locale=locale),
                labels=labels,
                css_url=f"/admin/static/admin.css?v={self.css_version}",
            )
        for name in self._envs["vi"].list_templates():
            if name.startswith("admin/"):
                self._envs["vi"].get_template(name)  # compiled now: a broken one fails at start

    def _when(self, moment: datetime | None, locale: str) -> str:
        if moment is None:
            return ""
        return format_datetime(moment.astimezone(self.zone), "dd/MM/yyyy HH:mm", locale=locale)

    def render(self, template: str, locale: str, status: int = 200, **values: Any) -> HTMLResponse:
        """The page as a response with the dashboard's security headers."""
        env = self._envs.get(locale) or self._envs["vi"]
        values.setdefault("active", "")
        html = env.get_template(f"admin/{template}").render(locale=locale, **values)
        return HTMLResponse(html, status_code=status, headers=HEADERS)


def _date(value: date | None, locale: str) -> str:
    if value is None:
        return ""
    return format_date(value, "dd/MM/yyyy", locale=locale)
