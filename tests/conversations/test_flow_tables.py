"""Every flow's transition table is valid and its Mermaid diagram beside it is current."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from conversations.assistant import FLOW_MODULES
from conversations.flow import END, Flow, Go, Step


@pytest.mark.parametrize("mod", FLOW_MODULES, ids=lambda m: m.__name__)
def test_mermaid_diagram_matches_table(mod: ModuleType) -> None:
    flow: Flow = mod.FLOW
    diagram = Path(mod.__file__).with_suffix(".mmd")
    assert diagram.exists(), f"write {diagram.name}: ocop-bot flows diagram {flow.name}"
    assert diagram.read_text(encoding="utf-8") == flow.mermaid()


@pytest.mark.parametrize("mod", FLOW_MODULES, ids=lambda m: m.__name__)
def test_steps_have_one_sentence_docstrings(mod: ModuleType) -> None:
    flow: Flow = mod.FLOW
    for step in flow.steps:
        for fn in (step.ask, step.accept):
            doc = (fn.__doc__ or "").strip()
            assert doc and "\n" not in doc, f"{flow.name}:{step.name} {fn.__name__}"


def test_table_rejects_unknown_targets() -> None:
    async def ask(turn):  # type: ignore[no-untyped-def]
        return []

    async def accept(turn, answer):  # type: ignore[no-untyped-def]
        return Go(END)

    with pytest.raises(ValueError, match="unknown step"):
        Flow("x", (Step("a", ask, accept),), {"a": ("b",)})
    with pytest.raises(ValueError, match="differ"):
        Flow("x", (Step("a", ask, accept),), {"a": (END,), "b": (END,)})
