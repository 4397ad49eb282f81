"""Reports and listings as an Excel workbook (`--format xlsx -o FILE`): one sheet per table,
and a native Excel bar chart wherever the screen draws bars."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from koptrain.errors import InvalidInput
from koptrain.i18n import _
from koptrain.io.writers import neutralise

# The bars of `report summary` on screen: seats per session, the funnel, the breakdowns.
SESSION_SERIES = ("enrolled", "attended", "completed")
FUNNEL = ("capacity", "enrollments", "attended", "completed", "participants")


@dataclass
class BarChartSpec:
    title: str
    category_column: int  # 1-based
    value_columns: tuple[int, ...]
    rows: int | None = None  # data rows charted (default: all)


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    chart: BarChartSpec | None = None


def require_file(output: Path | None) -> Path:
    if output is None or str(output) == "-":
        raise InvalidInput(_("--format xlsx writes a workbook: give the file with -o FILE."))
    return output


def listing_sheets(rows: Sequence[dict], keys: Sequence[str], title: str | None) -> list[Sheet]:
    return [Sheet(title or "rows", list(keys), [[row.get(k) for k in keys] for row in rows])]


def report_sheets(report: dict | list) -> list[Sheet]:
    """A report object's tables: a list of rows is a sheet, a mapping of figures is a
    sheet of two columns, and the report's own scalars (programme, date) a first sheet."""
    if isinstance(report, list):
        return listing_sheets(report, _keys(report), None)
    about = [[k, v] for k, v in report.items() if not isinstance(v, dict | list | tuple)]
    sheets = [Sheet("report", ["key", "value"], about)] if about else []
    for name, value in report.items():
        if isinstance(value, list | tuple):
            rows = [r if isinstance(r, dict) else {"value": r} for r in value]
            keys = _keys(rows)
            sheet = Sheet(name, keys, [[r.get(k) for k in keys] for r in rows])
            if "code" in keys and all(k in keys for k in SESSION_SERIES) and rows:
                sheet.chart = BarChartSpec(
                    _("Seats, attendance and completion per session"),
                    keys.index("code") + 1,
                    tuple(keys.index(k) + 1 for k in SESSION_SERIES),
                )
            sheets.append(sheet)
        elif isinstance(value, dict):
            sheets.append(_figures(name, value))
    return sheets


def _figures(name: str, figures: dict) -> Sheet:
    items = list(figures.items())
    funnel = [k for k in FUNNEL if k in figures]
    if name == "totals" and len(funnel) == len(FUNNEL):
        items = [(k, figures[k]) for k in funnel] + [i for i in items if i[0] not in funnel]
    sheet = Sheet(name, ["key", "value"], [[k, v] for k, v in items])
    counts = all(isinstance(v, int) and not isinstance(v, bool) for v in figures.values())
    if name.startswith("by_") and counts and figures:
        sheet.chart = BarChartSpec(name.replace("_", " "), 1, (2,))
    elif name == "totals" and len(funnel) == len(FUNNEL):
        sheet.chart = BarChartSpec(_("Seats and people"), 1, (2,), rows=len(FUNNEL))
    return sheet


def _keys(rows: Sequence[dict]) -> list[str]:
    return list(dict.fromkeys(k for row in rows for k in row))


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | dt.date):
        return value
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, dict | list | tuple):
        return neutralise(", ".join(str(v) for v in value))
    return neutralise(str(value))


_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def write(sheets: Sequence[Sheet], output: Path) -> None:
    """The workbook, written whole and moved into place."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for sheet in sheets:
        name = _SHEET_NAME.sub(" ", sheet.name)[:31] or "sheet"
        while name.lower() in used:
            name = name[:28] + f"_{len(used)}"
        used.add(name.lower())
        ws = book.create_sheet(name)
        ws.append(sheet.header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append([_cell(v) for v in row])
        for i, key in enumerate(sheet.header, start=1):
            width = max([len(str(key)), *(len(str(r[i - 1] or "")) for r in sheet.rows[:200])])
            ws.column_dimensions[ws.cell(1, i).column_letter].width = min(width + 2, 60)
        spec = sheet.chart
        if spec and sheet.rows:
            last = 1 + (spec.rows or len(sheet.rows))
            chart = BarChart()
            chart.type = "bar" if last > 13 else "col"
            chart.title = spec.title
            chart.height = max(7.5, 0.5 * last) if chart.type == "bar" else 7.5
            chart.width = 18
            for column in spec.value_columns:
                data = Reference(ws, min_col=column, min_row=1, max_row=last)
                chart.add_data(data, titles_from_data=True)
            chart.set_categories(
                Reference(ws, min_col=spec.category_column, min_row=2, max_row=last)
            )
            ws.add_chart(chart, ws.cell(1, len(sheet.header) + 2).coordinate)
    temporary = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        book.save(temporary)
        os.replace(temporary, output)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise InvalidInput(
            _("Cannot write {path}: {reason}.").format(path=output, reason=error.strerror)
        ) from error
