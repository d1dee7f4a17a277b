"""Build hook: compile the gettext catalogs into the wheel, so an installed package speaks
Vietnamese with no other step (`pyproject.toml` names this class as setuptools' `build_py`)."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools.command.build_py import build_py


class BuildPy(build_py):
    """`build_py` that also writes `messages.mo` beside every `messages.po` it copied."""

    def run(self) -> None:
        super().run()
        for po in Path(self.build_lib, "conversations", "locales").glob("*/LC_MESSAGES/*.po"):
            locale = po.parent.parent.name
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=locale)
            out = io.BytesIO()
            write_mo(out, catalog, use_fuzzy=True)
            po.with_suffix(".mo").write_bytes(out.getvalue())
