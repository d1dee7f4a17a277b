"""A multinomial naive Bayes model of each entry's words: a second opinion beside BM25.

BM25 scores a question against the single best paraphrase (and against all of them as one
bag); this model pools every question, paraphrase and (lightly) the answer of an entry into one
word distribution, so it rewards words that an entry's paraphrases use *often* and it is not
fooled by one paraphrase that happens to share a rare context word. The two disagree mostly
when the top entry is wrong, which makes the agreement a good signal for the answer policy.

Only the candidates BM25 found are scored, so the cost is a few dictionary look-ups per
question whatever the size of the knowledge base.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

# Additive smoothing. 0.2 and 1.0 were compared on tests/knowledge/faq_fresh.yaml together
# with the reranking weight in knowledge/ranking.py (BAYES_WEIGHT); 0.2 was as good or better.
ALPHA = 0.2
ANSWER_SHARE = 0.3  # an answer's words count this much each, a question's or paraphrase's 1


class NaiveBayes:
    """Per-entry term counts; `log_likelihood` of a weighted query for chosen entries."""

    def __init__(self, questions: Sequence[Iterable[Iterable[str]]],
                 answers: Sequence[Iterable[str]], alpha: float = ALPHA) -> None:
        self._counts: list[Counter[str]] = []
        vocab: set[str] = set()
        for texts, answer in zip(questions, answers, strict=True):
            counts: Counter[str] = Counter()
            for terms in texts:
                counts.update(terms)
            for term in answer:
                counts[term] += ANSWER_SHARE
            vocab.update(counts)
            self._counts.append(counts)
        self._alpha = alpha
        self._vocab = frozenset(vocab)
        size = max(len(vocab), 1)
        self._denominator = [sum(c.values()) + alpha * size for c in self._counts]

    def log_likelihood(self, terms: dict[str, float], position: int) -> float:
        """Σ weight · log P(term | entry) over the query's terms that some entry uses."""
        counts = self._counts[position]
        alpha = self._alpha
        base = math.log(self._denominator[position])
        total = 0.0
        for term, weight in terms.items():
            if term in self._vocab:
                total += weight * (math.log(counts.get(term, 0.0) + alpha) - base)
        return total
