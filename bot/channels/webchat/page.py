"""The chat page: a Jinja2 template with gettext strings, rendered in the visitor's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from conversations.i18n import LOCALES, Catalogs

TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "web" / "templates"
TEMPLATE = "chat.html"


class Page:
    """One Jinja2 environment per locale, its `_()` bound to that locale's catalog; the template
    is read once, when this is built."""

    def __init__(self, catalogs: Catalogs, directory: Path = TEMPLATES_DIR) -> None:
        loader = jinja2.FileSystemLoader(directory)
        self._envs: dict[str, jinja2.Environment] = {}
        for locale in LOCALES:
            texts = catalogs.texts(locale)
            env = jinja2.Environment(
                loader=loader,
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                extensions=["jinja2.ext.i18n"],
                trim_blocks=True,
                lstrip_blocks=True,
                auto_reload=False,
            )
            env.install_gettext_callables(  # type: ignore[attr-defined]
                gettext=texts,
                ngettext=lambda s, p, n, texts=texts: texts(s if n == 1 else p),
                newstyle=True,
            )
            env.get_template(TEMPLATE)  # read and compiled now, never from a request
            self._envs[locale] = env

    def render(self, locale: str, **values: Any) -> str:
        """The page HTML in `locale` (Vietnamese when unknown)."""
        env = self._envs.get(locale) or self._envs["vi"]
        return env.get_template(TEMPLATE).render(locale=locale, **values)
