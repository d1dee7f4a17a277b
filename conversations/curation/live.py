"""The library the bot serves, built from records with the loaders of `knowledge/`: the records
are written as content files to a temporary folder and read back, so every rule is checked by
the same validator as `ocop-bot knowledge check`."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from conversations.curation.documents import Doc, write_docs
from knowledge.calendar import load_calendars
from knowledge.checklist import load_checklist
from knowledge.faq import load_faq
from knowledge.library import Library
from knowledge.problems import Problem
from knowledge.rules import load_rules_file


def library_from(base: Library, docs: Iterable[Doc]) -> tuple[Library, list[Problem]]:
    """`base` with its FAQ, checklist, calendars and rules replaced by `docs`, and every problem."""
    problems: list[Problem] = []
    with tempfile.TemporaryDirectory(prefix="ocop-knowledge-") as tmp:
        root = Path(tmp)
        (root / "faq").mkdir()
        write_docs(root, docs)
        library = replace(
            base,
            faq=tuple(load_faq(root, problems)),
            checklist=load_checklist(root, problems, base.products),
            calendars=load_calendars(root, problems),
            rules=load_rules_file(root, problems),
        )
    return library, problems


def problems_of(base: Library, docs: Iterable[Doc]) -> list[Problem]:
    """What is wrong with a set of records (empty when it may be served)."""
    return library_from(base, docs)[1]
