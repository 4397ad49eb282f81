"""`koptrain report`: the programme summary, rosters, RAT compliance, mentoring, reminders."""

from typing import Annotated

import typer

from koptrain.cli import common
from koptrain.i18n import _

app = typer.Typer(help=_("Reports: summary, roster, RAT compliance, mentoring and reminders."))

ProgramOption = Annotated[
    str | None, typer.Option("--program", help=_("Only this programme's sessions."))
]


def _programme_report(ctx, code, on, fmt, output, build, views) -> None:
    """A report of one programme (or all): one service call, then the view of the format
    (`views`: table, CSV, JSON)."""
    from koptrain.io.output import emit_report
    from koptrain.services import refs

    day = common.parse_on(on)
    with common.open_store(ctx).session() as db:
        report = build(db, program=refs.program(db, code) if code else None, on=day)
    render, csv, json = views
    emit_report(report, fmt=fmt, output=output, render=render, csv=csv, json=json)


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
    from koptrain.cli.views import summary as views
    from koptrain.services import reports

    _programme_report(ctx, program, on, fmt, output, reports.summary,
                      (views.summary_table, views.summary_csv, views.summary_json))  # fmt: skip


@app.command("roster", help=_("The roster of a session: seat holders, waitlist, withdrawn."))
def roster(
    ctx: typer.Context,
    session_code: Annotated[str, typer.Argument(metavar="SESSION", help=_("The session code."))],
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.cli.views.listings import roster_columns
    from koptrain.io.output import emit
    from koptrain.services import refs, training

    show_nik = common.nik_shower(ctx)
    with common.open_store(ctx).session() as db:
        found = refs.training(db, session_code)
        title = f"{found.code} — {found.title}"
        rows = [{**r, "nik": show_nik(r["nik"])} for r in training.roster(db, found)]
    emit(
        rows,
        roster_columns(),
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
        int | None, typer.Option("--year", min=1900, max=2100, help=_("The fiscal year."))
    ] = None,
    on: common.OnOption = None,
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.cli.views.listings import rat_columns
    from koptrain.io.output import emit
    from koptrain.services import reports

    day = common.parse_on(on)
    with common.open_store(ctx).session() as db:
        rows = reports.rat_status(db, year=year, on=day)
    english = fmt != "table"
    rows = [{**r, "reason": r["reason"].english() if english else r["reason"].text()} for r in rows]
    emit(
        rows,
        rat_columns(),
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
    from koptrain.cli.views import mentoring as views
    from koptrain.services import reports

    _programme_report(ctx, program, on, fmt, output, reports.mentoring_outcomes,
                      (views.outcomes_table, views.outcomes_csv, views.outcomes_json))  # fmt: skip


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
    from koptrain.cli.views import reminders as views
    from koptrain.io.output import destination
    from koptrain.services import reports

    day = common.parse_on(on)
    show_nik = common.nik_shower(ctx)
    with common.open_store(ctx).session() as db:
        report = reports.reminders(db, on=day)
    for row in report["followups"]:
        row["nik"] = show_nik(row["nik"])
    listed = reports.anything(report)
    if fmt == "xlsx" and (listed or not quiet):  # a workbook: a sheet per list
        from koptrain.io.output import emit_object

        emit_object(report, fmt=fmt, output=output, render_table=None)
    elif listed or not quiet:
        with destination(output) as out:
            if fmt == "json":
                views.reminders_json(report, out)
            elif fmt == "csv":
                views.reminders_csv(report, out)
            elif out.isatty():
                views.reminders_table(out, report)
            else:
                out.write(views.reminders_text(report))
    if listed and fail_if_any:
        raise typer.Exit(1)
