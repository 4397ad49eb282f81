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
    mentoring figures, laid out for the console's width (80 columns and up)."""
    from koptrain.i18n import current_language
    from koptrain.parsing import format_number

    lang = current_language()

    def num(n):
        return format_number(n, lang)

    _heading(console, report, lang)
    if not report["sessions"]:
        console.print(_("No sessions in this programme yet."))
        return
    bar_width = 24 if console.width >= 110 else 16
    console.print(_funnel(report["totals"], num, bar_width))
    console.print()
    _sessions(console, report, num, lang)
    console.print()
    _breakdowns(console, report, num)
    console.print()
    _mentoring(console, report["mentoring"], num)


def _heading(console, report: dict, lang: str) -> None:
    from rich.rule import Rule
    from rich.text import Text

    from koptrain.io.tables import safe
    from koptrain.parsing import format_date

    title = (
        _("Programme {code}: {name}").format(code=report["program"], name=report["program_name"])
        if report["program"]
        else _("All programmes")
    )
    console.print(Text(safe(title), style="bold"))
    console.print(Text(_("as of {date}").format(date=format_date(report["as_of"], lang))))
    console.print(Rule(style="dim", characters="━"))
    console.print()


def _funnel(t: dict, num, width: int):
    """Seats offered -> taken -> attended -> completed, and distinct people."""
    from koptrain.io.tables import Grid, Spec

    cap = t["capacity"]
    rows = [
        (
            _("Seats offered"),
            num(cap),
            bar(cap, cap, width),
            _("{n} sessions, capacity added up").format(n=num(t["sessions"])),
        ),
        (
            _("Seats taken"),
            num(t["enrollments"]),
            bar(t["enrollments"], cap, width),
            _("enrollments holding a seat; {free} seats left empty").format(
                free=num(max(cap - t["enrollments"], 0))
            ),
        ),
        (
            _("Attended"),
            num(t["attended"]),
            bar(t["attended"], cap, width),
            _("seats whose holder came at least one day"),
        ),
        (
            _("Completed"),
            num(t["completed"]),
            bar(t["completed"], cap, width),
            _("seats marked completed when the session was closed"),
        ),
        (
            _("Participants"),
            num(t["participants"]),
            bar(t["participants"], cap, width),
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
    grid = Grid(
        [
            Spec(_("Figure"), "label", 0),
            Spec(_("Number"), "int", 0),
            Spec(_("Bar"), "bar", 2),
            Spec(_("Meaning"), "text", 0),
        ],
        rows,
        title=_("Seats and people"),
        show_header=False,
        note_dropped=False,
        styles={0: "bold", 2: "cyan"},
    )
    grid.text_lines = 3
    return grid


def date_range(start, end, lang: str) -> str:
    """`16–19 June 2020`, `29 June – 1 July 2020`, or one date: the year and month once."""
    from koptrain.parsing import format_date

    last = format_date(end, lang)
    if start == end:
        return last
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{last}"
    first = format_date(start, lang)
    if start.year == end.year:
        first = first.rsplit(" ", 1)[0]
    return f"{first} – {last}"


def _sessions(console, report: dict, num, lang: str) -> None:
    from koptrain.io.tables import Grid, Spec

    shown, hidden = sessions_shown(report["sessions"])
    rows = []
    for s in shown:
        if s is None:
            rows.append([_("… {n} more sessions").format(n=num(hidden))] + [""] * 8)
            continue
        rows.append(
            [
                s["code"],
                s["title"] or "",
                date_range(s["start"], s["end"], lang),
                bar(s["enrolled"], s["capacity"], 10),
                f"{num(s['enrolled'])}/{num(s['capacity'])}",
                num(s["waitlisted"]),
                num(s["withdrawn"]),
                num(s["attended"]),
                num(s["completed"]),
            ]
        )
    specs = [
        Spec(_("Session"), "text" if hidden else "code", 0),
        Spec(_("Title"), "text", 1),
        Spec(_("Dates"), "date", 1),
        Spec(_("Filled"), "bar", 5),
        Spec(_("Seats"), "int", 1),
        Spec(_("Waitlist"), "int", 3),
        Spec(_("Withdrawn"), "int", 4),
        Spec(_("Attended"), "int", 1),
        Spec(_("Completed"), "int", 1),
    ]
    console.print(
        Grid(
            specs,
            rows,
            title=_("Participants per session"),
            styles={3: "cyan"},
            note_dropped=False,
        )
    )
    if hidden:
        console.print(
            _(
                "{shown} of {total} sessions shown (the first and the last); "
                "--format csv or json lists every session."
            ).format(shown=num(len(shown) - 1), total=num(len(report["sessions"])))
        )


def _breakdown(title: str, counts: dict, num):
    from koptrain.io.tables import Grid, Spec

    total = sum(counts.values())
    rows = [[str(key), num(n), bar(n, total, 10)] for key, n in counts.items()]
    rows.append([_("Total"), num(total), ""])
    return Grid(
        [Spec("", "label", 0), Spec(_("People"), "int", 0), Spec("", "bar", 0)],
        rows,
        title=title,
        styles={2: "cyan"},
    )


def _breakdowns(console, report: dict, num) -> None:
    from koptrain.io.tables import SideBySide

    gender_names = {"L": _("Male (L)"), "P": _("Female (P)")}
    console.print(
        SideBySide(
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
    from koptrain.io.tables import pairs

    console.print(
        pairs(
            [
                (
                    _("Follow-ups due"),
                    _("{due} (overdue: {overdue})").format(
                        due=num(m["due"]), overdue=num(m["overdue"])
                    ),
                ),
                (_("Followed up at least once"), num(m["followed_up"])),
                (_("Practicing at the latest contact"), num(m["practicing"])),
            ],
            title=_("Mentoring"),
        )
    )
