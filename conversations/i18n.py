"""Translations and locale formatting: gettext catalogs, Jinja2 message templates, Babel dates."""

from __future__ import annotations

import functools
import gettext
import io
import os
import tempfile
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
DOMAIN = "messages"


def N_(msgid: str) -> str:
    """Mark `msgid` for extraction without translating it now (it is translated when shown)."""
    return msgid


def locales_dir() -> Path:
    """The gettext catalogs shipped inside this package (`conversations/locales/`)."""
    return Path(str(files("conversations") / "locales"))


def templates_dir() -> Path:
    """The message templates shipped with this package."""
    return Path(str(files("conversations") / "templates"))


def compile_po(po: Path, locale: str) -> bytes:
    """The `.mo` bytes of the catalog `po` (fuzzy entries included, as `pybabel compile`)."""
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=True)
    return out.getvalue()


def load_translations(root: Path, locale: str) -> gettext.GNUTranslations:
    """The catalog of `locale` under `root`: its `.mo` when that is current, else compiled from
    the `.po` and saved beside it when the folder is writable (the next start reads the `.mo`)."""
    folder = root / locale / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if not po.exists():
        raise CatalogMissing(f"no catalog for {locale!r} in {root}")
    data = compile_po(po, locale)
    _save(mo, data)
    return gettext.GNUTranslations(io.BytesIO(data))


def _save(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically; a read-only install just compiles again next start."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)


def pick_locale(*candidates: str | None) -> str:
    """The first supported locale among `candidates` ("en-US" counts as "en"), else vi."""
    for cand in candidates:
        if cand:
            short = cand.replace("_", "-").split("-")[0].lower()
            if short in LOCALES:
                return short
    return DEFAULT_LOCALE


@functools.lru_cache(maxsize=4096)
def _format_date(day: date, pattern: str, locale: str) -> str:
    """Babel's date formatting, remembered (a day's reminders repeat a few dates many times)."""
    return format_date(day, format=pattern, locale=locale)


class CatalogMissing(RuntimeError):
    """Neither a `.po` nor a compiled `.mo` catalog exists for a locale."""


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
        """A date as people write it: "15/03/2026" / "March 15, 2026"."""
        day = value.date() if isinstance(value, datetime) else value
        return _format_date(day, "dd/MM/yyyy" if self.locale == "vi" else "long", self.locale)

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
            translations = load_translations(root, locale)
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
