"""The file writers: CSV, JSON and XLSX (streaming rows, formula-like text neutralised),
the rejects file of an import, and where an export goes."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

# A spreadsheet runs a cell starting with these as a formula; `'` itself is doubled so that
# import, which removes one leading `'`, gives back exactly what was exported.
_FORMULA_START = ("=", "+", "-", "@", "'")

# write(rows, columns, numeric_columns): how an export hands its rows to a file format.
RowsWriter = Callable[[Iterable[dict[str, Any]], Sequence[str], frozenset[str]], Any]
_INF = float("inf")


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_cell(value: Any) -> Any:
    """A CSV cell: empty for None, 1/0 for booleans, ISO dates, numbers as they are, and
    text neutralised (so a spreadsheet never runs it as a formula)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    return neutralise(str(value))


def write_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str], out: TextIO) -> int:
    """The columns as the header, then one line per row (streamed); how many rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    n = 0
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
        n += 1
    return n


def write_json(obj: Any, out: TextIO) -> None:
    """`json.dump(jsonable(obj), out, ensure_ascii=False, indent=2)` and a newline, written faster;
    an iterator (of export rows) is written as a JSON array, streamed, and so is a lazy
    sequence (not a list or tuple: e.g. report outcomes' sessions) that is a value of a dict
    at the top: memory stays that of a chunk of its items.

    A report's JSON holds lists of thousands of flat rows (50,000 sessions for a province):
    json's indented output is pure Python, about 20 µs a value. Each flat object or list
    is encoded here by the C encoder in one call, its separators carrying the newline and
    indentation, so the text is the same character for character.
    """

    def default(value):
        if isinstance(value, dt.date | dt.datetime):
            return value.isoformat()
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")

    encoders: dict[int, json.JSONEncoder] = {}

    def flat(value, depth: int) -> str:
        encoder = encoders.get(depth)
        if encoder is None:
            encoder = encoders[depth] = json.JSONEncoder(
                ensure_ascii=False,
                separators=(",\n" + "  " * (depth + 1), ": "),
                default=default,
            )
        text = encoder.encode(value)
        return text[0] + "\n" + "  " * (depth + 1) + text[1:-1] + "\n" + "  " * depth + text[-1]

    rows_encoder = json.JSONEncoder(ensure_ascii=False, separators=("\x00", ": "), default=default)

    def rows(value, depth: int) -> str:
        # One C call for the whole list. A raw NUL appears in JSON text only as this
        # separator (inside strings it is escaped), and "}" just before one can only
        # close a row (a string ends in '"', a number in a digit), so both kinds of
        # separator are told apart and given their indentation afterwards.
        row, field = "  " * (depth + 1), "  " * (depth + 2)
        text = rows_encoder.encode(value)[2:-2]
        text = text.replace("}\x00{", "\n" + row + "},\n" + row + "{\n" + field)
        text = text.replace("\x00", ",\n" + field)
        return "[\n" + row + "{\n" + field + text + "\n" + row + "}\n" + "  " * depth + "]"

    nested = {dict, list, tuple}
    other = json.JSONEncoder(ensure_ascii=False, default=default).encode
    string = json.encoder.encode_basestring  # in C; as ensure_ascii=False writes it

    def scalar(value) -> bool:
        return not isinstance(value, dict | list | tuple)

    def text_of(value) -> str:
        """A scalar as json.dumps writes it, without making an encoder per value."""
        kind = type(value)
        if kind is str:
            return string(value)
        if value is None:
            return "null"
        if kind is bool:
            return "true" if value else "false"
        if kind is int:
            return int.__repr__(value)
        if kind is float and value == value and value not in (_INF, -_INF):
            return float.__repr__(value)
        return other(value)  # NaN, infinities, dates, subclasses

    plain = {str, int, float, bool, type(None), dt.date, dt.datetime}  # scalars, by type

    def encode(value, depth: int) -> str:
        if type(value) in plain or scalar(value):
            return text_of(value)
        if not value:
            return "{}" if isinstance(value, dict) else "[]"
        items = value.values() if isinstance(value, dict) else value
        if plain.issuperset(map(type, items)) or all(scalar(v) for v in items):
            return flat(value, depth)
        if isinstance(value, list | tuple) and all(
            type(row) is dict and row and nested.isdisjoint(map(type, row.values()))
            for row in value
        ):
            return rows(value, depth)
        inner = "  " * (depth + 1)
        if isinstance(value, dict):
            parts = [inner + string(str(k)) + ": " + encode(v, depth + 1) for k, v in value.items()]
            return "{\n" + ",\n".join(parts) + "\n" + "  " * depth + "}"
        parts = [inner + encode(v, depth + 1) for v in value]
        return "[\n" + ",\n".join(parts) + "\n" + "  " * depth + "]"

    def lazy(value) -> bool:
        return isinstance(value, Iterable) and not isinstance(
            value, str | bytes | dict | list | tuple
        )

    def stream(items: Iterable, depth: int) -> None:
        """`encode(list(items), depth)`, written a chunk of items at a time (memory stays
        that of a chunk; a chunk of flat rows is still one C call)."""
        close = "\n" + "  " * depth + "]"
        items, started = iter(items), False
        while chunk := list(islice(items, 1000)):
            out.write(("," if started else "[") + encode(chunk, depth)[1 : -len(close)])
            started = True
        out.write(close if started else "[]")

    if isinstance(obj, dict) and obj and any(map(lazy, obj.values())):
        for i, (key, value) in enumerate(obj.items()):
            out.write(("{\n" if i == 0 else ",\n") + "  " + string(str(key)) + ": ")
            if lazy(value):
                stream(value, 1)
            else:
                out.write(encode(value, 1))
        out.write("\n}")
    elif isinstance(obj, Iterator):  # the rows of an export
        stream(obj, 0)
    else:
        out.write(encode(obj, 0))
    out.write("\n")


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


def open_text(output: Path | None) -> contextlib.AbstractContextManager[TextIO]:
    """stdout (no file, or -), else the file opened for streaming UTF-8 text."""
    if output is None or str(output) == "-":
        return contextlib.nullcontext(sys.stdout)
    from koptrain.io.private import private_file

    return private_file(output)


@contextlib.contextmanager
def export_writer(fmt: str, output: Path | None, *, title: str) -> Iterator[RowsWriter]:
    """write(rows, columns, numeric_columns) for an export as csv, json or xlsx to `output`
    (stdout without one); the services' exporting streams its rows into it."""
    if fmt == "xlsx":
        from koptrain.io.private import private_file

        with private_file(output, binary=True) if output else contextlib.nullcontext(None) as file:
            target = file if file is not None else sys.stdout.buffer
            yield lambda rows, columns, numeric: write_xlsx(
                rows, columns, target, numeric=numeric, title=title
            )
        return
    with open_text(output) as out:
        if fmt == "csv":
            yield lambda rows, columns, _numeric: write_csv(rows, columns, out)
        else:
            yield lambda rows, columns, _numeric: write_json(
                ({c: row.get(c) for c in columns} for row in rows), out
            )
