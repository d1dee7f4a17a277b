"""Cà Mau communes/wards: the shipped list validates and names are found despite typos."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.communes import Communes, load_communes
from knowledge.content import default_root
from knowledge.problems import Problem

BROKEN = """\
province: {id: bac-lieu, name: "Bạc Liêu"}
as_of: "01/07/2025"
source: ""
complete: "yes"
confidence: unverified
communes:
  - {name: "Xã Tân Tiến", kind: xa}
  - {name: "Tân Thuận", kind: xa}
  - {name: "Phường An Xuyên", kind: ward}
  - {name: "", kind: xa}
  - {name: "Xã Tan Tien", kind: xa}
  - "Xã Đầm Dơi"
  - {name: "Phường Láng Tròn", kind: phuong}
"""


@pytest.fixture(scope="module")
def communes() -> Communes:
    problems: list[Problem] = []
    loaded = load_communes(default_root(), problems)
    assert problems == []
    return loaded


def test_real_list(communes: Communes) -> None:
    assert communes.province_id == "ca-mau"
    assert communes.province_name == "Cà Mau"
    assert communes.complete is True
    assert communes.as_of == "2025-07-01"
    assert "1655/NQ-UBTVQH15" in communes.source
    assert len(communes.names) == 64 == len(set(communes.names))
    kinds = [c.kind for c in communes.communes]
    assert kinds.count("xa") == 55 and kinds.count("phuong") == 9
    assert "Phường An Xuyên" in communes.names and "Xã Đầm Dơi" in communes.names
    assert communes.confidence == "one_source" and communes.hedge is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Xã Đầm Dơi", "Xã Đầm Dơi"),
        ("dam doi", "Xã Đầm Dơi"),
        ("xa dam doi", "Xã Đầm Dơi"),
        ("p. an xuyen", "Phường An Xuyên"),
        ("Hoà Bình", "Xã Hòa Bình"),
        ("nguyen viet khay", "Xã Nguyễn Việt Khái"),
        ("xa tan tienn", "Xã Tân Tiến"),
        ("dam doy", "Xã Đầm Dơi"),
        ("ho thi ki", "Xã Hồ Thị Kỷ"),
    ],
)
def test_match_finds_the_commune(communes: Communes, text: str, expected: str) -> None:
    assert communes.match(text)[0] == expected


def test_exact_match_is_alone(communes: Communes) -> None:
    assert communes.match("dat mui") == ["Xã Đất Mũi"]
    assert communes.match("tan thanh") == ["Phường Tân Thành"]


def test_match_limits_and_rejects(communes: Communes) -> None:
    assert len(communes.match("khanh", limit=3)) == 3
    assert len(communes.match("khanh", limit=1)) == 1
    assert communes.match("xyz") == []
    assert communes.match("") == []
    assert communes.match("phuong 8") == []  # pre-2025 ward names are gone


def test_broken_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "communes").mkdir()
    (tmp_path / "communes" / "ca-mau.yaml").write_text(BROKEN, encoding="utf-8")
    problems: list[Problem] = []
    communes = load_communes(tmp_path, problems)
    where = {(p.file, p.entry, p.field) for p in problems}
    name = "communes/ca-mau.yaml"
    assert (name, "", "province.id") in where
    assert (name, "", "as_of") in where
    assert (name, "", "source") in where
    assert (name, "", "complete") in where
    assert (name, "", "hedge") in where
    assert (name, "Tân Thuận", "name") in where
    assert (name, "Phường An Xuyên", "kind") in where
    assert (name, "communes[3]", "name") in where
    assert (name, "Xã Tan Tien", "name") in where  # folds to an existing commune
    assert (name, "communes[5]", "") in where
    assert len(problems) == 10
    assert communes.names == ("Xã Tân Tiến", "Phường Láng Tròn")
    assert communes.complete is False


def test_missing_province_file(tmp_path: Path) -> None:
    problems: list[Problem] = []
    communes = load_communes(tmp_path, problems, province_id="bac-lieu")
    assert communes.names == () and communes.match("tan tien") == []
    assert [(p.file, p.message) for p in problems] == [("communes/bac-lieu.yaml", "file not found")]
