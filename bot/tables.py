"""Reading and writing tables as CSV or XLSX files, for officers' imports and exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these would run as a formula in a spreadsheet."""


def read_table(path: Path) -> list[list[Any]]:
    """All rows of a CSV (UTF-8, with or without BOM; comma or semicolon) or the first sheet."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook  # imported by the few commands that need it

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    text = path.read_text(encoding="utf-8-sig")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:  # empty, or one column: nothing to tell the delimiter by
        dialect = csv.excel
    return [[_unguard(cell) for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def _guarded(value: str) -> bool:
    """True for text a spreadsheet would run (after any apostrophes already in front)."""
    return value.lstrip("'").startswith(FORMULA_START)


def _guard(value: Any) -> Any:
    """A text that a spreadsheet would take for a formula, with a leading apostrophe (CSV)."""
    return "'" + value if isinstance(value, str) and _guarded(value) else value


def _unguard(value: str) -> str:
    """The text `_guard` protected, as it was typed."""
    return value[1:] if value.startswith("'") and _guarded(value) else value


def write_table(rows: list[list[Any]], fmt: str, out: Path | None) -> bytes | None:
    """Write rows as CSV (UTF-8 with BOM, so Excel shows Vietnamese right) or XLSX.

    Text that a spreadsheet would run as a formula stays text: an XLSX string cell, or a CSV
    cell with a leading apostrophe (which `read_table` removes again).

    With `out` None the file's bytes are returned instead of written.
    """
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell.cell import Cell

        workbook = Workbook()
        sheet = workbook.active
        for row in rows:
            cells = []
            for value in row:
                cell = Cell(sheet, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text typed by a user, never a formula
                cells.append(cell)
            sheet.append(cells)
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
    elif fmt == "csv":
        buffer_text = io.StringIO()
        csv.writer(buffer_text).writerows([[_guard(v) for v in row] for row in rows])
        data = ("\ufeff" + buffer_text.getvalue()).encode("utf-8")
    else:
        raise ValueError(f"unknown format {fmt!r}: csv or xlsx")
    if out is None:
        return data
    out.write_bytes(data)
    return None
