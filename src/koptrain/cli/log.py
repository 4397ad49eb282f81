"""`koptrain log`: the audit trail."""

from typing import Annotated

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
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.io.output import Column, emit
    from koptrain.services import audit

    store = common.open_store(ctx)
    with store.session() as db:
        rows = audit.recent(db, limit)
    emit(
        rows,
        [
            Column("at", _("When")),
            Column("user", _("User")),
            Column("entity", _("Entity")),
            Column("key", _("Key")),
            Column("change", _("Change")),
            Column("command", _("Command")),
        ],
        fmt=fmt,
        output=output,
        title=_("Audit trail"),
        empty=_("The audit trail is empty."),
    )
