"""The fresh evaluation set: how it is made (from topics, as producers type) and the aims the
answer policy must reach on it (issue 17)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rapidfuzz import fuzz

from knowledge.content import default_root
from knowledge.evaluation import EvalQuestion, Report, evaluate, load_eval
from knowledge.faq import FaqEntry, load_faq
from knowledge.folding import fold
from knowledge.problems import Problem
from knowledge.retrieval import FaqIndex
from knowledge.smalltalk import load_smalltalk
from knowledge.synonyms import load_synonyms

FRESH_FILE = Path(__file__).parent / "faq_fresh.yaml"
NEAR_DUPLICATE = 90  # rapidfuzz ratio on folded text from which a question is a copy
TEEN_CODE = {"ko", "k", "dc", "đc", "bn", "j", "ntn", "hs", "sp", "htx", "ad", "ạ"}


@cache
def fresh() -> tuple[list[EvalQuestion], list[EvalQuestion]]:
    return load_eval(FRESH_FILE)


@cache
def entries() -> tuple[FaqEntry, ...]:
    problems: list[Problem] = []
    found = tuple(load_faq(default_root(), problems))
    assert problems == []
    return found


def test_set_size_and_mix() -> None:
    questions, oos = fresh()
    everything = [*questions, *oos]
    assert len(everything) >= 300
    assert len(oos) >= 60
    english = [q for q in everything if q.lang == "en"]
    assert 0.19 <= len(english) / len(everything) <= 0.25, len(english)
    plain = [q for q in everything if q.lang == "vi" and fold(q.text) == q.text.lower()]
    assert len(plain) >= len(everything) / 2, len(plain)
    words = {w for q in everything for w in q.text.lower().replace(",", " ").split()}
    assert words >= TEEN_CODE, TEEN_CODE - words
    assert all(q.expect for q in questions)
    assert len({q.text for q in everything}) == len(everything), "a question is repeated"


def test_no_question_is_copied_from_the_entries() -> None:
    known = [
        (fold(text), entry.id)
        for entry in entries() for lang in ("vi", "en") for text in entry.questions(lang)
    ]
    copies = []
    for item in [*fresh()[0], *fresh()[1]]:
        asked = fold(item.text)
        for text, entry_id in known:
            if fuzz.ratio(asked, text) >= NEAR_DUPLICATE:
                copies.append(f"{item.text!r} ~ {text!r} ({entry_id})")
    assert not copies, "\n".join(copies)


# Issue 17's aims on the fresh set, held by CI (2026-12-03: 0.907 direct, 6 of 333 wrong = 0.018,
# 3 of 60 out of scope answered = 0.05; docs/benchmarks.md). The margins are small (two direct
# answers, no wrong one, no out-of-scope one): a change that costs any of them must be weighed.
MIN_DIRECT = 0.90  # in-scope questions answered straight away (with or without an alternative)
MAX_WRONG = 0.02  # in-scope questions answered with an entry not among the expected
MAX_OOS_ANSWERED = 0.05  # out-of-scope questions answered with an OCOP entry


@cache
def report() -> Report:
    problems: list[Problem] = []
    root = default_root()
    index = FaqIndex.build(
        load_faq(root, problems), load_smalltalk(root, problems), load_synonyms(root, problems)
    )
    questions, oos = fresh()
    unknown = sorted({e for q in questions for e in q.expect if index.get(e) is None})
    assert not unknown, f"{FRESH_FILE} expects entry ids that do not exist: {unknown}"
    result = evaluate(index, questions, oos)
    print(result.summary())
    for miss in result.misses:
        print("  miss:", miss)
    return result


def test_direct_answers_hold_the_floor() -> None:
    assert report().direct >= MIN_DIRECT, report().summary()


def test_wrong_direct_answers_stay_under_the_floor() -> None:
    assert report().wrong <= MAX_WRONG, report().summary()


def test_out_of_scope_is_refused() -> None:
    assert report().oos_answered <= MAX_OOS_ANSWERED, report().summary()
