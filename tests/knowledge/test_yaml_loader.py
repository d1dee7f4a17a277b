"""The C YAML loader gives what the pure-Python safe loader gives, for every content file."""

from __future__ import annotations

import yaml

from knowledge.content import SAFE_LOADER, default_root, parse_yaml


def test_the_c_loader_is_used_and_parses_every_content_file_identically() -> None:
    assert yaml.__with_libyaml__, "PyYAML without libyaml: start-up parses YAML 10× slower"
    assert SAFE_LOADER is yaml.CSafeLoader
    files = sorted(default_root().rglob("*.yaml"))
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert parse_yaml(text) == yaml.load(text, Loader=yaml.SafeLoader), path.name


def test_the_c_loader_stays_safe() -> None:
    try:
        parse_yaml("!!python/object/apply:os.system ['echo pwned']")
    except yaml.YAMLError:
        return
    raise AssertionError("a Python tag was constructed")
