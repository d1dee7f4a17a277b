"""Passage search: the FAQ's normalisation and BM25 over passages, a confidence, a short extract."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TypeVar

import numpy as np

from knowledge.bm25 import BM25Index
from knowledge.normalise import STOPWORDS, Analysed
from knowledge.synonyms import Synonyms
from knowledge.terms import ASKING, Analyzer, Query, doc_terms

MAX_QUERY_CHARS = 400
MAX_EXTRACT = 350  # characters of a reply's extract, cut from the passage's own sentences
CANDIDATES = 8  # best passages by BM25 whose word coverage is worked out
# A passage answers when it holds nearly all the question's content words (weighted by how
# rare they are in the material), its BM25 score is a fair share of the question's own, and
# at least MIN_WORDS different content words match: one shared word is a topic, not an answer.
# Chosen on the handout questions and the FAQ's out-of-scope sets (docs/material.md).
MIN_COVERAGE = 0.80
MIN_SCORE = 0.35
MIN_WORDS = 2
COVERAGE_WEIGHT = 1.0  # rank = normalised BM25 + COVERAGE_WEIGHT * coverage
# Vietnamese words are mostly two syllables, and coverage counts syllables: "xin việc" is
# covered by any passage with "xin" and "việc" apart. People who type loosely leave out or
# swap some syllables; their question still answers when a fair share of its two-syllable
# words stand in the passage as they were asked (PAIR_COVERAGE), the syllables mostly do, and
# no passage of another page ranks nearly as well (MARGIN). Chosen on a development set of
# handout questions and the FAQ's out-of-scope sets (docs/material.md), not the evaluation set.
LOOSE_COVERAGE = 0.50
LOOSE_SCORE = 0.30
PAIR_COVERAGE = 0.30
MARGIN = 0.10
# Words that say what kind of answer is wanted ("bao lâu", "nghĩa là gì"), not what about:
# a passage need not contain them.
FRAMING = ASKING | {"nghia"}

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class IndexedPassage:
    """A stored passage as the index needs it."""

    id: int
    document: str  # the document's title
    page: int
    heading: str
    text: str  # sentences, one a line

    @property
    def sentences(self) -> list[str]:
        """The passage's sentences."""
        return [s for s in self.text.split("\n") if s]


class _Candidate:
    """A passage that may answer: its rank, position, score, coverages and verdict."""

    __slots__ = ("coverage", "matched", "ok", "pairs", "position", "rank", "score")

    def __init__(self, position: int, score: float, coverage: float, matched: int,
                 pairs: float) -> None:
        self.position = position
        self.score = score
        self.coverage = coverage
        self.matched = matched  # how many different content words of the question it holds
        self.pairs = pairs
        self.rank = score + COVERAGE_WEIGHT * coverage
        self.ok = False


@dataclass(frozen=True, slots=True)
class PassageMatch:
    """The passage that answers a question, how sure the search is, and what to quote."""

    passage: IndexedPassage
    extract: str
    confidence: float
    coverage: float
    score: float


# Bump when the normaliser changes how text is analysed: stored analyses are then redone.
ANALYSIS_VERSION = 2  # 2: "%" read as "phần trăm"


def _prepared(text: str) -> str:
    """Text as the analyser gets it: "40%" also says "phần trăm", as people type it."""
    return text.replace("%", " phần trăm ")


class PassageAnalyzer:
    """A passage's analysed text (the FAQ's normalisation and synonyms) as a storable string,
    with a key that changes when the synonyms or the normaliser change."""

    def __init__(self, synonyms: Synonyms | None = None) -> None:
        self.synonyms = synonyms or Synonyms()
        self._analyzer = Analyzer(self.synonyms)
        digest = hashlib.sha256(repr((ANALYSIS_VERSION, self.synonyms.same)).encode())
        self.key = digest.hexdigest()[:16]

    def analyse(self, heading: str, text: str) -> Analysed:
        """The analysed heading and text of a passage."""
        return self._analyzer.document(_prepared(f"{heading}\n{text}"))

    def encode(self, heading: str, text: str) -> str:
        """The analysis as one string: folded syllables, a tab, accented syllables."""
        analysed = self.analyse(heading, text)
        return " ".join(analysed.folded) + "\t" + " ".join(analysed.accented)

    @staticmethod
    def decode(stored: str) -> Analysed:
        """The analysis back from `encode`'s string."""
        folded, _, accented = stored.partition("\t")
        return Analysed(tuple(folded.split()), tuple(accented.split()))


