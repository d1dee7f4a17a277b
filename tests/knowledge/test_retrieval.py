"""FAQ search on a small fixture: answers, the suggestion band, unknowns and small talk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.content import default_root
from knowledge.faq import load_faq
from knowledge.problems import Problem
from knowledge.retrieval import ANSWER_AT, FaqIndex, to_json
from knowledge.smalltalk import load_smalltalk
from knowledge.synonyms import Synonyms, load_synonyms
from knowledge.terms import CONTEXT, Analyzer

FIXTURES = Path(__file__).parent / "fixtures" / "content"


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    problems: list[Problem] = []
    entries = load_faq(FIXTURES, problems)
    smalltalk = load_smalltalk(default_root(), problems)
    synonyms = load_synonyms(default_root(), problems)
    assert problems == []
    return FaqIndex.build(entries, smalltalk, synonyms)


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("ho so ocop can nhung gi", "dossier-contents"),
        ("Hồ sơ OCOP cần những gì?", "dossier-contents"),
        ("3 sao bn diem vay ad", "stars-score-bands"),
        ("gcn ocop het han thi sao", "certificate-expired"),
        ("chi phí đánh giá OCOP bao nhiêu", "evaluation-cost"),
        ("hồ sơ xin hỗ trợ ocop", "support-application"),
        ("chao ad, cho em hoi ho so dang ky ocop gom gi a", "dossier-contents"),
        ("giay chung nhan ocop co hieu luc bao lau", "certificate-validity"),
    ],
)
def test_answers_without_diacritics_and_in_teen_code(
    index: FaqIndex, text: str, entry_id: str
) -> None:
    result = index.ask(text)
    assert result.kind == "answer", result
    assert result.entry is not None and result.entry.id == entry_id
    assert ANSWER_AT <= result.score <= 1.0
    assert result.suggestions == () and result.reply is None


def test_english_index(index: FaqIndex) -> None:
    result = index.ask("how long is the OCOP certificate valid?", lang="en")
    assert result.kind == "answer"
    assert result.entry is not None and result.entry.id == "certificate-validity"


def test_vague_question_gets_suggestions(index: FaqIndex) -> None:
    result = index.ask("ocop")
    assert result.kind == "suggest"
    assert result.entry is None
    assert result.score < ANSWER_AT
    assert 1 <= len(result.suggestions) <= 3
    assert len({e.id for e in result.suggestions}) == len(result.suggestions)


@pytest.mark.parametrize(
    "text", ["con mèo nhà em màu gì", "mua ao mua o dau", "phan mem ke toan nao re", "xyz qwerty"]
)
def test_unrelated_question_is_unknown(index: FaqIndex, text: str) -> None:
    result = index.ask(text)
    assert result.kind == "unknown", result
    assert result.entry is None and result.suggestions == ()
    assert result.score < ANSWER_AT


def test_outdated_entries_are_never_served(index: FaqIndex) -> None:
    result = index.ask("điểm phần A B C theo QĐ 1048 là bao nhiêu")
    assert result.entry is None or result.entry.id != "stars-old-split"
    assert all(e.id != "stars-old-split" for e in result.suggestions)
    old = index.get("stars-old-split")
    assert old is not None and old.outdated


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("chào ad", "greeting"),
        ("cảm ơn nhiều ạ", "thanks"),
        ("giá tôm hôm nay", "out_of_scope"),
        ("hồ sơ làm hộ chiếu gồm gì", "out_of_scope"),
        ("xổ số miền nam hôm nay", "out_of_scope"),
        ("😀😀😀", "empty"),
        ("?!...", "empty"),
    ],
)
def test_small_talk_never_returns_an_entry(index: FaqIndex, text: str, kind: str) -> None:
    result = index.ask(text)
    assert result.kind == kind
    assert result.entry is None and result.suggestions == ()
    if kind != "empty":
        assert result.reply is not None and result.reply["vi"] and result.reply["en"]
    payload = to_json(result, "vi")
    assert payload["answer"] is None and payload["entry_id"] is None


def test_to_json_shape(index: FaqIndex) -> None:
    payload = to_json(index.ask("gcn ocop het han thi sao"), "vi")
    assert set(payload) == {
        "answer", "entry_id", "score", "source", "rule_version", "band", "alternative",
        "suggestions",
    }
    assert payload["entry_id"] == "certificate-expired"
    assert payload["band"] in ("direct", "with_alternative")
    assert payload["rule_version"] == "148/2023"
    assert payload["source"].startswith("QĐ 148")
    assert payload["answer"].endswith("Thông tin này cần kiểm tra lại với xã/tỉnh.")  # the hedge
    assert payload["suggestions"] == []
    json.dumps(payload)
    vague = to_json(index.ask("ocop"), "en")
    assert vague["answer"] is None and vague["entry_id"] is None
    assert vague["band"] == "choose" and vague["alternative"] is None
    assert vague["suggestions"] and set(vague["suggestions"][0]) == {"entry_id", "question"}


def test_related_declared_first_then_neighbours(index: FaqIndex) -> None:
    entry = index.get("certificate-validity")
    assert entry is not None
    related = index.related(entry, n=3)
    assert related[0].id == "certificate-expired"
    assert len(related) == 3 and entry not in related
    assert all(not e.outdated for e in related)


def test_get_unknown_id(index: FaqIndex) -> None:
    assert index.get("no-such-id") is None
    assert len(index.entries) == 8


def test_empty_index_answers_nothing() -> None:
    problems: list[Problem] = []
    index = FaqIndex.build([], load_smalltalk(default_root(), problems))
    assert index.ask("hồ sơ ocop").kind == "unknown"
    assert index.ask("chào").kind == "greeting"


def test_very_long_message_is_cut(index: FaqIndex) -> None:
    result = index.ask("hồ sơ ocop cần những gì " * 2000)
    assert result.kind in ("answer", "suggest", "unknown")
    assert index.ask("x" * 100_000).kind == "unknown"


def test_context_before_the_question_does_not_drown_it(index: FaqIndex) -> None:
    result = index.ask(
        "nha em o nam can lam tom kho may nam nay, gio muon biet ho so ocop can nhung gi a"
    )
    assert result.kind in ("answer", "suggest")
    shown = result.entry or result.suggestions[0]
    assert shown.id == "dossier-contents"


def test_a_scene_without_a_comma_weighs_as_context() -> None:
    query = Analyzer(Synonyms()).query("nha em lam mam ruoc muon dang ky ocop thi lam sao")
    assert query.weights["mam"] == CONTEXT
    assert query.weights["ruoc"] == CONTEXT
    assert query.weights["ocop"] == 1.0
    plain = Analyzer(Synonyms()).query("mam ruoc muon dang ky ocop thi lam sao")
    assert plain.weights["mam"] == 1.0  # no scene opener: one clause, nothing is context


def test_search_ranks_without_deciding(index: FaqIndex) -> None:
    ranked = index.search("gcn ocop co hieu luc bao lau", k=3)
    assert ranked[0][0].id == "certificate-validity"
    assert all(0.0 <= score <= 1.0 for _, score in ranked)
    assert index.search("chào ad") == []


def test_load_index_reads_everything(tmp_path: Path) -> None:
    import shutil

    from knowledge.retrieval import load_index

    shutil.copytree(FIXTURES / "faq", tmp_path / "faq")
    for name in ("smalltalk.yaml", "synonyms.yaml"):
        shutil.copy(default_root() / name, tmp_path / name)
    problems: list[Problem] = []
    index = load_index(tmp_path, problems)
    assert problems == []
    assert index.ask("gcn ocop het han thi sao").kind == "answer"
