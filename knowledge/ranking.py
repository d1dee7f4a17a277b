"""Per-language FAQ fields (question, bag of paraphrases, answer) and candidate ranking."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from knowledge.bm25 import BM25Index
from knowledge.faq import FaqEntry
from knowledge.naive_bayes import NaiveBayes
from knowledge.normalise import STOPWORDS
from knowledge.terms import Analyzer, Query, doc_terms

CANDIDATES = 10  # entries returned per question
DETAILED = 12  # best entries by field score whose word coverage is worked out
NEAR_BEST = 0.25  # documents scoring under this share of the best one are not candidates
# How candidates are ranked: rank = 1.0*question + 0.5*bag + 0.5*answer + 0.6*coverage, each
# field score capped at 1. Chosen by a grid search on held-out paraphrases (each entry's k-th
# paraphrase removed from the index and asked): top-1 rose from 0.50 (question field only) to
# 0.63 (top-3 0.83), and tests/knowledge/faq_dev.yaml reached 0.96 (top-3 1.00).
QUESTION_WEIGHT = 1.0
BAG_WEIGHT = 1.0
ANSWER_WEIGHT = 0.8
COVERAGE_WEIGHT = 0.6
CONTAINMENT_WEIGHT = 0.3
BAYES_WEIGHT = 0.1
FIELD_WEIGHTS = QUESTION_WEIGHT + BAG_WEIGHT + ANSWER_WEIGHT

@dataclass(frozen=True, slots=True)
class Candidate:
    """An entry (by position) with its scores, each normalised by the question's self-score."""

    position: int
    question: float  # best single question or paraphrase
    bag: float  # all questions and paraphrases together
    answer: float  # the answer text
    coverage: float = 0.0  # share of the question's content words found in the entry
    containment: float = 0.0  # share of the best entry question's content words asked
    bayes: float = 0.0  # naive Bayes log-likelihood minus the best candidate's (<= 0)

    @property
    def fields(self) -> float:
        """The weighted sum of the capped field scores."""
        return (
            QUESTION_WEIGHT * min(self.question, 1.0)
            + BAG_WEIGHT * min(self.bag, 1.0)
            + ANSWER_WEIGHT * min(self.answer, 1.0)
        )

    @property
    def lexical(self) -> float:
        """The BM25 side of the rank: field scores plus the coverage of content words."""
        return (
            self.fields + COVERAGE_WEIGHT * self.coverage + CONTAINMENT_WEIGHT * self.containment
        )

    @property
    def rank(self) -> float:
        """The ranking score: the lexical score, lowered by how much less likely the naive
        Bayes model finds this entry than the best candidate."""
        return self.lexical + BAYES_WEIGHT * self.bayes


