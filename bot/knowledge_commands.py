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
        f"{len(library.quiz.questions)} quiz questions, {len(library.calendars)} calendar(s), "
        f"{len(library.faq)} FAQ entries"
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


def ask(question: str | None, lang: str, as_json: bool) -> int:
    """Answer one question (or one per stdin line) from the FAQ; JSON for bulk evaluation."""
    import json

    from knowledge.library import load_library
    from knowledge.retrieval import to_json

    index = load_library().faq_index()
    questions = [question] if question is not None else (line.rstrip("\n") for line in sys.stdin)
    for text in questions:
        if question is None and not text.strip():
            continue
        result = index.ask(text, lang)
        if as_json or question is None:
            print(json.dumps(to_json(result, lang), ensure_ascii=False), flush=True)
            continue
        if result.kind == "answer" and result.entry is not None:
            entry = result.entry
            print(entry.answer[lang])
            if entry.hedge:
                print(f"⚠️ {entry.hedge[lang]}")
            print(f"📖 {entry.source} · {entry.rule_version} · score {result.score:.2f}")
        elif result.reply:
            print(result.reply[lang])
        elif result.suggestions:
            print("Did you mean:" if lang == "en" else "Có phải anh/chị muốn hỏi:")
            for entry in result.suggestions:
                print(f"- {entry.question[lang]} ({entry.id})")
        else:
            print("No reliable answer; this would go to an officer." if lang == "en" else
                  "Chưa có câu trả lời chắc chắn; câu hỏi sẽ được chuyển cho cán bộ.")
    return 0
