"""What the registry shares: status filters, outcomes, how a coop is named."""

from __future__ import annotations

from koptrain.models import Coop
from koptrain.services import eligibility
from koptrain.services.upsert import INSERTED, Written

# `rat list --status`: which RAT statuses each filter stands for.
STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "on_time": eligibility.GOOD_STATUSES,
    "late": (eligibility.LATE, eligibility.REPORT_LATE, eligibility.REPORT_MISSING),
    "missing": (eligibility.MISSING,),
}
# What `coop health` and `rat record` report: a row added, updated or unchanged.
ADDED, UPDATED, UNCHANGED = "added", "updated", "unchanged"


def coop_key(coop: Coop) -> str:
    """How a coop is named in listings and files: its NIK Koperasi, else its legal number."""
    return coop.nik or coop.legal_number or ""


def outcome_of(written: Written) -> str:
    """A write's outcome in the registry's words ("added" for an insert)."""
    return ADDED if written.outcome == INSERTED else written.outcome
