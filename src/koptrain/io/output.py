"""One output layer for every listing and report: Rich tables, CSV or JSON, to stdout or a file."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    """A column of a listing: its JSON/CSV key, its translated label, how to show it.

    kind: id, nik, code, date, int, float, share (never broken across lines), status, or
    text (wrapped between words, shortened with `…`); a text column whose key names an
    identifier everywhere (nik, code, session, ...) is taken as one. priority: 0 and 1 are
    always shown; 2 and more are left out first when the table does not fit the terminal
    (koptrain.io.tables)."""

    key: str
    label: str
    kind: str = "text"
    justify: str | None = None
    priority: int | None = None

    def spec(self):
        from koptrain.io.tables import KIND_BY_KEY, PRIORITY_BY_KEY, Spec

        kind = KIND_BY_KEY.get(self.key, "text") if self.kind == "text" else self.kind
        priority = PRIORITY_BY_KEY.get(self.key, 1) if self.priority is None else self.priority
        return Spec(self.label, kind, priority, self.justify)

    def show(self, value: Any, lang: str) -> str:
        """The value as the screen shows it, by the kind this column takes it as."""
        return display_value(value, self.spec().kind, lang)


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
    if kind == "datetime":  # "2020-06-16 09:30:00+00:00" -> "16 June 2020 09:30"
        when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        return f"{format_date(when.date(), lang)} {when:%H:%M}"
    if kind == "change":
        return change_text(value)
    if kind == "monthday" and isinstance(value, str) and len(value) == 5:  # "12-31"
        from koptrain.parsing import MONTH_NAMES

        month, day = value.split("-")
        names = MONTH_NAMES.get(lang, MONTH_NAMES["en"])
        return f"{int(day)} {names[int(month) - 1]}"
    if isinstance(value, bool):
        return "✓" if value else ""
    return str(value)


def change_text(value: Any, label: Callable[[str], str] = str) -> str:
    """An audit record's change in a line: `status: open → closed, completed: 38`, each
    field named by `label` (the interface language's name of the field)."""
    try:
        change = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return str(value)
    if not isinstance(change, dict):
        return str(value)

    def one(v: Any) -> str:
        if isinstance(v, list) and len(v) == 2:
            return f"{one(v[0])} → {one(v[1])}"
        if v is None or v == "":
            return "–"
        return status_label(v) if isinstance(v, str) and v in STATUS_LABELS else str(v)

    return ", ".join(f"{label(k)}: {one(v)}" for k, v in change.items())


def date_text(value: dt.date | str | None) -> str:
    """A date as the screen shows it in the interface language ('16 Juni 2020'), in
    messages as in tables."""
    return display_value(value, "date", current_language())


_ISO_DATE = None


def screen_dates(message: str) -> str:
    """A sentence for the screen with its ISO dates (2020-06-16) written as the tables write
    them ('16 Juni 2020'): services word their reasons and errors with ISO dates, and the
    screen shows dates one way per language. Text that is not a real date stays as is."""
    global _ISO_DATE
    import re

    if _ISO_DATE is None:
        _ISO_DATE = re.compile(r"(?<![\w-])(\d{4})-(\d{2})-(\d{2})(?![\w:-])")

    def shown(match) -> str:
        try:
            return date_text(dt.date(*map(int, match.groups())))
        except ValueError:
            return match.group(0)

    return _ISO_DATE.sub(shown, message)


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def console(file: TextIO | None = None, *, stderr: bool = False, markup: bool = False):
    """A Rich console that never reads markup in what it prints (user text shows as typed):
    colour only on a terminal without NO_COLOR; when redirected, $COLUMNS or 160 columns,
    and tables no wider than their content (koptrain.io.tables)."""
    target = file or (sys.stderr if stderr else sys.stdout)
    is_tty = hasattr(target, "isatty") and target.isatty()
    width = None if is_tty else int(os.environ.get("COLUMNS", "0") or 0) or 160
    return _console_class()(
        file=target,
        width=width,
        no_color=not is_tty or bool(os.environ.get("NO_COLOR")),
        markup=markup,
        highlight=False,
        emoji=False,
        soft_wrap=False,
        color_system="auto" if is_tty else None,
    )


_TRAILING = None


def _console_class():
    """Rich's Console, with no line ending in spaces: Rich pads what it wraps and aligns
    to the width; a pipe or a copied screen should not carry that padding."""
    global _TRAILING
    import re

    from rich.console import Console

    if _TRAILING is None:
        _TRAILING = re.compile(r"[ ]+((?:\x1b\[[0-9;]*m)*)$", re.M)

    class PlainEndsConsole(Console):
        def _render_buffer(self, buffer) -> str:
            return _TRAILING.sub(r"\1", super()._render_buffer(buffer))

    return PlainEndsConsole


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


def rich_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    *,
    title: str | None,
    show_header: bool = True,
):
    """The rows as a table that fits the console's width (koptrain.io.tables.Grid); values
    are data, never markup: "[...]" in a change record shows as typed."""
    from koptrain.io.tables import Grid

    lang = current_language()
    return Grid(
        [c.spec() for c in columns],
        [[c.show(row.get(c.key), lang) for c in columns] for row in rows],
        title=title,
        show_header=show_header,
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
    if fmt == "xlsx":
        from koptrain.io import xlsx_report

        path = xlsx_report.require_file(output)
        keys = [c.key for c in columns]
        return xlsx_report.write(xlsx_report.listing_sheets(rows, keys, title), path)
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
    if fmt == "xlsx":
        return _emit_xlsx(obj, output)
    with destination(output) as out:
        if fmt == "json":
            write_json(obj, out)
        else:
            render_table(console(out), out)


def emit_report(obj: Any, *, fmt: str, output: Path | None, render, csv=None, json=None) -> None:
    """Render a report by the view of its format: `render(console, obj)` for a table (on a
    console that reads no markup), `csv(obj, out)`, `json(obj, out)` (default: write_json);
    xlsx a sheet per table."""
    if fmt == "xlsx":
        return _emit_xlsx(obj, output)
    with destination(output) as out:
        if fmt == "json":
            (json or write_json)(obj, out)
        elif fmt == "csv" and csv is not None:
            csv(obj, out)
        else:
            render(console(out, markup=False), obj)


def _emit_xlsx(obj: Any, output: Path | None) -> None:
    from koptrain.io import xlsx_report

    path = xlsx_report.require_file(output)
    xlsx_report.write(xlsx_report.report_sheets(obj), path)


def warn(message: str) -> None:
    print(message, file=sys.stderr)
