"""`ocop-bot knowledge add-material FILE...`: add training material (PDF, DOCX, PPTX, HTML,
Markdown, text) as documents whose passages the bot can quote."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.database import create_engine, session_factory, upgrade
from bot.settings import Settings
from conversations.clock import utcnow
from conversations.material.store import add_material
from knowledge.library import load_library
from knowledge.material.document import Extracted, MaterialRefused
from knowledge.material.reader import read_material
from knowledge.material.search import PassageAnalyzer

PROGRESS_EVERY = 10  # pages between progress lines of a long file


def _read(path: Path, out: TextIO) -> Extracted:
    """Read a file, printing progress every few pages of a long one."""

    def progress(done: int, total: int) -> None:
        if total >= 2 * PROGRESS_EVERY and (done % PROGRESS_EVERY == 0 or done == total):
            print(f"  {path.name}: page {done}/{total}", file=out, flush=True)

    return read_material(path, progress=progress)


async def add_files(settings: Settings, files: Sequence[Path], title: str | None,
                    rule_version: str | None, out: TextIO = sys.stdout,
                    err: TextIO = sys.stderr) -> int:
    """Read and store each file in its own transaction; a refused file stores nothing.

    Exit code 0 when every file was stored (or already was), 1 when any was refused,
    2 for bad arguments.
    """
    if title is not None and len(files) != 1:
        print("ocop-bot: --title names one document: give exactly one FILE", file=err)
        return 2
    if title is not None and not title.strip():
        print("ocop-bot: --title must not be empty", file=err)
        return 2
    analyzer = PassageAnalyzer(load_library().synonyms)
    engine = create_engine(settings.database_url)
    failed = 0
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        for path in files:
            try:
                extracted = await asyncio.to_thread(_read, path, out)
            except MaterialRefused as refused:
                print(f"refused {path.name}: {refused.message} (nothing stored)", file=err)
                failed += 1
                continue
            async with sessions() as session, session.begin():
                added = await add_material(
                    session, extracted, file_name=path.name, now=utcnow(), title=title,
                    rule_version=rule_version, analyzer=analyzer,
                )
            if added.status == "same":
                print(f"{path.name}: already stored as «{added.title}» version {added.version}; "
                      "nothing changed", file=out)
                continue
            what = "new document" if added.status == "new" else f"version {added.version} of"
            skipped = f", {extracted.empty_pages} page(s) without text skipped" if (
                extracted.empty_pages) else ""
            print(f"{path.name}: {what} «{added.title}»: {added.pages} pages, "
                  f"{added.passages} passages{skipped}", file=out)
    finally:
        await engine.dispose()
    return 1 if failed else 0
