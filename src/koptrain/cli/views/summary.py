"""`report summary` (and the demo's closing summary): a table, CSV or JSON."""

from __future__ import annotations

from typing import TextIO

from koptrain.cli.views.common import bar, sessions_shown
from koptrain.i18n import _


def summary_json(report: dict, out: TextIO) -> None:
    from koptrain.io.output import write_json

    write_json(report, out)


SUMMARY_CSV_KEYS = (
    "code",
    "title",
    "start",
    "end",
    "capacity",
    "enrolled",
    "waitlisted",
    "withdrawn",
    "attended",
    "completed",
    "participants",
    "cooperatives",
)


def summary_csv_rows(report: dict) -> list[dict]:
    """One row per session, then a totals row (SPEC §3)."""
    rows = [{**s, "participants": s["enrolled"]} for s in report["sessions"]]
    t = report["totals"]
    rows.append(
        {
            "code": "TOTAL",
            "title": "",
            "start": min((s["start"] for s in report["sessions"]), default=None),
            "end": max((s["end"] for s in report["sessions"]), default=None),
            "capacity": t["capacity"],
            "enrolled": t["enrollments"],
            "waitlisted": t["waitlisted"],
            "withdrawn": t["withdrawn"],
            "attended": t["attended"],
            "completed": t["completed"],
            "participants": t["participants"],
            "cooperatives": t["cooperatives"],
        }
    )
    return rows


def summary_csv(report: dict, out: TextIO) -> None:
    from koptrain.io.output import write_csv

    write_csv(summary_csv_rows(report), SUMMARY_CSV_KEYS, out)


def summary_table(console, report: dict) -> None:
    """The heading, the funnel of seats and people, the sessions, the breakdowns and the
    mentoring figures."""
    from koptrain.i18n import current_language
    from koptrain.parsing import format_number

    lang = current_language()

    def num(n):
        return format_number(n, lang)

    _heading(console, report, lang)
    if not report["sessions"]:
        console.print(_("No sessions in this programme yet."))
        return
    console.print(_funnel(report["totals"], num))
    _sessions(console, report, num, lang)
    _breakdowns(console, report, num)
    _mentoring(console, report["mentoring"], num)


def _heading(console, report: dict, lang: str) -> None:
    from rich import box
    from rich.panel import Panel

    from koptrain.parsing import format_date

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


def _funnel(t: dict, num):
    """Seats offered -> taken -> attended -> completed, and distinct people."""
    from koptrain.io.output import table

    cap = t["capacity"]
    rows = [
        (
            _("Seats offered"),
            num(cap),
            bar(cap, cap),
            _("{n} sessions, capacity added up").format(n=num(t["sessions"])),
        ),
        (
            _("Seats taken"),
            num(t["enrollments"]),
            bar(t["enrollments"], cap),
            _("enrollments holding a seat; {free} seats left empty").format(
                free=num(max(cap - t["enrollments"], 0))
            ),
        ),
        (
            _("Attended"),
            num(t["attended"]),
            bar(t["attended"], cap),
            _("seats whose holder came at least one day"),
        ),
        (
            _("Completed"),
            num(t["completed"]),
            bar(t["completed"], cap),
            _("seats marked completed when the session was closed"),
        ),
        (
            _("Participants"),
            num(t["participants"]),
            bar(t["participants"], cap),
            _(
                "distinct people: {extra} seats are taken by people who sit in more than one "
                "session"
            ).format(extra=num(t["enrollments"] - t["participants"])),
        ),
        (
            _("Cooperatives"),
            num(t["cooperatives"]),
            "",
            _("distinct coops the seats were taken for"),
        ),
        (
            _("Not seated"),
            num(t["waitlisted"] + t["withdrawn"]),
            "",
            _("{w} on a waitlist, {x} withdrew (not counted above)").format(
                w=num(t["waitlisted"]), x=num(t["withdrawn"])
            ),
        ),
    ]
    columns = [(_("Figure"), "left"), (_("Number"), "right"), (_("Bar"), "left")]
    columns.append((_("Meaning"), "left"))
    return table(columns, rows, title=_("Seats and people"), show_header=False)


def _sessions(console, report: dict, num, lang: str) -> None:
    from koptrain.io.output import table
    from koptrain.parsing import format_date

    columns = [
        (_("Session"), "left"),
        (_("Dates"), "left"),
        (_("Participants of capacity"), "left"),
        (_("Seats"), "right"),
        (_("Waitlist"), "right"),
        (_("Withdrawn"), "right"),
        (_("Attended"), "right"),
        (_("Completed"), "right"),
    ]
    shown, hidden = sessions_shown(report["sessions"])
    rows = []
    for s in shown:
        if s is None:
            rows += [[_("… {n} more sessions").format(n=num(hidden))] + [""] * 7, None]
            continue
        rows.append(
            [
                f"{s['code']}\n{s['title']}",
                f"{format_date(s['start'], lang)}\n– {format_date(s['end'], lang)}",
                f"{bar(s['enrolled'], s['capacity'])} {num(s['enrolled'])}/{num(s['capacity'])}",
                num(s["enrolled"]),
                num(s["waitlisted"]),
                num(s["withdrawn"]),
                num(s["attended"]),
                num(s["completed"]),
            ]
        )
    console.print(table(columns, rows, title=_("Participants per session")))
    if hidden:
        console.print(
            _(
                "{shown} of {total} sessions shown (the first and the last); "
                "--format csv or json lists every session."
            ).format(shown=num(len(shown) - 1), total=num(len(report["sessions"])))
        )


def _breakdown(title: str, counts: dict, num):
    from koptrain.io.output import table

    total = sum(counts.values())
    rows = [(str(key), num(n), bar(n, total, 12)) for key, n in counts.items()]
    rows.append((_("Total"), num(total), ""))
    columns = [("", "left"), (_("People"), "right"), ("", "left")]
    return table(columns, rows, title=title, box="SIMPLE")


def _breakdowns(console, report: dict, num) -> None:
    from rich.columns import Columns

    gender_names = {"L": _("Male (L)"), "P": _("Female (P)")}
    console.print(
        Columns(
            [
                _breakdown(_("By role"), report["by_role"], num),
                _breakdown(
                    _("By gender"),
                    {gender_names.get(k, k): v for k, v in report["by_gender"].items()},
                    num,
                ),
                _breakdown(_("By kecamatan"), report["by_kecamatan"], num),
            ]
        )
    )


def _mentoring(console, m: dict, num) -> None:
    from rich.panel import Panel

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
