"""The dossier checklist: the shipped file validates, items are filtered and ordered per product."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.checklist import Checklist, load_checklist
from knowledge.content import default_root
from knowledge.problems import Problem
from knowledge.products import Products, load_products


@pytest.fixture(scope="module")
def products() -> Products:
    problems: list[Problem] = []
    loaded = load_products(default_root(), problems)
    assert problems == []
    return loaded


@pytest.fixture(scope="module")
def checklist(products: Products) -> Checklist:
    problems: list[Problem] = []
    loaded = load_checklist(default_root(), problems, products)
    assert problems == []
    return loaded


def _real() -> dict[str, Any]:
    with (default_root() / "checklist.yaml").open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def _load(tmp_path: Path, data: Any, products: Products | None) -> tuple[Checklist, list[Problem]]:
    (tmp_path / "checklist.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    problems: list[Problem] = []
    return load_checklist(tmp_path, problems, products), problems


def _item(data: dict[str, Any], item_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(i for i in data["items"] if i["id"] == item_id)
    return found


def test_real_checklist_counts(checklist: Checklist) -> None:
    assert [t.id for t in checklist.evaluation_types] == ["first", "upgrade", "reevaluation"]
    kinds = [i.kind for i in checklist.items]
    assert len(kinds) == 21
    assert kinds.count("required") == 7 and kinds.count("evidence") == 14
    assert kinds == sorted(kinds, key=("required", "evidence").index)


def test_real_items_are_phone_sized_and_hedged(checklist: Checklist) -> None:
    for item in checklist.items:
        for text in (item.what, item.why, item.where, item.tip):
            assert set(text) == {"vi", "en"}
            assert all(0 < len(value) <= 300 for value in text.values())
        assert item.source
        if item.confidence != "ok":
            assert item.hedge and item.hedge["vi"] and item.hedge["en"]
        assert set(item.accepts) <= {"photo", "document"}


def test_required_items_named_in_the_brief(checklist: Checklist) -> None:
    required = {i.id for i in checklist.items if i.kind == "required"}
    assert {
        "registration-form",
        "self-assessment",
        "business-registration",
        "business-plan",
        "product-samples",
        "dossier-copies",
    } <= required
    form = checklist.item("registration-form")
    assert form is not None and form.applies_to == ("first", "upgrade", "reevaluation")
    assert checklist.item("nope") is None
    first = checklist.evaluation_type("first")
    assert first is not None and first.name["vi"] == "Đánh giá lần đầu"


def test_items_for_food_first_evaluation(checklist: Checklist) -> None:
    items = checklist.items_for("first", "food", "processed-meat-seafood")
    ids = [i.id for i in items]
    assert ids[0] == "registration-form"
    assert "product-samples" in ids and "lab-test" in ids and "business-plan" in ids
    kinds = [i.kind for i in items]
    assert kinds == sorted(kinds, key=("required", "evidence").index)
    file_order = [i.id for i in checklist.items]
    assert ids == [i for i in file_order if i in ids]


def test_items_for_tourism_skips_samples_and_lab_tests(checklist: Checklist) -> None:
    ids = {i.id for i in checklist.items_for("first", "tourism", "community-tourism")}
    assert "product-samples" not in ids
    assert "lab-test" not in ids and "production-conditions" not in ids
    assert "registration-form" in ids and "product-story" in ids


def test_items_for_filters_by_evaluation_type_and_group(checklist: Checklist) -> None:
    reevaluation = {i.id for i in checklist.items_for("reevaluation", "food", "tea")}
    assert "business-plan" not in reevaluation and "self-assessment" in reevaluation
    crafts = {i.id for i in checklist.items_for("upgrade", "handicrafts", None)}
    assert "lab-test" not in crafts and "quality-declaration" in crafts
    assert checklist.items_for("someday", "food", None) == []


def test_broken_items_are_reported_with_entry_and_field(tmp_path: Path, products: Products) -> None:
    data = _real()
    _item(data, "registration-form")["kind"] = "maybe"
    _item(data, "self-assessment")["applies_to"] = ["first", "sometimes"]
    _item(data, "business-plan")["groups"] = ["food", "cars"]
    _item(data, "product-samples")["except_sets"] = ["nope"]
    _item(data, "dossier-copies")["accepts"] = ["video"]
    _item(data, "lab-test").pop("hedge")
    _item(data, "awards")["tip"]["vi"] = "x" * 301
    _item(data, "environment")["groups"] = "everything"
    data["items"].append(dict(_item(data, "trademark-ip")))  # duplicate id
    data["items"].append({"kind": "required"})  # no id
    checklist, problems = _load(tmp_path, data, products)
    where = {(p.file, p.entry, p.field) for p in problems}
    assert ("checklist.yaml", "registration-form", "kind") in where
    assert ("checklist.yaml", "self-assessment", "applies_to") in where
    assert ("checklist.yaml", "business-plan", "groups") in where
    assert ("checklist.yaml", "product-samples", "except_sets") in where
    assert ("checklist.yaml", "dossier-copies", "accepts") in where
    assert ("checklist.yaml", "lab-test", "hedge") in where
    assert ("checklist.yaml", "awards", "tip.vi") in where
    assert ("checklist.yaml", "environment", "groups") in where
    assert ("checklist.yaml", "trademark-ip", "id") in where
    assert ("checklist.yaml", "items[22]", "id") in where
    assert len(problems) == 10
    broken = {"registration-form", "self-assessment", "business-plan", "product-samples"}
    broken |= {"dossier-copies", "lab-test", "awards", "environment"}
    assert {i.id for i in checklist.items} == {i["id"] for i in _real()["items"]} - broken


def test_group_and_set_ids_are_checked_only_with_products(tmp_path: Path) -> None:
    data = _real()
    _item(data, "business-plan")["groups"] = ["cars"]
    checklist, problems = _load(tmp_path, data, None)
    assert problems == []
    assert checklist.item("business-plan") is not None


def test_evaluation_types_and_unreadable_files(tmp_path: Path) -> None:
    data = _real()
    data["evaluation_types"][1] = {"id": "upgrade", "name": {"vi": "Nâng hạng"}}
    _, problems = _load(tmp_path, data, None)
    where = {(p.entry, p.field) for p in problems}
    assert ("upgrade", "name.en") in where
    assert ("registration-form", "applies_to") in where  # 'upgrade' is no longer known
    problems = []
    assert load_checklist(tmp_path / "missing", problems).items == ()
    assert problems[0].message == "file not found"


def test_legal_prerequisites_are_marked_before_evaluation(checklist: Checklist) -> None:
    before = {i.id for i in checklist.items if i.before_evaluation}
    assert before == {
        "business-registration", "production-conditions", "quality-declaration", "lab-test",
        "label-packaging",
    }
    food = [i for i in checklist.items_for("first", "food", "processed-meat-seafood")]
    evidence = [i for i in food if i.kind == "evidence"]
    assert [i.before_evaluation for i in evidence[:4]] == [True] * 4
    assert not any(i.before_evaluation for i in evidence[4:])
    for item_id in before - {"business-registration"}:
        item = checklist.item(item_id)
        assert item is not None and "trước khi đánh giá" in item.name["vi"]
        assert "before evaluation" in item.name["en"]
    assert "NĐ 15/2018/NĐ-CP" in checklist.item("production-conditions").source  # type: ignore[union-attr]
    assert "NĐ 111/2021/NĐ-CP" in checklist.item("label-packaging").source  # type: ignore[union-attr]


def test_before_evaluation_must_be_a_boolean(tmp_path: Path, products: Products) -> None:
    data = _real()
    _item(data, "lab-test")["before_evaluation"] = "yes"
    _item(data, "awards")["before_evaluation"] = False
    checklist, problems = _load(tmp_path, data, products)
    assert [(p.entry, p.field) for p in problems] == [("lab-test", "before_evaluation")]
    assert checklist.item("lab-test") is None
    awards = checklist.item("awards")
    assert awards is not None and awards.before_evaluation is False
