"""One output layer for every listing and report: Rich tables, CSV or JSON, to stdout or a file."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from koptrain.i18n import N_, _, current_language
from koptrain.parsing import format_date, format_number

FORMATS = ("table", "csv", "json")


# Status values (enrollment, session, RAT, practice) as tables show them. JSON and CSV keep the
# value itself; the English catalog leaves these empty, so English tables show the value too.
STATUS_LABELS = {
    value: value
    for value in (
        N_("enrolled"),
        N_("waitlisted"),
        N_("withdrawn"),
        N_("completed"),
        N_("not_completed"),
        N_("open"),
        N_("cancelled"),
        N_("closed"),
        N_("on_time"),
        N_("report_pending"),
        N_("late"),
        N_("report_missing"),
        N_("report_late"),
        N_("missing"),
        N_("not_due"),
        N_("practicing"),
        N_("partly"),
        N_("not_yet"),
        N_("stopped"),
    )
}


def status_label(value: str | None) -> str:
    """A status value in the interface language, for tables and screens (never JSON/CSV)."""
    if not value:
        return ""
    return _(value) if value in STATUS_LABELS else value


@dataclass(frozen=True)
class Column:
    """A column of a listing: its JSON/CSV key, its translated label, how to show it."""

    key: str
    label: str
    kind: str = "text"  # text, date, int, float, share, status
    justify: str | None = None


def display_value(value: Any, kind: str, lang: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "date":
        if isinstance(value, str):
            value = dt.date.fromisoformat(value)
        return format_date(value, lang)
    if kind == "int":
        return format_number(value, lang)
    if kind == "float":
        return format_number(value, lang, decimals=1)
    if kind == "share":
        return format_number(value * 100, lang) + "%"
    if kind == "status":
        return status_label(value)
    if isinstance(value, bool):
        return "✓" if value else ""
    return str(value)


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def console(file: TextIO | None = None, *, stderr: bool = False, markup: bool = True):
    """A Rich console: colour only on a terminal without NO_COLOR; wide when redirected.
    With `markup` False nothing printed is read as Rich markup (user text shows as typed)."""
    from rich.console import Console

    target = file or (sys.stderr if stderr else sys.stdout)
    is_tty = hasattr(target, "isatty") and target.isatty()
    width = None if is_tty else int(os.environ.get("COLUMNS", "0") or 0) or 160
    return Console(
        file=target,
        width=width,
        no_color=not is_tty or bool(os.environ.get("NO_COLOR")),
        highlight=False,
        emoji=False,
        markup=markup,
        soft_wrap=False,
        color_system="auto" if is_tty else None,
    )


@contextlib.contextmanager
def destination(output: Path | None) -> Iterator[TextIO]:
    """stdout, or the file given with -o (UTF-8, written whole)."""
    if output is None or str(output) == "-":
        yield sys.stdout
        return
    buffer = io.StringIO()
    yield buffer
    output.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def write_json(obj: Any, out: TextIO) -> None:
    """`json.dump(jsonable(obj), out, ensure_ascii=False, indent=2)` and a newline, written faster.

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

    def scalar(value) -> bool:
        return not isinstance(value, dict | list | tuple)

    def encode(value, depth: int) -> str:
        if scalar(value):
            return json.dumps(value, ensure_ascii=False, default=default)
        if not value:
            return "{}" if isinstance(value, dict) else "[]"
        items = value.values() if isinstance(value, dict) else value
        if all(scalar(v) for v in items):
            return flat(value, depth)
        if isinstance(value, list | tuple) and all(
            type(row) is dict and row and nested.isdisjoint(map(type, row.values()))
            for row in value
        ):
            return rows(value, depth)
        inner = "  " * (depth + 1)
        if isinstance(value, dict):
            parts = [
                inner + json.dumps(str(k), ensure_ascii=False) + ": " + encode(v, depth + 1)
                for k, v in value.items()
            ]
            return "{\n" + ",\n".join(parts) + "\n" + "  " * depth + "}"
        parts = [inner + encode(v, depth + 1) for v in value]
        return "[\n" + ",\n".join(parts) + "\n" + "  " * depth + "]"

    out.write(encode(obj, 0))
    out.write("\n")


def write_csv(rows: Iterable[dict[str, Any]], keys: Sequence[str], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(keys)
    for row in rows:
        writer.writerow(["" if row.get(k) is None else jsonable(row.get(k)) for k in keys])


def table(
    columns: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[str] | None],
    *,
    title: str | None = None,
    box: str = "SIMPLE_HEAVY",
    show_header: bool = True,
    title_justify: str = "center",
):
    """A Rich table: `columns` as (label, justify), `rows` of strings (None closes a
    section). Every cell and the title are plain text, never Rich markup: a session titled
    "Akuntansi [/b] dasar" shows as typed. The one place tables are made."""
    from rich import box as boxes
    from rich.table import Table
    from rich.text import Text

    made = Table(
        title=None if title is None else Text(title, style="table.title"),
        box=getattr(boxes, box),
        show_header=show_header,
        title_justify=title_justify,
        show_lines=False,
    )
    for label, justify in columns:
        made.add_column(label, justify=justify, overflow="fold")
    for row in rows:
        if row is None:
            made.rows[-1].end_section = True
            continue
        made.add_row(*(Text(cell) for cell in row))
    return made


def rich_table(rows: Sequence[dict[str, Any]], columns: Sequence[Column], *, title: str | None):
    lang = current_language()
    return table(
        [
            (c.label, c.justify or ("right" if c.kind in ("int", "float", "share") else "left"))
            for c in columns
        ],
        ([display_value(row.get(c.key), c.kind, lang) for c in columns] for row in rows),
        title=title,
        title_justify="left",
    )


def emit(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    *,
    fmt: str = "table",
    output: Path | None = None,
    title: str | None = None,
    empty: str | None = None,
) -> None:
    """Render a listing: JSON array of objects, CSV with the keys as header, or a Rich table."""
    with destination(output) as out:
        if fmt == "json":
            write_json(list(rows), out)
        elif fmt == "csv":
            write_csv(rows, [c.key for c in columns], out)
        elif not rows and empty:
            out.write(empty + "\n")
        else:
            console(out).print(rich_table(rows, columns, title=title))


def emit_object(obj: Any, *, fmt: str, output: Path | None, render_table) -> None:
    """Render a report that is one object: JSON as given, otherwise by `render_table(console)`."""
    with destination(output) as out:
        if fmt == "json":
            write_json(obj, out)
        else:
            render_table(console(out), out)


def emit_report(obj: Any, *, fmt: str, output: Path | None, render, csv=None, json=None) -> None:
    """Render a report by the view of its format: `render(console, obj)` for a table (on a
    console that reads no markup), `csv(obj, out)`, `json(obj, out)` (default: write_json)."""
    with destination(output) as out:
        if fmt == "json":
            (json or write_json)(obj, out)
        elif fmt == "csv" and csv is not None:
            csv(obj, out)
        else:
            render(console(out, markup=False), obj)


def say(message: str) -> None:
    print(message)


def warn(message: str) -> None:
    print(message, file=sys.stderr)
