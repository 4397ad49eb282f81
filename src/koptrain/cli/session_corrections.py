"""`koptrain session edit|reopen|delete`: correcting a session (SPEC §8)."""

from typing import Annotated

import typer

from koptrain.cli import common
from koptrain.cli.session import SessionArg, app
from koptrain.i18n import _


def _opt(name: str, metavar: str, text: str):
    return typer.Option(name, metavar=metavar, help=text)


@app.command("edit", help=_("Correct a session: only the options given change."))
def edit(
    ctx: typer.Context,
    code: SessionArg,
    title: Annotated[str | None, _opt("--title", "T", _("Title."))] = None,
    venue: Annotated[str | None, _opt("--venue", "V", _("Venue."))] = None,
    start: Annotated[str | None, _opt("--start", "DATE", _("First day."))] = None,
    end: Annotated[str | None, _opt("--end", "DATE", _("Last day."))] = None,
    capacity: Annotated[
        str | None,
        _opt("--capacity", "N", _("Seats; raising it moves people up from the waitlist.")),
    ] = None,
    audience: Annotated[
        str | None, _opt("--audience", "ROLES", _("Roles admitted, separated by commas."))
    ] = None,
    requires_business: Annotated[
        bool | None,
        typer.Option(
            "--requires-business/--no-requires-business",
            help=_("Only people who own a business, or everyone."),
        ),
    ] = None,
    min_attendance: Annotated[
        str | None, _opt("--min-attendance", "SHARE", _("Share of the days needed to complete."))
    ] = None,
    program: Annotated[
        str | None, _opt("--program", "P", _('Programme code ("" for none).'))
    ] = None,
) -> None:
    from koptrain.cli.changes import say_changes
    from koptrain.parsing import parse_optional_date as day
    from koptrain.services import corrections, refs

    with common.open_store(ctx, write=True).session() as db:
        found = refs.training(db, code)
        changed, moved = corrections.edit_session(
            db,
            found,
            title=title,
            venue=venue,
            capacity=capacity,
            audience=audience,
            start=day(start, what="--start"),
            end=day(end, what="--end"),
            requires_business=requires_business,
            min_attendance=min_attendance,
            program=program,
        )
        label = _("Session {code}").format(code=found.code)
        names = [m.person.name for m in moved]
    say_changes(label, changed, "session")
    for name in names:
        typer.echo(_("{person} moved up from the waitlist.").format(person=name))


@app.command("reopen", help=_("Reopen a closed session: its completed seats become enrolled."))
def reopen(ctx: typer.Context, code: SessionArg) -> None:
    from koptrain.services import corrections, refs

    with common.open_store(ctx, write=True).session() as db:
        found = refs.training(db, code)
        n = corrections.reopen(db, found)
        code = found.code
    typer.echo(_("Session {code} is open again; {n} seats enrolled again.").format(code=code, n=n))


@app.command("delete", help=_("Delete a session that has no enrollments, groups or contacts."))
def delete(ctx: typer.Context, code: SessionArg) -> None:
    from koptrain.services import corrections, refs

    with common.open_store(ctx, write=True).session() as db:
        found = refs.training(db, code)
        code = found.code
        corrections.delete_session(db, found)
    typer.echo(_("Deleted session {code}.").format(code=code))
