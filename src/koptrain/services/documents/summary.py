"""The programme report for the mayor's office: `report summary` as a document, with charts.

Outcomes (SPEC §12) have their place in `outcomes_section`, fed by whoever computes them."""

from __future__ import annotations

from koptrain.i18n import _, current_language, ngettext
from koptrain.parsing import format_number
from koptrain.services.documents.charts import Series, bar_chart
from koptrain.services.documents.facts import Office, date_span, long_date, role_label
from koptrain.services.documents.pdf import FONT, Document

CHART_SESSIONS = 60  # a province's thousands of sessions: the chart shows the first and last
OUTCOME_SESSIONS = 20  # the outcomes of the first and last ten (the files have every one)


def build(
    head: Office, report: dict, outcomes: dict | None = None, units: dict | None = None
) -> Document:
    """`report` is services.reports.summary's result; `outcomes` the outcome figures of
    SPEC §12 (services.outcomes.report) and `units` their indicators' (kind, unit)."""
    document = Document(title=_("TRAINING PROGRAMME REPORT"))
    document.footer_text = _("TRAINING PROGRAMME REPORT")
    document.add_page()
    document.letterhead(head)
    document.heading(_("TRAINING PROGRAMME REPORT"))
    document.ln(2)
    programme = (
        f"{report['program']} — {report['program_name']}"
        if report["program"]
        else _("All programmes")
    )
    document.key_values([(_("Programme"), programme), (_("As of"), long_date(report["as_of"]))])
    document.ln(3)
    if not report["sessions"]:
        document.cell(document.inner_width, 6, _("No sessions in this programme yet."))
        return document
    figures_section(document, report)
    sessions_section(document, report["sessions"])
    breakdowns_section(document, report)
    mentoring_section(document, report["mentoring"])
    outcomes_section(document, outcomes, units)
    return document


def _section(document: Document, title: str, room: float = 30) -> None:
    if document.will_page_break(room):
        document.add_page()
    document.ln(2)
    document.set_font(FONT, "B", 12)
    document.cell(document.inner_width, 7, title)
    document.ln(8)
    document.set_font(FONT, size=10)


def _table(document: Document, rows: list[tuple[str, int, str]]) -> None:
    """Figure, number, what it means."""
    lang = current_language()
    widths = (48.0, 22.0, document.inner_width - 70.0)
    for label, number, meaning in rows:
        if document.will_page_break(6.5):
            document.add_page()
        document.set_font(FONT, size=9.5)
        document.cell(widths[0], 6.5, label, border="B")
        document.set_font(FONT, "B", 9.5)
        document.cell(widths[1], 6.5, format_number(number, lang), border="B", align="R")
        document.set_font(FONT, size=8.5)
        document.fit_cell(widths[2], 6.5, "  " + meaning, border="B")
        document.ln(6.5)


def figures_section(document: Document, report: dict) -> None:
    t = report["totals"]
    _section(document, _("Seats and people"))
    _table(
        document,
        [
            (_("Sessions"), t["sessions"], _("trainings held in this programme")),
            (_("Seats offered"), t["capacity"], _("capacity of the sessions added up")),
            (_("Seats taken"), t["enrollments"], _("enrollments holding a seat")),
            (_("Attended"), t["attended"], _("seats whose holder came at least one day")),
            (_("Completed"), t["completed"], _("seats marked completed at the close")),
            (_("Participants"), t["participants"], _("distinct people among the seat holders")),
            (_("Cooperatives"), t["cooperatives"], _("distinct coops the seats were taken for")),
            (_("Waitlisted"), t.get("waitlisted", 0), _("on a waitlist, not counted above")),
            (_("Withdrawn"), t.get("withdrawn", 0), _("withdrew, not counted above")),
        ],
    )


def sessions_section(document: Document, sessions: list[dict]) -> None:
    shown = sessions
    if len(sessions) > CHART_SESSIONS:
        half = CHART_SESSIONS // 2
        shown = [*sessions[:half], *sessions[-half:]]
    _section(document, _("Per session"), room=60)
    lang = current_language()
    widths = (26.0, 72.0, 46.0, 12.0, 12.0, 12.0)
    document.set_font(FONT, "B", 8)
    labels = (_("Session"), _("Title"), _("Dates"), _("Seats"), _("Att."), _("Compl."))
    for label, width in zip(labels, widths, strict=True):
        document.cell(width, 6, label, border="B")
    document.ln(6)
    for s in shown:
        if document.will_page_break(5.5):
            document.add_page()
        document.set_font(FONT, size=8)
        document.fit_cell(widths[0], 5.5, s["code"])
        document.fit_cell(widths[1], 5.5, s["title"], smallest=7)
        document.fit_cell(widths[2], 5.5, date_span(s["start"], s["end"]))
        for key, width in zip(("enrolled", "attended", "completed"), widths[3:], strict=True):
            document.cell(width, 5.5, format_number(s[key], lang), align="R")
        document.ln(5.5)
    if len(shown) < len(sessions):
        document.set_font(FONT, size=8)
        document.cell(
            document.inner_width,
            6,
            _("{shown} of {total} sessions shown (the first and the last).").format(
                shown=format_number(len(shown), lang), total=format_number(len(sessions), lang)
            ),
        )
        document.ln(6)
    document.ln(4)
    bar_chart(
        document,
        _("Seats, attendance and completion per session"),
        [s["code"] for s in shown],
        [
            Series(_("Seats taken"), [s["enrolled"] for s in shown]),
            Series(_("Attended"), [s["attended"] for s in shown]),
            Series(_("Completed"), [s["completed"] for s in shown]),
        ],
    )


