"""`koptrain import` and `koptrain export`: batches of CSV/XLSX in, every kind out."""

from pathlib import Path
from typing import Annotated

import typer

from koptrain.cli import common
from koptrain.i18n import _

IMPORT_HELP = _(
    "Import a CSV, XLSX, XLS or ODS file (`-` = CSV on stdin) of one KIND: programs, coops, "
    "health, rat, people, sessions, enrollments, attendance, groups, mentoring, scores, "
    "evaluations, indicators or nominations (the form of `sheet nominations`; `attendance` "
    "also reads the grid of `sheet attendance`). The header row is found among the first 30 "
    "rows (--columns lists what KIND reads). Every row is checked first; by default one bad "
    "row means nothing is written (exit 2)."
)
EXPORT_HELP = _(
    "Export one KIND (same columns as import reads) as CSV, JSON or XLSX, with full NIKs "
    "(recorded in the audit trail)."
)


def register(app: typer.Typer) -> None:
    app.command("import", help=IMPORT_HELP)(import_)
    app.command("export", help=EXPORT_HELP)(export)


def import_(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help=_("What the file holds, e.g. people."))],
    file: Annotated[
        str | None,
        typer.Argument(help=_("A .csv, .xlsx, .xls or .ods file, or - for CSV on stdin.")),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Check and count only; write nothing."))
    ] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid", help=_("Write the valid rows; exit 1 if any row was rejected.")
        ),
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects",
            help=_("Write the rejected rows here (.csv or .xlsx), with an error column, to fix."),
        ),
    ] = None,
    header_row: Annotated[
        int | None,
        typer.Option("--header-row", help=_("The row (from 1) that holds the column names.")),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option("--sheet", help=_("The sheet to read, by name or number (from 1).")),
    ] = None,
    columns: Annotated[
        bool,
        typer.Option("--columns", help=_("List the columns of KIND with their aliases, and stop.")),
    ] = False,
    fmt: common.FormatOption = "table",
    session: Annotated[
        str | None,
        typer.Option(
            "--session",
            metavar="SESSION",
            help=_("attendance, nominations: the session, when the file does not name it."),
        ),
    ] = None,
    coop: Annotated[
        str | None,
        typer.Option(
            "--coop",
            metavar="COOP",
            help=_("nominations: the cooperative, when the form does not name it."),
        ),
    ] = None,
) -> None:
    from koptrain.errors import InvalidInput
    from koptrain.i18n import current_language, setup
    from koptrain.io.progress import import_progress
    from koptrain.io.readers import open_rows
    from koptrain.services import importing

    if fmt == "json" and current_language() != "en":
        setup("en")  # JSON carries English messages, whatever the interface language
    handler = importing.handler_for(kind)
    options = _kind_options(kind, session=session, coop=coop)
    if columns:
        _render_columns(kind, fmt)
        return
    if file is None:
        raise typer.BadParameter(_("give the FILE to import"), param_hint="FILE")
    source = open_rows(
        file,
        known=importing.known_columns(handler),
        sheet=sheet,
        header_row=header_row,
        every_sheet_with=handler.workbook_key,
    )
    ctx.call_on_close(source.close)
    reject_sink = None
    if rejects:
        from koptrain.io.rejects import open_rejects

        form = handler.for_header(source.header).names_sheet  # a nomination form, a grid
        reject_sink = open_rejects(rejects, source, keep=form)
        ctx.call_on_close(reject_sink.close)
    store = common.open_store(ctx, write=True)

    printed = common.ErrorPrinter()

    def on_error(error) -> None:
        # The row's sentence as the command's: dates as the screen writes them (SPEC §9).
        from dataclasses import replace

        from koptrain.io.output import screen_dates

        shown = replace(error, message=screen_dates(error.message))
        printed.add(shown.located(source.name))

    def on_warning(message: str) -> None:
        typer.echo("koptrain: " + message, err=True)

    with import_progress(source) as on_progress, store.session() as db:
        result = importing.run(
            db,
            kind,
            source,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
            on_error=on_error,
            on_reject=reject_sink.write if reject_sink else None,
            on_progress=on_progress,
            on_warning=on_warning,
            options=options,
        )
    if reject_sink:
        reject_sink.form = result.rejects_form  # a workbook of the same layout
        reject_sink.close()
    printed.finish(rejects_file=rejects)
    _render(result, fmt)
    if result.rejected and not skip_invalid:
        raise InvalidInput(
            _("{n} of {rows} rows were rejected; nothing was written.").format(
                n=result.rejected, rows=result.rows
            )
        )
    if result.rejected:
        typer.echo(
            "koptrain: "
            + _("{n} of {rows} rows were rejected and not written.").format(
                n=result.rejected, rows=result.rows
            ),
            err=True,
        )
        raise typer.Exit(1)


