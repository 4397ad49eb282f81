"""`koptrain db upgrade|check|refresh|backup`: look after the database itself."""

from pathlib import Path
from typing import Annotated

import typer

from koptrain.cli import common
from koptrain.i18n import _

app = typer.Typer(help=_("Upgrade, check, refresh or back up the database."))


@app.command("upgrade", help=_("Bring the database schema up to this version of koptrain."))
def upgrade(ctx: typer.Context) -> None:
    from koptrain import db

    url = db.resolve_url(common.app_context(ctx).db)
    engine = db.create_engine(url, write=True)
    common.end_start_up()  # a migration may rewrite every row: the collector is on for it
    try:
        with db.translate_db_errors(url):
            before, after = db.upgrade(engine)
    finally:
        engine.dispose()
    if before == after:
        typer.echo(_("The database is up to date (schema {revision}).").format(revision=after))
    else:
        typer.echo(
            _("Upgraded the database from schema {before} to {after}.").format(
                before=before or "-", after=after
            )
        )


@app.command(
    "check",
    help=_(
        "Check the database's integrity and foreign keys, and that the report tables follow "
        "their sources: every trigger present, a sample of rows equal to a rebuild (exit 3 "
        "on damage)."
    ),
)
def check(ctx: typer.Context) -> None:
    from koptrain import db
    from koptrain.errors import DatabaseError
    from koptrain.storage import upkeep

    store = common.open_store(ctx)
    where = db.describe_url(store.url)
    with db.translate_db_errors(store.url):
        problems = upkeep.integrity_problems(store.engine)
        derived = upkeep.derived_problems(store.engine)
    if problems:
        for problem in problems[:20]:
            typer.echo(f"koptrain: {problem}", err=True)
        raise common.fail(
            DatabaseError(
                _("The database {db} is damaged: {n} problems found.").format(
                    db=where, n=len(problems)
                )
            )
        )
    if derived:
        raise common.fail(
            DatabaseError(
                _(
                    "The report tables of {db} are not exact ({problems}); run "
                    "`koptrain db refresh`."
                ).format(db=where, problems="; ".join(derived))
            )
        )
    typer.echo(_("The database {db} is in good order.").format(db=where))


@app.command(
    "refresh",
    help=_(
        "Work out the report tables again from every enrollment and contact (and put back "
        "any missing trigger): after `db check` finds them wrong, or a change made around "
        "koptrain."
    ),
)
def refresh(ctx: typer.Context) -> None:
    from koptrain import db
    from koptrain.storage import upkeep

    store = common.open_store(ctx, write=True)
    progress = db.StderrProgress()
    progress(0, 0)
    with db.translate_db_errors(store.url):
        restored = upkeep.refresh(store.engine, progress)
    if restored:
        typer.echo(_("Put back the missing triggers: {names}.").format(names=", ".join(restored)))
    typer.echo(
        _("The report tables of {db} are worked out again.").format(db=db.describe_url(store.url))
    )


@app.command("backup", help=_("Make a consistent copy of the database, even while it is in use."))
def backup(
    ctx: typer.Context,
    dest: Annotated[
        Path, typer.Argument(metavar="DEST", help=_("The new file to write the copy to."))
    ],
) -> None:
    from koptrain.storage import upkeep

    store = common.open_store(ctx)
    upkeep.backup(store.url, dest)
    typer.echo(_("Backed up to {dest}.").format(dest=dest))