def breakdowns_section(document: Document, report: dict) -> None:
    _section(document, _("Participants"), room=50)
    genders = {"L": _("Male (L)"), "P": _("Female (P)")}
    for title, counts in (
        (_("By role"), {role_label(k): v for k, v in report["by_role"].items()}),
        (_("By gender"), {genders.get(k, k): v for k, v in report["by_gender"].items()}),
        (_("By kecamatan"), report["by_kecamatan"]),
    ):
        bar_chart(
            document,
            title,
            [str(k) for k in counts],
            [Series(_("Participants"), list(counts.values()))],
        )


def mentoring_section(document: Document, mentoring: dict) -> None:
    _section(document, _("Mentoring"))
    _table(
        document,
        [
            (_("Follow-ups due"), mentoring["due"], _("next contact due on or before the date")),
            (_("Overdue"), mentoring["overdue"], _("due before the date")),
            (_("Followed up"), mentoring["followed_up"], _("follow-ups with a contact")),
            (_("Practicing"), mentoring["practicing"], _("practicing at the latest contact")),
        ],
    )


def outcomes_section(document: Document, outcomes: dict | None, units: dict | None = None) -> None:
    """Did the training work (SPEC §12)? Nothing is printed unless outcomes are recorded
    (services.outcomes.words.recorded); then, for each training shown and in total, the
    learning sentence, practice by the latest contact's status and each indicator's
    change, from services.outcomes.report's figures. `units`: code -> (kind, unit)."""
    from koptrain.services.outcomes.words import recorded

    if not outcomes or not recorded(outcomes):
        return
    _section(document, _("Outcomes"), room=40)
    sessions = outcomes["sessions"]
    half = OUTCOME_SESSIONS // 2
    shown = sessions[:half] + sessions[-half:] if len(sessions) > OUTCOME_SESSIONS else sessions
    for i, item in enumerate(shown):
        if i == half and len(shown) < len(sessions):
            document.set_font(FONT, size=8)
            document.cell(
                document.inner_width,
                6,
                _("{shown} of {total} sessions shown (the first and the last).").format(
                    shown=format_number(len(shown), current_language()),
                    total=format_number(len(sessions), current_language()),
                ),
            )
            document.ln(7)
        heading = f"{item['code']} — {item['title']} ({_people(item['participants'])})"
        _outcome_block(document, heading, item, units or {})
    if len(sessions) != 1:
        totals = outcomes["totals"]
        heading = _("All trainings ({people})").format(people=_people(totals["participants"]))
        _outcome_block(document, heading, totals, units or {})


def _people(n: int) -> str:
    return ngettext("{n} participant", "{n} participants", n).format(
        n=format_number(n, current_language())
    )


def _outcome_block(document: Document, heading: str, item: dict, units: dict) -> None:
    from koptrain.services.outcomes.words import (
        STATUS_NAMES,
        learning_sentence,
        value_text,
    )

    lang = current_language()
    measured = {code: f for code, f in item["indicators"].items() if f["n"]}
    if document.will_page_break(18 + 5 * len(measured)):
        document.add_page()
    document.set_font(FONT, "B", 9.5)
    document.fit_cell(document.inner_width, 6, heading)
    document.ln(6)
    document.set_font(FONT, size=9)
    practice = " · ".join(
        f"{_(STATUS_NAMES[status])} {format_number(n, lang)}"
        for status, n in item["practice"].items()
    )
    lines = [
        _("Learning: ") + learning_sentence(item["scores"], lang),
        _("Practice (latest contact):") + " " + practice,
    ]
    for code, f in measured.items():
        kind, unit = units.get(code, ("number", None))
        label = code + (" " + _("({unit} mln)").format(unit=unit or "") if kind == "money" else "")
        lines.append(
            _("{indicator}: {before} → {after} ({change}; n = {n})").format(
                indicator=label,
                before=value_text(f["baseline"], kind, unit, lang),
                after=value_text(f["followup"], kind, unit, lang),
                change=value_text(f["change"], kind, unit, lang, signed=True),
                n=format_number(f["n"], lang),
            )
        )
    for line in lines:
        document.set_x(document.l_margin + 4)
        document.multi_cell(document.inner_width - 4, 5, line)
    document.ln(2)
