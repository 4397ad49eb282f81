"""`koptrain undo [ENTRY]`: take back an entry of the audit trail."""

from typing import Annotated, Optional

import typer

from koptrain.cli import common
from koptrain.i18n import _


def register(app: typer.Typer) -> None:
    app.command("undo")(undo)


def undo(
    ctx: typer.Context,
    entry: Annotated[
        Optional[int],  # noqa: UP045
        typer.Argument(
            metavar="[ENTRY]", help=_("The entry's number in `log` (default: the latest).")
        ),
    ] = None,
) -> None:
    """Take back the latest change (or entry ENTRY of `log`) in one step; the undo is itself
    an entry of the log, so it can be undone too.  Example: koptrain undo 42"""
    from koptrain.services import undo as undo_service

    store = common.open_store(ctx, write=True)
    with store.session() as db:
        done = undo_service.undo(db, entry)
    typer.echo(
        _("Undid entry {n} ({command}): {rows} rows put back. This undo is entry {m}.").format(
            n=done.undone, command=done.command, rows=done.rows, m=done.entry
        )
    )
    for name in done.promoted:
        typer.echo(_("{person} moved up from the waitlist.").format(person=name))
