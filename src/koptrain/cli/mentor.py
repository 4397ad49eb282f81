"""`koptrain mentor`: follow-up contacts (pendampingan) and what is due."""

from typing import Annotated

import typer

from koptrain.cli import common
from koptrain.i18n import _

app = typer.Typer(help=_("Log follow-up contacts and see which follow-ups are due."))


@app.command(
    "log",
    help=_(
        "Log a follow-up contact with a person or a whole group, e.g. `mentor log "
        "3572015705800001 --date 2020-07-20 --mentor 'Bu Rina' --status partly "
        "--obstacle 'modal:kurang modal kerja' --next 2020-08-05`."
    ),
)
def log(
    ctx: typer.Context,
    person_ref: Annotated[
        str | None, typer.Argument(metavar="[PERSON]", help=_("NIK or number of the person."))
    ] = None,
    group_code: Annotated[
        str | None, typer.Option("--group", help=_("Log the contact for every member."))
    ] = None,
    date: Annotated[str, typer.Option("--date", help=_("The day of the contact."))] = "",
    mentor: Annotated[str, typer.Option("--mentor", help=_("Who made the contact."))] = "",
    status: Annotated[
        str,
        typer.Option("--status", help=_("practicing, partly, not_yet or stopped.")),
    ] = "",
    session_code: Annotated[
        str | None,
        typer.Option("--session", help=_("The session the contact is about (default: all).")),
    ] = None,
    obstacles: Annotated[
        list[str] | None,
        typer.Option(
            "--obstacle",
            help=_(
                "CATEGORY:TEXT, repeatable; categories: modal, pemasaran, bahan_baku, produksi, "
                "perizinan, sdm, teknologi, lainnya."
            ),
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help=_("A free note."))] = None,
    next_visit: Annotated[
        str | None, typer.Option("--next", help=_("The date of the next visit."))
    ] = None,
    indicators: Annotated[
        list[str] | None,
        typer.Option("--indicator", help=_("CODE=VALUE measured at the contact, repeatable.")),
    ] = None,
) -> None:
    from koptrain.errors import InvalidInput
    from koptrain.parsing import parse_date, parse_optional_date
    from koptrain.services import mentoring

    if (person_ref is None) == (group_code is None):
        raise InvalidInput(_("Give either a PERSON or --group GROUP."))
    for option, value in (("--date", date), ("--mentor", mentor), ("--status", status)):
        if not value.strip():
            raise InvalidInput(_("{option} is required.").format(option=option))
    day = parse_date(date, what="--date")
    next_date = parse_optional_date(next_visit, what="--next")
    parsed = [mentoring.parse_obstacle(o) for o in obstacles or ()]
    with common.open_store(ctx, write=True).session() as db:
        logs = mentoring.log_contact_by_ref(
            db,
            person_ref,
            group_code,
            date=day,
            mentor=mentor,
            status=status,
            session_ref=session_code,
            obstacles=parsed,
            note=note,
            next_date=next_date,
            indicators=indicators or (),
        )
        count, logged_status = len(logs), logs[0].status
    from koptrain.io.output import date_text, status_label

    typer.echo(
        _("Logged {n} contact(s) on {date}: {status}.").format(
            n=count, date=date_text(day), status=status_label(logged_status)
        )
    )


