"""`koptrain session create|list|show|cancel|close`: the trainings themselves."""

from typing import Annotated, Optional

import typer

from koptrain.cli import common
from koptrain.i18n import _, ngettext

app = typer.Typer(help=_("Create, list, show, cancel or close training sessions."))

SessionArg = Annotated[str, typer.Argument(help=_("The session's code."))]


@app.command(
    "create",
    help=_(
        "Create a session, e.g. `session create BLT20-01 --title 'Laporan Keuangan' "
        "--start 16/06/2020 --end 18/06/2020 --audience pengurus`."
    ),
)
def create(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=_("A short code for the session."))],
    title: Annotated[str, typer.Option("--title", help=_("The training's title."))],
    start: Annotated[str, typer.Option("--start", help=_("The first day."))],
    end: Annotated[str, typer.Option("--end", help=_("The last day."))],
    program: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--program", help=_("The programme it belongs to (its code).")),
    ] = None,
    capacity: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--capacity", help=_("Seats (default: the policy's session.capacity).")),
    ] = None,
    audience: Annotated[
        str,
        typer.Option(
            "--audience",
            help=_("Roles admitted, separated by commas (default: every role)."),
        ),
    ] = "",
    requires_business: Annotated[
        bool,
        typer.Option("--requires-business", help=_("Only people who own a business.")),
    ] = False,
    venue: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--venue", help=_("Where it takes place.")),
    ] = None,
    min_attendance: Annotated[
        str,
        typer.Option(
            "--min-attendance",
            help=_("Share of the days to attend to complete it: 0.8 or 80% (default: all)."),
        ),
    ] = "1",
    trainer: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--trainer", help=_("A trainer (narasumber); repeat for several.")),
    ] = None,
) -> None:
    from koptrain.parsing import parse_date
    from koptrain.services import refs, training

    first = parse_date(start, what="--start")
    last = parse_date(end, what="--end")
    share = training.parse_share(min_attendance)
    with common.open_store(ctx, write=True).session() as db:
        created = training.create_session(
            db,
            code,
            title=title,
            start=first,
            end=last,
            program=refs.program(db, program) if program else None,
            capacity=capacity,
            audience=audience,
            requires_business=requires_business,
            venue=venue,
            min_attendance=share,
            trainers=trainer or (),
        )
        code, seats = created.code, created.capacity
    from koptrain.io.output import date_text

    typer.echo(
        _("Session {code} created: {start} to {end}, {capacity} seats.").format(
            code=code, start=date_text(first), end=date_text(last), capacity=seats
        )
    )


@app.command("list", help=_("List the sessions with their seats, waitlist and status."))
def list_(
    ctx: typer.Context,
    program: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--program", help=_("Only this programme's sessions.")),
    ] = None,
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.io.output import Column, emit
    from koptrain.services import refs, training

    with common.open_store(ctx).session() as db:
        chosen = refs.program(db, program) if program else None
        rows = training.sessions(db, program=chosen)
    emit(
        rows,
        [
            Column("code", _("Code")),
            Column("title", _("Title")),
            Column("start", _("Start"), "date"),
            Column("end", _("End"), "date"),
            Column("capacity", _("Capacity"), "int"),
            Column("seat_holders", _("Seats taken"), "int"),
            Column("waitlisted", _("Waitlisted"), "int"),
            Column("free_seats", _("Free"), "int"),
            Column("status", _("Status"), kind="status"),
        ],
        fmt=fmt,
        output=output,
        title=_("Sessions"),
        empty=_("No sessions yet: create one with `koptrain session create`."),
    )


