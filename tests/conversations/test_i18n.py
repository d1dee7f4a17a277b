"""Catalogs cover every message, placeholders survive translation, templates render in vi and en."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from conversations.i18n import LOCALES, Catalogs, locales_dir, pick_locale, templates_dir

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "t": None, "N_": None, "texts": None, "gettext": None}
PLACEHOLDER = re.compile(r"\{(\w+)\}|%\((\w+)\)s")


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    with (locales_dir() / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


def _extracted() -> set[str]:
    found: set[str] = set()
    method_map = [
        ("bot/**.py", "python"),
        ("conversations/**.py", "python"),
        ("conversations/templates/**.j2", "jinja2"),
        ("bot/web/templates/**.html", "jinja2"),
        ("bot/web/templates/**.j2", "jinja2"),
    ]
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=KEYWORDS
    ):
        if isinstance(message, tuple):
            message = message[0]
        if message:
            found.add(message)
    return found


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def test_every_message_in_the_code_is_in_both_catalogs() -> None:
    extracted = _extracted()
    assert len(extracted) > 20
    for locale in LOCALES:
        ids = {m.id for m in _catalog(locale) if m.id}
        missing = sorted(extracted - ids)
        assert not missing, f"{locale}: run `make messages` and translate: {missing[:10]}"


def test_vietnamese_catalog_has_no_empty_translation() -> None:
    empty = [m.id for m in _catalog("vi") if m.id and not m.string]
    assert not empty, empty[:10]


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_match(locale: str) -> None:
    for message in _catalog(locale):
        if message.id and message.string:
            assert _placeholders(message.id) == _placeholders(message.string), message.id


@pytest.mark.parametrize("locale", LOCALES)
def test_every_template_renders(catalogs: Catalogs, locale: str) -> None:
    texts = catalogs.texts(locale)
    contexts = {
        "menu.j2": {"greeting": True, "name": "Lan"},
        "help.j2": {"step_hint": "x"},
        "profile.j2": {
            "title": "T",
            "representative": "A",
            "producer_name": "B",
            "entity_type": "C",
            "phone": "0912345678",
            "commune": "D",
            "province": "E",
        },
        "product.j2": {
            "name": "P",
            "group": "G",
            "set_name": "S",
            "stage": "R",
            "stars": 4,
            "decision_number": "1/QĐ",
            "decision_date": "1/1/2024",
            "expiry": "x",
            "estimated": True,
        },
    }
    for path in sorted(templates_dir().glob("*.j2")):
        assert path.name in contexts, f"add a render context for {path.name}"
        rendered = texts.render(path.name, **contexts[path.name])
        assert rendered.strip()
        assert "{{" not in rendered and "%(" not in rendered


def test_vietnamese_is_the_default_and_formats_like_vietnamese(catalogs: Catalogs) -> None:
    vi, en = catalogs.texts("vi"), catalogs.texts("en")
    assert vi.date(date(2026, 3, 15)) == "15/03/2026"
    assert en.date(date(2026, 3, 15)) == "March 15, 2026"
    assert vi.number(10000) == "10.000"
    assert en.number(10000) == "10,000"
    assert vi("Cancelled. Nothing from that step was saved.").startswith("Đã hủy")
    assert catalogs.texts("fr").locale == "vi"
    assert pick_locale("en-US") == "en"
    assert pick_locale(None, "en") == "en"
    assert pick_locale("zh") == "vi"


def test_catalogs_compile_from_po_when_the_mo_is_missing_or_stale(tmp_path: Path) -> None:
    """No build step: a missing or older `.mo` is compiled from the `.po` and saved beside it."""
    import os
    import shutil

    for locale in LOCALES:
        folder = tmp_path / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        shutil.copy(locales_dir() / locale / "LC_MESSAGES" / "messages.po", folder)
    vi_po = tmp_path / "vi" / "LC_MESSAGES" / "messages.po"
    vi_mo = vi_po.with_suffix(".mo")

    assert Catalogs(tmp_path).texts("vi")("Cancel") == "Hủy"
    assert vi_mo.exists()

    vi_po.write_text(
        vi_po.read_text(encoding="utf-8").replace('msgstr "Hủy"', 'msgstr "Thôi"'), encoding="utf-8"
    )
    stamp = vi_mo.stat().st_mtime + 10
    os.utime(vi_po, (stamp, stamp))
    assert Catalogs(tmp_path).texts("vi")("Cancel") == "Thôi"
    assert "Thôi".encode() in vi_mo.read_bytes()  # saved again for the next start


def test_catalogs_read_a_compiled_mo_alone(tmp_path: Path) -> None:
    """An installed wheel may carry only the compiled catalogs."""
    from conversations.i18n import compile_po

    for locale in LOCALES:
        folder = tmp_path / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        po = locales_dir() / locale / "LC_MESSAGES" / "messages.po"
        (folder / "messages.mo").write_bytes(compile_po(po, locale))
    assert Catalogs(tmp_path).texts("vi")("Cancel") == "Hủy"
