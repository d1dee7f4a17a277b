"""FAQ search quality on a question set: top-1, top-3, wrong answers, out-of-scope rejection."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge.retrieval import FaqIndex

SHOWN = ("answer", "suggest")  # kinds where the user sees FAQ entries
REJECTED = ("out_of_scope", "unknown", "greeting", "thanks", "empty")


@dataclass(frozen=True, slots=True)
class EvalQuestion:
    """A question with the entry ids that would be a right answer."""

    text: str
    lang: str
    expect: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Report:
    """Search quality over an evaluation set; rates are fractions in [0, 1]."""

    questions: int
    top1: float  # the right entry is the answer or the first suggestion
    top3: float  # the right entry is among the first three shown or ranked
    answered: float  # answered directly with a right entry
    wrong: float  # answered directly with a wrong entry (the costly mistake)
    out_of_scope: int
    rejection: float  # out-of-scope questions with no entry offered at all
    misses: tuple[str, ...] = field(default=())
    direct: float = 0.0  # answered directly (right or wrong; with or without an alternative)
    with_alternative: float = 0.0  # answered and the runner-up offered beside the answer
    oos_answered: float = 0.0  # out-of-scope questions answered with an OCOP entry

    def summary(self) -> str:
        """One line per metric, for test output and the bench."""
        return (
            f"questions={self.questions} direct={self.direct:.3f} "
            f"with_alternative={self.with_alternative:.3f} top1={self.top1:.3f} "
            f"top3={self.top3:.3f} answered={self.answered:.3f} wrong={self.wrong:.3f} "
            f"out_of_scope={self.out_of_scope} oos_answered={self.oos_answered:.3f} "
            f"rejection={self.rejection:.3f}"
        )


def load_eval(path: Path) -> tuple[list[EvalQuestion], list[EvalQuestion]]:
    """Read `questions:` and `out_of_scope:` from an evaluation YAML file.

    Raises FileNotFoundError or ValueError with a message naming the bad item.
    """
    with path.open(encoding="utf-8") as fh:
        data: Any = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with 'questions' and 'out_of_scope'")

    def items(key: str, need_expect: bool) -> list[EvalQuestion]:
        out: list[EvalQuestion] = []
        for n, raw in enumerate(data.get(key) or []):
            if not isinstance(raw, dict) or not isinstance(raw.get("q"), str):
                raise ValueError(f"{path}: {key}[{n}] needs a string 'q'")
            expect = raw.get("expect", [])
            expect = [expect] if isinstance(expect, str) else expect
            if need_expect and (not expect or not all(isinstance(e, str) for e in expect)):
                raise ValueError(f"{path}: {key}[{n}] needs 'expect' (an id or a list of ids)")
            out.append(EvalQuestion(raw["q"], str(raw.get("lang", "vi")), tuple(expect)))
        return out

    return items("questions", True), items("out_of_scope", False)


def evaluate(index: FaqIndex, questions: list[EvalQuestion], oos: list[EvalQuestion]) -> Report:
    """Ask every question and measure how often the right entry comes first, or in the top 3."""
    top1 = top3 = answered = wrong = alternatives = 0
    misses: list[str] = []
    for item in questions:
        result = index.ask(item.text, item.lang)
        ranked = [e.id for e, _ in index.search(item.text, item.lang)]
        shown = [result.entry.id] if result.entry else [e.id for e in result.suggestions]
        hit1 = result.kind in SHOWN and bool(shown) and shown[0] in item.expect
        hit3 = result.kind in SHOWN and bool(set(item.expect) & set((shown + ranked)[:3]))
        top1 += hit1
        top3 += hit3
        if result.kind == "answer":
            answered += hit1
            wrong += not hit1
            alternatives += result.alternative is not None
        if not hit1:
            got = shown[0] if shown else (ranked[0] if ranked else "-")
            misses.append(
                f"{item.text!r} [{item.lang}] expect {'|'.join(item.expect)}: "
                f"{result.kind} {got} ({result.score:.2f})"
            )
    rejected = oos_answered = 0
    for item in oos:
        result = index.ask(item.text, item.lang)
        oos_answered += result.kind == "answer"
        if result.kind in REJECTED:
            rejected += 1
        else:
            got = result.entry.id if result.entry else [e.id for e in result.suggestions]
            misses.append(f"out of scope {item.text!r}: {result.kind} {got} ({result.score:.2f})")
    n, m = max(len(questions), 1), max(len(oos), 1)
    return Report(
        questions=len(questions), top1=top1 / n, top3=top3 / n, answered=answered / n,
        wrong=wrong / n, out_of_scope=len(oos), rejection=rejected / m, misses=tuple(misses),
        direct=(answered + wrong) / n, with_alternative=alternatives / n,
        oos_answered=oos_answered / m,
    )
