"""Exported tables never turn a producer's typed text into a spreadsheet formula."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.tables import read_table, write_table

ROWS = [
    ["name", "phone", "count"],
    ['=HYPERLINK("http://evil.example","bấm")', "0912345678", 3],
    ["+84 có dấu", "@SUM(1)", None],
    ["-1+2", "Hợp tác xã Tân Tiến", 0],
]


def test_xlsx_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_table(ROWS, "xlsx", path)
    sheet = load_workbook(path).active
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s" and cell.value == ROWS[1][0]
    assert read_table(path) == ROWS


def test_csv_guards_formula_like_text_and_reads_it_back(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_table(ROWS, "csv", path)
    text = path.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'+84 có dấu" in text and "'@SUM(1)" in text
    assert [r[:2] for r in read_table(path)] == [[str(v) for v in r[:2]] for r in ROWS]


@pytest.mark.parametrize("value", ["'=kept as typed", "'plain", "Tôm khô 'Năm Căn'"])
def test_apostrophes_typed_by_people_survive(tmp_path: Path, value: str) -> None:
    path = tmp_path / "out.csv"
    write_table([["name"], [value]], "csv", path)
    assert read_table(path)[1][0] == value
