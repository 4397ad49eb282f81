"""`koptrain baseline`: indicator values of a participant before the training."""

from typing import Annotated

import typer

from koptrain.cli import common
from koptrain.i18n import _

app = typer.Typer(help=_("Record indicator values measured before a training (baselines)."))


@app.command(
    "record",
    help=_(
        "Record indicator values of a participant of --session measured on --date, e.g. "
        "`baseline record 3572015705800001 --session BLT-01 --date 2020-06-10 "
        "--indicator 'omzet=Rp 2.500.000' --indicator pembukuan=tidak`."
    ),
)
def record(
    ctx: typer.Context,
    person_ref: Annotated[
        str, typer.Argument(metavar="PERSON", help=_("NIK or number of the person."))
    ],
    session_code: Annotated[str, typer.Option("--session", help=_("The session code."))] = "",
    date: Annotated[str, typer.Option("--date", help=_("The day the values were measured."))] = "",
    indicators: Annotated[
        list[str] | None,
        typer.Option("--indicator", help=_("CODE=VALUE, repeatable.")),
    ] = None,
) -> None:
    from koptrain.errors import InvalidInput
    from koptrain.parsing import parse_date
    from koptrain.services import refs
    from koptrain.services.outcomes import records

    for option, value in (("--session", session_code), ("--date", date)):
        if not value.strip():
            raise InvalidInput(_("{option} is required.").format(option=option))
    day = parse_date(date, what="--date")
    with common.open_store(ctx, write=True).session() as session:
        person = refs.person(session, person_ref)
        training = refs.training(session, session_code)
        stored = records.record_baseline(
            session, person, training, date=day, assignments=indicators or ()
        )
        message = _("Recorded {n} baseline value(s) for {name} on {date}.").format(
            n=len(stored), name=person.name, date=day.isoformat()
        )
    typer.echo(message)
