"""Knowledge compiled once: the loaded library and its FAQ index kept in a pickle file whose
name and header carry a checksum of what it was built from, so a changed file (or changed code)
is never served from a stale copy, and a damaged copy is rebuilt instead of breaking start-up.

The caller chooses the folder (the bot puts it under var/, never inside the package) and the
key: `content_checksum` over a content folder's files, plus `code_checksum` of the packages
whose classes are in the pickle.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import pickle
import platform
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
FORMAT = b"ocop-compiled-1\n"


def _digest(parts: Iterable[bytes]) -> str:
    sha = hashlib.sha256()
    for part in parts:
        sha.update(len(part).to_bytes(8, "big"))
        sha.update(part)
    return sha.hexdigest()


def _tree(root: Path, pattern: str) -> Iterable[bytes]:
    for path in sorted(p for p in root.rglob(pattern) if p.is_file()):
        yield path.relative_to(root).as_posix().encode("utf-8")
        yield path.read_bytes()


def content_checksum(root: Path) -> str:
    """sha256 over every file below `root`: names and bytes."""
    return _digest(_tree(root, "*"))


def code_checksum(*packages: str) -> str:
    """sha256 over the Python sources of `packages`, the interpreter and the libraries whose
    objects a compiled index holds (a pickle is only read back by the code that wrote it)."""
    from importlib.metadata import PackageNotFoundError, version

    parts = [platform.python_version().encode()]
    for dist in ("bm25s", "numpy", "scipy"):
        try:
            parts.append(f"{dist} {version(dist)}".encode())
        except PackageNotFoundError:
            parts.append(dist.encode())
    for name in packages:
        spec = importlib.util.find_spec(name)
        for location in (spec.submodule_search_locations or []) if spec else []:
            parts.extend(_tree(Path(location), "*.py"))
    return _digest(parts)


class CompiledCache:
    """Pickled build results in `directory`, one file per (name, key); None: no cache."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def path(self, name: str, key: str) -> Path | None:
        """Where the result of `name` built for `key` is kept."""
        if self.directory is None:
            return None
        return self.directory / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:24]}.pickle"

    def get(self, name: str, key: str, build: Callable[[], T]) -> T:
        """The result kept for (name, key), else `build()` (kept for next time)."""
        path = self.path(name, key)
        if path is None:
            return build()
        found = self._read(path, key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        value = build()
        self._write(path, name, key, value)
        return value

    def _read(self, path: Path, key: str) -> Any:
        try:
            with path.open("rb") as file:
                if file.readline() != FORMAT or file.readline() != key.encode() + b"\n":
                    raise ValueError("written for other content")
                return pickle.load(file)
        except FileNotFoundError:
            return None
        except Exception as exc:  # a damaged or foreign file is rebuilt, whatever the damage
            log.warning("compiled knowledge %s not usable (%s): rebuilding", path.name, exc)
            return None

    def _write(self, path: Path, name: str, key: str, value: object) -> None:
        """Write atomically (another process may be reading), then drop older builds."""
        tmp = ""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-", suffix=".tmp")
            with os.fdopen(fd, "wb") as file:
                file.write(FORMAT + key.encode() + b"\n")
                pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("compiled knowledge not kept in %s: %s", path.parent, exc)
            return
        finally:
            if tmp and os.path.exists(tmp):
                os.unlink(tmp)
        for old in path.parent.glob(f"{name}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
