"""The compiled cache: read back instead of rebuilt, rebuilt when a content file changes, and a
damaged file is rebuilt instead of raising."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.compiled import CompiledCache, code_checksum, content_checksum
from knowledge.content import parse_yaml


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "faq").mkdir(parents=True)
    (root / "faq" / "a.yaml").write_text("entries: [1, 2]\n", encoding="utf-8")
    (root / "rules.yaml").write_text("current: qd148\n", encoding="utf-8")
    return root


class Builder:
    """Builds the parsed content and counts how often it had to."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.builds = 0

    def __call__(self) -> dict[str, object]:
        self.builds += 1
        return {p.name: parse_yaml(p.read_text("utf-8")) for p in sorted(self.root.rglob("*.yaml"))}


def test_a_second_process_reads_the_compiled_copy(content: Path, tmp_path: Path) -> None:
    build = Builder(content)
    key = content_checksum(content)
    first = CompiledCache(tmp_path / "cache").get("library", key, build)
    again = CompiledCache(tmp_path / "cache").get("library", key, build)  # a new process
    assert build.builds == 1
    assert again == first == {"a.yaml": {"entries": [1, 2]}, "rules.yaml": {"current": "qd148"}}
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [
        CompiledCache(tmp_path / "cache").path("library", key).name  # type: ignore[union-attr]
    ]


def test_a_changed_file_is_rebuilt_and_the_old_copy_dropped(content: Path, tmp_path: Path) -> None:
    build = Builder(content)
    cache = CompiledCache(tmp_path / "cache")
    old_key = content_checksum(content)
    cache.get("library", old_key, build)
    (content / "faq" / "a.yaml").write_text("entries: [1, 2, 3]\n", encoding="utf-8")
    new_key = content_checksum(content)
    assert new_key != old_key
    assert cache.get("library", new_key, build)["a.yaml"] == {"entries": [1, 2, 3]}
    assert build.builds == 2
    assert not cache.path("library", old_key).exists()  # type: ignore[union-attr]
    (content / "faq" / "a.yaml").rename(content / "faq" / "b.yaml")  # a rename counts too
    assert content_checksum(content) != new_key


@pytest.mark.parametrize(
    "damage",
    [b"", b"garbage", b"ocop-compiled-1\n", b"ocop-compiled-1\nKEY\n\x80\x05\x95truncated"],
)
def test_a_damaged_copy_is_rebuilt(content: Path, tmp_path: Path, damage: bytes) -> None:
    build = Builder(content)
    cache = CompiledCache(tmp_path / "cache")
    key = content_checksum(content)
    expected = cache.get("library", key, build)
    path = cache.path("library", key)
    assert path is not None
    path.write_bytes(damage.replace(b"KEY", key.encode()))
    assert cache.get("library", key, build) == expected
    assert build.builds == 2
    assert CompiledCache(tmp_path / "cache").get("library", key, build) == expected
    assert build.builds == 2, "the rebuilt copy was written back"


def test_a_copy_written_for_other_content_is_not_read(content: Path, tmp_path: Path) -> None:
    build = Builder(content)
    cache = CompiledCache(tmp_path / "cache")
    key = content_checksum(content)
    cache.get("library", key, lambda: {"stale": True})
    path = cache.path("library", key)
    assert path is not None
    other = path.read_bytes().replace(key.encode(), b"0" * len(key))
    path.write_bytes(other)  # same file name, header of other content
    assert cache.get("library", key, build) == build()


def test_no_directory_means_no_cache(content: Path) -> None:
    build = Builder(content)
    CompiledCache(None).get("library", "k", build)
    CompiledCache(None).get("library", "k", build)
    assert build.builds == 2


def test_the_code_checksum_follows_the_sources() -> None:
    assert code_checksum("knowledge") == code_checksum("knowledge")
    assert code_checksum("knowledge") != code_checksum("knowledge", "conversations.curation")
