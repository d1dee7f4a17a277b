"""`ocop-bot knowledge check/export/import` and `ocop-bot flows diagram`: content and flow
checks for officers, and the live knowledge as YAML files."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.settings import Settings


def check(root: Path | None) -> int:
    """Validate every content file; print each problem with file, entry and field."""
    from knowledge.library import read_library
    from knowledge.material.document import MaterialRefused
    from knowledge.material.reader import read_material, shipped_material
    from knowledge.problems import Problem

    library, problems = read_library(root)
    material = shipped_material(root)
    for path in material:
        try:
            read_material(path)
        except MaterialRefused as refused:
            problems.append(Problem(f"material/{path.name}", "", "", refused.message))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print(
        f"knowledge OK: {len(library.products.groups)} groups, {len(library.products.sets)} sets, "
        f"{len(library.checklist.items)} checklist items, {len(library.communes.names)} communes, "
        f"{len(library.quiz.questions)} quiz questions, {len(library.calendars)} calendar(s), "
        f"{len(library.faq)} FAQ entries, {len(material)} material file(s)"
    )
    return 0


def diagrams(write: bool) -> int:
    """Print (or write beside each flow module) the Mermaid diagram of every flow."""
    from conversations.assistant import FLOW_MODULES

    for module in FLOW_MODULES:
        flow = module.FLOW
        if module.__file__ is None:
            continue
        path = Path(module.__file__).with_suffix(".mmd")
        if write:
            path.write_text(flow.mermaid(), encoding="utf-8")
            print(f"wrote {path}")
        else:
            print(f"%% {flow.name}\n{flow.mermaid()}")
    return 0


def ask(question: str | None, lang: str, as_json: bool, cache_dir: Path | None = None) -> int:
    """Answer one question (or one per stdin line) from the shipped FAQ files (the compiled
    copy in `cache_dir` when it is current); JSON for bulk evaluation."""
    import json

    from bot.knowledge_cache import load_knowledge
    from knowledge.retrieval import to_json

    _, index = load_knowledge(cache_dir)
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
            if result.alternative is not None:
                lead = "Or did you mean:" if lang == "en" else "Hoặc anh/chị muốn hỏi:"
                print(f"{lead} {result.alternative.question[lang]} ({result.alternative.id})")
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


async def export(settings: Settings, out: Path) -> int:
    """Write the live knowledge (and its history) as a content folder."""
    from bot.database import create_engine, session_factory, upgrade
    from bot.knowledge_cache import cache_dir
    from bot.workers.knowledge_watch import seed_shipped
    from conversations.curation.exchange import export_to
    from knowledge.content import default_root

    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        await seed_shipped(sessions, cache_dir(settings.ocop_cache_dir))
        async with sessions() as session:
            count = await export_to(session, out, default_root())
    finally:
        await engine.dispose()
    print(f"exported {count} knowledge record(s) and their history to {out}")
    return 0


async def import_folder(settings: Settings, source: Path) -> int:
    """Load a content folder as the live knowledge: all or nothing, every problem printed."""
    from bot.database import create_engine, session_factory, upgrade
    from bot.knowledge_cache import cache_dir
    from bot.workers.knowledge_watch import seed_shipped
    from conversations.clock import utcnow
    from conversations.curation.exchange import import_from
    from conversations.curation.store import Author

    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        await seed_shipped(sessions, cache_dir(settings.ocop_cache_dir))
        async with sessions() as session, session.begin():
            changed, problems = await import_from(session, source, Author("cli"), utcnow())
            if problems:
                await session.rollback()
    finally:
        await engine.dispose()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"nothing imported: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"imported: {changed} record(s) changed; every process serves them within seconds")
    return 0
