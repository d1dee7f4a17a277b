"""What a dashboard handler gets with each request: the officer, their session and language."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData

from bot.web.cleaning import clean_text
from conversations.i18n import Texts
from conversations.models import User
from conversations.officers.tables import AdminSession


@dataclass(frozen=True, slots=True)
class Officer:
    """The logged-in officer of this request (role re-checked from the database)."""

    user: User
    session: AdminSession
    texts: Texts
    form: FormData | None = None
    """The posted form of a POST request, already checked for its CSRF token."""

    @property
    def locale(self) -> str:
        """The language the dashboard speaks to this officer."""
        return self.texts.locale

    @property
    def csrf(self) -> str:
        """The token every form of this session must send back."""
        return self.session.csrf

    def field(self, name: str, limit: int = 5000) -> str:
        """One posted text field, stripped and cut to `limit` characters ("" when absent)."""
        value = self.form.get(name) if self.form is not None else None
        return clean_text(value).strip()[:limit] if isinstance(value, str) else ""

    def fields(self, name: str) -> list[str]:
        """Every value of a posted multi-value field (checkboxes, multiple select)."""
        if self.form is None:
            return []
        return [clean_text(v)[:200] for v in self.form.getlist(name) if isinstance(v, str)]
