"""`ocop-bot knowledge export --out DIR` and `knowledge import DIR`: a round trip the check
accepts, and a broken folder that changes nothing and names file, entry and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.cli import knowledge as kc
from bot.settings import Settings
from conversations.curation import store
from tests.support import Database


def _settings(database: Database) -> Settings:
    return Settings(_env_file=None, database_url=database.url)  # type: ignore[call-arg]


async def test_export_checks_and_a_broken_import_changes_nothing(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(database)
    out = tmp_path / "export"
    assert await kc.export(settings, out) == 0
    assert kc.check(out) == 0, "the export is a content folder `knowledge check` accepts"
    assert (out / "history.yaml").exists()
    capsys.readouterr()
    assert await kc.import_folder(settings, out) == 0
    assert "0 record(s) changed" in capsys.readouterr().out
    path = out / "checklist.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    item = data["items"][0]
    item["kind"] = "optional"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert await kc.import_folder(settings, out) == 1
    err = capsys.readouterr().err
    assert f"checklist.yaml [{item['id']}] .kind" in err and "nothing imported" in err
    async with database.sessions() as session:
        record = await store.find(session, "checklist_item", item["id"])
    assert record is not None and "optional" not in record.body
