"""RATs (annual member meetings): recording one, listing them by status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, select

from koptrain.errors import InvalidInput
from koptrain.i18n import N_, _
from koptrain.models import Coop, Rat
from koptrain.parsing import (
    parse_choice,
    parse_date,
    parse_int,
    parse_optional_date,
)
from koptrain.services import audit, eligibility
from koptrain.services import policy as policy_service
from koptrain.services.registry.base import (
    ADDED,
    STATUS_FILTERS,
    UNCHANGED,
    UPDATED,
    coop_key,
    parse_year,
)
from koptrain.services.registry.coops import rat_row


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
    fiscal_year = parse_year(fiscal_year, what=N_("fiscal year"))
    held_on = parse_date(held_on, what=N_("RAT date"))
    reported_on = parse_optional_date(reported_on, what=N_("report date"))
    attendees = parse_int(attendees, what=N_("attendees")) if attendees not in (None, "") else None
    books_close = eligibility.fiscal_year_end(coop.fiscal_year_end, fiscal_year)
    if held_on <= books_close:
        raise InvalidInput(
            _(
                "The RAT for fiscal year {fy} cannot be held on {held}: that fiscal year "
                "ends on {end}."
            ).format(fy=fiscal_year, held=held_on.isoformat(), end=books_close.isoformat())
        )
    if reported_on is not None and reported_on < held_on:
        raise InvalidInput(
            _("The report date {reported} is before the RAT was held ({held}).").format(
                reported=reported_on.isoformat(), held=held_on.isoformat()
            )
        )
    for what, day in ((_("The RAT date"), held_on), (_("The report date"), reported_on)):
        if day is not None and day > today:
            raise InvalidInput(
                _("{what} {date} is in the future.").format(what=what, date=day.isoformat())
            )
    new = {"held_on": held_on, "reported_on": reported_on, "attendees": attendees}
    row = db.exec(select(Rat).where(Rat.coop_id == coop.id, Rat.fiscal_year == fiscal_year)).first()
    if row is None:
        row = Rat(coop_id=coop.id, fiscal_year=fiscal_year, **new)
        db.add(row)
        outcome, change = ADDED, audit.diff({}, new)
    else:
        new = {k: v for k, v in new.items() if v is not None}  # a correction keeps the rest
        change = audit.diff({k: getattr(row, k) for k in new}, new)
        if not change:
            return row, UNCHANGED
        for key, value in new.items():
            setattr(row, key, value)
        outcome = UPDATED
    db.flush()
    audit.record(db, entity="rat", key=f"{coop_key(coop)}/{fiscal_year}", change=change)
    return row, outcome


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
