"""The outcome figures (SPEC §12) in words, for the screen and the printed summary alike:
the names of the practice statuses and evaluation items, the learning sentence, values
as a person reads them."""

from __future__ import annotations

from typing import Any

from koptrain.i18n import N_, _
from koptrain.parsing import format_number

STATUS_NAMES = {
    "practicing": N_("practicing"),
    "partly": N_("partly"),
    "not_yet": N_("not_yet"),
    "stopped": N_("stopped"),
    "no_contact": N_("no contact"),
}
ITEM_NAMES = {
    "materi": N_("material"),
    "narasumber": N_("trainers"),
    "fasilitas": N_("facilities"),
    "manfaat": N_("usefulness"),
}


def number(value: float | None, decimals: int = 1, lang: str = "en") -> str:
    return "-" if value is None else format_number(value, lang, decimals)


def learning_sentence(scores: dict[str, Any], lang: str) -> str:
    """e.g. "post-test +21.5 points (95% CI 14.8 to 28.2, n = 38)"."""
    n = scores["n"]
    if not n:
        return _("no participant has both a pre- and a post-test score")
    gain = scores["gain_mean"]
    signed = ("+" if gain >= 0 else "-") + number(abs(gain), 1, lang)
    if scores["gain_ci95"] is None:
        return _("post-test {gain} points (n = {n})").format(gain=signed, n=n)
    low, high = scores["gain_ci95"]
    return _("post-test {gain} points (95% CI {low} to {high}, n = {n})").format(
        gain=signed, low=number(low, 1, lang), high=number(high, 1, lang), n=n
    )


def value_text(value: float | None, kind: str, unit: str | None, lang: str, *, signed=False) -> str:
    """A mean or a change as a person reads it: yes/no as a share, money in millions."""
    if value is None:
        return "-"
    sign = ("+" if value >= 0 else "-") if signed else ""
    if kind == "yes_no":
        return sign + format_number(abs(value) * 100, lang) + "%"
    if kind == "money":  # in millions (the label says so)
        return sign + format_number(abs(value) / 1_000_000, lang, 2)
    return sign + format_number(abs(value), lang, 1)


def recorded(report: dict[str, Any]) -> bool:
    """Outcomes are recorded in the report's scope: someone has both scores, an
    evaluation, or a baseline with a follow-up value."""
    totals = report["totals"]
    return bool(
        totals["scores"]["n"]
        or totals["evaluation"]["n"]
        or any(f["n"] for f in totals["indicators"].values())
    )