def _kind_options(kind: str, **given: str | None) -> dict[str, str]:
    """The options that only some kinds read; given to another kind, bad usage."""
    from koptrain.parsing import normalise_key

    readers = {"session": ("attendance", "nominations"), "coop": ("nominations",)}
    options = {}
    for name, value in given.items():
        if value is None:
            continue
        if normalise_key(kind) not in readers[name]:
            raise typer.BadParameter(
                _("only import {kinds} reads it").format(kinds=" / ".join(readers[name])),
                param_hint="--" + name,
            )
        options[name] = value
    return options


def _render_columns(kind: str, fmt: str) -> None:
    from koptrain.io.output import Column, emit
    from koptrain.services import importing

    rows = [
        {"column": name, "aliases": ", ".join(aliases), "required": "*" if required else ""}
        for name, aliases, required in importing.columns_of(kind)
    ]
    emit(
        rows,
        [
            Column("column", _("Column")),
            Column("aliases", _("Also named")),
            Column("required", _("Required")),
        ],
        fmt=fmt,
    )


def _render(result, fmt: str) -> None:
    from koptrain.io.output import Column, emit, emit_object, write_json

    if fmt == "json":
        import sys

        write_json(result.as_json(), sys.stdout)
        return
    keys = ("rows", "inserted", "updated", "unchanged", "rejected")
    if fmt == "csv":
        emit(
            [{"kind": result.kind, **{k: getattr(result, k) for k in keys}}],
            [Column("kind", "kind"), *(Column(k, k) for k in keys)],
            fmt="csv",
        )
        return
    labels = {
        "rows": _("Rows"),
        "inserted": _("Inserted"),
        "updated": _("Updated"),
        "unchanged": _("Unchanged"),
        "rejected": _("Rejected"),
        "skipped": _("Skipped (nothing to read)"),
    }
    if result.skipped:  # blank rows, titles, a workbook's rows left empty
        keys = (*keys, "skipped")
    if result.dry_run:
        title = _("Import {kind} from {file} (dry run: nothing written)")
    elif result.written:
        title = _("Import {kind} from {file}")
    else:
        title = _("Import {kind} from {file} (nothing written)")

    def render(console, _out) -> None:
        console.print(title.format(kind=result.kind, file=result.file))
        console.print(_counts_table(result, keys, labels))

    emit_object(result, fmt="table", output=None, render_table=render)


def _counts_table(result, keys, labels):
    from koptrain.i18n import current_language
    from koptrain.io.tables import Grid, Spec
    from koptrain.parsing import format_number

    lang = current_language()
    rows = [[labels[key], format_number(getattr(result, key), lang)] for key in keys]
    return Grid([Spec(_("Count"), "label", 0), Spec(_("Rows"), "int", 0)], rows, show_header=False)


def export(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help=_("What to export, e.g. people."))],
    fmt: Annotated[
        str, typer.Option("--format", help=_("Output format: csv, json or xlsx."))
    ] = "csv",
    output: common.OutputOption = None,
) -> None:
    import sys

    from koptrain.errors import InvalidInput
    from koptrain.io import writers
    from koptrain.services import exporting

    kind = exporting.check_kind(kind)
    fmt = fmt.lower()
    if fmt not in ("csv", "json", "xlsx"):
        raise typer.BadParameter(_("use csv, json or xlsx"), param_hint="--format")
    if fmt == "xlsx" and output is None and sys.stdout.isatty():
        raise InvalidInput(_("An XLSX export needs a file: give -o FILE.xlsx."))
    store = common.open_store(ctx, write=True)
    with store.session() as db:  # committed before the first NIK is written
        exporting.record_export(db, kind, fmt=fmt, target=str(output) if output else "-")
    with writers.export_writer(fmt, output, title=kind) as write, store.session() as db:
        exporting.export(db, kind, write)
