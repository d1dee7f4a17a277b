"""A BM25 index (weights precomputed by bm25s) scored with one sparse gather per query."""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import numpy as np
import numpy.typing as npt

# Lucene BM25 defaults; short FAQ questions gain little from tuning them.
K1 = 1.2
B = 0.75
# Terms in more than this share of documents are skipped when scoring: their idf is below
# 0.7 (a rare term's is 5-9), so they barely move a score, yet their postings are the longest
# and would dominate query time on a large corpus. A question made only of them keeps them.
MAX_DF_SHARE = 0.5

FloatArray = npt.NDArray[np.float32]


class BM25Index:
    """Term → (document, weight) postings in CSC form, built once by bm25s."""

    def __init__(self, docs: Sequence[Sequence[str]], k1: float = K1, b: float = B) -> None:
        self.n_docs = len(docs)
        self.k1, self.b = k1, b
        self.avg_len = max(float(np.mean([len(d) for d in docs])), 1.0) if docs else 1.0
        self.vocab: dict[str, int] = {}
        self._data: FloatArray = np.zeros(0, dtype=np.float32)
        self._indices = np.zeros(0, dtype=np.int32)
        self._indptr = np.zeros(1, dtype=np.int64)
        self._idf: FloatArray = np.zeros(0, dtype=np.float32)
        self._common: set[str] = set()
        self.max_idf = float(np.log(1.0 + (self.n_docs + 0.5) / 0.5))
        if not any(docs):
            return
        model = bm25s.BM25(k1=k1, b=b, method="lucene")
        model.index([list(d) for d in docs], show_progress=False, create_empty_token=False)
        self.vocab = dict(model.vocab_dict)
        self._data = np.asarray(model.scores["data"], dtype=np.float32)
        self._indices = np.asarray(model.scores["indices"], dtype=np.int32)
        self._indptr = np.asarray(model.scores["indptr"], dtype=np.int64)
        df = np.diff(self._indptr).astype(np.float64)
        # The idf bm25s uses for method="lucene"; needed for the query's self-score.
        self._idf = np.log(1.0 + (self.n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        self._common = {t for t, i in self.vocab.items() if df[i] > MAX_DF_SHARE * self.n_docs}

    def lookup(self, terms: dict[str, float]) -> tuple[npt.NDArray[np.int64], FloatArray]:
        """Ids and query weights of the terms this index knows (very common ones left out)."""
        known = [t for t in terms if t in self.vocab]
        rare = [t for t in known if t not in self._common] or known
        pairs = [(self.vocab[t], terms[t]) for t in rare]
        if not pairs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        ids, weights = zip(*pairs, strict=True)
        return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32)

    def scores(self, ids: npt.NDArray[np.int64], weights: FloatArray) -> npt.NDArray[np.float64]:
        """BM25 score of every document for the weighted query terms."""
        if ids.size == 0:
            return np.zeros(self.n_docs)
        starts, ends = self._indptr[ids].tolist(), self._indptr[ids + 1].tolist()
        lengths = [e - s for s, e in zip(starts, ends, strict=True)]
        if not any(lengths):
            return np.zeros(self.n_docs)
        # One slice per query term (a handful), then a single weighted bincount.
        docs = np.concatenate([self._indices[s:e] for s, e in zip(starts, ends, strict=True)])
        data = np.concatenate([self._data[s:e] for s, e in zip(starts, ends, strict=True)])
        data *= np.repeat(weights, lengths)
        return np.bincount(docs, weights=data, minlength=self.n_docs)

    def self_score(self, ids: npt.NDArray[np.int64], weights: FloatArray, length: int) -> float:
        """The score of the query against itself: a document of `length` terms holding each once.

        An indexed paraphrase identical to the question scores exactly this, so dividing by it
        puts scores on a 0-1 scale that does not depend on how long or rare the question is.
        """
        if not ids.size:
            return 0.0
        norm = 1.0 + self.k1 * (1.0 - self.b + self.b * length / self.avg_len)
        return float((self._idf[ids] * weights).sum() / norm)

    def idf(self, term: str) -> float:
        """Inverse document frequency of `term` (the highest possible one when unknown)."""
        term_id = self.vocab.get(term)
        return self.max_idf if term_id is None else float(self._idf[term_id])
