"""The answer policy: answer whenever one entry stands out, offer the runner-up when unsure,
make the user choose only between real competitors about different things."""

from __future__ import annotations

import pytest

from knowledge import answer_policy
from knowledge.answer_policy import (
    NEAR_SHARE,
    RELEVANT_AT,
    SURE_AT,
    Band,
    Ranked,
    decide,
)
from knowledge.faq import FaqEntry


def entry(entry_id: str, related: tuple[str, ...] = ()) -> FaqEntry:
    return FaqEntry(
        id=entry_id, topic="t", question={"vi": entry_id, "en": entry_id},
        paraphrases={"vi": (), "en": ()}, answer={"vi": "a", "en": "a"}, more=None,
        source="QĐ 148/QĐ-TTg", source_url=None, rule_version="148/2023", confidence="ok",
        hedge=None, tags=(), related=related, outdated=False,
    )


A, B, C = entry("a"), entry("b"), entry("c")
UNSURE = SURE_AT - 0.3


def ranked(*items: tuple[FaqEntry, float, float], relevance: float = 0.9) -> list[Ranked]:
    return [Ranked(e, confidence, relevance, rank) for e, confidence, rank in items]


def test_nothing_relevant_is_refused() -> None:
    decision = decide(ranked((A, 0.95, 2.0), relevance=RELEVANT_AT - 0.01))
    assert decision.band is Band.UNKNOWN and decision.entry is None and not decision.answered
    assert decision.confidence < RELEVANT_AT
    assert decide([]).band is Band.UNKNOWN


def test_a_single_suggestion_is_always_an_answer() -> None:
    decision = decide(ranked((A, 0.05, 2.0), (B, 0.01, 2.0 * NEAR_SHARE - 0.01)))
    assert decision.band is Band.DIRECT and decision.entry is A
    assert decision.alternative is None and decision.choices == ()


def test_sure_answers_alone_even_beside_a_close_runner_up() -> None:
    decision = decide(ranked((A, SURE_AT, 2.0), (B, 0.1, 1.99)))
    assert decision.band is Band.DIRECT and decision.entry is A and decision.alternative is None


def test_unsure_without_a_real_competitor_answers_and_offers_the_runner_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The calibrated shares may leave no room between "near" and "competing": widen it.
    monkeypatch.setattr(answer_policy, "NEAR_SHARE", 0.75)
    monkeypatch.setattr(answer_policy, "COMPETE_SHARE", 0.9)
    decision = decide(ranked((A, UNSURE, 2.0), (B, 0.1, 1.7)))
    assert decision.band is Band.WITH_ALTERNATIVE and decision.answered
    assert decision.entry is A and decision.alternative is B and decision.choices == ()


def test_a_close_runner_up_about_the_same_thing_is_no_competitor() -> None:
    related = entry("a", related=("b",))
    decision = decide(ranked((related, UNSURE, 2.0), (B, 0.1, 1.99)))
    assert decision.band is Band.WITH_ALTERNATIVE and decision.alternative is B
    reverse = decide(ranked((A, UNSURE, 2.0), (entry("b", related=("a",)), 0.1, 1.99)))
    assert reverse.band is Band.WITH_ALTERNATIVE


def test_unsure_between_real_competitors_lets_the_user_choose() -> None:
    decision = decide(ranked((A, UNSURE, 2.0), (B, 0.2, 1.9), (C, 0.1, 1.6), (entry("d"), 0, 1)))
    assert decision.band is Band.CHOOSE and not decision.answered
    assert decision.entry is None and decision.alternative is None
    assert decision.choices == (A, B, C)
    assert decision.confidence == UNSURE


def test_a_bare_topic_is_not_answered_while_several_entries_are_near() -> None:
    decision = decide(ranked((A, 0.99, 2.0), (B, 0.1, 1.6)), bare_topic=True)
    assert decision.band is Band.CHOOSE and decision.choices == (A, B)
    alone = decide(ranked((A, 0.99, 2.0), (B, 0.1, 1.0)), bare_topic=True)
    assert alone.band is Band.DIRECT and alone.entry is A
