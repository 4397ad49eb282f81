"""What the registry shares: status filters, how a coop is named, years and text fields."""

from __future__ import annotations

from koptrain.errors import InvalidInput
from koptrain.i18n import _
from koptrain.models import Coop
from koptrain.parsing import (
    parse_int,
    shown,
)
from koptrain.services import eligibility

# `rat list --status`: which RAT statuses each filter stands for.
STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "on_time": eligibility.GOOD_STATUSES,
    "late": (eligibility.LATE, eligibility.REPORT_LATE, eligibility.REPORT_MISSING),
    "missing": (eligibility.MISSING,),
}
ADDED, UPDATED, UNCHANGED = "added", "updated", "unchanged"
_FIRST_YEAR, _LAST_YEAR = 1900, 2100


def coop_key(coop: Coop) -> str:
    """How a coop is named in listings and files: its NIK Koperasi, else its legal number."""
    return coop.nik or coop.legal_number or ""


def parse_year(value: str | int | None, *, what: str) -> int:
    year = parse_int(value, what=what)
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise InvalidInput(
            _("{what} {value} is not a plausible year.").format(what=_(what), value=year)
        )
    return year


def clean_text_field(value: str | None, limit: int, *, what: str) -> str | None:
    text = " ".join((value or "").split())
    if len(text) > limit:
        raise InvalidInput(
            _("{what} is longer than {limit} characters.").format(what=_(what), limit=limit)
        )
    return text or None


def parse_score(value: float | str | None) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        score = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise InvalidInput(
            _("Score '{value}' is not a number.").format(value=shown(value))
        ) from None
    if not 0 <= score <= 100:
        raise InvalidInput(_("Score {value} is not between 0 and 100.").format(value=score))
    return score
