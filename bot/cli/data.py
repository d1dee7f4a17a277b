"""`ocop-bot import producers FILE` and `ocop-bot export KIND`: officers' data in and out."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.database import create_engine, session_factory, upgrade
from bot.settings import Settings
from bot.tables import read_table, write_table
from conversations.clock import utcnow
from conversations.registration.exchange import export_rows, import_producers
from knowledge.library import load_library


async def import_file(settings: Settings, path: Path) -> int:
    """Import producers from a CSV/XLSX file; print every bad row; write nothing unless all good."""
    try:
        table = read_table(path)
    except (OSError, ValueError) as exc:
        print(f"ocop-bot: cannot read {path}: {exc}", file=sys.stderr)
        return 2
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        async with sessions() as session, session.begin():
            report = await import_producers(session, table, load_library(), utcnow())
            if report.errors:
                await session.rollback()
    finally:
        await engine.dispose()
    if report.errors:
        for error in report.errors:
            print(f"{path.name}: {error}", file=sys.stderr)
        print(f"nothing imported: {len(report.errors)} problem(s)", file=sys.stderr)
        return 1
    print(f"imported {report.producers} new producer(s), {report.products} new product(s)")
    return 0


async def export_file(settings: Settings, kind: str, fmt: str, out: Path | None) -> int:
    """Export producers, products or dossiers as CSV or XLSX to a file or standard output."""
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        async with session_factory(engine)() as session:
            rows = await export_rows(session, kind, load_library())
    finally:
        await engine.dispose()
    data = write_table(rows, fmt, out)
    if data is not None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        print(f"wrote {len(rows) - 1} row(s) to {out}", file=sys.stderr)
    return 0
