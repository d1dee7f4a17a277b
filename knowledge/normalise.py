"""Search normalisation of phone-typed Vietnamese: folding, teen-code, abbreviations, stars."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from knowledge.folding import fold, squash

# Abbreviations and teen-code, keyed by the folded token, expanded to accented words.
# Keys are only added when the short form is unambiguous in messages about OCOP (so not
# "kg", "cn", "tp", "hong"). "dk" is "đăng ký" except after a negation ("ko dk" = "không được").
ABBREVIATIONS: dict[str, str] = {
    # không
    "ko": "không", "k": "không", "kh": "không", "khg": "không", "hok": "không",
    "hk": "không", "hem": "không", "khum": "không", "hog": "không", "khong": "không",
    # common words
    "dc": "được", "dk": "đăng ký", "dky": "đăng ký", "j": "gì", "bn": "bao nhiêu",
    "cai gi": "gì", "cai j": "gì", "bnh": "bao nhiêu", "bnhiu": "bao nhiêu",
    "bao nhiu": "bao nhiêu", "ntn": "như thế nào", "vs": "với",
    "r": "rồi", "ms": "mới", "trc": "trước", "cx": "cũng", "cg": "cũng", "lm": "làm",
    "bik": "biết", "bit": "biết", "nx": "nữa", "ng": "người", "nc": "nước", "sdt": "số điện thoại",
    "oke": "ok", "okie": "ok", "okay": "ok",
    # programme and legal vocabulary
    "sp": "sản phẩm", "hs": "hồ sơ", "gcn": "giấy chứng nhận", "dkkd": "đăng ký kinh doanh",
    "gpkd": "giấy phép kinh doanh", "attp": "an toàn thực phẩm",
    "vsattp": "vệ sinh an toàn thực phẩm", "htx": "hợp tác xã", "tht": "tổ hợp tác",
    "hkd": "hộ kinh doanh", "dn": "doanh nghiệp", "qd": "quyết định", "tt": "thông tư",
    "nd": "nghị định", "ubnd": "ủy ban nhân dân", "hdnd": "hội đồng nhân dân",
    "ntm": "nông thôn mới", "nnptnt": "nông nghiệp phát triển nông thôn",
    "nnmt": "nông nghiệp môi trường", "ptnt": "phát triển nông thôn", "sx": "sản xuất",
    "sxkd": "sản xuất kinh doanh", "kd": "kinh doanh", "tcvn": "tiêu chuẩn việt nam",
    "tccs": "tiêu chuẩn cơ sở", "shtt": "sở hữu trí tuệ", "tmdt": "thương mại điện tử",
    "xttm": "xúc tiến thương mại", "tw": "trung ương", "vn": "việt nam",
    "mxmsp": "mỗi xã một sản phẩm", "ocopp": "ocop",
}

# Words a phone user adds that carry no meaning for search: pronouns of address and sentence
# particles. They are dropped. Folded forms are listed only when no content word folds to them
# ("chị" is a filler, "chi phí" is not; "hỏi" is, "hội đồng" is not).
FILLERS: frozenset[str] = frozenset({
    "ad", "adm", "admin", "ad ơi", "em", "e", "mik", "mk", "mjk", "tui", "a", "oi", "nhe",
    "ak", "ah", "ne", "u", "uh", "um", "hen", "z", "v", "ạ", "à", "ơi", "chị", "bạn",
    "mình", "hả", "nhỉ", "nhé", "nha", "nhá", "nè", "hén", "nhen", "nghen", "vậy", "hỏi",
    "cho hỏi", "xin hỏi", "muốn hỏi",
    "hỏi chút", "hỏi xíu", "vui lòng", "giùm", "dùm", "với ạ",
})
# Fillers recognised without accents only at the start of a message ("cho hoi ...").
LEADING_FILLERS: frozenset[str] = frozenset({
    "cho hoi", "xin hoi", "cho em hoi", "cho minh hoi", "cho toi hoi", "em muon hoi",
    "minh muon hoi", "toi muon hoi", "minh",
})
_PRONOUNS = frozenset({"em", "e", "mik", "mk", "mjk", "tui", "minh"})
# "vay" is "vậy" (a particle) unless a loan word follows: "vay vốn", "vay tiền".
_LOAN_NEXT = frozenset({"von", "tien", "ngan", "uu", "no", "tin", "lai"})

# Words that mark the clause a user asks in ("..., hồ sơ gồm những gì?").
QUESTION_WORDS: frozenset[str] = frozenset({
    "gi", "nao", "sao", "khong", "dau", "ai", "may", "chua", "ha", "nhieu", "the", "hong",
    "what", "which", "how", "where", "when", "who", "why", "can", "do", "does", "is", "are",
})

# Function words: kept for BM25 (they shape questions) but not counted as content.
STOPWORDS: frozenset[str] = frozenset({
    "la", "gi", "khong", "co", "duoc", "bao", "nhieu", "nhu", "nao", "the", "thi", "va",
    "cua", "cho", "de", "o", "can", "nhung", "may", "mot", "cac", "nay", "do", "khi", "ve",
    "tu", "den", "con", "da", "se", "dang", "roi", "moi", "cung", "phai", "lam", "sao",
    "ai", "dau", "bi", "ra", "vao", "neu", "hay", "hoac", "nua", "voi", "trong", "tren",
    "ok", "muon", "biet", "nguoi", "lai", "it", "nen", "ma", "vi", "theo", "cai", "noi",
    "cach", "gio", "bay", "xin", "giup", "ay", "kia", "chu", "thoi", "luc", "toi", "anh",
    "chi", "nhe", "ha", "vay", "hien", "gom", "minh",
    # English (leaving out words that fold like Vietnamese ones: an, be, he, in, my, no, so, to)
    "what", "is", "are", "a", "of", "for", "does", "i", "me", "how", "on", "with", "and", "or",
    "which", "who", "when", "where", "there", "you", "your", "we", "need", "get", "if", "about",
    "any", "much", "many", "will", "should", "by", "from", "at", "this", "that", "please", "hi",
    "hello", "have", "has", "am", "was", "were", "want", "know", "tell", "could", "would", "their",
    "they", "them", "then", "than", "also", "just", "still", "now", "got", "make", "one", "some",
    "all", "more", "most", "very", "too", "not", "yes", "our", "us", "she", "his", "her", "its",
    "been", "into", "out", "up", "here", "why", "such", "only", "other", "these", "those", "like",
    "really", "thank", "thanks", "anyone", "someone", "something", "thing", "way", "say", "said",
})

_STAR_CHARS = "⭐★☆🌟✨✰✩✪✫✬✭✮✯"
_STARS_AFTER_NUMBER = re.compile(rf"(\d+)\s*(?:\*+|[{_STAR_CHARS}]\ufe0f?)+")
_STAR_RUN = re.compile(rf"(?:[{_STAR_CHARS}]\ufe0f?)+")
_SHORT_STAR = re.compile(r"\b([1-5])\s?s\b")
# "ba sao" is "3 sao"; "năm" only before "sao", since alone it is also "year".
_WORD_STARS = {"một": "1", "hai": "2", "ba": "3", "bốn": "4", "tư": "4", "năm": "5",
               "mot": "1", "bon": "4", "nam": "5"}
_WORD_STAR = re.compile(rf"\b({'|'.join(_WORD_STARS)})\s+sao\b")
_THOUSANDS = re.compile(r"(?<=\d)[.,](?=\d{3}\b)")
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_CLAUSE_BREAK = re.compile(r"[,.;:!?\n]+(?!\d)")
_NON_WORD = re.compile(r"[^\w\u0300-\u036f]|_")
_MAX_PHRASE = 3


@dataclass(frozen=True, slots=True)
class Analysed:
    """A text split into syllables, as folded forms and, index for index, accented forms."""

    folded: tuple[str, ...]
    accented: tuple[str, ...]


def _stars(text: str) -> str:
    """Write star ratings as words: "5*", "5 ⭐", "⭐⭐⭐" and "4s" become "5 sao" etc."""
    text = _STARS_AFTER_NUMBER.sub(r" \1 sao ", text)
    text = _STAR_RUN.sub(lambda m: f" {len(m.group(0).replace(chr(0xFE0F), ''))} sao ", text)
    text = _SHORT_STAR.sub(r"\1 sao", text)
    return _WORD_STAR.sub(lambda m: f"{_WORD_STARS[m.group(1)]} sao", text)


def clauses(text: str) -> list[str]:
    """The parts of a message between punctuation marks ("nhà em làm mắm, hồ sơ gồm gì?")."""
    return [part for part in _CLAUSE_BREAK.split(text) if part.strip()]


def syllables(text: str) -> list[str]:
    """Lowercase NFC syllables with punctuation and emoji removed, numbers split from words."""
    text = _stars(squash(text))
    text = _THOUSANDS.sub("", text)
    text = _LETTER_DIGIT.sub(" ", text)
    return _NON_WORD.sub(" ", text).split()


_NEGATIONS = frozenset({"khong", "chua", "co", "ko", "k", "hok", "kh", "khg", "se"})
# First syllables (folded) of the multi-syllable keys: only these need a phrase lookup.
_PHRASE_STARTS = frozenset(
    fold(key.split()[0]) for key in (*FILLERS, *LEADING_FILLERS, *ABBREVIATIONS) if " " in key
)
# Syllables repeat a lot across a corpus; folding each distinct one once makes indexing fast.
_fold = lru_cache(maxsize=1 << 16)(fold)


def fold_syllable(syllable: str) -> str:
    """`fold` for one syllable, cached (the same few thousand syllables recur everywhere)."""
    return _fold(syllable)


# "phần A", "part C": the letter names a part of the scoring sheet. Alone "a" is a filler
# ("ạ") or an English article, so the letter is joined to a token of its own ("phana").
_PART_WORDS = frozenset({"phan", "part"})
_PART_LETTERS = frozenset({"a", "b", "c"})


def _house(raw: list[str], folded: list[str], i: int) -> bool:
    """Whether an unaccented "nha" is "nhà" (house, family, state): first in the message or
    before a word other than a particle ("nha em lam mam", "nha nuoc ho tro"), not the
    particle ending a sentence ("the nha", "nha ad").
    """
    if raw[i] != "nha":
        return False
    after = folded[i + 1] if i + 1 < len(raw) else None
    return i == 0 or (after is not None and (after not in FILLERS or after in _PRONOUNS))


def _expand(raw: list[str], folded: list[str], i: int, start: bool) -> tuple[int, list[str]]:
    """How many syllables at `i` form a filler or an abbreviation, and the accented words."""
    if folded[i] in _PART_WORDS and i + 1 < len(raw) and folded[i + 1] in _PART_LETTERS:
        return 2, [raw[i], f"phan{folded[i + 1]}"]
    longest = min(_MAX_PHRASE, len(raw) - i) if folded[i] in _PHRASE_STARTS else 1
    for size in range(longest, 0, -1):
        said = " ".join(raw[i : i + size]) if size > 1 else raw[i]
        key = " ".join(folded[i : i + size]) if size > 1 else folded[i]
        # A filler written without accents only matches words typed without them: "nha"
        # (the particle) is a filler, "nhà" is not; "túi" is not "tui".
        filler = said in FILLERS or (key in FILLERS and said == key)
        if (filler or (start and key in LEADING_FILLERS)) and not _house(raw, folded, i):
            return size, []
        if key in ABBREVIATIONS:
            expansion = ABBREVIATIONS[key]
            if key == "dk" and i > 0 and folded[i - 1] in _NEGATIONS:
                expansion = "được"
            # Keep the user's own accents when the full word was typed ("không").
            return size, raw[i : i + size] if key == _fold(expansion) else expansion.split()
    word = raw[i]
    if word == "hông":  # southern teen-code for "không"; folded "hong" is ambiguous
        return 1, ["không"]
    if word == "vay" and (i + 1 == len(raw) or folded[i + 1] not in _LOAN_NEXT):
        return 1, []
    return 1, [word]


def _stem(word: str) -> str:
    """Strip common English endings: "documents", "documented" → "document".

    Only ASCII words longer than four letters are touched; no Vietnamese syllable that long
    ends in s, e, ed or ing, so mixed text is safe.
    """
    if len(word) <= 4 or not word.isascii() or not word.isalpha():
        return word
    for ending, keep in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("s", "")):
        if word.endswith(ending) and not word.endswith(("ss", "us", "is")):
            word = word[: -len(ending)] + keep
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def analyse(text: str) -> Analysed:
    """Split, expand abbreviations and drop fillers; keep an accented form beside each token."""
    raw = syllables(text)
    folded = [_fold(s) for s in raw]
    out: list[str] = []
    i = 0
    while i < len(raw):
        size, words = _expand(raw, folded, i, start=not out)
        out.extend(_stem(w) for w in words)
        i += size
    return Analysed(tuple(_fold(w) for w in out), tuple(out))


def normalise(text: str) -> str:
    """The folded, expanded form used for matching: "3 sao bn diem vay ad" → "3 sao bao nhieu diem".
    """
    return " ".join(analyse(text).folded)


def accented(text: str) -> str:
    """Like `normalise` but keeping the diacritics the user typed (and those of expansions)."""
    return " ".join(analyse(text).accented)


def tokens(text: str) -> list[str]:
    """Folded search tokens of `text` (syllables after expansion, fillers removed)."""
    return list(analyse(text).folded)


def content_tokens(folded: list[str] | tuple[str, ...]) -> list[str]:
    """The tokens that carry meaning: folded tokens minus function words."""
    return [t for t in folded if t not in STOPWORDS]
