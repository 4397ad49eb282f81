"""`report outcomes` on screen: for each training a sentence that answers the question, a
bar chart of practice and the indicators' change among those practising and not."""

from typing import Any, TextIO

from koptrain.cli.report_outcomes import BAR_WIDTH
from koptrain.i18n import _, current_language, ngettext
from koptrain.parsing import format_number
from koptrain.services.outcomes.words import (
    ITEM_NAMES,
    STATUS_NAMES,
    learning_sentence,
    number,
    value_text,
)

_n = number


SCREEN_SESSIONS = 20  # a screen shows the first and last ten; the files have every one


def reaction_sentence(evaluation: dict[str, Any], lang: str) -> str:
    if not evaluation["n"]:
        return _("no evaluations")
    marks = " · ".join(
        f"{_(ITEM_NAMES[item])} {_n(evaluation[item], 1, lang)}" for item in ITEM_NAMES
    )
    return _("{marks} out of 5 (n = {n})").format(marks=marks, n=evaluation["n"])


def demo_line(session, program, on) -> str:
    """The programme's outcomes in one line, under the demo's summary."""
    from koptrain.services.outcomes.report import outcomes

    totals = outcomes(session, on, program=program)["totals"]
    practising = totals["practice"]["practicing"] + totals["practice"]["partly"]
    text = _("Outcomes: {learning}; {n} of {seats} seats practising (fully or partly).")
    return text.format(
        learning=learning_sentence(totals["scores"], current_language()),
        n=practising,
        seats=totals["seats"],
    )


_value = value_text


def _practice_chart(practice: dict[str, int], lang: str):
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    most = max(practice.values()) or 1
    for status, count in practice.items():
        bar = "█" * round(BAR_WIDTH * count / most) if count else ""
        label = Text("    " + _(STATUS_NAMES[status]))
        table.add_row(label, Text(bar), Text(format_number(count, lang)))
    return table


def _indicator_table(indicators: dict[str, Any], units: dict, lang: str):
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
        caption=_("Practising: latest contact practicing or partly."),
        caption_justify="left",
    )
    for label, justify in (
        (_("Indicator"), "left"),
        ("n", "right"),
        (_("Before"), "right"),
        (_("After"), "right"),
        (_("Change"), "right"),
        (_("Practising"), "right"),
        (_("Others"), "right"),
    ):
        table.add_column(label, justify=justify, no_wrap=True)
    for code, f in indicators.items():
        kind, unit = units.get(code, ("number", None))

        def show(value, signed=False, kind=kind, unit=unit):
            return _value(value, kind, unit, lang, signed=signed)

        label = code
        if kind == "money":
            label += " " + _("({unit} mln)").format(unit=unit or "")
        table.add_row(
            Text(label),
            format_number(f["n"], lang),
            show(f["baseline"]),
            show(f["followup"]),
            show(f["change"], True),
            show(f["practising"]["change"], True),
            show(f["not_practising"]["change"], True),
        )
    return table


def _say(console, text: str, indent: int = 2, style: str | None = None) -> None:
    """A sentence (user text: never markup) whose wrapped lines keep its indent."""
    from rich.padding import Padding
    from rich.text import Text

    console.print(Padding(Text(text, style=style or ""), (0, 0, 0, indent)))


def _block(console, item: dict[str, Any], heading: str, units: dict, lang: str) -> None:
    scores = item["scores"]
    _say(console, heading, 0, "bold")
    _say(console, _("Learning: ") + learning_sentence(scores, lang))
    if scores["normalized_gain"] is not None:
        improved = _n((scores["improved"] or 0) * 100, 0, lang)
        gain = _n(scores["normalized_gain"], 2, lang)
        _say(
            console,
            _("{improved}% improved; normalised gain {g}").format(improved=improved, g=gain),
        )
    _say(console, _("Reaction: ") + reaction_sentence(item["evaluation"], lang))
    _say(console, _("Practice (latest contact):"))
    console.print(_practice_chart(item["practice"], lang))
    measured = {code: f for code, f in item["indicators"].items() if f["n"]}
    if measured:
        console.print(_indicator_table(measured, units, lang))
    else:
        _say(console, _("Indicators: no baseline with a follow-up value yet."))
    console.print()


def render(report: dict[str, Any], units: dict, out: TextIO) -> None:
    import datetime as dt

    from rich.text import Text

    from koptrain.io.output import console as make_console
    from koptrain.parsing import format_date

    lang = current_language()
    console = make_console(out)
    with console.capture() as captured:  # written at the end without trailing spaces
        when = format_date(dt.date.fromisoformat(report["on"]), lang)
        console.print(Text(_("Outcomes of the trainings as of {date}").format(date=when)))
        console.print()
        sessions = report["sessions"]
        hidden = max(len(sessions) - SCREEN_SESSIONS, 0)
        half = SCREEN_SESSIONS // 2
        for i, item in enumerate(sessions[:half] + sessions[-half:] if hidden else sessions):
            if hidden and i == half:
                more = _("… {n} more sessions").format(n=format_number(hidden, lang))
                _say(console, more + " (--format json, csv, xlsx)", 0)
                console.print()
            people = ngettext("{n} participant", "{n} participants", item["participants"])
            heading = f"{item['code']} — {item['title']} ({people.format(n=item['participants'])})"
            _block(console, item, heading, units, lang)
        if len(report["sessions"]) != 1:
            totals = report["totals"]
            people = ngettext("{n} participant", "{n} participants", totals["participants"])
            heading = _("All trainings ({people})").format(
                people=people.format(n=totals["participants"])
            )
            _block(console, totals, heading, units, lang)
    out.write("\n".join(line.rstrip() for line in captured.get().splitlines()) + "\n")
