"""Streaming row readers for import: CSV (`,` `;` or tab; UTF-8, BOM or not), stdin, and
spreadsheets (.xlsx, .xls, .ods); the header row found among the first rows (SPEC §7)."""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import sys
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from koptrain.errors import InvalidInput
from koptrain.i18n import _, os_reason
from koptrain.io import limits
from koptrain.io.sheets import (
    SCAN_ROWS,
    SPREADSHEET_SUFFIXES,
    NumberCell,
    choose_sheet,
    filled,
    open_workbook,
    sheet_rows,
    unmark,
)
from koptrain.parsing import normalise_key

__all__ = ["NumberCell", "RowSource", "column_key", "open_rows", "unmark"]

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an old Excel (.xls) workbook
_DELIMITERS = (",", ";", "\t")


def column_key(raw: Any) -> str:
    """A header cell as columns are named: lower case, `_` for spaces and hyphens."""
    return normalise_key(str(raw).lstrip("\ufeff"))


class RowSource:
    """An opened file: its header and a one-pass iterator of (line number, cell values).

    `skipped` counts the rows under the header with at most one filled cell (blank rows,
    section titles, the place and date and names of a signature): not data, not errors."""

    def __init__(self, name: str, header: list[str], rows: Iterator[tuple[int, list[Any]]]):
        self.name = name
        self.header = header
        self._rows = rows
        self.position = 0  # bytes read so far (for a progress bar), when known
        self.size: int | None = None
        self.skipped = 0
        self.header_line = 1
        self.format = "csv"  # or xlsx, xls, ods
        self.delimiter = ","  # CSV: the input's, so that rejects open the same way
        self.bom = False
        self.path: Path | None = None
        self.parts: list | None = None  # a field workbook's sheets read (io.sheet_parts)
        self.sheet: str | None = None  # a spreadsheet's sheet read
        self._closers: list = []

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        return self._rows

    @property
    def spreadsheet(self) -> bool:
        return self.format != "csv"

    def close(self) -> None:
        for closer in self._closers:
            with contextlib.suppress(Exception):  # must not mask the real error
                closer()


def find_header(
    rows: list[list[Any]], known: Collection[str], header_row: int | None = None
) -> int | None:
    """The index of the header row: row `header_row` (1-based) when given, else the first
    that names at least two of the known columns, else the first with anything in it."""
    if header_row is not None:
        return header_row - 1 if header_row <= len(rows) else None
    for index, row in enumerate(rows):
        if sum(1 for v in row if isinstance(v, str) and column_key(v) in known) >= 2:
            return index
    return None


def _first_filled(rows: list[list[Any]]) -> int | None:
    return next((i for i, row in enumerate(rows) if filled(row)), None)


def open_rows(
    path: str,
    *,
    known: Collection[str] = (),
    sheet: str | None = None,
    header_row: int | None = None,
    every_sheet_with: str | None = None,
) -> RowSource:
    """Open FILE (`-` = CSV on stdin) for reading rows; invalid files raise InvalidInput.

    `known` are the column names (and aliases) of the kind, to find the header row; a
    workbook with a column `every_sheet_with` in its header row is a field workbook, read
    sheet by sheet (koptrain.io.sheet_parts)."""
    if header_row is not None and header_row < 1:
        raise InvalidInput(_("--header-row must be 1 or more."))
    if path == "-":
        return _csv_source("-", sys.stdin.buffer, None, known, header_row)
    file = Path(path)
    try:
        binary = file.open("rb")
    except OSError as exc:
        raise InvalidInput(
            _("Cannot read {file}: {reason}.").format(file=path, reason=os_reason(exc))
        ) from None
    head = binary.read(4)
    binary.seek(0)
    suffix = file.suffix.lower()
    if head in (_ZIP_MAGIC, _OLE_MAGIC) or suffix in SPREADSHEET_SUFFIXES:
        binary.close()
        source = _sheet_source(file, known, sheet, header_row, every_sheet_with)
    else:
        if sheet is not None:
            binary.close()
            raise InvalidInput(
                _("--sheet applies to spreadsheets, not to {file}.").format(file=path)
            )
        try:
            size = file.stat().st_size
        except OSError:
            size = None
        source = _csv_source(path, binary, size, known, header_row)
    source.path = file
    return source


def _not_utf8(name: str, line: int) -> InvalidInput:
    return InvalidInput(
        _("{file} is not UTF-8 text (line {line}): save it as CSV UTF-8 and try again.").format(
            file=name, line=line
        )
    )


def _no_header(name: str, header_row: int | None) -> InvalidInput:
    if header_row is not None:
        return InvalidInput(
            _("{file} has nothing in row {row} (--header-row).").format(file=name, row=header_row)
        )
    return InvalidInput(_("{file} is empty: it has no header line.").format(file=name))


