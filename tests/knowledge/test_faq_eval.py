"""FAQ search quality on the real knowledge base and the independent evaluation set."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.content import default_root
from knowledge.evaluation import evaluate, load_eval
from knowledge.faq import load_faq
from knowledge.problems import Problem
from knowledge.retrieval import FaqIndex
from knowledge.smalltalk import load_smalltalk
from knowledge.synonyms import load_synonyms

EVAL_FILE = Path(__file__).parent / "faq_eval.yaml"
MIN_TOP1 = 0.90
MIN_REJECTION = 0.90


def real_index() -> FaqIndex:
    problems: list[Problem] = []
    root = default_root()
    entries = load_faq(root, problems)
    index = FaqIndex.build(entries, load_smalltalk(root, problems), load_synonyms(root, problems))
    for problem in problems:
        print(f"content problem: {problem}")
    return index


def test_real_faq_on_evaluation_set() -> None:
    if not EVAL_FILE.exists():
        pytest.fail(
            f"{EVAL_FILE} is missing: it is the independent evaluation set "
            "(questions: [{q, lang, expect}], out_of_scope: [{q, lang}]) and must be written "
            "before FAQ search quality can be judged."
        )
    questions, oos = load_eval(EVAL_FILE)
    assert questions, f"{EVAL_FILE} has no questions"
    index = real_index()
    unknown = sorted({e for q in questions for e in q.expect if index.get(e) is None})
    assert not unknown, f"{EVAL_FILE} expects entry ids that do not exist: {unknown}"
    report = evaluate(index, questions, oos)
    print(report.summary())
    for miss in report.misses:
        print("  miss:", miss)
    assert report.top1 >= MIN_TOP1, report.summary()
    assert not oos or report.rejection >= MIN_REJECTION, report.summary()
