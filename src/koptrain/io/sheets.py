"""Spreadsheets for import (.xlsx, .xls, .ods) read with calamine, which knows cell types:
text stays text, a number cell becomes a NumberCell, a date cell a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from koptrain.errors import InvalidInput
from koptrain.i18n import _

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
SCAN_ROWS = 30  # the header row is looked for among the first rows of a sheet (SPEC §7)


class NumberCell(str):
    """The text of a cell the spreadsheet stores as a number: a NIK there has lost its
    last digits already, a phone its leading 0 (SPEC §7)."""

    __slots__ = ()


def unmark(value: str) -> str:
    """Remove the leading `'` that export adds to neutralise a formula (SPEC §4)."""
    return value[1:] if value[:1] == "'" else value


def cell(value: Any) -> Any:
    """A cell as import reads it: text, a NumberCell, or a date for date cells."""
    if type(value) is str:
        return value[1:] if value[:1] == "'" else value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return NumberCell(int(value)) if value.is_integer() else NumberCell(repr(value))
    if isinstance(value, int):
        return NumberCell(value)
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value
    if value is None:
        return ""
    return str(value)  # a time or a duration


def filled(values: list[Any]) -> int:
    """How many cells of a row hold something."""
    return sum(1 for v in values if v != "" and not (isinstance(v, str) and not v.strip()))


def open_workbook(file: Path):
    try:
        import python_calamine

        return python_calamine.load_workbook(str(file))
    except Exception as exc:  # zip, XML, OLE and calamine errors alike: not a workbook
        raise InvalidInput(
            _("{file} cannot be read as a spreadsheet (.xlsx, .xls, .ods): {reason}.").format(
                file=file, reason=type(exc).__name__
            )
        ) from None


def choose_sheet(
    workbook, file: Path, sheet: str | None, find_header: Callable[[list[list[Any]]], int | None]
):
    """The sheet to read: the one named or numbered (1-based) by --sheet, else the first
    whose first rows hold a header row for the kind, else the first sheet."""
    names = list(workbook.sheet_names)
    if not names:
        raise InvalidInput(_("{file} has no sheet.").format(file=file))
    if sheet is not None:
        wanted = sheet.strip()
        if wanted.isdigit() and 1 <= int(wanted) <= len(names) and wanted not in names:
            return workbook.get_sheet_by_index(int(wanted) - 1)
        for name in names:
            if name.strip().lower() == wanted.lower():
                return workbook.get_sheet_by_name(name)
        raise InvalidInput(
            _("{file} has no sheet '{sheet}'; its sheets are: {names}.").format(
                file=file, sheet=wanted, names=", ".join(names)
            )
        )
    for index in range(len(names)):
        candidate = workbook.get_sheet_by_index(index)
        if find_header(first_rows(candidate)) is not None:
            return candidate
    return workbook.get_sheet_by_index(0)


def first_rows(sheet) -> list[list[Any]]:
    rows = []
    for values in sheet.iter_rows():
        rows.append([cell(v) for v in values])
        if len(rows) >= SCAN_ROWS:
            break
    return rows


def sheet_rows(sheet, file: Path) -> Iterator[tuple[int, list[Any]]]:
    """(line, cells) for every row of the sheet, line = the row number Excel shows."""
    line = 0
    try:
        for values in sheet.iter_rows():
            line += 1
            yield (
                line,
                [(v[1:] if v[:1] == "'" else v) if type(v) is str else cell(v) for v in values],
            )
    except InvalidInput:
        raise
    except Exception as exc:
        raise InvalidInput(
            _("{file}:{line}: the workbook cannot be read: {reason}.").format(
                file=file, line=line + 1, reason=type(exc).__name__
            )
        ) from None
