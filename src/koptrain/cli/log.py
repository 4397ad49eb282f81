"""`koptrain log`: the audit trail, one numbered entry per command that wrote."""

from typing import Annotated, Optional

import typer

from koptrain.cli import common
from koptrain.i18n import _


def register(app: typer.Typer) -> None:
    app.command("log", help=_("Show the audit trail, newest first."))(log)


def log(
    ctx: typer.Context,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1_000_000, help=_("How many entries."))
    ] = 50,
    person: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--person", metavar="PERSON", help=_("Only entries that touched this person.")
        ),
    ] = None,
    coop: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--coop", metavar="COOP", help=_("Only entries that touched this coop.")),
    ] = None,
    session: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--session", metavar="SESSION", help=_("Only entries that touched this session.")
        ),
    ] = None,
    since: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--since", metavar="DATE", help=_("Only entries on or after this day.")),
    ] = None,
    until: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--until", metavar="DATE", help=_("Only entries on or before this day.")),
    ] = None,
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    """Show the audit trail, newest first: each entry's number (for `undo`), when (local
    time), who, the command and what it changed."""
    from koptrain.io.output import Column, emit
    from koptrain.parsing import parse_date
    from koptrain.services import history, refs

    store = common.open_store(ctx)
    with store.session() as db:
        wanted = history.LogFilter(
            limit=limit,
            person_id=refs.person(db, person).id if person else None,
            coop_id=refs.coop(db, coop).id if coop else None,
            session_id=refs.training(db, session).id if session else None,
            since=parse_date(since, what="--since") if since else None,
            until=parse_date(until, what="--until") if until else None,
        )
        rows = history.entries(db, wanted)
    emit(
        rows,
        [
            Column("entry", _("Entry"), "int"),
            Column("at", _("When")),
            Column("user", _("User")),
            Column("command", _("Command")),
            Column("what", _("What changed")),
            Column("changed", _("Rows"), "int"),
        ],
        fmt=fmt,
        output=output,
        title=_("Audit trail"),
        empty=_("The audit trail is empty."),
    )