def _csv_source(
    name: str, binary: BinaryIO, size: int | None, known, header_row: int | None
) -> RowSource:
    bom = binary.peek(3)[:3] == b"\xef\xbb\xbf" if hasattr(binary, "peek") else False
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="strict", newline="")
    lines: list[str] = []
    try:
        while len(lines) < max(SCAN_ROWS, header_row or 0):
            line = text.readline()
            if not line:
                break
            lines.append(line)
    except UnicodeDecodeError:
        raise _not_utf8(name, len(lines) + 1) from None
    if not "".join(lines).strip():
        raise InvalidInput(_("{file} is empty: it has no header line.").format(file=name))
    if "\x00" in "".join(lines):
        raise InvalidInput(_("{file} is not a text file.").format(file=name))
    delimiter, records, index = _sniff(lines, known, header_row)
    if index is None:
        raise _no_header(name, header_row)
    source = RowSource(name, [unmark(h) for h in records[index]], iter(()))
    source.size = size
    source.delimiter = delimiter
    source.bom = bom
    source._closers.append(text.close)
    reader = csv.reader(itertools.chain(lines, text), delimiter=delimiter)
    try:
        for _record in range(index + 1):
            next(reader)
    except (csv.Error, StopIteration):
        raise InvalidInput(_("{file} has an unreadable header line.").format(file=name)) from None
    source.header_line = reader.line_num

    def rows() -> Iterator[tuple[int, list[Any]]]:
        end = source.header_line  # physical line of the end of the previous record
        tell = binary.tell if binary.seekable() else None
        n = 0
        try:
            for row in reader:  # kept lean: it runs once per row of a million-row file
                line = end + 1
                end = reader.line_num
                cells = len(row) - row.count("")
                if cells <= 1 or (cells <= 3 and filled(row) <= 1):
                    source.skipped += 1
                    continue
                if "'" in "".join(row):
                    row = [unmark(v) for v in row]
                yield line, row
                n += 1
                if not n & 4095 and tell is not None:
                    source.position = tell()
        except UnicodeDecodeError:
            raise _not_utf8(name, end + 1) from None
        except csv.Error as exc:
            raise InvalidInput(
                _("{file}:{line}: the file cannot be read as CSV: {reason}.").format(
                    file=name, line=end + 1, reason=exc
                )
            ) from None
        if size is not None:
            source.position = size

    source._rows = rows()
    return source


def _sniff(
    lines: list[str], known, header_row: int | None
) -> tuple[str, list[list[str]], int | None]:
    """The delimiter under which a header row names the most known columns (or, when none
    does, the most frequent one on the first line with text), the first rows split by it,
    and the header row's index."""
    best: tuple[int, str, list[list[str]], int | None] | None = None
    for delimiter in _DELIMITERS:
        records = _split(lines, delimiter)
        index = find_header(records, known, header_row)
        if index is None or header_row is not None:
            continue
        score = sum(1 for v in records[index] if column_key(v) in known)
        if best is None or score > best[0]:
            best = (score, delimiter, records, index)
    if best is not None:
        return best[1], best[2], best[3]
    first = next((ln for ln in lines if ln.strip()), lines[0])
    if header_row is not None and header_row <= len(lines):
        first = lines[header_row - 1]
    delimiter = max(_DELIMITERS, key=first.count)
    records = _split(lines, delimiter)
    index = find_header(records, known, header_row) if header_row else _first_filled(records)
    if index is not None and not filled(records[index]):
        index = None
    return delimiter, records, index


def _split(lines: Iterable[str], delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(lines, delimiter=delimiter))
    except csv.Error:
        return []


def _sheet_source(
    file: Path, known, sheet: str | None, header_row: int | None, every_sheet_with: str | None
) -> RowSource:
    limits.check_workbook(file)  # a decompression bomb is refused before anything is read
    workbook = open_workbook(file)

    def header_of(rows: list[list[Any]]) -> int | None:
        return find_header(rows, known, header_row)

    if every_sheet_with is not None:
        from koptrain.io import sheet_parts

        try:
            found = sheet_parts.every_sheet(
                workbook,
                file,
                every_sheet_with,
                header_of,
                only=sheet,
                scan=max(SCAN_ROWS, header_row or 0),
            )
        except InvalidInput:
            workbook.close()
            raise
        if found is not None:
            parts, header, data = found
            source = RowSource(str(file), header, iter(()))
            source.format = {".xls": "xls", ".ods": "ods"}.get(file.suffix.lower(), "xlsx")
            source.header_line = parts[0].header_line
            source.parts = parts
            source._closers.append(workbook.close)
            source._rows = data(source)
            return source

    chosen = choose_sheet(workbook, file, sheet, header_of)
    rows = sheet_rows(chosen, file)
    head = list(itertools.islice(rows, max(SCAN_ROWS, header_row or 0)))
    records = [values for _line, values in head]
    index = header_of(records)
    if index is None and header_row is None:
        index = _first_filled(records)
    if index is None or not filled(records[index]):
        workbook.close()
        raise _no_header(str(file), header_row)
    header = [str(v) if v != "" else "" for v in records[index]]
    width = len(header)
    while width and not header[width - 1].strip():
        width -= 1
    source = RowSource(str(file), header[:width], iter(()))
    source.format = {".xls": "xls", ".ods": "ods"}.get(file.suffix.lower(), "xlsx")
    source.header_line = head[index][0]
    source.sheet = chosen.name
    source._closers.append(workbook.close)

    def data() -> Iterator[tuple[int, list[Any]]]:
        for line, values in itertools.chain(head[index + 1 :], rows):
            values = values[:width]
            cells = len(values) - values.count("")
            if cells <= 1 or (cells <= 3 and filled(values) <= 1):
                source.skipped += 1
                continue
            yield line, values

    source._rows = data()
    return source
