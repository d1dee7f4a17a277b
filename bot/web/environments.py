"""Jinja2 for the web pages: one HTML-autoescaping environment per locale, `_()` bound to it."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import jinja2

from conversations.i18n import LOCALES, Catalogs

TEMPLATES_DIR = Path(str(files("bot.web") / "templates"))
STATIC_DIR = Path(str(files("bot.web") / "static"))
"""Shipped inside the package, found through it (never through the working directory)."""


def localized_environments(
    catalogs: Catalogs, directory: Path = TEMPLATES_DIR
) -> dict[str, jinja2.Environment]:
    """An environment per locale over `directory`, its gettext calls bound to that catalog."""
    loader = jinja2.FileSystemLoader(directory)
    envs: dict[str, jinja2.Environment] = {}
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
        envs[locale] = env
    return envs
