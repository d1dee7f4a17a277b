"""Product groups and sets: the shipped file loads cleanly, problems are precise, matching works."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.content import default_root
from knowledge.problems import Problem
from knowledge.products import Products, ProductSet, load_products


@pytest.fixture(scope="module")
def products() -> Products:
    problems: list[Problem] = []
    loaded = load_products(default_root(), problems)
    assert problems == []
    return loaded


def _real() -> dict[str, Any]:
    with (default_root() / "products.yaml").open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def _load(tmp_path: Path, data: Any) -> tuple[Products, list[Problem]]:
    (tmp_path / "products.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    problems: list[Problem] = []
    return load_products(tmp_path, problems), problems


def _where(problems: list[Problem]) -> set[tuple[str, str, str]]:
    return {(p.file, p.entry, p.field) for p in problems}


def test_real_file_has_six_groups_and_26_sets(products: Products) -> None:
    assert [g.number for g in products.groups] == [1, 2, 3, 4, 5, 6]
    assert [s.number for s in products.sets] == list(range(1, 27))
    assert [g.id for g in products.groups] == [
        "food",
        "drinks",
        "herbal",
        "handicrafts",
        "ornamentals",
        "tourism",
    ]
    for group in products.groups:
        assert [s.id for s in products.sets_in(group.id)] == list(group.set_ids)
    assert sum(len(g.set_ids) for g in products.groups) == 26


def test_real_sets_are_hedged_where_not_confirmed(products: Products) -> None:
    for item in products.sets:
        assert item.examples["vi"] and item.examples["en"]
        assert item.confidence != "ok"
        assert item.hedge and item.hedge["vi"] and item.hedge["en"]
    fresh, tourism = products.set("fresh-produce"), products.set("community-tourism")
    assert fresh is not None and fresh.confidence == "one_source"
    assert tourism is not None and tourism.group_id == "tourism"
    assert [s.confidence for s in products.sets].count("one_source") == 7


def test_lookups_by_id(products: Products) -> None:
    assert products.group("food") is not None
    assert products.group("nope") is None
    assert products.set("nope") is None
    assert [s.number for s in products.sets_in("drinks")] == [14, 15, 16, 17]
    assert products.sets_in("nope") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thuc pham", "food"),
        ("Thực phẩm", "food"),
        ("thuc phamm", "food"),
        ("2", "drinks"),
        ("nhóm 3", "herbal"),
        ("do uong", "drinks"),
        ("du lich", "tourism"),
        ("sinh vat canh", "ornamentals"),
        ("thủ công", "handicrafts"),
        ("Handicrafts", "handicrafts"),
    ],
)
def test_match_group(products: Products, text: str, expected: str) -> None:
    group = products.match_group(text, "vi")
    assert group is not None and group.id == expected


@pytest.mark.parametrize("text", ["7", "0", "", "   ", "xe máy", "abc xyz"])
def test_match_group_gives_none_when_unsure(products: Products, text: str) -> None:
    assert products.match_group(text, "vi") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tôm khô", "processed-meat-seafood"),
        ("tom kho", "processed-meat-seafood"),
        ("Tôm khô Năm Căn loại 1", "processed-meat-seafood"),
        ("kho ca", "processed-meat-seafood"),
        ("bánh phồng tôm", "processed-meat-seafood"),
        ("chả cá", "processed-meat-seafood"),
        ("ba khia", "processed-meat-seafood"),
        ("mắm", "processed-meat-seafood"),
        ("nước mắm", "liquid-condiments"),
        ("mật ong rừng U Minh", "honey-other-farm-foods"),
        ("cua", "fresh-meat-seafood"),
        ("muối hạt", "other-spices"),
        ("đũa đước", "household-decor-crafts"),
        ("homestay", "community-tourism"),
        ("dried shrimp", "processed-meat-seafood"),
    ],
)
def test_suggest_sets_puts_the_right_set_first(
    products: Products, text: str, expected: str
) -> None:
    suggestions = products.suggest_sets(text, "vi")
    assert suggestions and suggestions[0].id == expected
    assert len(suggestions) <= 3


def test_suggest_sets_limit_and_nonsense(products: Products) -> None:
    assert len(products.suggest_sets("gạo", "vi", limit=1)) == 1
    assert products.suggest_sets("điện thoại", "vi") == []
    assert products.suggest_sets("", "vi") == []
    assert {s.id for s in products.suggest_sets("trà", "vi")} >= {"tea", "herbal-teas"}


def _id(item: ProductSet | None) -> str | None:
    return item.id if item else None


def test_match_set(products: Products) -> None:
    assert _id(products.match_set("8", None, "vi")) == "processed-meat-seafood"
    assert _id(products.match_set("bộ 14", "drinks", "vi")) == "white-spirits"
    assert _id(products.match_set("1", "drinks", "vi")) is None
    assert _id(products.match_set("ruou trang", None, "vi")) == "white-spirits"
    assert _id(products.match_set("gia vi khac", None, "vi")) == "other-spices"
    assert _id(products.match_set("tom kho", "food", "vi")) == "processed-meat-seafood"
    assert _id(products.match_set("tom kho", "drinks", "vi")) is None
    assert _id(products.match_set("", None, "vi")) is None


def test_broken_entries_are_reported_and_skipped(tmp_path: Path) -> None:
    data = _real()
    sets = data["sets"]
    sets[0].pop("hedge")  # one_source without a hedge
    sets[1]["group"] = "cars"  # unknown group
    sets[2]["examples"] = {"vi": ["gạo"]}  # no English examples
    sets[3]["number"] = 3  # duplicate number
    sets[4]["id"] = "Fast Food"  # malformed id
    data["groups"][1]["sets"].append("fresh-produce")  # listed in two groups
    data["groups"][2]["name"] = {"vi": "Dược liệu"}  # no English name
    products, problems = _load(tmp_path, data)
    where = _where(problems)
    assert ("products.yaml", "fresh-produce", "hedge") in where
    assert ("products.yaml", "fresh-meat-seafood", "group") in where
    assert ("products.yaml", "rice-grains", "examples.en") in where
    assert ("products.yaml", "honey-other-farm-foods", "number") in where
    assert ("products.yaml", "sets[4]", "id") in where
    assert ("products.yaml", "herbal", "name.en") in where
    assert ("products.yaml", "drinks", "sets") in where
    assert all(isinstance(p, Problem) and p.message for p in problems)
    kept = {s.id for s in products.sets}
    assert "fresh-produce" not in kept and "rice-grains" not in kept
    assert "processed-meat-seafood" in kept
    assert products.group("herbal") is None
    assert products.set("herbal-cosmetics") is None  # its group is broken
    assert products.group("food") is not None


def test_counts_and_consistency_are_checked(tmp_path: Path) -> None:
    data = _real()
    data["groups"] = data["groups"][:5]  # tourism group missing
    data["sets"].pop(0)  # 25 sets; fresh-produce still listed by food
    _, problems = _load(tmp_path, data)
    where = _where(problems)
    assert ("products.yaml", "", "groups") in where
    assert ("products.yaml", "", "sets") in where
    assert ("products.yaml", "food", "sets") in where  # lists an unknown set
    assert ("products.yaml", "community-tourism", "group") in where


def test_set_not_listed_by_its_group(tmp_path: Path) -> None:
    data = _real()
    data["groups"][0]["sets"].remove("tea")
    _, problems = _load(tmp_path, data)
    assert _where(problems) == {("products.yaml", "tea", "group")}


def test_unreadable_files_never_raise(tmp_path: Path) -> None:
    problems: list[Problem] = []
    products = load_products(tmp_path, problems)
    assert products.groups == () and problems[0].message == "file not found"
    (tmp_path / "products.yaml").write_text("groups: [\n", encoding="utf-8")
    problems = []
    load_products(tmp_path, problems)
    assert problems and problems[0].file == "products.yaml"
    _, problems = _load(tmp_path, ["not", "a", "mapping"])
    assert problems and problems[0].file == "products.yaml"