class PassageIndex:
    """Every passage of the material that is not retired; built once, asked many times."""

    def __init__(self, passages: Sequence[IndexedPassage], synonyms: Synonyms | None = None,
                 analysed: dict[int, Analysed] | None = None) -> None:
        """Index `passages`; `analysed` (passage id → analysed text) is reused and filled, so
        rebuilding after a change only analyses the new passages (analysis is most of the
        build time: about 2 ms a passage)."""
        self.passages = tuple(passages)
        self._analyzer = Analyzer(synonyms or Synonyms())
        cache = {} if analysed is None else analysed
        docs: list[list[str]] = []
        self._words: list[frozenset[str]] = []
        pairs: list[frozenset[tuple[str, str]]] = []
        for passage in self.passages:
            text = cache.get(passage.id)
            if text is None:
                text = self._analyzer.document(_prepared(f"{passage.heading}\n{passage.text}"))
                cache[passage.id] = text
            docs.append(doc_terms(text))
            self._words.append(frozenset(text.folded))
            pairs.append(frozenset(pairwise(text.folded)))
        self._bm25 = BM25Index(docs)
        # Coverage is judged over the passage's section (`_by_section`); the best-scoring
        # part of it is quoted.
        self._section_words = _by_section(self.passages, self._words)
        self._section_pairs = _by_section(self.passages, pairs)
        n = max(len(self._words), 1)
        self._idf = _idf(Counter(w for ws in self._words for w in ws), n)
        self._pair_idf = _idf(Counter(p for ps in pairs for p in ps), n)
        self._unknown_idf = float(np.log(1 + (n + 0.5) / 0.5))

    def __len__(self) -> int:
        return len(self.passages)

    def ask(self, text: str) -> PassageMatch | None:
        """The passage that answers `text` confidently, or None (no extract is cut for it)."""
        query, found = self._ranked(text)
        if not found or not found[0].ok:
            return None
        return self._match(query, found[0])

    def search(self, text: str, k: int = 3) -> list[PassageMatch]:
        """The `k` best passages, best first; confidence 1.0 when a passage answers."""
        query, found = self._ranked(text)
        return [self._match(query, f) for f in found[:k]]

    def _match(self, query: Query, found: _Candidate) -> PassageMatch:
        passage = self.passages[found.position]
        confidence = 1.0 if found.ok else min(found.rank / 2.0, 0.99)
        return PassageMatch(passage, self.extract(query, passage), confidence, found.coverage,
                            found.score)

    def _ranked(self, text: str) -> tuple[Query, list[_Candidate]]:
        """The analysed question and the best candidates, best first, each judged."""
        query = self._analyzer.query(_prepared(text[:MAX_QUERY_CHARS]))
        if not self.passages or not query.weights:
            return query, []
        ids, weights = self._bm25.lookup(query.terms)
        scores = self._bm25.scores(ids, weights)
        norm = 1.0 / max(self._bm25.self_score(ids, weights, query.length), 1e-6)
        if not scores.size or float(scores.max()) <= 0.0:
            return query, []
        top = np.argsort(-scores)[:CANDIDATES] if scores.size <= CANDIDATES else (
            np.argpartition(scores, scores.size - CANDIDATES)[-CANDIDATES:]
        )
        asked = _content_pairs(query)
        found: list[_Candidate] = []
        for position in top.tolist():
            score = float(scores[position]) * norm
            if score <= 0.0:
                continue
            coverage, matched = self._coverage(query, self._section_words[position])
            pairs = self._pair_coverage(asked, self._section_pairs[position])
            found.append(_Candidate(position, score, coverage, matched, pairs))
        found.sort(key=lambda f: -f.rank)
        for candidate in found:
            page = self._page(candidate.position)
            rival = next((f.rank for f in found if self._page(f.position) != page), 0.0)
            candidate.ok = candidate.matched >= MIN_WORDS and (
                (candidate.coverage >= MIN_COVERAGE and candidate.score >= MIN_SCORE)
                or (
                    candidate.coverage >= LOOSE_COVERAGE
                    and candidate.score >= LOOSE_SCORE
                    and candidate.pairs >= PAIR_COVERAGE
                    and candidate.rank - rival >= MARGIN
                )
            )
        return query, found

    def _page(self, position: int) -> tuple[str, int]:
        passage = self.passages[position]
        return passage.document, passage.page

    def _pair_coverage(self, asked: list[tuple[str, str]],
                       pairs: frozenset[tuple[str, str]]) -> float:
        """Share of the question's two-syllable content words (weighted by rarity) in `pairs`."""
        total = found = 0.0
        for pair in asked:
            idf = self._pair_idf.get(pair, self._unknown_idf)
            total += idf
            if pair in pairs:
                found += idf
        return found / total if total else 0.0

    def _coverage(self, query: Query, words: frozenset[str]) -> tuple[float, int]:
        """Share of the question's content words (weighted by rarity) in `words`, and how many."""
        total = found = 0.0
        matched = 0
        for word, weight in query.weights.items():
            if word in FRAMING:
                continue
            idf = weight * self._idf.get(word, self._unknown_idf)
            total += idf
            if word in words:
                found += idf
                matched += 1
        return (found / total if total else 0.0), matched

    def extract(self, query: Query, passage: IndexedPassage) -> str:
        """The passage's sentences that match the question best, verbatim, ≤ MAX_EXTRACT chars."""
        sentences = passage.sentences
        scored = []
        for i, sentence in enumerate(sentences):
            words = frozenset(self._analyzer.document(sentence).folded)
            overlap, _ = self._coverage(query, words)
            scored.append((overlap, -i))
        order = sorted(range(len(sentences)), key=lambda i: scored[i], reverse=True)
        chosen: list[int] = []
        size = 0
        for i in order:
            if chosen and scored[i][0] <= 0.0:
                break
            extra = len(sentences[i]) + (1 if chosen else 0)
            if chosen and size + extra > MAX_EXTRACT:
                continue
            chosen.append(i)
            size += extra
        text = " ".join(sentences[i] for i in sorted(chosen))
        return _cut(text, MAX_EXTRACT)


