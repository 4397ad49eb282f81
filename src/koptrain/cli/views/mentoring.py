"""`report mentoring` and `mentor due`: tables, CSV and JSON."""

from __future__ import annotations

from typing import TextIO

from koptrain.cli.views.common import sessions_shown
from koptrain.i18n import _


def outcome_columns():
    from koptrain.io.output import Column

    return [
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


def outcomes_json(report: dict, out: TextIO) -> None:
    from koptrain.io.output import write_json

    write_json(report, out)


def outcomes_csv(report: dict, out: TextIO) -> None:
    from koptrain.io.output import write_csv

    write_csv(report["sessions"], [c.key for c in outcome_columns()] + ["end", "ended"], out)


def outcomes_table(console, report: dict) -> None:
    from koptrain.i18n import current_language
    from koptrain.io.output import Column, rich_table
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
    shown, hidden = sessions_shown(report["sessions"])
    more = _("… {n} more sessions").format(n=format_number(hidden, lang))
    rows = [s if s is not None else {"code": more} for s in shown]
    console.print(rich_table(rows, outcome_columns(), title=_("Per session")))
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
            "Coverage: {followed} of {due} follow-ups whose first contact is due were followed up."
        ).format(followed=cov["followed_up"], due=cov["due"])
    )
    console.print(
        rich_table(
            report["obstacles"],
            [Column("category", _("Obstacle")), Column("count", _("Times recorded"), "int")],
            title=_("Obstacles by category"),
        )
    )


def due_columns():
    from koptrain.io.output import Column

    return [
        Column("mentor", _("Mentor")),
        Column("group", _("Group")),
        Column("name", _("Name")),
        Column("nik", _("NIK")),
        Column("session", _("Session")),
        Column("due", _("Due"), "date"),
        Column("days_overdue", _("Days overdue"), "int"),
    ]


def due_table(console, rows: list[dict], day) -> None:
    """The follow-ups due, one table per mentor and group."""
    from itertools import groupby

    from koptrain.i18n import current_language
    from koptrain.io.output import rich_table
    from koptrain.parsing import format_date

    columns = due_columns()
    when = format_date(day, current_language())
    if not rows:
        console.print(_("No follow-up is due on {date}.").format(date=when))
        return
    console.print(_("{n} follow-up(s) due on or before {date}").format(n=len(rows), date=when))
    for (mentor, group), members in groupby(rows, key=lambda r: (r["mentor"], r["group"])):
        members = list(members)
        title = _("Mentor: {mentor} — group {group} ({n})").format(
            mentor=mentor or _("none assigned"), group=group or _("none"), n=len(members)
        )
        console.print(rich_table(members, columns[2:], title=title))
