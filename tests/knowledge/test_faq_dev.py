"""FAQ search quality on the real knowledge base and the development set used for tuning."""

from __future__ import annotations

from pathlib import Path

from knowledge.content import default_root
from knowledge.evaluation import evaluate, load_eval
from knowledge.faq import load_faq
from knowledge.problems import Problem
from knowledge.retrieval import FaqIndex
from knowledge.smalltalk import load_smalltalk
from knowledge.synonyms import load_synonyms

DEV_FILE = Path(__file__).parent / "faq_dev.yaml"
MIN_TOP1 = 0.90
MIN_REJECTION = 0.90
MAX_WRONG = 0.05  # confident wrong answers are worse than "I don't know"


def test_real_faq_on_development_set() -> None:
    questions, oos = load_eval(DEV_FILE)
    problems: list[Problem] = []
    root = default_root()
    entries = load_faq(root, problems)
    index = FaqIndex.build(entries, load_smalltalk(root, problems), load_synonyms(root, problems))
    unknown = sorted({e for q in questions for e in q.expect if index.get(e) is None})
    assert not unknown, f"{DEV_FILE} expects entry ids that do not exist: {unknown}"
    report = evaluate(index, questions, oos)
    print(report.summary())
    for miss in report.misses:
        print("  miss:", miss)
    assert report.top1 >= MIN_TOP1, report.summary()
    assert report.rejection >= MIN_REJECTION, report.summary()
    assert report.wrong <= MAX_WRONG, report.summary()
