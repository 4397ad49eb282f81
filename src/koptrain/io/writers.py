"""Export writers: CSV, JSON and XLSX, streaming rows, with formula-like cells neutralised."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

# A spreadsheet runs a cell starting with these as a formula; `'` itself is doubled so that
# import, which removes one leading `'`, gives back exactly what was exported.
_FORMULA_START = ("=", "+", "-", "@", "'")


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_cell(value: Any, numeric: bool) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date):
        return value.isoformat()
    if numeric and isinstance(value, int | float):
        return value
    return neutralise(str(value))


def write_csv(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[str],
    out: TextIO,
    *,
    numeric: frozenset[str] = frozenset(),
) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    n = 0
    for row in rows:
        writer.writerow([_csv_cell(row.get(c), c in numeric) for c in columns])
        n += 1
    return n


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def write_json(rows: Iterable[dict[str, Any]], columns: Sequence[str], out: TextIO) -> int:
    """A JSON array of objects, written one object at a time (memory stays flat)."""
    out.write("[")
    n = 0
    for row in rows:
        out.write(",\n  " if n else "\n  ")
        out.write(json.dumps({c: _json_value(row.get(c)) for c in columns}, ensure_ascii=False))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n


def write_xlsx(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[str],
    target,
    *,
    numeric: frozenset[str] = frozenset(),
    title: str = "export",
) -> int:
    """One sheet in openpyxl's write-only mode: dates as date cells, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(columns))
    n = 0
    for row in rows:
        cells = []
        for c in columns:
            value = row.get(c)
            if value is None:
                cells.append(None)
            elif isinstance(value, bool):
                cells.append(1 if value else 0)
            elif isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            elif c in numeric and isinstance(value, int | float):
                cells.append(value)
            else:
                cell = WriteOnlyCell(sheet, value=neutralise(str(value)))
                cell.data_type = "s"
                cells.append(cell)
        sheet.append(cells)
        n += 1
    workbook.save(target)
    return n
