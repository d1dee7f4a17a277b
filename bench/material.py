"""Training-material benchmark: ingest of a generated 300-page PDF (read, cut, store in SQLite)
and passage-search latency at 20,000 passages, beside the FAQ search in the same run.

Run: python bench/material.py [--runs 3] [--pages 300] [--passages 20000] [--write]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import machine, median, percentile, today, write_section
from bot.database import create_engine, session_factory, upgrade
from conversations.clock import utcnow
from conversations.material.store import add_material
from knowledge.evaluation import load_eval
from knowledge.library import load_library
from knowledge.material.passages import MAX_CHARS, sentences, split_pages
from knowledge.material.reader import read_material
from knowledge.material.search import IndexedPassage, PassageAnalyzer, PassageIndex
from testbed.material_files import build_pdf, handout_pages

SEED = 20261202
TESTS = Path(__file__).resolve().parent.parent / "tests" / "knowledge"


async def _store(pdf: Path, db_path: Path) -> tuple[float, float, int]:
    """Seconds to read and cut the PDF, seconds to store it, and the passages stored."""
    engine = create_engine(f"sqlite:///{db_path}")
    try:
        await upgrade(engine)
        started = time.perf_counter()
        extracted = await asyncio.to_thread(read_material, pdf)
        read = time.perf_counter() - started
        started = time.perf_counter()
        async with session_factory(engine)() as session, session.begin():
            added = await add_material(session, extracted, file_name=pdf.name, now=utcnow())
        return read, time.perf_counter() - started, added.passages
    finally:
        await engine.dispose()


def ingest(pages: int, runs: int, work: Path) -> dict[str, float]:
    """Median seconds to ingest a `pages`-page PDF built from the handout's pages."""
    _title, source = handout_pages()
    repeated = [source[i % len(source)] for i in range(pages)]
    pdf = build_pdf(work / "long.pdf", "Tài liệu dài", repeated, two_column=0)
    reads, stores, counts = [], [], []
    for run in range(runs):
        read, store, count = asyncio.run(_store(pdf, work / f"ingest-{run}.db"))
        reads.append(read)
        stores.append(store)
        counts.append(count)
    return {"pages": pages, "size_mb": pdf.stat().st_size / 2**20, "read": median(reads),
            "store": median(stores), "total": median([r + s for r, s in zip(reads, stores,
                                                                              strict=True)]),
            "passages": counts[0]}


def synthetic_passages(n: int, real: list[IndexedPassage]) -> list[IndexedPassage]:
    """`n` passages: the handout's own, then sentences of the handout and of FAQ answers mixed
    with place names and numbers, at most four sentences and about 600 characters each, as
    `knowledge.material.passages` cuts real material."""
    rng = random.Random(SEED)
    library = load_library()
    pool = [s for p in real for s in p.sentences]
    pool += [s for e in library.faq for s in sentences(e.answer["vi"]) if len(s) < 300]
    places = list(library.communes.names)[:200] or ["Cà Mau"]
    out = list(real)
    while len(out) < n:
        place = rng.choice(places)
        picked: list[str] = []
        for sentence in rng.sample(pool, 4):
            line = f"{sentence} ({place}, {rng.randint(1, 999)})"
            if picked and sum(map(len, picked)) + len(line) > MAX_CHARS:
                break
            picked.append(line)
        out.append(IndexedPassage(len(out) + 1, f"Tài liệu {len(out) // 300}", rng.randint(1, 300),
                                  rng.choice(real).heading, "\n".join(picked)))
    return out


def build(passages: int) -> tuple[PassageIndex, float]:
    """The passage index over `passages` synthetic passages and its build time (seconds)."""
    library = load_library()
    extracted = read_material(Path(__file__).resolve().parent.parent / "knowledge" / "content"
                              / "material" / "so-tay-ocop-ca-mau.md")
    real = [IndexedPassage(i, extracted.title, p.page, p.heading, p.text)
            for i, p in enumerate(split_pages(extracted.pages))]
    material = synthetic_passages(passages, real)
    started = time.perf_counter()
    index = PassageIndex(material, library.synonyms)
    return index, time.perf_counter() - started


