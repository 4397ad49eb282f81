"""`koptrain program add|list`: programmes, the sets of trainings run together."""

from typing import Annotated, Optional

import typer

from koptrain.cli import common
from koptrain.i18n import _

app = typer.Typer(help=_("Add or list training programmes."))


@app.command(
    "add", help=_("Add a programme, e.g. `program add BLITAR-2020 --name 'Pelatihan 2020'`.")
)
def add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=_("A short code for the programme."))],
    name: Annotated[str, typer.Option("--name", help=_("The programme's name."))],
    year: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--year", min=1900, max=2100, help=_("The year it runs.")),
    ] = None,
) -> None:
    from koptrain.services import training

    with common.open_store(ctx, write=True).session() as db:
        program = training.add_program(db, code, name=name, year=year)
        code = program.code
    typer.echo(_("Programme {code} added.").format(code=code))


@app.command("list", help=_("List the programmes with their number of sessions."))
def list_(
    ctx: typer.Context, fmt: common.FormatOption = "table", output: common.OutputOption = None
) -> None:
    from koptrain.io.output import Column, emit
    from koptrain.services import training

    with common.open_store(ctx).session() as db:
        rows = training.programs(db)
    emit(
        rows,
        [
            Column("code", _("Code")),
            Column("name", _("Name")),
            Column("year", _("Year")),
            Column("sessions", _("Sessions"), "int"),
        ],
        fmt=fmt,
        output=output,
        title=_("Programmes"),
        empty=_("No programmes yet: add one with `koptrain program add`."),
    )


@app.command("delete", help=_("Delete a programme that has no sessions."))
def delete(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="PROGRAM", help=_("The programme's code."))],
) -> None:
    from koptrain.services import corrections, refs

    with common.open_store(ctx, write=True).session() as db:
        found = refs.program(db, code)
        code = found.code
        corrections.delete_program(db, found)
    typer.echo(_("Deleted programme {code}.").format(code=code))