@app.command("show", help=_("Show a session and its roster."))
def show(
    ctx: typer.Context,
    code: SessionArg,
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.io.output import emit, emit_object
    from koptrain.services import refs, training

    shown_nik = common.nik_shower(ctx)
    with common.open_store(ctx).session() as db:
        found = refs.training(db, code)
        info = training.details(db, found)
        roster = training.roster(db, found)
    for row in roster:
        row["nik"] = shown_nik(row["nik"])
    if fmt == "csv":
        emit(roster, _roster_columns(), fmt=fmt, output=output)
        return
    emit_object(
        {"session": info, "roster": roster},
        fmt=fmt,
        output=output,
        render_table=lambda console, _out: _render_show(console, info, roster),
    )


def _roster_columns():
    from koptrain.io.output import Column

    return [
        Column("nik", _("NIK")),
        Column("name", _("Name")),
        Column("coop", _("Cooperative")),
        Column("coop_nik", _("NIK Koperasi")),
        Column("role", _("Role")),
        Column("status", _("Status"), kind="status"),
        Column("position", _("Waitlist"), "int"),
        Column("days_attended", _("Days attended"), "int"),
        Column("days_total", _("Days"), "int"),
        Column("override_reason", _("Override")),
    ]


def _render_show(console, info: dict, roster: list[dict]) -> None:
    from koptrain.i18n import current_language
    from koptrain.io.output import status_label
    from koptrain.io.tables import Grid, Spec, pairs
    from koptrain.parsing import format_date, format_number

    lang = current_language()
    details: list[tuple[str, str]] = []

    class head:  # the session's details, shown as typed (koptrain.io.tables.pairs)
        @staticmethod
        def add_row(label: str, value: str) -> None:
            details.append((label, value))

    head.add_row(_("Session"), f"{info['code']} — {info['title']}")
    if info["program"]:
        head.add_row(_("Programme"), info["program"])
    head.add_row(
        _("Days"),
        ngettext(
            "{start} to {end} ({days} day)", "{start} to {end} ({days} days)", info["days"]
        ).format(
            start=format_date(info["start"], lang),
            end=format_date(info["end"], lang),
            days=info["days"],
        ),
    )
    if info["venue"]:
        head.add_row(_("Venue"), info["venue"])
    if info["trainers"]:
        head.add_row(_("Trainers"), info["trainers"])
    audience = ", ".join(info["audience"]) or _("every role")
    if info["requires_business"]:
        audience += " · " + _("business owners only")
    head.add_row(_("Audience"), audience)
    head.add_row(
        _("Completion"),
        _("present on at least {share} of the days").format(
            share=format_number(info["min_attendance"] * 100, lang) + "%"
        ),
    )
    head.add_row(
        _("Seats"),
        _("{held} of {capacity} taken, {free} free, {waiting} waitlisted").format(
            held=info["seat_holders"],
            capacity=info["capacity"],
            free=info["free_seats"],
            waiting=info["waitlisted"],
        ),
    )
    head.add_row(_("Status"), status_label(info["status"]))
    console.print(pairs(details))
    console.print()
    if not roster:
        console.print(_("Nobody is enrolled yet."), markup=False)
        return
    rows = []
    overrides = []
    for number, row in enumerate(roster, 1):
        status = status_label(row["status"])
        has_days = row["days_attended"] or row["days_absent"] or row["status"] != "waitlisted"
        if row["position"]:
            status += f" ({row['position']})"
        name = row["name"]
        if row["override_reason"]:
            name += " *"
            overrides.append(row)
        days = f"{row['days_attended']}/{row['days_total']}" if has_days else ""
        rows.append((str(number), row["nik"], name, row["coop"], row["role"], status, days))
    specs = [
        Spec("#", "int", 0),
        Spec(_("NIK"), "nik", 1),
        Spec(_("Name"), "text", 0),
        Spec(_("Cooperative"), "text", 2),
        Spec(_("Role"), "status", 3),
        Spec(_("Status"), "status", 1),
        Spec(_("Days"), "int", 1),
    ]
    table = Grid(specs, rows, title=_("Roster"))
    console.print(table)
    for row in overrides:
        console.print(
            _("* {name}: enrolled by override: {reason}").format(
                name=row["name"], reason=row["override_reason"]
            ),
            markup=False,
        )


@app.command("cancel", help=_("Cancel a session: every enrollment in it is withdrawn."))
def cancel(ctx: typer.Context, code: SessionArg) -> None:
    from koptrain.services import refs, training

    with common.open_store(ctx, write=True).session() as db:
        found = refs.training(db, code)
        withdrawn = training.cancel(db, found)
        code = found.code
    typer.echo(
        _("Session {code} cancelled; {n} enrollments withdrawn.").format(code=code, n=withdrawn)
    )


@app.command(
    "close",
    help=_(
        "Close a session after its last day: seat holders present on enough days are "
        "completed, the others not_completed."
    ),
)
def close(
    ctx: typer.Context,
    code: SessionArg,
    all_attended: Annotated[
        bool,
        typer.Option(
            "--all-attended",
            help=_("Attendance was not kept: count every seat holder present on every day."),
        ),
    ] = False,
) -> None:
    from koptrain.services import refs, training

    with common.open_store(ctx, write=True).session() as db:
        found = refs.training(db, code)
        result = training.close(db, found, all_attended=all_attended)
        code = found.code
    typer.echo(
        _("Session {code} closed: {completed} completed, {not_completed} not completed.").format(
            code=code, completed=result.completed, not_completed=result.not_completed
        )
    )
    if result.waitlisted:
        typer.echo(_("{n} people stay on the waitlist without a seat.").format(n=result.waitlisted))


# The corrections (edit, reopen, delete) live in their own module, on this same app.
from koptrain.cli import session_corrections  # noqa: E402, F401
