"""The chat page: a Jinja2 template with gettext strings, rendered in the visitor's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.web.environments import TEMPLATES_DIR, localized_environments
from conversations.i18n import Catalogs

TEMPLATE = "chat.html"


class Page:
    """One Jinja2 environment per locale, its `_()` bound to that locale's catalog; the template
    is read once, when this is built."""

    def __init__(self, catalogs: Catalogs, directory: Path = TEMPLATES_DIR) -> None:
        self._envs = localized_environments(catalogs, directory)
        for env in self._envs.values():
            env.get_template(TEMPLATE)  # read and compiled now, never from a request

    def render(self, locale: str, **values: Any) -> str:
        """The page HTML in `locale` (Vietnamese when unknown)."""
        env = self._envs.get(locale) or self._envs["vi"]
        return env.get_template(TEMPLATE).render(locale=locale, **values)