class LangIndex:
    """The search structures of one language over the entries that may be served."""

    def __init__(self, entries: Sequence[FaqEntry], lang: str, analyzer: Analyzer) -> None:
        self.entries = list(entries)
        variants: list[list[str]] = []
        starts: list[int] = []
        bags: list[list[str]] = []
        answers: list[list[str]] = []
        words: list[frozenset[str]] = []
        variant_words: list[frozenset[str]] = []
        for entry in self.entries:
            starts.append(len(variants))
            seen: set[str] = set()
            for question in entry.questions(lang):
                analysed = analyzer.document(question)
                variants.append(doc_terms(analysed))
                variant_words.append(frozenset(analysed.folded) - STOPWORDS)
                seen.update(analysed.folded)
            bags.append([t for doc in variants[starts[-1] :] for t in doc])
            answer = analyzer.document(entry.answer[lang])
            answers.append(doc_terms(answer))
            seen.update(answer.folded)
            words.append(frozenset(seen))
        self.bayes = NaiveBayes(
            [variants[lo:hi] for lo, hi in pairwise([*starts, len(variants)])], answers
        )
        self.questions = BM25Index(variants)
        self.bags = BM25Index(bags)
        self.answers = BM25Index(answers)
        self.starts = np.asarray([*starts, len(variants)], dtype=np.int64)
        self.variant_entry = np.repeat(np.arange(len(starts)), np.diff(self.starts))
        self.words = words
        df = Counter(w for ws in words for w in ws)
        n = max(len(words), 1)
        self.word_idf = {w: float(np.log(1 + (n - d + 0.5) / (d + 0.5))) for w, d in df.items()}
        self.unknown_idf = float(np.log(1 + (n + 0.5) / 0.5))
        self.variant_words = [
            (ws, sum(self.word_idf[w] for w in ws)) for ws in variant_words
        ]
        self.unigrams = Counter(t for doc in (*bags, *answers) for t in doc if "_" not in t)
        self.bigrams = {t for doc in bags for t in doc if "_" in t}

    def rank(self, query: Query) -> list[Candidate]:
        """The best candidate entries, best first.

        Only the best paraphrases, bags and answers are looked at, so no array the size of the
        corpus is walked in Python or reduced per entry.
        """
        if not self.entries:
            return []
        raw, norms = [], []
        for index in (self.questions, self.bags, self.answers):
            ids, weights = index.lookup(query.terms)
            norms.append(1.0 / max(index.self_score(ids, weights, query.length), 1e-6))
            raw.append(index.scores(ids, weights))
        per_variant, per_bag, per_answer = raw
        q_norm, b_norm, a_norm = norms
        best_q: dict[int, float] = {}
        variants = _top(per_variant, 3 * CANDIDATES)
        for entry, score in zip(
            self.variant_entry[variants].tolist(), per_variant[variants].tolist(), strict=True
        ):
            best_q[entry] = max(best_q.get(entry, 0.0), score)
        for entry in {*_top(per_bag, CANDIDATES).tolist(), *_top(per_answer, CANDIDATES).tolist()}:
            if entry not in best_q:
                lo, hi = self.starts[entry], self.starts[entry + 1]
                best_q[entry] = float(per_variant[lo:hi].max())
        found = [
            Candidate(e, q * q_norm, float(per_bag[e]) * b_norm, float(per_answer[e]) * a_norm)
            for e, q in best_q.items()
            if q > 0 or per_bag[e] > 0 or per_answer[e] > 0
        ]
        found.sort(key=lambda c: -c.fields)
        said = frozenset(query.text.folded)
        found = found[:DETAILED]
        likelihood = [self.bayes.log_likelihood(query.terms, c.position) for c in found]
        best = max(likelihood, default=0.0)
        found = [
            Candidate(
                c.position, c.question, c.bag, c.answer,
                self.coverage(query, c.position), self.containment(said, c.position),
                like - best,
            )
            for c, like in zip(found, likelihood, strict=True)
        ]
        found.sort(key=lambda c: -c.rank)
        return found[:CANDIDATES]

    def novelty(self, query: Query) -> float:
        """Share of the question's content words (weighted by rarity) no entry uses at all."""
        total = novel = 0.0
        for word, weight in query.weights.items():
            idf = self.word_idf.get(word)
            total += weight * (idf if idf is not None else self.unknown_idf)
            novel += 0.0 if idf is not None else weight * self.unknown_idf
        return novel / total if total else 0.0

    def information(self, query: Query) -> float:
        """How much the question's content words say: their rarity (idf) summed, by weight."""
        return sum(
            weight * self.word_idf.get(word, self.unknown_idf)
            for word, weight in query.weights.items()
        )

    def containment(self, said: frozenset[str], position: int) -> float:
        """How fully the question contains one of the entry's questions (its content words).

        The other side of `coverage`: a long question with context ("nhà em làm tôm khô ở
        Năm Căn, nộp hồ sơ OCOP ở đâu") still contains all of "nộp hồ sơ OCOP ở đâu".
        """
        best = 0.0
        idf = self.word_idf
        for v in range(self.starts[position], self.starts[position + 1]):
            words, total = self.variant_words[v]
            if total > 0:
                best = max(best, sum(idf[w] for w in words & said) / total)
        return best

    def coverage(self, query: Query, position: int) -> float:
        """Share of the question's content words (weighted by rarity) the entry contains."""
        words = self.words[position]
        total = found = 0.0
        for word, weight in query.weights.items():
            idf = weight * self.word_idf.get(word, self.unknown_idf)
            total += idf
            if word in words:
                found += idf
        return found / total if total else 0.0


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the `k` highest scores among those within reach of the best, unordered.

    A threshold pass first (cheap) keeps the partial sort to a few hundred items even when
    the corpus has tens of thousands of documents.
    """
    best = float(scores.max()) if len(scores) else 0.0
    if best <= 0.0:
        return np.zeros(0, dtype=np.int64)
    near = np.flatnonzero(scores >= best * NEAR_BEST)
    if len(near) > k:
        near = near[np.argpartition(scores[near], len(near) - k)[-k:]]
    return near
