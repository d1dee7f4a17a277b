"""Schema upgrades at start: Alembic runs only when the database is behind the migrations."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from bot.database import alembic_config, create_engine, current_revision, head_revision, upgrade

PROBE = """
import asyncio, sys
from bot.database import create_engine, upgrade
engine = create_engine(sys.argv[1])
asyncio.run(upgrade(engine))
asyncio.run(engine.dispose())
print("alembic" in sys.modules)
"""


def test_the_head_read_from_the_files_is_alembic_s() -> None:
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


async def test_a_new_database_is_migrated_and_a_current_one_left_alone(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/ocop.db"
    engine = create_engine(url)
    try:
        assert await current_revision(engine) is None
        await upgrade(engine, "0014")
        assert await current_revision(engine) == "0014"
    finally:
        await engine.dispose()

    def start() -> str:
        return subprocess.run(
            [sys.executable, "-c", PROBE, url], capture_output=True, text=True, check=True
        ).stdout.strip()

    assert start() == "True"  # behind: Alembic loaded and ran the last migration
    engine = create_engine(url)
    try:
        assert await current_revision(engine) == head_revision()
    finally:
        await engine.dispose()
    assert start() == "False"  # current: not even imported
