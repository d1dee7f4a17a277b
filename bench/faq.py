"""FAQ search benchmark: build time, p50/p99 latency and a naive rank_bm25 baseline; Markdown out.

Run: python bench/faq.py [--runs 5] [--synthetic 10000]; `--accuracy` prints only the answer
policy on the evaluation sets (tests/knowledge/faq_*.yaml).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi

from knowledge.content import default_root
from knowledge.evaluation import evaluate, load_eval
from knowledge.faq import FaqEntry, load_faq
from knowledge.folding import fold
from knowledge.problems import Problem
from knowledge.retrieval import FaqIndex, load_index
from knowledge.smalltalk import Smalltalk, load_smalltalk
from knowledge.synonyms import Synonyms, load_synonyms
from knowledge.terms import Analyzer, doc_terms

SEED = 20250706
TESTS = Path(__file__).resolve().parent.parent / "tests" / "knowledge"
# faq_fresh.yaml calibrates the answer policy; the other two are the older sets.
EVAL_SETS = ("faq_fresh.yaml", "faq_eval.yaml", "faq_dev.yaml")
_ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "k", "kh", "l", "m", "n", "ng", "nh",
           "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"]
_VOWELS = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ia", "ua", "ươ", "iê",
           "oa", "uô"]
_CODAS = ["", "", "c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "o", "u"]
_TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]


def _syllable_bank(rng: random.Random, size: int) -> list[str]:
    bank: set[str] = set()
    while len(bank) < size:
        vowel = rng.choice(_VOWELS)
        syllable = rng.choice(_ONSETS) + vowel[0] + rng.choice(_TONES) + vowel[1:]
        bank.add(syllable + rng.choice(_CODAS))
    return sorted(bank)


def synthetic_entries(n: int, seed: int = SEED) -> list[FaqEntry]:
    """`n` deterministic entries of Vietnamese-like syllables with a Zipf-like word spread."""
    rng = random.Random(seed)
    bank = _syllable_bank(rng, 4000)
    weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(bank))]

    def phrase(lo: int, hi: int) -> str:
        return " ".join(rng.choices(bank, weights, k=rng.randint(lo, hi)))

    entries = []
    for i in range(n):
        question = phrase(6, 12)
        words = question.split()
        paraphrases = tuple(
            " ".join(rng.sample(words, k=max(3, len(words) - 2)) + phrase(0, 2).split())
            for _ in range(4)
        )
        entries.append(FaqEntry(
            id=f"synthetic-{i}", topic="synthetic",
            question={"vi": question, "en": f"question {i}"},
            paraphrases={"vi": paraphrases, "en": (f"english paraphrase {i}",)},
            answer={"vi": phrase(40, 90), "en": f"answer {i}"}, more=None, source="synthetic",
            source_url=None, rule_version="general", confidence="ok", hedge=None, tags=(),
            related=(), outdated=False,
        ))
    return entries


def typed_like_a_phone(text: str, rng: random.Random) -> str:
    """Drop diacritics, sometimes a word, sometimes a letter: how questions arrive."""
    words = fold(text).split()
    if len(words) > 4 and rng.random() < 0.5:
        words.pop(rng.randrange(len(words)))
    if rng.random() < 0.3:
        i = rng.randrange(len(words))
        if len(words[i]) > 4:
            words[i] = words[i][:-1]
    return " ".join(words)


def queries_for(entries: Sequence[FaqEntry], count: int, seed: int = SEED) -> list[str]:
    rng = random.Random(seed + 1)
    return [
        typed_like_a_phone(rng.choice(rng.choice(entries).questions("vi")), rng)
        for _ in range(count)
    ]


def latencies(
    ask: Callable[[str], object], queries: Sequence[str]
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (this thread) seconds per question."""
    wall, cpu = [], []
    for query in queries:
        start, start_cpu = time.perf_counter(), time.thread_time()
        ask(query)
        cpu.append(time.thread_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    return wall, cpu


def measure(
    entries: Sequence[FaqEntry], smalltalk: Smalltalk, synonyms: Synonyms, queries: list[str],
    runs: int, baseline_queries: int,
) -> dict[str, float]:
    builds, p50s, p99s, cpu99s, base50s = [], [], [], [], []
    for _ in range(runs):
        start = time.perf_counter()
        index = FaqIndex.build(entries, smalltalk, synonyms)
        builds.append(time.perf_counter() - start)
        index.ask(queries[0])  # warm caches once, as a running bot would be
        times, cpu = latencies(index.ask, queries)
        p50s.append(float(np.percentile(times, 50)))
        p99s.append(float(np.percentile(times, 99)))
        cpu99s.append(float(np.percentile(cpu, 99)))
    # Naive baseline: the same terms, one document per entry, every document scored per query.
    analyzer = Analyzer(synonyms)
    corpus = [
        [t for text in (*e.questions("vi"), e.answer["vi"])
         for t in doc_terms(analyzer.document(text))]
        for e in entries if not e.outdated
    ]
    start = time.perf_counter()
    naive = BM25Okapi(corpus)
    naive_build = time.perf_counter() - start

    def naive_ask(text: str) -> int:
        return int(np.argmax(naive.get_scores(list(analyzer.query(text).terms))))

    for _ in range(max(1, runs // 2)):
        base50s.append(float(np.median(latencies(naive_ask, queries[:baseline_queries])[0])))
    return {
        "entries": float(len(entries)), "build": statistics.median(builds),
        "p50": statistics.median(p50s), "p99": statistics.median(p99s),
        "cpu99": statistics.median(cpu99s),
        "naive_build": naive_build, "naive_p50": statistics.median(base50s),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--synthetic", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--accuracy", action="store_true",
                        help="only the answer-policy table of the evaluation sets (no timing)")
    args = parser.parse_args()
    if args.accuracy:
        accuracy_table(load_index(default_root(), []))
        return

    problems: list[Problem] = []
    root = default_root()
    real = load_faq(root, problems)
    smalltalk, synonyms = load_smalltalk(root, problems), load_synonyms(root, problems)
    rows = []
    real_queries = queries_for(real, args.queries) if real else []
    for name in EVAL_SETS:
        if (TESTS / name).exists():
            questions, oos = load_eval(TESTS / name)
            real_queries += [q.text for q in (*questions, *oos)]
    if real:
        rows.append(("real knowledge base", measure(
            real, smalltalk, synonyms, real_queries, args.runs, 200)))
    fake = synthetic_entries(args.synthetic)
    rows.append((f"synthetic ({args.synthetic:,} entries)", measure(
        fake, smalltalk, synonyms, queries_for(fake, args.queries), args.runs, 60)))

    print(f"## FAQ search ({dt.date.today().isoformat()})\n")
    print(f"Machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}. "
          f"Median of {args.runs} runs. Questions: {args.queries} entry paraphrases typed "
          "phone-style (no diacritics, a dropped word, a typo), plus for the real base the dev "
          "and evaluation sets. Naive baseline: rank_bm25.BM25Okapi over the same terms, "
          "scoring every document per question.\n")
    print("| corpus | entries | build (s) | p50 (ms) | p99 (ms) | p99 CPU (ms) | "
          "naive p50 (ms) | speed-up (p50) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, m in rows:
        print(f"| {name} | {int(m['entries']):,} | {m['build']:.2f} | {m['p50'] * 1e3:.2f} | "
              f"{m['p99'] * 1e3:.2f} | {m['cpu99'] * 1e3:.2f} | {m['naive_p50'] * 1e3:.2f} | "
              f"{m['naive_p50'] / m['p50']:.0f}× |")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nLoad average during the run: {load:.1f} (wall-clock percentiles include waiting "
          "for the CPU; the CPU column is this thread's own time).")
    if real:
        print()
        accuracy_table(FaqIndex.build(real, smalltalk, synonyms))


def accuracy_table(index: FaqIndex) -> None:
    """The answer policy on the evaluation sets, as a Markdown table (counts in brackets)."""
    print("| set | questions | direct answers | with alternative | wrong direct | top-1 | "
          "top-3 | out of scope | OOS answered | OOS refused |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in EVAL_SETS:
        path = TESTS / name
        if path.exists():
            r = evaluate(index, *load_eval(path))
            wrong = round(r.wrong * r.questions)
            oos = round(r.oos_answered * r.out_of_scope)
            print(f"| {name} | {r.questions} | {r.direct:.1%} | {r.with_alternative:.1%} | "
                  f"{r.wrong:.1%} ({wrong}) | {r.top1:.1%} | {r.top3:.1%} | {r.out_of_scope} | "
                  f"{r.oos_answered:.1%} ({oos}) | {r.rejection:.1%} |")


if __name__ == "__main__":
    main()
