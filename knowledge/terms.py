"""Index terms of a text: folded and accented syllables and syllable pairs, after synonyms."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from knowledge.normalise import QUESTION_WORDS, STOPWORDS, Analysed, analyse, clauses
from knowledge.spelling import Speller
from knowledge.synonyms import Synonyms

# Query-side term weights. Folded syllables carry the match; pairs reward word order
# ("hồ sơ" is not "sơ hồ") and multi-syllable words; accented forms only break ties between
# words that fold alike ("hộ" / "hồ"), so they weigh less. Hints are guesses: weigh little.
# BIGRAM and CONTEXT were compared on held-out paraphrases (see knowledge/retrieval.py):
# bigram 0.5 / 1.0 / 1.5 gave top-1 0.65 / 0.62 / 0.61; context 0.35-0.45 beat 0.6 and 1.0 on
# questions with a scene-setting clause (0.58 against 0.55 and 0.47); the others moved top-1
# by less than a point either way.
UNIGRAM = 1.0
BIGRAM = 0.5
ACCENTED = 0.3
HINT = 0.3
CONTEXT = 0.4  # clauses that only set the scene ("nhà em ở Năm Căn làm khô cá,")
NUMBER = 1.5  # decision numbers, stars, points and years are the most telling words
# Function words ("là", "của", "cái") frame a question but should not decide it; the words
# that say what is asked ("ở đâu", "khi nào", "bao lâu", "ai") weigh ASKING_WEIGHT.
FUNCTION = 0.5
ASKING_WEIGHT = 1.0
ASKING = frozenset({"dau", "ai", "khi", "lau", "bao", "nhieu", "may", "nao", "gi", "sao",
                    "where", "when", "who", "how", "much", "many", "long", "which", "why"})


def doc_terms(text: Analysed) -> list[str]:
    """Every term of `text` as stored in the index (with repetition, for term frequency)."""
    f, a = text.folded, text.accented
    out = list(f)
    out.extend(f"{x}_{y}" for x, y in pairwise(f))
    out.extend(x for x, y in zip(a, f, strict=True) if x != y)
    out.extend(
        f"{a[i]}_{a[i + 1]}" for i in range(len(a) - 1) if (a[i], a[i + 1]) != (f[i], f[i + 1])
    )
    return out


def _function(word: str) -> float:
    """Query weight factor of a word: FUNCTION for function words, else 1."""
    if word in STOPWORDS and word not in ASKING:
        return FUNCTION
    return 1.0 if word not in STOPWORDS else ASKING_WEIGHT


def query_terms(text: Analysed, scale: float = 1.0, into: dict[str, float] | None = None
                ) -> dict[str, float]:
    """The weighted terms of a query (a repeated term keeps its highest weight)."""
    out: dict[str, float] = {} if into is None else into
    f, a = text.folded, text.accented

    def put(term: str, weight: float) -> None:
        out[term] = max(out.get(term, 0.0), weight * scale)

    weight = [
        NUMBER if x.isdigit() else UNIGRAM * _function(x) for x in f
    ]
    for x, w in zip(f, weight, strict=True):
        put(x, w)
    for i in range(len(f) - 1):
        pair = BIGRAM * max(_function(f[i]), _function(f[i + 1]))
        put(f"{f[i]}_{f[i + 1]}", pair)
        if (a[i], a[i + 1]) != (f[i], f[i + 1]):
            put(f"{a[i]}_{a[i + 1]}", pair * ACCENTED)
    for x, y, w in zip(a, f, weight, strict=True):
        if x != y:
            put(x, w * ACCENTED)
    return out


# A message that opens by saying what the producer makes ("nhà em làm khô cá lóc muốn vô OCOP
# thì bắt đầu sao") often has no comma before the question; the scene ends where "muốn"
# (want) begins the request, and weighs as context. Openers are the first words left once
# fillers are dropped ("em làm mắm" → "làm mắm"; "htx" → "hợp tác xã").
_SCENE_OPENERS = frozenset({
    ("nha",), ("ben",), ("ho",), ("toi",), ("lam",), ("nuoi",), ("trong",), ("hop", "tac"),
    ("co", "so"), ("gia", "dinh"), ("san", "xuat"),
})
_SCENE_END = "muon"


def _scene(text: Analysed) -> list[Analysed]:
    """`text` split before "muốn" when it opens with a scene ("nhà em làm mắm muốn …")."""
    f = text.folded
    opens = f[:1] in _SCENE_OPENERS or f[:2] in _SCENE_OPENERS
    if not opens or _SCENE_END not in f[2:]:
        return [text]
    cut = f.index(_SCENE_END, 2)
    if QUESTION_WORDS.intersection(f[:cut]):
        return [text]
    return [Analysed(f[:cut], text.accented[:cut]), Analysed(f[cut:], text.accented[cut:])]


@dataclass(frozen=True, slots=True)
class Query:
    """A question ready for search: its analysed words, weighted terms and typo count."""

    text: Analysed
    terms: dict[str, float]
    corrected: int
    length: int  # how many terms the question would have as an indexed document
    weights: dict[str, float]  # content word (folded) → weight of the clause it was asked in


class Analyzer:
    """Turns FAQ text and questions into terms the same way (synonyms on both sides)."""

    def __init__(self, synonyms: Synonyms, speller: Speller | None = None) -> None:
        self.synonyms = synonyms
        self.speller = speller

    def document(self, text: str) -> Analysed:
        """FAQ text, normalised and with synonyms rewritten."""
        return self.synonyms.canonical(analyse(text))

    def query(self, text: str, correct: bool = True) -> Query:
        """A user's question: normalised, typos corrected, synonyms rewritten, hints added.

        In a message of several clauses, those without a question word ("nhà em làm mắm,")
        are context and weigh CONTEXT. `correct=False` skips typo correction: the speller
        knows Vietnamese syllables, and in English it mostly turns real words that the FAQ
        happens not to use into ones it does ("rating" → "star", "bees" → "been").
        """
        parts: list[Analysed] = []
        corrected = 0
        for clause in clauses(text) or [text]:
            analysed = analyse(clause)
            if self.speller is not None and correct:
                analysed, fixed = self.speller.correct(analysed)
                corrected += fixed
            parts.extend(self.synonyms.canonical(p) for p in _scene(analysed) if p.folded)
        asking = [bool(QUESTION_WORDS.intersection(p.folded)) for p in parts]
        if not any(asking):
            asking = [True] * len(parts)
        terms: dict[str, float] = {}
        weights: dict[str, float] = {}
        for part, asked in zip(parts, asking, strict=True):
            scale = 1.0 if asked else CONTEXT
            query_terms(part, scale, terms)
            for hint in self.synonyms.hinted(part):
                query_terms(hint, HINT * scale, terms)
            for word in part.folded:
                if word not in STOPWORDS:
                    weights[word] = max(weights.get(word, 0.0), scale)
        whole = Analysed(
            tuple(w for p in parts for w in p.folded), tuple(w for p in parts for w in p.accented)
        )
        length = sum(len(doc_terms(p)) for p in parts)
        return Query(whole, terms, corrected, length, weights)
