"""`koptrain indicator`: the business indicators measured before and after a training."""

from typing import Annotated

import typer

from koptrain.cli import common
from koptrain.i18n import _

app = typer.Typer(help=_("Business indicators measured before and after a training."))


@app.command("list", help=_("List the indicators with their kind and unit."))
def list_(
    ctx: typer.Context,
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.io.output import Column, emit
    from koptrain.services.outcomes import records

    with common.open_store(ctx).session() as session:
        rows = [
            {"code": i.code, "name": i.name, "kind": i.kind, "unit": i.unit}
            for i in records.list_indicators(session)
        ]
    columns = [
        Column("code", _("Code")),
        Column("name", _("Name")),
        Column("kind", _("Kind")),
        Column("unit", _("Unit")),
    ]
    emit(rows, columns, fmt=fmt, output=output)


@app.command(
    "add",
    help=_(
        "Add an indicator, e.g. `indicator add pelanggan --name 'Jumlah pelanggan' "
        "--kind count --unit orang`."
    ),
)
def add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE", help=_("The indicator's code."))],
    name: Annotated[str, typer.Option("--name", help=_("What it measures."))] = "",
    kind: Annotated[str, typer.Option("--kind", help=_("money, count, number or yes_no."))] = "",
    unit: Annotated[str | None, typer.Option("--unit", help=_("The unit, e.g. Rp."))] = None,
) -> None:
    from koptrain.services.outcomes import records

    with common.open_store(ctx, write=True).session() as session:
        row = records.add_indicator(session, code, name=name, kind=kind, unit=unit)
        message = _("Added indicator {code} ({kind}).").format(code=row.code, kind=row.kind)
    typer.echo(message)
