"""`koptrain rat record|list`: the cooperatives' annual members' meetings."""

from typing import Annotated

import typer

from koptrain.cli import common
from koptrain.i18n import _

app = typer.Typer(help=_("Record RATs (annual members' meetings) and see who is on time."))

CoopArgument = Annotated[
    str,
    typer.Argument(
        metavar="COOP",
        help=_("NIK Koperasi, legal number, number from `coop list`, or start of the name."),
    ),
]


@app.command("record", help=_("Record a fiscal year's RAT (a year already recorded is corrected)."))
def record(
    ctx: typer.Context,
    coop: CoopArgument,
    year: Annotated[
        str,
        typer.Option(
            "--year", metavar="FY", help=_("The fiscal year (named by the year it ends in).")
        ),
    ],
    held: Annotated[
        str, typer.Option("--held", metavar="DATE", help=_("The day the RAT was held."))
    ],
    reported: Annotated[
        str | None,
        typer.Option("--reported", metavar="DATE", help=_("The day it was reported to the Dinas.")),
    ] = None,
    attendees: Annotated[
        str | None, typer.Option("--attendees", metavar="N", help=_("How many members attended."))
    ] = None,
) -> None:
    from koptrain.io.output import date_text
    from koptrain.services import refs, registry

    with common.open_store(ctx, write=True).session() as db:
        target = refs.coop(db, coop)
        row, outcome = registry.record_rat(
            db,
            target,
            fiscal_year=year,
            held_on=held,
            reported_on=reported,
            attendees=attendees,
        )
        values = {"coop": target.name, "fy": row.fiscal_year, "held": date_text(row.held_on)}
    messages = {
        registry.ADDED: _("RAT {fy} of {coop} recorded (held {held})."),
        registry.UPDATED: _("RAT {fy} of {coop} updated (held {held})."),
        registry.UNCHANGED: _("RAT {fy} of {coop} unchanged (held {held})."),
    }
    typer.echo(messages[outcome].format(**values))


@app.command(
    "list",
    help=_("One row per cooperative: its latest RAT (or that of --year) and whether on time."),
)
def list_(
    ctx: typer.Context,
    year: Annotated[
        str | None, typer.Option("--year", metavar="FY", help=_("A fiscal year."))
    ] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", metavar="STATUS", help=_("Only on-time, late or missing.")),
    ] = None,
    on: common.OnOption = None,
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.io.output import Column, emit
    from koptrain.services import registry, validation

    day = common.parse_on(on)
    fiscal_year = validation.year(year, what="--year") if year else None
    registry.parse_status_filter(status)
    with common.open_store(ctx).session() as db:
        rows = registry.rat_rows(db, on=day, year=fiscal_year, status=status)
    columns = [
        Column("coop", _("Cooperative")),
        Column("coop_nik", _("NIK Koperasi")),
        Column("fiscal_year", _("Fiscal year")),
        Column("deadline", _("Deadline"), "date"),
        Column("held_on", _("Held"), "date"),
        Column("reported_on", _("Reported"), "date"),
        Column("report_deadline", _("Report due"), "date"),
        Column("status", _("Status"), kind="status"),
    ]
    emit(rows, columns, fmt=fmt, output=output, title=_("RAT"), empty=_("No RAT to show."))


@app.command("delete", help=_("Delete the RAT recorded for a fiscal year."))
def delete(
    ctx: typer.Context,
    coop: CoopArgument,
    year: Annotated[str, typer.Option("--year", metavar="FY", help=_("The fiscal year."))],
) -> None:
    from koptrain.services import corrections, refs

    with common.open_store(ctx, write=True).session() as db:
        target = refs.coop(db, coop)
        corrections.delete_rat(db, target, year)
        name = target.name
    typer.echo(_("RAT {year} of {coop} deleted.").format(year=year, coop=name))
