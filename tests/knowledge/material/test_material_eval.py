"""Answer quality from the training handout through the whole answering path (the FAQ first,
the passages only when no entry answers, as in chat): 60 questions no FAQ entry answers, and the
FAQ's out-of-scope questions, which no passage may answer."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.evaluation import load_eval
from knowledge.folding import fold
from knowledge.library import Library
from knowledge.material.passages import split_pages
from knowledge.material.reader import read_material
from knowledge.material.search import IndexedPassage, PassageIndex, PassageMatch
from knowledge.retrieval import FaqIndex
from testbed.material_files import HANDOUT, build_pdf, handout_pages

HERE = Path(__file__).parent.parent
EVAL = HERE / "material_eval.yaml"
OOS_SETS = (HERE / "faq_eval.yaml", HERE / "faq_dev.yaml")
AIM_RIGHT_PAGE = 0.85  # issue 19's aim: met from the PDF, not the Markdown (docs/material.md)
FLOOR_RIGHT_PAGE = 0.80  # reached on this set (0.817 and 0.850): below it is a regression
MIN_REFUSED = 0.95
SEARCHED = ("suggest", "unknown")  # the FAQ kinds after which chat asks the passages


def questions() -> list[dict[str, object]]:
    return list(yaml.safe_load(EVAL.read_text(encoding="utf-8"))["questions"])


def passage_index(path: Path, library: Library) -> PassageIndex:
    extracted = read_material(path)
    passages = [
        IndexedPassage(i, extracted.title, p.page, p.heading, p.text)
        for i, p in enumerate(split_pages(extracted.pages))
    ]
    return PassageIndex(passages, library.synonyms)


def answer(faq: FaqIndex, index: PassageIndex, text: str, lang: str = "vi"
           ) -> tuple[str, PassageMatch | None]:
    """What chat answers with (conversations/faq/chat.py): the FAQ's kind, and the passage
    quoted when the FAQ had no entry for it."""
    kind = faq.ask(text, lang).kind
    return kind, index.ask(text) if kind in SEARCHED else None


def test_the_set_is_sixty_questions_half_without_diacritics() -> None:
    items = questions()
    assert len(items) == 60
    plain = [q for q in items if fold(str(q["q"])).lower() == str(q["q"]).lower()]
    assert len(plain) >= 30
    assert {int(str(q["page"])) for q in items} == set(range(1, 13))  # every page is asked


def test_the_development_set_asks_every_page_and_is_not_the_evaluation_set() -> None:
    """`material_dev.yaml` is what the search's thresholds were tuned on (docs/material.md)."""
    dev = yaml.safe_load((HERE / "material_dev.yaml").read_text(encoding="utf-8"))["questions"]
    assert {int(q["page"]) for q in dev} == set(range(1, 13))
    held_out = {fold(str(q["q"])).lower() for q in questions()}
    assert not {fold(q["q"]).lower() for q in dev} & held_out


def test_no_faq_entry_answers_them(faq_index: FaqIndex) -> None:
    answered = [q["q"] for q in questions() if faq_index.ask(str(q["q"])).kind == "answer"]
    assert answered == [], "the FAQ answers these now: replace them in material_eval.yaml"


@pytest.mark.parametrize("built", ["markdown", "pdf"])
def test_handout_questions_are_answered_with_the_right_page(
    built: str, library: Library, faq_index: FaqIndex, tmp_path: Path
) -> None:
    source = HANDOUT
    if built == "pdf":
        title, pages = handout_pages()
        source = build_pdf(tmp_path / "so-tay.pdf", title, pages)
    index = passage_index(source, library)
    right = 0
    misses = []
    for item in questions():
        text, page = str(item["q"]), int(str(item["page"]))
        kind, found = answer(faq_index, index, text)
        if found is not None and found.passage.page == page:
            right += 1
            assert len(found.extract) <= 350
        else:
            misses.append(f"{text!r} page {page}: {found.passage.page if found else kind}")
    share = right / len(questions())
    print(f"{built}: right page {share:.3f} (aim {AIM_RIGHT_PAGE})", *misses, sep="\n  ")
    assert share >= FLOOR_RIGHT_PAGE, misses


def test_out_of_scope_questions_get_no_passage(library: Library, faq_index: FaqIndex) -> None:
    index = passage_index(HANDOUT, library)
    oos = [q for path in OOS_SETS for q in load_eval(path)[1]]
    by_faq, by_passage = [], []
    for q in oos:
        kind, found = answer(faq_index, index, q.text, q.lang)
        if kind == "answer":
            by_faq.append(q.text)  # the FAQ's own mistake, measured by its evaluation
        elif found is not None:
            by_passage.append(q.text)
    alone = [q.text for q in oos if index.ask(q.text) is not None]  # without the FAQ before it
    refused = 1 - (len(by_faq) + len(by_passage)) / len(oos)
    print(f"out of scope: {len(oos)} asked; whole path refused {refused:.3f}; answered by an "
          f"FAQ entry {len(by_faq)}, by a passage {len(by_passage)}; passage search alone "
          f"refused {1 - len(alone) / len(oos):.3f}", by_passage, alone)
    assert 1 - len(by_passage) / len(oos) >= MIN_REFUSED, by_passage
    assert 1 - len(alone) / len(oos) >= MIN_REFUSED, alone


def test_a_rebuild_reuses_the_analysis_of_known_passages(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from knowledge.terms import Analyzer

    passages = passage_index(HANDOUT, library).passages
    cache: dict[int, object] = {}
    PassageIndex(passages, library.synonyms, cache)  # type: ignore[arg-type]
    calls = []
    original = Analyzer.document
    monkeypatch.setattr(Analyzer, "document", lambda self, text: calls.append(text) or
                        original(self, text))
    extra = IndexedPassage(10_000, "Khác", 1, "Mới", "Một câu mới về hồ sơ.")
    index = PassageIndex((*passages, extra), library.synonyms, cache)  # type: ignore[arg-type]
    assert calls == ["Mới\nMột câu mới về hồ sơ."]
    assert len(index) == len(passages) + 1