@app.command(
    "due",
    help=_(
        "List the follow-ups whose next contact is due on or before --on (default today), "
        "grouped by mentor and group. Overdue means due before --on."
    ),
)
def due(
    ctx: typer.Context,
    on: common.OnOption = None,
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.cli.views import mentoring as views
    from koptrain.io.output import console, destination, emit
    from koptrain.services import mentoring

    day = common.parse_on(on)
    show_nik = common.nik_shower(ctx)
    with common.open_store(ctx).session() as db:
        rows = [f.as_json(show_nik) for f in mentoring.due_followups(db, day)]
    if fmt != "table":
        emit(rows, views.due_columns(), fmt=fmt, output=output)
        return
    with destination(output) as out:
        views.due_table(console(out, markup=False), rows, day)


LogArgument = Annotated[int, typer.Argument(metavar="LOG", help=_("The contact's number (LOG)."))]


@app.command("list", help=_("List mentoring contacts with their numbers (LOG)."))
def list_contacts(
    ctx: typer.Context,
    person_ref: Annotated[
        str | None, typer.Argument(metavar="[PERSON]", help=_("NIK or number of the person."))
    ] = None,
    group_code: Annotated[
        str | None, typer.Option("--group", metavar="GROUP", help=_("Contacts of a group."))
    ] = None,
    session_code: Annotated[
        str | None,
        typer.Option("--session", metavar="SESSION", help=_("Contacts about a session.")),
    ] = None,
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.errors import InvalidInput
    from koptrain.io.output import Column, emit
    from koptrain.services import corrections, refs

    if (person_ref, group_code, session_code).count(None) != 2:
        raise InvalidInput(_("Give one of PERSON, --group GROUP or --session SESSION."))
    show_nik = common.nik_shower(ctx)
    with common.open_store(ctx).session() as db:
        rows = corrections.contacts(
            db,
            person=refs.person(db, person_ref) if person_ref else None,
            group=refs.group(db, group_code) if group_code else None,
            training=refs.training(db, session_code) if session_code else None,
        )
    for row in rows:
        row["nik"] = show_nik(row["nik"])
        row["obstacles"] = "; ".join(row["obstacles"]) if fmt != "json" else row["obstacles"]
    emit(
        rows,
        [
            Column("log", _("LOG"), "int"),
            Column("date", _("Date"), "date"),
            Column("nik", _("NIK")),
            Column("name", _("Name")),
            Column("session", _("Session")),
            Column("group", _("Group")),
            Column("mentor", _("Mentor")),
            Column("status", _("Status"), "status"),
            Column("obstacles", _("Obstacles")),
            Column("next", _("Next visit"), "date"),
        ],
        fmt=fmt,
        output=output,
        title=_("Mentoring contacts"),
        empty=_("No mentoring contacts recorded."),
    )


@app.command("edit", help=_("Correct a mentoring contact: only the options given change."))
def edit(
    ctx: typer.Context,
    number: LogArgument,
    date: Annotated[str | None, typer.Option("--date", metavar="DATE", help=_("Day."))] = None,
    mentor: Annotated[
        str | None, typer.Option("--mentor", metavar="NAME", help=_("Mentor."))
    ] = None,
    status: Annotated[str | None, typer.Option("--status", metavar="S", help=_("Status."))] = None,
    obstacles: Annotated[
        list[str] | None,
        typer.Option("--obstacle", metavar="CATEGORY:TEXT", help=_("Replaces the obstacles.")),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT", help=_("Note."))] = None,
    next_visit: Annotated[
        str | None, typer.Option("--next", metavar="DATE", help=_("Next visit."))
    ] = None,
) -> None:
    from koptrain.cli.changes import say_changes
    from koptrain.parsing import parse_date
    from koptrain.services import corrections

    with common.open_store(ctx, write=True).session() as db:
        changed = corrections.edit_contact(
            db,
            number,
            date=parse_date(date, what="--date") if date else None,
            mentor=mentor,
            status=status,
            obstacles=obstacles,
            note=note,
            next_date=parse_date(next_visit, what="--next") if next_visit else None,
        )
    say_changes(_("Contact {n}").format(n=number), changed, "mentoring_log")


@app.command("delete", help=_("Delete a mentoring contact (logged twice, or by mistake)."))
def delete(ctx: typer.Context, number: LogArgument) -> None:
    from koptrain.services import corrections

    with common.open_store(ctx, write=True).session() as db:
        corrections.delete_contact(db, number)
    typer.echo(_("Deleted contact {n}.").format(n=number))
