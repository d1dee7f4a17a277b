"""`ocop-bot knowledge check` and `ocop-bot flows diagram`: content and flow checks for officers."""

from __future__ import annotations

import sys
from pathlib import Path

from knowledge.library import read_library


def check(root: Path | None) -> int:
    """Validate every content file; print each problem with file, entry and field."""
    library, problems = read_library(root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print(
        f"knowledge OK: {len(library.products.groups)} groups, {len(library.products.sets)} sets, "
        f"{len(library.checklist.items)} checklist items, {len(library.communes.names)} communes, "
        f"{len(library.quiz.questions)} quiz questions, {len(library.calendars)} calendar(s)"
    )
    return 0


def diagrams(write: bool) -> int:
    """Print (or write beside each flow module) the Mermaid diagram of every flow."""
    import importlib
    import pkgutil

    import conversations.flows

    for info in pkgutil.iter_modules(conversations.flows.__path__):
        module = importlib.import_module(f"conversations.flows.{info.name}")
        flow = getattr(module, "FLOW", None)
        if flow is None or module.__file__ is None:
            continue
        path = Path(module.__file__).with_suffix(".mmd")
        if write:
            path.write_text(flow.mermaid(), encoding="utf-8")
            print(f"wrote {path}")
        else:
            print(f"%% {flow.name}\n{flow.mermaid()}")
    return 0
