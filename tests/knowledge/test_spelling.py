"""Typo correction against the index vocabulary, accent-aware phrases and synonyms."""

from __future__ import annotations

from collections import Counter

from knowledge.normalise import analyse
from knowledge.phrases import PhraseMatcher
from knowledge.spelling import Speller
from knowledge.synonyms import Synonyms

VOCAB = Counter(
    {"chung": 30, "nhan": 25, "ocop": 50, "ho": 20, "so": 20, "nang": 8, "hang": 9, "sao": 40}
)


def speller() -> Speller:
    return Speller(VOCAB, bigrams={"ho_so", "nang_hang"}, known={"gi", "khong"})


def corrected(text: str) -> tuple[str, int]:
    fixed, changed = speller().correct(analyse(text))
    return " ".join(fixed.folded), changed


def test_one_edit_typos_are_fixed() -> None:
    assert corrected("chugn nhan ocop") == ("chung nhan ocop", 1)
    assert corrected("chứg nhận") == ("chung nhan", 1)
    assert corrected("ocp") == ("ocop", 1)  # three letters may gain one
    assert corrected("nag hang") == ("nang hang", 1)


def test_joined_words_and_doubled_letters() -> None:
    assert corrected("hoso ocop") == ("ho so ocop", 1)
    assert corrected("hoo so") == ("ho so", 1)


def test_unknown_words_far_from_the_vocabulary_stay() -> None:
    assert corrected("cccd visa gi khong") == ("cccd visa gi khong", 0)
    assert corrected("148 2023") == ("148 2023", 0)


def test_phrases_are_accent_aware() -> None:
    matcher = PhraseMatcher([("sổ đỏ", "land"), ("# sao", "stars"), ("cccd", "id")])

    def found(text: str) -> list[str]:
        words = analyse(text)
        return [m.value for m in matcher.scan(words.accented, words.folded)]

    assert found("làm sổ đỏ") == ["land"]
    assert found("lam so do") == ["land"]  # no diacritics typed: folded match
    assert found("sơ đồ quy trình") == []  # other diacritics: a different word
    assert found("sp 4 sao") == ["stars"]
    assert found("làm CCCD") == ["id"]


def test_synonyms_rewrite_both_ways_and_hint() -> None:
    synonyms = Synonyms(
        same=(("hồ sơ", "giấy tờ"), ("hết hạn", "hết hiệu lực")),
        hints=((("tôm khô", "mực khô"), ("thủy sản chế biến",)),),
    )
    text = synonyms.canonical(analyse("giay to het hieu luc"))
    assert text.folded == ("ho", "so", "het", "han")
    assert text.accented == ("hồ", "sơ", "hết", "hạn")
    hinted = synonyms.hinted(analyse("muc kho thuoc nhom nao"))
    assert [h.folded for h in hinted] == [("thuy", "san", "che", "bien")]
    assert "giay" in synonyms.words()
