"""The compiled knowledge between starts: `ocop-bot ask` and `open_runtime` read it back, a
damaged copy does not stop either, and an officer's published edit is what a new process
serves, never a copy compiled before it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.knowledge_cache import shipped_key
from bot.runtime import Runtime, open_runtime
from bot.settings import Settings
from conversations.clock import utcnow
from conversations.curation import store
from conversations.curation.documents import Doc, dump
from conversations.curation.tables import LIVE
from conversations.i18n import Catalogs
from knowledge.compiled import FORMAT, CompiledCache
from tests.support import Database

ROOT = Path(__file__).resolve().parents[2]


def _ask(cache: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OCOP_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "hồ sơ ocop gồm những gì"],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )


def test_ask_writes_the_compiled_copy_reads_it_and_survives_a_damaged_one(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    first = _ask(cache, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "hồ sơ" in first.stdout.lower()
    [compiled] = cache.glob("library-*.pickle")
    assert compiled == CompiledCache(cache).path("library", shipped_key())
    written = compiled.stat().st_mtime_ns
    again = _ask(cache, tmp_path)
    assert (again.returncode, again.stdout) == (0, first.stdout)
    assert compiled.stat().st_mtime_ns == written, "read back, not rebuilt"
    compiled.write_bytes(FORMAT + shipped_key().encode() + b"\n" + b"\x80\x05 broken")
    damaged = _ask(cache, tmp_path)
    assert (damaged.returncode, damaged.stdout) == (0, first.stdout), damaged.stderr
    assert compiled.read_bytes().startswith(FORMAT) and len(compiled.read_bytes()) > 10_000
    assert not list((ROOT / "knowledge").rglob("*.pickle")), "never inside the package"


def _settings(database: Database, cache: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=database.url, ocop_cache_dir=str(cache)
    )


async def _publish(runtime: Runtime, key: str, answer: dict[str, str]) -> None:
    async with runtime.sessions() as session, session.begin():
        record = await store.find(session, "faq", key)
        assert record is not None
        data = Doc(record.kind, record.key, record.file, 0, record.body).data
        data["answer"] = answer
        doc = Doc(record.kind, record.key, record.file, record.position, dump(data))
        assert runtime.services.knowledge is not None
        problems = await store.change(
            session, runtime.services.knowledge, doc, status=LIVE, action="publish",
            author=store.Author("lan"), why="test", now=utcnow(),
        )
        assert not list(problems)


async def test_a_new_process_serves_the_published_edit_not_a_stale_copy(
    database: Database, catalogs: Catalogs, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    for name in ("library", "shipped-docs", "served"):  # damaged copies from a crash
        path = CompiledCache(cache).path(name, shipped_key())
        assert path is not None
        path.write_bytes(b"ocop-compiled-1\nnot this\n\x00")
    async with open_runtime(_settings(database, cache), catalogs=catalogs) as first:
        shipped = first.services.faq.get("cycle-timing").answer["vi"]
        await _publish(first, "cycle-timing", {"vi": "Lần sửa thứ nhất.", "en": "First edit."})
    published = "Lần sửa thứ nhất."
    for edit in ("Lần sửa thứ hai.", "Lần sửa thứ ba."):
        async with open_runtime(_settings(database, cache), catalogs=catalogs) as later:
            assert later.services.faq.get("cycle-timing").answer["vi"] == published != shipped
            assert list(cache.glob("served-*.pickle")), "the served build is kept"
            await _publish(later, "cycle-timing", {"vi": edit, "en": "Edit."})
            published = edit
    async with open_runtime(_settings(database, cache), catalogs=catalogs) as last:
        assert last.services.faq.get("cycle-timing").answer["vi"] == "Lần sửa thứ ba."
        assert len(list(cache.glob("served-*.pickle"))) == 1, "older builds dropped"
