"""`koptrain report`: the programme summary, rosters, RAT compliance, mentoring, reminders."""

from typing import Annotated

import typer

from koptrain.cli import common
from koptrain.i18n import _, ngettext

app = typer.Typer(help=_("Reports: summary, roster, RAT compliance, mentoring and reminders."))

ProgramOption = Annotated[
    str | None, typer.Option("--program", help=_("Only this programme's sessions."))
]


def _program(session, code):
    from koptrain.services import refs

    return refs.program(session, code) if code else None


@app.command(
    "summary",
    help=_(
        "The programme summary: seats, seat holders, attendance, completion and distinct "
        "participants per session and in total; participants by role, gender and kecamatan "
        "(of their latest enrollment); and mentoring as of --on: due = follow-ups whose next "
        "contact is due on or before --on, overdue = due before --on, followed_up = follow-ups "
        "with at least one contact, practicing = follow-ups whose latest contact is practicing. "
        "Cancelled sessions are left out."
    ),
)
def summary(
    ctx: typer.Context,
    program: ProgramOption = None,
    on: common.OnOption = None,
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.io.output import destination, emit_object, write_csv, write_json
    from koptrain.services import reports

    day = common.parse_on(on)
    with common.open_store(ctx).session() as session:
        report = reports.summary(session, program=_program(session, program), on=day)
    if fmt == "csv":
        with destination(output) as out:
            write_csv(reports.summary_csv_rows(report), reports.SUMMARY_CSV_KEYS, out)
        return
    if fmt == "json":
        with destination(output) as out:
            write_json(report, out)
        return
    emit_object(
        report, fmt=fmt, output=output, render_table=lambda c, _o: _render_summary(c, report)
    )


TABLE_SESSIONS = 60  # a summary table lists at most this many sessions: the first and last


def _sessions_shown(sessions: list) -> tuple[list, int]:
    """The sessions a table lists, with None where the others are left out, and how many
    are left out: a province's 50,000 sessions would bury the totals."""
    if len(sessions) <= TABLE_SESSIONS:
        return list(sessions), 0
    half = TABLE_SESSIONS // 2
    return [*sessions[:half], None, *sessions[-half:]], len(sessions) - 2 * half


def _bar(value: int, total: int, width: int = 24) -> str:
    filled = 0 if total <= 0 else round(width * min(value, total) / total)
    return "█" * filled + "░" * (width - filled)


def _render_summary(console, report: dict) -> None:
    from rich import box
    from rich.columns import Columns
    from rich.panel import Panel
    from rich.table import Table

    from koptrain.i18n import current_language
    from koptrain.parsing import format_date, format_number

    lang = current_language()

    def num(n):
        return format_number(n, lang)

    t = report["totals"]
    title = (
        _("Programme {code}: {name}").format(code=report["program"], name=report["program_name"])
        if report["program"]
        else _("All programmes")
    )
    console.print(
        Panel(
            _("{title} — as of {date}").format(
                title=title, date=format_date(report["as_of"], lang)
            ),
            box=box.HEAVY,
            expand=False,
        )
    )
    if not report["sessions"]:
        console.print(_("No sessions in this programme yet."))
        return

    # The funnel: seats offered -> taken -> attended -> completed, and distinct people.
    funnel = Table(box=box.SIMPLE_HEAVY, show_header=False, title=_("Seats and people"))
    funnel.add_column(_("Figure"))
    funnel.add_column(_("Number"), justify="right")
    funnel.add_column(_("Bar"))
    funnel.add_column(_("Meaning"))
    cap = t["capacity"]
    funnel.add_row(
        _("Seats offered"),
        num(cap),
        _bar(cap, cap),
        _("{n} sessions, capacity added up").format(n=num(t["sessions"])),
    )
    funnel.add_row(
        _("Seats taken"),
        num(t["enrollments"]),
        _bar(t["enrollments"], cap),
        _("enrollments holding a seat; {free} seats left empty").format(
            free=num(max(cap - t["enrollments"], 0))
        ),
    )
    funnel.add_row(
        _("Attended"),
        num(t["attended"]),
        _bar(t["attended"], cap),
        _("seats whose holder came at least one day"),
    )
    funnel.add_row(
        _("Completed"),
        num(t["completed"]),
        _bar(t["completed"], cap),
        _("seats marked completed when the session was closed"),
    )
    funnel.add_row(
        _("Participants"),
        num(t["participants"]),
        _bar(t["participants"], cap),
        _(
            "distinct people: {extra} seats are taken by people who sit in more than one session"
        ).format(extra=num(t["enrollments"] - t["participants"])),
    )
    funnel.add_row(
        _("Cooperatives"), num(t["cooperatives"]), "", _("distinct coops the seats were taken for")
    )
    funnel.add_row(
        _("Not seated"),
        num(t["waitlisted"] + t["withdrawn"]),
        "",
        _("{w} on a waitlist, {x} withdrew (not counted above)").format(
            w=num(t["waitlisted"]), x=num(t["withdrawn"])
        ),
    )
    console.print(funnel)

    sessions = Table(box=box.SIMPLE_HEAVY, title=_("Participants per session"))
    for label, justify in [
        (_("Session"), "left"),
        (_("Dates"), "left"),
        (_("Participants of capacity"), "left"),
        (_("Seats"), "right"),
        (_("Waitlist"), "right"),
        (_("Withdrawn"), "right"),
        (_("Attended"), "right"),
        (_("Completed"), "right"),
    ]:
        sessions.add_column(label, justify=justify)
    shown, hidden = _sessions_shown(report["sessions"])
    for s in shown:
        if s is None:
            sessions.add_row(
                _("… {n} more sessions").format(n=num(hidden)), "", "", "", "", "", "", "",
                end_section=True,
            )  # fmt: skip
            continue
        sessions.add_row(
            f"{s['code']}\n{s['title']}",
            f"{format_date(s['start'], lang)}\n– {format_date(s['end'], lang)}",
            f"{_bar(s['enrolled'], s['capacity'])} {num(s['enrolled'])}/{num(s['capacity'])}",
            num(s["enrolled"]),
            num(s["waitlisted"]),
            num(s["withdrawn"]),
            num(s["attended"]),
            num(s["completed"]),
        )
    console.print(sessions)
    if hidden:
        console.print(
            _(
                "{shown} of {total} sessions shown (the first and the last); "
                "--format csv or json lists every session."
            ).format(shown=num(len(shown) - 1), total=num(len(report["sessions"])))
        )

    def breakdown(title: str, counts: dict):
        table = Table(box=box.SIMPLE, title=title)
        table.add_column("")
        table.add_column(_("People"), justify="right")
        table.add_column("")
        total = sum(counts.values())
        for key, n in counts.items():
            table.add_row(str(key), num(n), _bar(n, total, 12))
        table.add_row(_("Total"), num(total), "")
        return table

    gender_names = {"L": _("Male (L)"), "P": _("Female (P)")}
    console.print(
        Columns(
            [
                breakdown(_("By role"), report["by_role"]),
                breakdown(
                    _("By gender"),
                    {gender_names.get(k, k): v for k, v in report["by_gender"].items()},
                ),
                breakdown(_("By kecamatan"), report["by_kecamatan"]),
            ]
        )
    )
    m = report["mentoring"]
    console.print(
        Panel(
            _(
                "Follow-ups due: {due} (overdue: {overdue}) · followed up at least once: "
                "{followed} · practicing at the latest contact: {practicing}"
            ).format(
                due=num(m["due"]),
                overdue=num(m["overdue"]),
                followed=num(m["followed_up"]),
                practicing=num(m["practicing"]),
            ),
            title=_("Mentoring"),
            expand=False,
        )
    )


@app.command("roster", help=_("The roster of a session: seat holders, waitlist, withdrawn."))
def roster(
    ctx: typer.Context,
    session_code: Annotated[str, typer.Argument(metavar="SESSION", help=_("The session code."))],
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.io.output import Column, emit
    from koptrain.services import refs, training

    show_nik = common.nik_shower(ctx)
    with common.open_store(ctx).session() as session:
        found = refs.training(session, session_code)
        title = f"{found.code} — {found.title}"
        rows = [{**r, "nik": show_nik(r["nik"])} for r in training.roster(session, found)]
    emit(
        rows,
        [
            Column("name", _("Name")),
            Column("nik", _("NIK")),
            Column("coop", _("Cooperative")),
            Column("coop_nik", _("NIK Koperasi")),
            Column("role", _("Role")),
            Column("status", _("Status"), kind="status"),
            Column("days_attended", _("Days present"), "int"),
            Column("days_total", _("Days"), "int"),
            Column("override_reason", _("Override")),
        ],
        fmt=fmt,
        output=output,
        title=title,
        empty=_("Nobody is enrolled in {code} yet.").format(code=session_code),
    )


@app.command(
    "rat",
    help=_(
        "Each cooperative's RAT status for fiscal year --year with its deadlines; without "
        "--year, its latest RAT as eligibility judges it on --on."
    ),
)
def rat(
    ctx: typer.Context,
    year: Annotated[
        int | None, typer.Option("--year", min=1900, max=2999, help=_("The fiscal year."))
    ] = None,
    on: common.OnOption = None,
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.io.output import Column, emit
    from koptrain.services import reports

    day = common.parse_on(on)
    with common.open_store(ctx).session() as session:
        rows = reports.rat_status(session, year=year, on=day)
    english = fmt != "table"
    rows = [{**r, "reason": r["reason"].english() if english else r["reason"].text()} for r in rows]
    emit(
        rows,
        [
            Column("coop", _("Cooperative")),
            Column("coop_nik", _("NIK Koperasi")),
            Column("level", _("Level")),
            Column("fiscal_year", _("FY")),
            Column("deadline", _("Deadline"), "date"),
            Column("held_on", _("Held"), "date"),
            Column("report_deadline", _("Report due"), "date"),
            Column("reported_on", _("Reported"), "date"),
            Column("status", _("Status"), kind="status"),
            Column("reason", _("Why")),
        ],
        fmt=fmt,
        output=output,
        title=_("RAT compliance"),
        empty=_("No cooperatives registered yet."),
    )


@app.command(
    "mentoring",
    help=_(
        "Mentoring outcomes per session: follow-ups, the practice status of each follow-up's "
        "latest contact, ended, lapsed (window over without practicing or stopped) and open; "
        "obstacles by category; coverage = followed up at least once / first contact due."
    ),
)
def mentoring_report(
    ctx: typer.Context,
    program: ProgramOption = None,
    on: common.OnOption = None,
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.io.output import (
        Column,
        destination,
        emit_object,
        rich_table,
        write_csv,
        write_json,
    )
    from koptrain.services import reports

    day = common.parse_on(on)
    with common.open_store(ctx).session() as session:
        report = reports.mentoring_outcomes(session, program=_program(session, program), on=day)
    columns = [
        Column("code", _("Session")),
        Column("followups", _("Follow-ups"), "int"),
        Column("first_due", _("First due"), "int"),
        Column("contacted", _("Followed up"), "int"),
        Column("coverage", _("Coverage"), "share"),
        Column("practicing", _("Practicing"), "int"),
        Column("partly", _("Partly"), "int"),
        Column("not_yet", _("Not yet"), "int"),
        Column("stopped", _("Stopped"), "int"),
        Column("no_contact", _("No contact"), "int"),
        Column("lapsed", _("Lapsed"), "int"),
        Column("open", _("Open"), "int"),
    ]
    if fmt == "csv":
        with destination(output) as out:
            write_csv(report["sessions"], [c.key for c in columns] + ["end", "ended"], out)
        return
    if fmt == "json":
        with destination(output) as out:
            write_json(report, out)
        return

    def render(console, _out):
        from koptrain.i18n import current_language
        from koptrain.parsing import format_date, format_number

        console.print(
            _("Mentoring outcomes as of {date}").format(
                date=format_date(report["as_of"], current_language())
            )
        )
        if not report["sessions"]:
            console.print(_("No follow-ups yet: no session in scope has ended."))
            return
        lang = current_language()
        shown, hidden = _sessions_shown(report["sessions"])
        more = _("… {n} more sessions").format(n=format_number(hidden, lang))
        rows = [s if s is not None else {"code": more} for s in shown]
        console.print(rich_table(rows, columns, title=_("Per session")))
        if hidden:
            console.print(
                _(
                    "{shown} of {total} sessions shown (the first and the last); "
                    "--format csv or json lists every session."
                ).format(
                    shown=format_number(len(shown) - 1, lang),
                    total=format_number(len(report["sessions"]), lang),
                )
            )
        cov = report["coverage"]
        console.print(
            _(
                "Coverage: {followed} of {due} follow-ups whose first contact is due were "
                "followed up."
            ).format(followed=cov["followed_up"], due=cov["due"])
        )
        console.print(
            rich_table(
                report["obstacles"],
                [Column("category", _("Obstacle")), Column("count", _("Times recorded"), "int")],
                title=_("Obstacles by category"),
            )
        )

    emit_object(report, fmt=fmt, output=output, render_table=render)


@app.command(
    "reminders",
    help=_(
        "What needs doing on --on: follow-ups due, sessions starting within "
        "reminders.session_days with free seats or a waitlist, cooperatives whose latest RAT "
        "is not on time. Plain text when not at a terminal (for cron mail). E.g. in a crontab: "
        "`0 7 * * * koptrain report reminders --quiet | mail -E -s 'koptrain' staf@dinas`."
    ),
)
def reminders(
    ctx: typer.Context,
    on: common.OnOption = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", help=_("Print nothing at all when nothing is due."))
    ] = False,
    fail_if_any: Annotated[
        bool, typer.Option("--fail-if-any", help=_("Exit with status 1 when anything is listed."))
    ] = False,
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.io.output import destination, write_csv, write_json
    from koptrain.services import reports

    day = common.parse_on(on)
    show_nik = common.nik_shower(ctx)
    with common.open_store(ctx).session() as session:
        report = reports.reminders(session, on=day)
    for row in report["followups"]:
        row["nik"] = show_nik(row["nik"])
    listed = reports.anything(report)
    if fmt == "xlsx" and (listed or not quiet):  # a workbook: a sheet per list
        from koptrain.io.output import emit_object

        emit_object(report, fmt=fmt, output=output, render_table=None)
    elif listed or not quiet:
        with destination(output) as out:
            if fmt == "json":
                write_json(report, out)
            elif fmt == "csv":
                write_csv(_reminder_rows(report), _REMINDER_KEYS, out)
            elif out.isatty():
                _render_reminders_rich(out, report)
            else:
                out.write(_reminders_text(report))
    if listed and fail_if_any:
        raise typer.Exit(1)


_REMINDER_KEYS = (
    "kind",
    "person_id",
    "nik",
    "name",
    "session",
    "group",
    "mentor",
    "due",
    "days_overdue",
    "code",
    "start",
    "free_seats",
    "waitlisted",
    "coop",
    "coop_nik",
    "fiscal_year",
    "deadline",
    "status",
)


def _reminder_rows(report: dict) -> list[dict]:
    rows = [{"kind": "followup", **r} for r in report["followups"]]
    rows += [{"kind": "session", **r} for r in report["sessions"]]
    rows += [{"kind": "rat", **r} for r in report["rat"]]
    return rows


def _reminders_text(report: dict) -> str:
    """Plain text for a mail: a heading per kind, one line per item."""
    import datetime as dt

    from koptrain.i18n import current_language
    from koptrain.io.output import status_label
    from koptrain.parsing import format_date

    lang = current_language()

    def when(d):
        return format_date(dt.date.fromisoformat(d) if isinstance(d, str) else d, lang)

    lines = [_("koptrain reminders for {date}").format(date=when(report["as_of"])), ""]
    if not reports_anything(report):
        lines.append(_("Nothing is due."))
    if report["followups"]:
        lines.append(_("Follow-ups due ({n}):").format(n=len(report["followups"])))
        for f in report["followups"]:
            late = (
                ngettext("{n} day overdue", "{n} days overdue", f["days_overdue"]).format(
                    n=f["days_overdue"]
                )
                if f["days_overdue"]
                else _("due today")
            )
            lines.append(
                "  - "
                + _(
                    "{name} ({nik}), {session}, group {group}, mentor {mentor}: due {due}, {late}"
                ).format(
                    name=f["name"],
                    nik=f["nik"],
                    session=f["session"],
                    group=f["group"] or "-",
                    mentor=f["mentor"] or "-",
                    due=when(f["due"]),
                    late=late,
                )
            )
        lines.append("")
    if report["sessions"]:
        lines.append(
            _("Sessions starting soon with free seats or a waitlist ({n}):").format(
                n=len(report["sessions"])
            )
        )
        for s in report["sessions"]:
            lines.append(
                "  - "
                + _("{code} starts {start}: {free} free seats, {waiting} on the waitlist").format(
                    code=s["code"],
                    start=when(s["start"]),
                    free=s["free_seats"],
                    waiting=s["waitlisted"],
                )
            )
        lines.append("")
    if report["rat"]:
        lines.append(
            _("Cooperatives whose latest RAT is not on time ({n}):").format(n=len(report["rat"]))
        )
        for r in report["rat"]:
            lines.append(
                "  - "
                + _("{coop} ({nik}): RAT {fy}, deadline {deadline}: {status}").format(
                    coop=r["coop"],
                    nik=r["coop_nik"] or "-",
                    fy=r["fiscal_year"],
                    deadline=when(r["deadline"]),
                    status=status_label(r["status"]),
                )
            )
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def reports_anything(report: dict) -> bool:
    return bool(report["followups"] or report["sessions"] or report["rat"])


def _render_reminders_rich(out, report: dict) -> None:
    from koptrain.i18n import current_language
    from koptrain.io.output import Column, console, rich_table
    from koptrain.parsing import format_date

    c = console(out)
    c.print(
        _("koptrain reminders for {date}").format(
            date=format_date(report["as_of"], current_language())
        )
    )
    if not reports_anything(report):
        c.print(_("Nothing is due."))
        return
    if report["followups"]:
        c.print(
            rich_table(
                report["followups"],
                [
                    Column("mentor", _("Mentor")),
                    Column("group", _("Group")),
                    Column("name", _("Name")),
                    Column("nik", _("NIK")),
                    Column("session", _("Session")),
                    Column("due", _("Due"), "date"),
                    Column("days_overdue", _("Days overdue"), "int"),
                ],
                title=_("Follow-ups due"),
            )
        )
    if report["sessions"]:
        c.print(
            rich_table(
                report["sessions"],
                [
                    Column("code", _("Session")),
                    Column("start", _("Starts"), "date"),
                    Column("free_seats", _("Free seats"), "int"),
                    Column("waitlisted", _("Waitlist"), "int"),
                ],
                title=_("Sessions starting soon with free seats or a waitlist"),
            )
        )
    if report["rat"]:
        c.print(
            rich_table(
                report["rat"],
                [
                    Column("coop", _("Cooperative")),
                    Column("coop_nik", _("NIK Koperasi")),
                    Column("fiscal_year", _("FY")),
                    Column("deadline", _("Deadline"), "date"),
                    Column("status", _("Status"), kind="status"),
                ],
                title=_("Cooperatives whose latest RAT is not on time"),
            )
        )
