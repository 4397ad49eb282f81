"""One output layer for every listing and report: Rich tables, CSV or JSON, to stdout or a file."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from koptrain.i18n import N_, _, current_language
from koptrain.io.writers import write_csv, write_json
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


def console(file: TextIO | None = None, *, stderr: bool = False):
    """A Rich console: colour only on a terminal without NO_COLOR; wide when redirected."""
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
        soft_wrap=False,
        color_system="auto" if is_tty else None,
    )


@contextlib.contextmanager
def destination(output: Path | None) -> Iterator[TextIO]:
    """stdout, or the file given with -o (UTF-8, written whole)."""
    if output is None or str(output) == "-":
        yield sys.stdout
        return
    from koptrain.io.private import private_file

    buffer = io.StringIO()
    yield buffer
    with private_file(output) as file:  # 0600: it may hold full NIKs (--reveal-nik)
        file.write(buffer.getvalue())


def rich_table(rows: Sequence[dict[str, Any]], columns: Sequence[Column], *, title: str | None):
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    lang = current_language()
    table = Table(title=title, box=box.SIMPLE_HEAVY, title_justify="left", show_lines=False)
    for column in columns:
        justify = column.justify or (
            "right" if column.kind in ("int", "float", "share") else "left"
        )
        table.add_column(column.label, justify=justify, overflow="fold")
    for row in rows:
        # Values are data, not markup: "[...]" in a change record must show as typed.
        table.add_row(*(escape(display_value(row.get(c.key), c.kind, lang)) for c in columns))
    return table


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


def emit_report(obj: Any, *, fmt: str, output: Path | None, table, csv=None, json=None) -> None:
    """Render a report by the view of its format: `table(console, obj)`, `csv(obj, out)`,
    `json(obj, out)` (default: write_json)."""
    with destination(output) as out:
        if fmt == "json":
            (json or write_json)(obj, out)
        elif fmt == "csv" and csv is not None:
            csv(obj, out)
        else:
            table(console(out), obj)


def warn(message: str) -> None:
    print(message, file=sys.stderr)
