"""The packages depend one way: bot → conversations → knowledge."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "knowledge": {"bot", "conversations", "telegram", "httpx", "starlette", "uvicorn"},
    "conversations": {"bot", "telegram", "httpx", "starlette", "uvicorn"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_downwards(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    for path in files:
        bad = _imports(path) & FORBIDDEN[package]
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_no_utils_module() -> None:
    for package in ("bot", "conversations", "knowledge"):
        assert not list((ROOT / package).rglob("utils.py"))


CONVERSATIONS = ROOT / "conversations"
CONVERSATION_FACING = {"conversations.turn", "conversations.flow"}
"""A module that imports these is a flow or a chat handler: it speaks to users in a turn."""


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _conversation_imports(path: Path) -> set[str]:
    """Every `conversations…` module (or module member) that `path` imports, by full name."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("conversations"))
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").startswith("conversations")
        ):
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def _capabilities() -> set[str]:
    return {p.name for p in CONVERSATIONS.iterdir() if (p / "__init__.py").exists()}


def test_conversations_is_a_core_and_capability_packages() -> None:
    capabilities = _capabilities()
    assert {"registration", "faq", "quiz", "reminders", "announcements", "officers"} <= capabilities
    for capability in capabilities:
        assert not list((CONVERSATIONS / capability).glob("*/__init__.py")), capability


def test_capabilities_never_use_each_others_flows() -> None:
    """Inside conversations/, a capability uses the core and other capabilities' stores and
    tables, never their flows or chat handlers (the modules that import the turn)."""
    modules = {_module(p): p for p in CONVERSATIONS.rglob("*.py")}
    facing = {m for m, p in modules.items() if _conversation_imports(p) & CONVERSATION_FACING}
    capabilities = _capabilities()
    assert {"conversations.quiz.flow", "conversations.registration.dossier"} <= facing
    for name, path in modules.items():
        parts = name.split(".")
        own = parts[1] if len(parts) > 2 else None
        if own is None:
            continue  # the core (and the assistant that assembles everything)
        for imported in _conversation_imports(path):
            target = ".".join(imported.split(".")[:3])
            capability = imported.split(".")[1] if imported.count(".") >= 1 else ""
            if capability in capabilities and capability != own and target in facing:
                raise AssertionError(f"{name} imports {target}, a flow of another capability")


def test_core_does_not_reach_into_capabilities() -> None:
    """The core modules know no capability, except the assembler and the main menu."""
    capabilities = _capabilities()
    assemblers = {"conversations.assistant", "conversations.schema", "conversations.menu"}
    for path in CONVERSATIONS.glob("*.py"):
        name = _module(path)
        if name in assemblers:
            continue
        for imported in _conversation_imports(path):
            parts = imported.split(".")
            assert not (len(parts) > 2 and parts[1] in capabilities), f"{name} imports {imported}"
