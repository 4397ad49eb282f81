"""RATs (annual member meetings): recording one, listing them by status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, select

from koptrain.i18n import N_
from koptrain.models import Coop, Rat
from koptrain.parsing import (
    parse_choice,
    parse_date,
    parse_int,
    parse_optional_date,
)
from koptrain.services import eligibility, validation
from koptrain.services import policy as policy_service
from koptrain.services.registry.base import (
    STATUS_FILTERS,
    coop_key,
    outcome_of,
)
from koptrain.services.registry.coops import rat_row
from koptrain.services.upsert import upsert


def record_rat(
    db: Session,
    coop: Coop,
    *,
    fiscal_year: int | str,
    held_on: dt.date | str,
    reported_on: dt.date | str | None = None,
    attendees: int | str | None = None,
    today: dt.date | None = None,
) -> tuple[Rat, str]:
    """Record the RAT of one fiscal year; a year already recorded is corrected."""
    today = today or dt.date.today()
    fiscal_year = validation.year(fiscal_year, what=N_("fiscal year"))
    held_on = parse_date(held_on, what=N_("RAT date"))
    reported_on = parse_optional_date(reported_on, what=N_("report date"))
    attendees = parse_int(attendees, what=N_("attendees")) if attendees not in (None, "") else None
    validation.rat_dates(coop, fiscal_year, held_on, reported_on, today=today)
    new = {"held_on": held_on, "reported_on": reported_on, "attendees": attendees}
    row = db.exec(select(Rat).where(Rat.coop_id == coop.id, Rat.fiscal_year == fiscal_year)).first()
    written = upsert(
        db,
        row,
        new,
        make=lambda: Rat(coop_id=coop.id, fiscal_year=fiscal_year, **new),
        audit_as=("rat", f"{coop_key(coop)}/{fiscal_year}"),
    )
    return written.row, outcome_of(written)


def parse_status_filter(text: str | None) -> str | None:
    if not text:
        return None
    return parse_choice(text, tuple(STATUS_FILTERS), what=N_("status"))


def rat_rows(
    db: Session,
    *,
    on: dt.date,
    year: int | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """One row per coop: the RAT of `year`, or the latest as eligibility defines it on `on`."""
    settings = policy_service.load(db)
    statuses = STATUS_FILTERS[parse_status_filter(status)] if status else None
    coops = list(db.exec(select(Coop).order_by(Coop.id)).all())
    rats: dict[int, dict[int, Rat]] = {c.id: {} for c in coops}
    query = select(Rat)
    if year is not None:
        query = query.where(Rat.fiscal_year == year)
    for rat in db.exec(query).all():
        rats[rat.coop_id][rat.fiscal_year] = rat
    rows = []
    for coop in coops:
        if year is None:
            judgement = eligibility.latest_rat(coop, rats[coop.id], on, settings)
        else:
            judgement = eligibility.judge_rat(coop, year, rats[coop.id].get(year), on, settings)
        if statuses is None or judgement.status in statuses:
            rows.append(rat_row(coop, judgement))
    return rows
