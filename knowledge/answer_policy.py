"""The FAQ answer policy: from the ranked candidates of one question to what the user is shown.

A producer on a phone pays for every extra tap, so the policy answers whenever it can:

- `UNKNOWN`: nothing in the FAQ is relevant (the relevance of the best candidate is below
  RELEVANT_AT). The question is refused and may be passed to an officer.
- `DIRECT`: the top entry's answer, alone. When it is sure (confidence ≥ SURE_AT), or when
  no other entry comes near it (a single suggestion is always an answer).
- `CHOOSE`: nothing is answered; the closest questions are offered. Only when the top entry
  is not sure AND the runner-up is a real competitor: nearly as strong (rank ≥ COMPETE_SHARE
  of the best) and about a different thing (neither lists the other as related); or when the
  message is a bare topic ("ocop", "hồ sơ"), not a question, and several entries are near.
- `WITH_ALTERNATIVE`: otherwise, the top entry's answer plus "Hoặc anh/chị muốn hỏi: …"
  with the runner-up as a button: unsure, but answering costs a tap less than choosing.

Calibrated on tests/knowledge/faq_fresh.yaml (2026-12-02, after the content of issue 17): a
grid over the four thresholds below, keeping the older sets' tests passing (faq_dev.yaml
allows 5% wrong answers). The wrong answers left were confident (the ranking put a wrong
entry clearly first), so they were fixed in the search, not here (2026-12-03: fillers no
longer swallow accented words, greetings are only cut at the edges of a question, a scene
without a comma weighs as context, synonyms and paraphrases): the same thresholds now answer
90.7% of in-scope questions, 1.8% wrongly, and 5.0% of out-of-scope ones; a new grid found no
setting better on all three sets. Figures: docs/benchmarks.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from knowledge.faq import FaqEntry

# Below this relevance (probability that the FAQ can answer at all) the question is refused.
RELEVANT_AT = 0.35
# Confidence (probability that the top entry is right) from which it is answered alone.
SURE_AT = 0.90
ANSWER_AT = SURE_AT  # the name the rest of the code and the tests know it by
NEAR_SHARE = 0.75  # a candidate ranking under this share of the best one is not "near"
COMPETE_SHARE = 0.70  # a runner-up ranking at least this share of the best one competes
MAX_CHOICES = 3


class Band(StrEnum):
    """What the user is shown for an OCOP question (stable strings: they reach the API)."""

    DIRECT = "direct"
    WITH_ALTERNATIVE = "with_alternative"
    CHOOSE = "choose"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Ranked:
    """A candidate entry with its confidence, relevance and rank score."""

    entry: FaqEntry
    confidence: float  # probability that this entry is the right answer
    relevance: float  # probability that the FAQ can answer the question at all
    rank: float  # the ranking score (knowledge/ranking.py)


@dataclass(frozen=True, slots=True)
class Decision:
    """The policy's verdict: the band, the answer and its alternative, or the choices."""

    band: Band
    entry: FaqEntry | None = None  # the answer (DIRECT, WITH_ALTERNATIVE)
    alternative: FaqEntry | None = None  # the runner-up offered beside it (WITH_ALTERNATIVE)
    choices: tuple[FaqEntry, ...] = ()  # the questions offered instead (CHOOSE)
    confidence: float = 0.0  # the top candidate's (its relevance when UNKNOWN)

    @property
    def answered(self) -> bool:
        """Whether an entry's answer is shown straight away."""
        return self.band in (Band.DIRECT, Band.WITH_ALTERNATIVE)


def same_thing(a: FaqEntry, b: FaqEntry) -> bool:
    """Two entries about the same thing: one lists the other as related."""
    return b.id in a.related or a.id in b.related


def competes(best: Ranked, runner: Ranked) -> bool:
    """The runner-up is a real competitor: nearly as strong and about a different thing."""
    return runner.rank >= COMPETE_SHARE * best.rank and not same_thing(best.entry, runner.entry)


def decide(ranked: Sequence[Ranked], *, bare_topic: bool = False) -> Decision:
    """Choose the band for candidates sorted best first (see the module docstring)."""
    if not ranked or ranked[0].relevance < RELEVANT_AT:
        # Nothing fits: the best candidate's relevance is the more honest score here.
        return Decision(Band.UNKNOWN, confidence=ranked[0].relevance if ranked else 0.0)
    best = ranked[0]
    near = [r for r in ranked[1:] if r.rank >= NEAR_SHARE * best.rank]
    if not near or (best.confidence >= SURE_AT and not bare_topic):
        return Decision(Band.DIRECT, best.entry, confidence=best.confidence)
    runner = near[0]
    if bare_topic or competes(best, runner):
        choices = tuple(r.entry for r in (best, *near))[:MAX_CHOICES]
        return Decision(Band.CHOOSE, choices=choices, confidence=best.confidence)
    return Decision(Band.WITH_ALTERNATIVE, best.entry, runner.entry, confidence=best.confidence)