def rebuild_stored(index: PassageIndex) -> float:
    """Seconds to build the same index from analyses stored at ingest (as at a restart)."""
    analyzer = PassageAnalyzer(load_library().synonyms)
    stored = {p.id: analyzer.encode(p.heading, p.text) for p in index.passages}
    started = time.perf_counter()
    cache = {i: PassageAnalyzer.decode(s) for i, s in stored.items()}
    PassageIndex(index.passages, analyzer.synonyms, cache)
    return time.perf_counter() - started


def latency(index: PassageIndex, build: float) -> dict[str, float]:
    """Per-question passage search and FAQ search times over the handout questions and the
    FAQ's out-of-scope and evaluation questions."""
    import yaml

    faq = load_library().faq_index()
    questions = [str(q["q"]) for q in yaml.safe_load(
        (TESTS / "material_eval.yaml").read_text(encoding="utf-8"))["questions"]]
    for name in ("faq_eval.yaml", "faq_dev.yaml"):
        asked, oos = load_eval(TESTS / name)
        questions += [q.text for q in (*asked, *oos)]
    for text in questions[:50]:  # warm caches
        index.ask(text)
        faq.ask(text)
    passage_ms, faq_ms, passage_cpu, faq_cpu = [], [], [], []
    for text in questions:
        started, cpu = time.perf_counter(), time.thread_time()
        index.ask(text)
        passage_ms.append((time.perf_counter() - started) * 1000)
        passage_cpu.append((time.thread_time() - cpu) * 1000)
        started, cpu = time.perf_counter(), time.thread_time()
        faq.ask(text)
        faq_ms.append((time.perf_counter() - started) * 1000)
        faq_cpu.append((time.thread_time() - cpu) * 1000)
    return {"passages": len(index), "build": build, "questions": len(questions),
            "p50": percentile(passage_ms, 50), "p99": percentile(passage_ms, 99),
            "cpu_p99": percentile(passage_cpu, 99),
            "faq_p50": percentile(faq_ms, 50), "faq_p99": percentile(faq_ms, 99),
            "faq_cpu_p99": percentile(faq_cpu, 99)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--passages", type=int, default=20_000)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        got = ingest(args.pages, args.runs, Path(folder))
    index, seconds = build(args.passages)
    stored = rebuild_stored(index)
    runs = [latency(index, seconds) for _ in range(args.runs)]
    lat = {k: median([r[k] for r in runs]) for k in runs[0]}
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[0]
    markdown = f"""## Training material (`bench/material.py`)

Machine: {machine()}. Date: {today()}. Median of {args.runs} runs (the 20,000-passage index
is built once). Load average {load} at the end. This machine's speed differs from day to day
(compare with the FAQ search measured beside it in the same run).

| ingest | pages | PDF MB | passages | read + cut (s) | store, SQLite (s) | total (s) | aim |
|---|---:|---:|---:|---:|---:|---:|---|
| generated PDF (handout pages repeated) | {got['pages']:,} | {got['size_mb']:.1f} | \
{got['passages']:,} | {got['read']:.1f} | {got['store']:.2f} | {got['total']:.1f} | < 60 s |

| search, per question | passages | index build (s) | p50 (ms) | p99 (ms) | p99 CPU (ms) |
|---|---:|---:|---:|---:|---:|
| passages (synthetic material) | {lat['passages']:,.0f} | {lat['build']:.1f} \
(from stored analyses: {stored:.1f}) | \
{lat['p50']:.2f} | {lat['p99']:.2f} | {lat['cpu_p99']:.2f} |
| peer: FAQ search, same questions, same run | 140 entries | – | {lat['faq_p50']:.2f} | \
{lat['faq_p99']:.2f} | {lat['faq_cpu_p99']:.2f} |

{lat['questions']:.0f} questions: the 60 handout questions and the FAQ evaluation, dev and
out-of-scope questions. The passage search runs only when the FAQ has no answer, so its p99 is
what it adds to such a question (aim: < 5 ms).
"""
    print(markdown)
    if args.write:
        write_section("material", markdown)


if __name__ == "__main__":
    main()
