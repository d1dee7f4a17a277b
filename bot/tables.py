"""Reading and writing tables as CSV or XLSX files, for officers' imports and exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook


def read_table(path: Path) -> list[list[Any]]:
    """All rows of a CSV (UTF-8, with or without BOM; comma or semicolon) or the first sheet."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    text = path.read_text(encoding="utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def write_table(rows: list[list[Any]], fmt: str, out: Path | None) -> bytes | None:
    """Write rows as CSV (UTF-8 with BOM, so Excel shows Vietnamese right) or XLSX.

    With `out` None the file's bytes are returned instead of written.
    """
    if fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
    elif fmt == "csv":
        buffer_text = io.StringIO()
        csv.writer(buffer_text).writerows(rows)
        data = ("\ufeff" + buffer_text.getvalue()).encode("utf-8")
    else:
        raise ValueError(f"unknown format {fmt!r}: csv or xlsx")
    if out is None:
        return data
    out.write_bytes(data)
    return None
