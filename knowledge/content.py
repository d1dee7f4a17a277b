"""Where the content files live and how they are read (YAML, with errors as `Problem`s)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from knowledge.problems import Problem

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when it is installed (several times faster), else PyYAML's."""


def default_root() -> Path:
    """The content folder shipped inside this package."""
    return Path(str(files("knowledge") / "content"))


def parse_yaml(text: str) -> Any:
    """Parse YAML text safely with the fastest loader available."""
    return yaml.load(text, Loader=SAFE_LOADER)


def relative_name(path: Path, root: Path) -> str:
    """A short file name for messages: the path below the content root."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_yaml(path: Path, root: Path, problems: list[Problem]) -> Any:
    """Parse one YAML file; on failure add a `Problem` and return None."""
    name = relative_name(path, root)
    try:
        return parse_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(Problem(name, "", "", "file not found"))
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, "", "", f"not UTF-8 text ({exc.reason})"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problems.append(Problem(name, "", "", f"YAML syntax error{at}: {exc}"))
    return None


def localized(
    value: Any, name: str, entry: str, field: str, problems: list[Problem], *, max_len: int = 0
) -> dict[str, str] | None:
    """Validate a {vi: ..., en: ...} mapping of non-empty strings; return it or None."""
    if not isinstance(value, dict):
        problems.append(Problem(name, entry, field, "must be a mapping with 'vi' and 'en'"))
        return None
    out: dict[str, str] = {}
    for lang in ("vi", "en"):
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(name, entry, f"{field}.{lang}", "missing or empty"))
            continue
        if max_len and len(text.strip()) > max_len:
            problems.append(
                Problem(name, entry, f"{field}.{lang}", f"{len(text.strip())} chars > {max_len}")
            )
        out[lang] = text.strip()
    extra = set(value) - {"vi", "en"}
    if extra:
        problems.append(Problem(name, entry, field, f"unknown language keys {sorted(extra)}"))
    return out if len(out) == 2 else None
