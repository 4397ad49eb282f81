"""Coops and their health ratings: adding, listing, the coop report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from koptrain.errors import InvalidInput, Refused
from koptrain.i18n import N_, _
from koptrain.models import Coop, HealthRating, Membership, Rat
from koptrain.parsing import (
    COOP_TYPES,
    LEVELS,
    RATINGS,
    parse_choice,
    parse_coop_nik,
    parse_fiscal_year_end,
    parse_int,
    parse_optional_date,
    shown,
)
from koptrain.services import audit, eligibility, validation
from koptrain.services import policy as policy_service
from koptrain.services.registry.base import (
    coop_key,
    outcome_of,
)
from koptrain.services.upsert import field_changes, upsert


def add_coop(
    db: Session,
    *,
    name: str,
    nik: str | None = None,
    legal_number: str | None = None,
    type: str | None = None,
    level: str | None = None,
    kecamatan: str | None = None,
    kelurahan: str | None = None,
    fiscal_year_end: str | None = None,
    members: int | str | None = None,
) -> Coop:
    """Register a new coop; one whose NIK Koperasi or legal number is known is refused."""
    nik = parse_coop_nik(nik) if nik and nik.strip() else None
    legal_number = validation.text(
        legal_number, validation.LEGAL_NUMBER_LIMIT, what=N_("legal number")
    )
    if not nik and not legal_number:
        raise InvalidInput(
            _("A cooperative needs a NIK Koperasi (--nik) or a legal number (--legal-number).")
        )
    name = validation.text(name, validation.NAME_LIMIT, what=N_("name"))
    if not name:
        raise InvalidInput(_("A cooperative needs a name."))
    coop = Coop(
        nik=nik,
        legal_number=legal_number,
        name=name,
        type=parse_choice(type, COOP_TYPES, what=N_("type")) if type else None,
        level=parse_choice(level, LEVELS, what=N_("level")) if level else "primer",
        kecamatan=validation.text(kecamatan, validation.PLACE_LIMIT, what=N_("kecamatan")),
        kelurahan=validation.text(kelurahan, validation.PLACE_LIMIT, what=N_("kelurahan")),
        fiscal_year_end=parse_fiscal_year_end(fiscal_year_end),
        members=parse_int(members, what=N_("members")) if members not in (None, "") else None,
    )
    # A key must name one coop only, whichever column a reference is looked up in.
    keys = [k for k in (nik, legal_number) if k]
    known = db.exec(
        select(Coop).where(or_(col(Coop.nik).in_(keys), col(Coop.legal_number).in_(keys)))
    ).first()
    if known is not None:
        key = nik if nik in (known.nik, known.legal_number) else legal_number
        raise Refused(
            _("'{key}' is already registered, as cooperative {id} ({name}).").format(
                key=shown(key), id=known.id, name=known.name
            )
        )
    db.add(coop)
    db.flush()
    audit.record_changes(
        db,
        entity="coop",
        key=coop_key(coop),
        changes=field_changes(None, {k: v for k, v in coop_row(coop).items() if k != "id"}),
    )
    return coop


def coop_row(coop: Coop) -> dict[str, Any]:
    return {
        "id": coop.id,
        "nik": coop.nik,
        "legal_number": coop.legal_number,
        "name": coop.name,
        "type": coop.type,
        "level": coop.level,
        "kecamatan": coop.kecamatan,
        "kelurahan": coop.kelurahan,
        "fiscal_year_end": coop.fiscal_year_end,
        "members": coop.members,
    }


def coop_rows(db: Session, *, eligible_on: dt.date | None = None) -> list[dict[str, Any]]:
    """Every coop in number order; with `eligible_on`, only those eligible on that day."""
    coops = list(db.exec(select(Coop).order_by(Coop.id)).all())
    if eligible_on is not None:
        coops = [v.coop for v in eligibility.verdicts(db, eligible_on, coops) if v.eligible]
    return [coop_row(c) for c in coops]


def rat_row(coop: Coop, judgement: eligibility.RatJudgement) -> dict[str, Any]:
    rat = judgement.rat
    return {
        "coop": coop.name,
        "coop_nik": coop_key(coop),
        "fiscal_year": judgement.fiscal_year,
        "deadline": judgement.deadline,
        "held_on": rat.held_on if rat else None,
        "reported_on": rat.reported_on if rat else None,
        "report_deadline": judgement.report_deadline,
        "attendees": rat.attendees if rat else None,
        "status": judgement.status,
    }


def coop_report(
    db: Session, coop: Coop, *, on: dt.date
) -> tuple[dict[str, Any], eligibility.Verdict]:
    """Everything `coop show` prints: details, RAT history, health ratings, the verdict."""
    settings = policy_service.load(db)
    rats = list(db.exec(select(Rat).where(Rat.coop_id == coop.id).order_by(Rat.fiscal_year)).all())
    ratings = list(
        db.exec(
            select(HealthRating).where(HealthRating.coop_id == coop.id).order_by(HealthRating.year)
        ).all()
    )
    verdict = eligibility.judge(coop, rats, ratings, on, settings)
    history = {
        r.fiscal_year: eligibility.judge_rat(coop, r.fiscal_year, r, on, settings) for r in rats
    }
    # The year eligibility looks at is shown even when its RAT was never recorded.
    history.setdefault(verdict.rat.fiscal_year, verdict.rat)
    people = db.exec(select(Membership).where(Membership.coop_id == coop.id)).all()
    report = {
        **coop_row(coop),
        "people": len(people),
        "rats": [rat_row(coop, history[year]) for year in sorted(history)],
        "health": [
            {
                "year": r.year,
                "rating": r.rating,
                "score": r.score,
                "assessed_on": r.assessed_on,
                "counts_from": eligibility.effective_date(r),
            }
            for r in ratings
        ],
        "eligibility": verdict.as_json(),
    }
    return report, verdict


def record_health(
    db: Session,
    coop: Coop,
    *,
    year: int | str,
    rating: str,
    score: float | str | None = None,
    assessed_on: dt.date | str | None = None,
) -> tuple[HealthRating, str]:
    """Record a year's health rating; a year already rated is corrected (old -> new audited)."""
    year = validation.year(year, what=N_("year"))
    rating = parse_choice(rating, RATINGS, what=N_("rating"))
    score = validation.score(score)
    assessed_on = validation.assessed_on(
        parse_optional_date(assessed_on, what=N_("assessment date")), year
    )
    new = {"rating": rating, "score": score, "assessed_on": assessed_on}
    row = db.exec(
        select(HealthRating).where(HealthRating.coop_id == coop.id, HealthRating.year == year)
    ).first()
    written = upsert(
        db,
        row,
        new,
        make=lambda: HealthRating(coop_id=coop.id, year=year, **new),
        audit_as=("health", f"{coop_key(coop)}/{year}"),
    )
    return written.row, outcome_of(written)
