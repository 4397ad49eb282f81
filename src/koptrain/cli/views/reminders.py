"""`report reminders`: a Rich table at a terminal, plain text for a mail, CSV or JSON."""

from __future__ import annotations

from typing import TextIO

from koptrain.cli.views.mentoring import due_columns
from koptrain.i18n import _, ngettext
from koptrain.services.reports import anything


def reminders_json(report: dict, out: TextIO) -> None:
    from koptrain.io.output import write_json

    write_json(report, out)


def reminders_csv(report: dict, out: TextIO) -> None:
    from koptrain.io.output import write_csv

    write_csv(_reminder_rows(report), REMINDER_KEYS, out)


REMINDER_KEYS = (
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


def reminders_text(report: dict) -> str:
    """Plain text for a mail: a heading per kind, one line per item."""
    import datetime as dt

    from koptrain.i18n import current_language
    from koptrain.io.output import status_label
    from koptrain.parsing import format_date

    lang = current_language()

    def when(d):
        return format_date(dt.date.fromisoformat(d) if isinstance(d, str) else d, lang)

    lines = [_("koptrain reminders for {date}").format(date=when(report["as_of"])), ""]
    if not anything(report):
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


def reminders_table(out, report: dict) -> None:
    from koptrain.i18n import current_language
    from koptrain.io.output import Column, console, rich_table
    from koptrain.parsing import format_date

    c = console(out, markup=False)
    c.print(
        _("koptrain reminders for {date}").format(
            date=format_date(report["as_of"], current_language())
        )
    )
    if not anything(report):
        c.print(_("Nothing is due."))
        return
    if report["followups"]:
        c.print(
            rich_table(
                report["followups"],
                due_columns(),
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
