"""Greetings, thanks and out-of-scope questions are recognised before any FAQ search."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.content import default_root
from knowledge.problems import Problem
from knowledge.smalltalk import Smalltalk, load_smalltalk


@pytest.fixture(scope="module")
def smalltalk() -> Smalltalk:
    problems: list[Problem] = []
    loaded = load_smalltalk(default_root(), problems)
    assert problems == []
    return loaded


@pytest.mark.parametrize(
    "text", ["chào ad", "Xin chào!", "hello", "hi bot", "alo alo", "chao em", "ad ơi", "👋 chào"]
)
def test_greetings(smalltalk: Smalltalk, text: str) -> None:
    match = smalltalk.classify(text)
    assert match.kind == "greeting"
    assert match.topic is not None and "anh/chị" in match.topic.reply["vi"]


@pytest.mark.parametrize(
    "text", ["cảm ơn", "cam on ad nhieu", "ok cảm ơn", "thanks", "tks", "dạ vâng", "ok"]
)
def test_thanks(smalltalk: Smalltalk, text: str) -> None:
    assert smalltalk.classify(text).kind == "thanks"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("thời tiết cà mau hôm nay", "weather"),
        ("thoi tiet mai co mua ko", "weather"),
        ("kết quả xổ số miền nam", "lottery"),
        ("ve so hom nay", "lottery"),
        ("giá tôm hôm nay bao nhiêu", "market-prices"),
        ("gia lua hom nay", "market-prices"),
        ("làm hộ chiếu ở đâu", "other-procedures"),
        ("lam cccd mat bao lau", "other-procedures"),
        ("thủ tục cấp sổ đỏ", "other-procedures"),
        ("hồ sơ làm căn cước", "other-procedures"),  # strict: "hồ sơ" does not save it
        ("đăng ký khai sinh cho con", "other-procedures"),
        ("bảo hiểm xã hội tự nguyện", "other-procedures"),
        ("tối nay đá bóng mấy giờ", "football"),
        ("ad có người yêu chưa", "love-and-jokes"),
        ("kể chuyện cười đi", "love-and-jokes"),
        ("bầu cử tổng thống mỹ", "politics"),
    ],
)
def test_out_of_scope(smalltalk: Smalltalk, text: str, topic: str) -> None:
    match = smalltalk.classify(text)
    assert match.kind == "out_of_scope"
    assert match.topic is not None and match.topic.id == topic
    assert match.topic.reply["vi"] and match.topic.reply["en"]


@pytest.mark.parametrize(
    "text",
    [
        "chi phí đánh giá OCOP bao nhiêu",
        "hồ sơ xin hỗ trợ",
        "giá tôm khô OCOP 4 sao",  # an OCOP signal keeps it in scope
        "sản phẩm tôm khô đạt 3 sao được hỗ trợ gì",
        "sơ đồ quy trình đánh giá OCOP",
        "kể chuyện sản phẩm thế nào cho hay",  # the product story is a criterion
        "hội đồng đánh giá gồm những ai",
        "giá bán sản phẩm có tính điểm không",
        "chào ad, hồ sơ OCOP cần những gì",
    ],
)
def test_ocop_questions_stay_in_scope(smalltalk: Smalltalk, text: str) -> None:
    assert smalltalk.classify(text).kind is None


def test_greeting_is_cut_off_a_question(smalltalk: Smalltalk) -> None:
    match = smalltalk.classify("Xin chào ad, hồ sơ OCOP cần những gì? cảm ơn")
    assert match.kind is None
    assert match.rest == "ad, hồ sơ ocop cần những gì"


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("muốn vô OCOP thì bắt đầu sao", "muốn vô ocop thì bắt đầu sao"),
        ("bao bì vậy ok không", "bao bì vậy ok không"),
        ("chào ad, làm OCOP bắt đầu từ đâu", "làm ocop bắt đầu từ đâu"),
        ("hồ sơ gồm gì, ok cảm ơn", "hồ sơ gồm gì"),
    ],
)
def test_only_greetings_at_the_edges_are_cut(smalltalk: Smalltalk, text: str, rest: str) -> None:
    match = smalltalk.classify(text)
    assert match.kind is None
    assert match.rest == rest


def test_start_alone_is_still_a_greeting(smalltalk: Smalltalk) -> None:
    assert smalltalk.classify("bắt đầu").kind == "greeting"
    assert smalltalk.classify("start").kind == "greeting"


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "???!!!", "🙏"])
def test_empty(smalltalk: Smalltalk, text: str) -> None:
    assert smalltalk.classify(text).kind == "empty"


def test_broken_smalltalk_file(tmp_path: Path) -> None:
    (tmp_path / "smalltalk.yaml").write_text(
        "greeting: {phrases: [chào], reply: {vi: Chào}}\n"
        "thanks: {phrases: [cảm ơn], reply: {vi: a, en: b}}\n"
        "out_of_scope:\n  - {phrases: [xổ số], reply: {vi: a, en: b}}\n"
        "  - {id: x, phrases: [], reply: {vi: a, en: b}, colour: red}\n"
        "surprise: 1\n",
        encoding="utf-8",
    )
    problems: list[Problem] = []
    loaded = load_smalltalk(tmp_path, problems)
    fields = {(p.entry, p.field) for p in problems}
    assert ("greeting", "reply.en") in fields
    assert ("out_of_scope", "id") in fields
    assert ("x", "phrases") in fields
    assert ("x", "colour") in fields
    assert ("", "surprise") in fields
    assert [t.id for t in loaded.topics] == ["thanks"]
