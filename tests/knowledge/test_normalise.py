"""Normalisation of phone-typed Vietnamese: folding, teen-code, abbreviations and stars."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge.normalise import accented, analyse, content_tokens, normalise, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ho so ocop can nhung gi", "ho so ocop can nhung gi"),
        ("Hồ sơ OCOP cần những gì?", "ho so ocop can nhung gi"),
        ("3 sao bn diem vay ad", "3 sao bao nhieu diem"),
        ("gcn ocop het han thi sao", "giay chung nhan ocop het han thi sao"),
        ("sp ko dc 3 sao thi sao", "san pham khong duoc 3 sao thi sao"),
        ("hok bik hs gom j", "khong biet ho so gom gi"),
        ("hông đạt thì sao", "khong dat thi sao"),
        ("dkkd voi attp can ko", "dang ky kinh doanh voi an toan thuc pham can khong"),
        ("đkkd của htx", "dang ky kinh doanh cua hop tac xa"),
        ("qđ 148 va tt 53", "quyet dinh 148 va thong tu 53"),
        ("ntm la gi", "nong thon moi la gi"),
    ],
)
def test_teen_code_and_abbreviations(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "sp 5* can gi",
        "sp 5 * can gi",
        "sp 5sao can gi",
        "sp 5 ⭐ can gi",
        "sp ⭐⭐⭐⭐⭐ can gi",
        "sp 5s can gi",
        "SP 5 SAO CẦN GÌ",
    ],
)
def test_star_ratings(text: str) -> None:
    assert normalise(text) == "san pham 5 sao can gi"


def test_numbers_are_kept_and_split_from_words() -> None:
    assert normalise("qd148/2023") == "quyet dinh 148 2023"
    assert normalise("3sao") == "3 sao"
    assert normalise("10.000 sản phẩm") == "10000 san pham"


def test_fillers_are_dropped_but_look_alike_words_stay() -> None:
    assert normalise("Cho em hỏi ạ, hồ sơ nộp ở đâu ad ơi") == "ho so nop o dau"
    assert normalise("chi phí đánh giá") == "chi phi danh gia"  # "chi" is not "chị"
    assert normalise("chị ơi phí bao nhiêu") == "phi bao nhieu"
    assert normalise("hội đồng gồm ai") == "hoi dong gom ai"  # "hội" is not "hỏi"
    assert normalise("vay vốn ưu đãi") == "vay von uu dai"  # a loan, not "vậy"


def test_unaccented_fillers_do_not_swallow_accented_words() -> None:
    assert normalise("nhà nước hỗ trợ gì") == "nha nuoc ho tro gi"
    assert normalise("túi xách cói") == "tui xach coi"  # "túi" is not "tui" (I)
    assert normalise("ocop là gì nè") == "ocop la gi"  # accented particles are still fillers


def test_unaccented_nha_is_house_unless_it_ends_the_sentence() -> None:
    assert normalise("nha nuoc ho tro gi") == "nha nuoc ho tro gi"
    assert normalise("nha e lam mam") == "nha lam mam"
    assert normalise("cho hoi nha em lam mam") == "nha lam mam"
    assert normalise("ocop la gi nha") == "ocop la gi"
    assert normalise("ocop la gi nha ad") == "ocop la gi"


def test_dk_is_registration_except_after_a_negation() -> None:
    assert normalise("dk ocop o dau") == "dang ky ocop o dau"
    assert normalise("ko dk ha") == "khong duoc ha"


def test_accented_variant_keeps_diacritics() -> None:
    assert accented("Hồ Sơ sp") == "hồ sơ sản phẩm"
    text = analyse("Giấy chứng nhận hết hạn")
    assert text.folded == ("giay", "chung", "nhan", "het", "han")
    assert text.accented == ("giấy", "chứng", "nhận", "hết", "hạn")


def test_nfd_input_is_composed_first() -> None:
    import unicodedata

    assert normalise(unicodedata.normalize("NFD", "Chứng nhận")) == "chung nhan"


def test_emoji_and_punctuation_only_give_no_tokens() -> None:
    assert tokens("😀😀 !!! ???") == []
    assert normalise("...") == ""


def test_content_tokens_drop_function_words() -> None:
    assert content_tokens(tokens("hồ sơ cần những gì")) == ["ho", "so"]


@given(st.text(max_size=200))
def test_never_raises_and_gives_clean_words(text: str) -> None:
    once = normalise(text)
    assert once == once.lower().strip()
    assert tokens(text) == once.split()
    assert all(word.isalnum() for word in once.split())
    assert len(analyse(text).accented) == len(analyse(text).folded)


def test_stars_written_as_words() -> None:
    assert normalise("bốn sao cần mấy điểm") == "4 sao can may diem"
    assert normalise("ba sao la gi") == "3 sao la gi"
    assert normalise("năm nay có mấy đợt") == "nam nay co may dot"  # "năm" alone is a year


def test_colloquial_question_words() -> None:
    assert normalise("ocop la cai gi vay ad") == normalise("ocop là gì")


def test_english_endings_are_stripped_but_not_vietnamese() -> None:
    assert normalise("What documents are needed") == "what document are need"
    assert normalise("certificates expired") == normalise("certificate expires")
    assert normalise("nghe che xe") == "nghe che xe"


def test_clauses_split_on_punctuation_not_numbers() -> None:
    from knowledge.normalise import clauses

    assert clauses("nhà em làm mắm, hồ sơ gồm gì?") == ["nhà em làm mắm", " hồ sơ gồm gì"]
    assert clauses("10,000 sản phẩm") == ["10,000 sản phẩm"]
