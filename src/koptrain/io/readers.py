"""Streaming row readers for import: CSV (`,` `;` or tab; UTF-8, BOM or not), XLSX, stdin."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from koptrain.errors import InvalidInput
from koptrain.i18n import _
from koptrain.io import limits

_ZIP_MAGIC = b"PK\x03\x04"
_DELIMITERS = (",", ";", "\t")


def unmark(value: str) -> str:
    """Remove the leading `'` that export adds to neutralise a formula (io.writers.neutralise)."""
    return value[1:] if value[:1] == "'" else value


class RowSource:
    """An opened file: its header and a one-pass iterator of (line number, cell values)."""

    def __init__(self, name: str, header: list[str], rows: Iterator[tuple[int, list[Any]]]):
        self.name = name
        self.header = header
        self._rows = rows
        self.position = 0  # bytes read so far (for a progress bar), when known
        self.size: int | None = None
        self._closers: list = []

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        return self._rows

    def close(self) -> None:
        for closer in self._closers:
            with contextlib.suppress(Exception):  # must not mask the real error
                closer()


def open_rows(path: str) -> RowSource:
    """Open FILE (`-` = CSV on stdin) for reading rows; invalid files raise InvalidInput."""
    if path == "-":
        return _csv_source("-", sys.stdin.buffer, None)
    file = Path(path)
    try:
        binary = file.open("rb")
    except OSError as exc:
        raise InvalidInput(
            _("Cannot read {file}: {reason}.").format(file=path, reason=exc.strerror or exc)
        ) from None
    head = binary.read(4)
    binary.seek(0)
    if head == _ZIP_MAGIC or file.suffix.lower() in (".xlsx", ".xlsm"):
        binary.close()
        return _xlsx_source(file)
    try:
        size = file.stat().st_size
    except OSError:
        size = None
    return _csv_source(path, binary, size)


def _not_utf8(name: str, line: int) -> InvalidInput:
    return InvalidInput(
        _("{file} is not UTF-8 text (line {line}): save it as CSV UTF-8 and try again.").format(
            file=name, line=line
        )
    )


def _csv_source(name: str, binary: BinaryIO, size: int | None) -> RowSource:
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="strict", newline="")
    try:
        first = text.readline()
    except UnicodeDecodeError:
        raise _not_utf8(name, 1) from None
    if not first.strip():
        raise InvalidInput(_("{file} is empty: it has no header line.").format(file=name))
    if "\x00" in first:
        raise InvalidInput(_("{file} is not a text file.").format(file=name))
    delimiter = max(_DELIMITERS, key=first.count)
    try:
        header = next(csv.reader([first], delimiter=delimiter))
    except (csv.Error, StopIteration):
        raise InvalidInput(_("{file} has an unreadable header line.").format(file=name)) from None
    source = RowSource(name, [unmark(h) for h in header], iter(()))
    source.size = size
    source._closers.append(text.close)
    reader = csv.reader(text, delimiter=delimiter)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        end = 1  # physical line of the end of the previous record
        tell = binary.tell if binary.seekable() else None
        n = 0
        try:
            for row in reader:  # kept lean: it runs once per row of a million-row file
                line = end + 1
                end = reader.line_num + 1
                joined = "".join(row)
                if not joined:  # a blank line, or one of empty cells
                    continue
                if "'" in joined:
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


def _cell(value: Any) -> Any:
    """An XLSX cell as import reads it: text, or a date for date cells."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    return unmark(str(value))


def _xlsx_source(file: Path) -> RowSource:
    limits.check_workbook(file)  # before anything is decompressed
    try:
        import openpyxl

        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        first = next(iterator, None)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike: not a readable workbook
        raise InvalidInput(
            _("{file} cannot be read as an Excel (.xlsx) workbook: {reason}.").format(
                file=file, reason=type(exc).__name__
            )
        ) from None
    if first is None or not any(v not in (None, "") for v in first):
        workbook.close()
        raise InvalidInput(_("{file} is empty: it has no header line.").format(file=file))
    header = [str(_cell(v)) for v in first]
    width = len(header)
    source = RowSource(str(file), header, iter(()))
    source._closers.append(workbook.close)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        line = 1
        try:
            for values in iterator:
                line += 1
                if values is None or all(v in (None, "") for v in values):
                    continue
                yield line, [_cell(v) for v in values[:width]]
        except Exception as exc:
            raise InvalidInput(
                _("{file}:{line}: the workbook cannot be read: {reason}.").format(
                    file=file, line=line, reason=type(exc).__name__
                )
            ) from None

    source._rows = rows()
    return source
