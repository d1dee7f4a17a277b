"""Translations and locale formatting: gettext catalogs, Jinja2 message templates, Babel dates."""

from __future__ import annotations

import gettext
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
DOMAIN = "messages"


def N_(msgid: str) -> str:
    """Mark `msgid` for extraction without translating it now (it is translated when shown)."""
    return msgid


def locales_dir() -> Path:
    """The `locales/` folder at the project root."""
    return Path(__file__).resolve().parent.parent / "locales"


def templates_dir() -> Path:
    """The message templates shipped with this package."""
    return Path(__file__).resolve().parent / "templates"


def pick_locale(*candidates: str | None) -> str:
    """The first supported locale among `candidates` ("en-US" counts as "en"), else vi."""
    for cand in candidates:
        if cand:
            short = cand.replace("_", "-").split("-")[0].lower()
            if short in LOCALES:
                return short
    return DEFAULT_LOCALE


class CatalogMissing(RuntimeError):
    """The compiled `.mo` catalog is absent: the install step was skipped."""


class Texts:
    """Everything one locale needs to speak: gettext, templates, dates and numbers."""

    def __init__(
        self, locale: str, translations: gettext.NullTranslations, env: jinja2.Environment
    ):
        self.locale = locale
        self._tr = translations
        self._env = env

    def __call__(self, msgid: str, /, **values: Any) -> str:
        """Translate `msgid` and fill its `{placeholders}`."""
        text = self._tr.gettext(msgid)
        return text.format(**values) if values else text

    def plural(self, singular: str, plural: str, n: int, /, **values: Any) -> str:
        """Translate with a plural form; `{n}` is filled with the formatted count."""
        text = self._tr.ngettext(singular, plural, n)
        return text.format(n=self.number(n), **values)

    def render(self, name: str, /, **values: Any) -> str:
        """Render the message template `name` (a file in templates/) in this locale."""
        return self._env.get_template(name).render(t=self, **values).strip()

    def date(self, value: date | datetime) -> str:
        """A date as people write it: "15 tháng 3, 2026" / "March 15, 2026"."""
        day = value.date() if isinstance(value, datetime) else value
        return format_date(day, format="long", locale=self.locale)

    def datetime(self, value: datetime) -> str:
        """A date and time, short form."""
        return format_datetime(value, format="short", locale=self.locale)

    def number(self, value: float) -> str:
        """A number with the locale's grouping: "10.000" / "10,000"."""
        return format_decimal(value, locale=self.locale)


class Catalogs:
    """The loaded catalogs and template environments, one per locale; built once per process."""

    def __init__(self, directory: Path | None = None, templates: Path | None = None) -> None:
        root = directory or locales_dir()
        self._texts: dict[str, Texts] = {}
        for locale in LOCALES:
            mo = root / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
            if not mo.exists():
                raise CatalogMissing(
                    f"{mo} is missing: compile the catalogs with "
                    f"`pybabel compile -d locales -D messages` (the Makefile does this)"
                )
            with mo.open("rb") as fh:
                translations = gettext.GNUTranslations(fh)
            env = jinja2.Environment(
                loader=jinja2.FileSystemLoader(templates or templates_dir()),
                extensions=["jinja2.ext.i18n"],
                undefined=jinja2.StrictUndefined,
                autoescape=False,
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=False,
            )
            env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
            self._texts[locale] = Texts(locale, translations, env)

    def texts(self, locale: str) -> Texts:
        """The `Texts` for `locale`, falling back to Vietnamese."""
        return self._texts.get(locale) or self._texts[DEFAULT_LOCALE]