def _section(passage: IndexedPassage) -> tuple[str, int, str]:
    return passage.document, passage.page, passage.heading


def _by_section(passages: Sequence[IndexedPassage], items: Sequence[frozenset[T]]
                ) -> list[frozenset[T]]:
    """For each passage, the items of its whole section (same page and heading) and those of
    its page's opening passage: a section cut into several passages still answers as a whole,
    and the page's title and first lines say what all of it is about ("OCOP" in a question is
    covered under "Tinh thần của chương trình" on the page "Chương trình OCOP là gì")."""
    sections: dict[tuple[str, int, str], set[T]] = {}
    titles: dict[tuple[str, int], frozenset[T]] = {}
    for passage, found in zip(passages, items, strict=True):
        page = (passage.document, passage.page)
        if page not in titles:
            titles[page] = found
        sections.setdefault(_section(passage), set(titles[page])).update(found)
    return [frozenset(sections[_section(p)]) for p in passages]


def _idf(df: Counter[T], n: int) -> dict[T, float]:
    return {k: float(np.log(1 + (n - d + 0.5) / (d + 0.5))) for k, d in df.items()}


def _content_pairs(query: Query) -> list[tuple[str, str]]:
    """Adjacent syllables of the question that are both content words: its compound words."""
    words = query.text.folded
    return [(x, y) for x, y in pairwise(words)
            if x not in STOPWORDS and y not in STOPWORDS and x not in FRAMING and y not in FRAMING]


def _cut(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip(" ,;:") + "…"


def content_words(analysed: Analysed) -> frozenset[str]:
    """The folded words of `analysed` that carry meaning."""
    return frozenset(analysed.folded) - STOPWORDS
