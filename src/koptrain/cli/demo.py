"""`koptrain demo`: load the Kota Blitar 2020 sample into a new database and show its summary."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from koptrain.cli import common
from koptrain.i18n import _


def register(app: typer.Typer) -> None:
    app.command(
        "demo",
        help=_(
            "Load the Kota Blitar 2020 sample (six trainings, 230 participants) into a new "
            "database through the importer, and print its summary."
        ),
    )(demo)


def demo(
    ctx: typer.Context,
    db: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--db",
            help=_(
                "A new database file for the demo (default: koptrain-demo.sqlite3 in the user "
                "data directory, made afresh each time)."
            ),
        ),
    ] = None,
) -> None:
    from rich.text import Text

    from koptrain import db as store_db
    from koptrain.cli.views.summary import summary_table
    from koptrain.io.output import console
    from koptrain.parsing import parse_date
    from koptrain.services import demo as demo_service
    from koptrain.services import refs, reports

    state = common.app_context(ctx)
    target = db or state.db
    if target is None:
        path = store_db.default_path().with_name("koptrain-demo.sqlite3")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        target = str(path)
    state.db = target
    store = common.open_store(ctx, write=True, announce=False)
    where = store_db.describe_url(store.url)
    with store.session() as session:
        demo_service.ensure_empty(session, where)
        demo_service.load(session)
    with store.session() as session:
        program = refs.program(session, demo_service.PROGRAM)
        report = reports.summary(session, program=program, on=parse_date(demo_service.AS_OF))
        from koptrain.cli.outcomes_screen import demo_line

        outcomes_line = demo_line(session, program, parse_date(demo_service.AS_OF))
    out = console()
    summary_table(out, report)
    out.print()
    out.print(Text(outcomes_line))  # wrapped between words at the terminal's width
    shown_db = f'"{where}"' if " " in where else where
    typer.echo("")
    typer.echo(_("The sample is in {db}. Try next:").format(db=where))
    for command in (
        "coop list --eligible-on 2020-06-16",
        "coop eligibility 3572019149310905 --on 2020-06-16",
        "session show BLT20-05",
        "report reminders --on 2020-09-01",
        "--lang id report summary --program BLITAR-2020",
        "report outcomes --program BLITAR-2020 --on 2020-12-31",
    ):
        line = f"  koptrain --db {shown_db} {command}"
        if len(line) > out.width:  # a shell continuation rather than a line the terminal cuts
            line = f"  koptrain --db {shown_db} \\\n      {command}"
        typer.echo(line)
