"""The cooperative registry: coops, their RATs and health ratings, people and memberships."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from koptrain.errors import InvalidInput, Refused
from koptrain.i18n import N_, _
from koptrain.models import Coop, Enrollment, HealthRating, Membership, Person, Rat, Training
from koptrain.parsing import (
    COOP_TYPES,
    LEVELS,
    RATINGS,
    mask_nik,
    nik_birth_date_matches,
    nik_gender,
    parse_choice,
    parse_coop_nik,
    parse_date,
    parse_fiscal_year_end,
    parse_gender,
    parse_int,
    parse_nik,
    parse_optional_date,
    parse_role,
    shown,
)
from koptrain.services import audit, eligibility
from koptrain.services import policy as policy_service

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


# --- coops -----------------------------------------------------------------------------------


def _text(value: str | None, limit: int, *, what: str) -> str | None:
    text = " ".join((value or "").split())
    if len(text) > limit:
        raise InvalidInput(
            _("{what} is longer than {limit} characters.").format(what=_(what), limit=limit)
        )
    return text or None


def add_coop(
    session: Session,
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
    legal_number = _text(legal_number, 120, what=N_("legal number"))
    if not nik and not legal_number:
        raise InvalidInput(
            _("A cooperative needs a NIK Koperasi (--nik) or a legal number (--legal-number).")
        )
    name = _text(name, 200, what=N_("name"))
    if not name:
        raise InvalidInput(_("A cooperative needs a name."))
    coop = Coop(
        nik=nik,
        legal_number=legal_number,
        name=name,
        type=parse_choice(type, COOP_TYPES, what=N_("type")) if type else None,
        level=parse_choice(level, LEVELS, what=N_("level")) if level else "primer",
        kecamatan=_text(kecamatan, 80, what=N_("kecamatan")),
        kelurahan=_text(kelurahan, 80, what=N_("kelurahan")),
        fiscal_year_end=parse_fiscal_year_end(fiscal_year_end),
        members=parse_int(members, what=N_("members")) if members not in (None, "") else None,
    )
    # A key must name one coop only, whichever column a reference is looked up in.
    keys = [k for k in (nik, legal_number) if k]
    known = session.exec(
        select(Coop).where(or_(col(Coop.nik).in_(keys), col(Coop.legal_number).in_(keys)))
    ).first()
    if known is not None:
        key = nik if nik in (known.nik, known.legal_number) else legal_number
        raise Refused(
            _("'{key}' is already registered, as cooperative {id} ({name}).").format(
                key=shown(key), id=known.id, name=known.name
            )
        )
    session.add(coop)
    session.flush()
    audit.record(
        session,
        entity="coop",
        key=coop_key(coop),
        change=audit.diff({}, {k: v for k, v in coop_row(coop).items() if k != "id"}),
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


def coop_rows(session: Session, *, eligible_on: dt.date | None = None) -> list[dict[str, Any]]:
    """Every coop in number order; with `eligible_on`, only those eligible on that day."""
    coops = list(session.exec(select(Coop).order_by(Coop.id)).all())
    if eligible_on is not None:
        coops = [v.coop for v in eligibility.verdicts(session, eligible_on, coops) if v.eligible]
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
    session: Session, coop: Coop, *, on: dt.date
) -> tuple[dict[str, Any], eligibility.Verdict]:
    """Everything `coop show` prints: details, RAT history, health ratings, the verdict."""
    settings = policy_service.load(session)
    rats = list(
        session.exec(select(Rat).where(Rat.coop_id == coop.id).order_by(Rat.fiscal_year)).all()
    )
    ratings = list(
        session.exec(
            select(HealthRating).where(HealthRating.coop_id == coop.id).order_by(HealthRating.year)
        ).all()
    )
    verdict = eligibility.judge(coop, rats, ratings, on, settings)
    history = {
        r.fiscal_year: eligibility.judge_rat(coop, r.fiscal_year, r, on, settings) for r in rats
    }
    # The year eligibility looks at is shown even when its RAT was never recorded.
    history.setdefault(verdict.rat.fiscal_year, verdict.rat)
    people = session.exec(select(Membership).where(Membership.coop_id == coop.id)).all()
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
    session: Session,
    coop: Coop,
    *,
    year: int | str,
    rating: str,
    score: float | str | None = None,
    assessed_on: dt.date | str | None = None,
) -> tuple[HealthRating, str]:
    """Record a year's health rating; a year already rated is corrected (old -> new audited)."""
    year = parse_year(year, what=N_("year"))
    rating = parse_choice(rating, RATINGS, what=N_("rating"))
    score = _score(score)
    assessed_on = parse_optional_date(assessed_on, what=N_("assessment date"))
    if assessed_on is not None and assessed_on.year < year:
        raise InvalidInput(
            _("The assessment date {date} is before the year {year} it rates.").format(
                date=assessed_on.isoformat(), year=year
            )
        )
    new = {"rating": rating, "score": score, "assessed_on": assessed_on}
    row = session.exec(
        select(HealthRating).where(HealthRating.coop_id == coop.id, HealthRating.year == year)
    ).first()
    if row is None:
        row = HealthRating(coop_id=coop.id, year=year, **new)
        session.add(row)
        outcome, change = ADDED, audit.diff({}, new)
    else:
        old = {k: getattr(row, k) for k in new}
        change = audit.diff(old, new)
        if not change:
            return row, UNCHANGED
        for key, value in new.items():
            setattr(row, key, value)
        outcome = UPDATED
    session.flush()
    audit.record(session, entity="health", key=f"{coop_key(coop)}/{year}", change=change)
    return row, outcome


def _score(value: float | str | None) -> float | None:
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


# --- RATs ------------------------------------------------------------------------------------


def record_rat(
    session: Session,
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
    row = session.exec(
        select(Rat).where(Rat.coop_id == coop.id, Rat.fiscal_year == fiscal_year)
    ).first()
    if row is None:
        row = Rat(coop_id=coop.id, fiscal_year=fiscal_year, **new)
        session.add(row)
        outcome, change = ADDED, audit.diff({}, new)
    else:
        change = audit.diff({k: getattr(row, k) for k in new}, new)
        if not change:
            return row, UNCHANGED
        for key, value in new.items():
            setattr(row, key, value)
        outcome = UPDATED
    session.flush()
    audit.record(session, entity="rat", key=f"{coop_key(coop)}/{fiscal_year}", change=change)
    return row, outcome


def parse_status_filter(text: str | None) -> str | None:
    if not text:
        return None
    return parse_choice(text, tuple(STATUS_FILTERS), what=N_("status"))


def rat_rows(
    session: Session,
    *,
    on: dt.date,
    year: int | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """One row per coop: the RAT of `year`, or the latest as eligibility defines it on `on`."""
    settings = policy_service.load(session)
    statuses = STATUS_FILTERS[parse_status_filter(status)] if status else None
    coops = list(session.exec(select(Coop).order_by(Coop.id)).all())
    rats: dict[int, dict[int, Rat]] = {c.id: {} for c in coops}
    query = select(Rat)
    if year is not None:
        query = query.where(Rat.fiscal_year == year)
    for rat in session.exec(query).all():
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


# --- people ----------------------------------------------------------------------------------


def add_person(
    session: Session,
    *,
    nik: str,
    name: str,
    gender: str,
    coop: Coop,
    role: str,
    has_business: bool = False,
    phone: str | None = None,
    birth_date: dt.date | str | None = None,
) -> tuple[Person, bool, list[str]]:
    """Add a person as a member of `coop`, or a known person (by NIK) to one more coop.

    Returns the person, whether they were new, and warnings for the user (a gender or
    birth date that contradicts the NIK; details that differ from the person on record).
    """
    nik = parse_nik(nik)
    name = _text(name, 200, what=N_("name"))
    if not name:
        raise InvalidInput(_("A person needs a name."))
    gender = parse_gender(gender)
    role = parse_role(role)
    phone = _text(phone, 40, what=N_("phone"))
    birth_date = parse_optional_date(birth_date, what=N_("birth date"))
    warnings: list[str] = []
    if gender != nik_gender(nik):
        warnings.append(
            _("The gender given is {gender} but NIK {nik} says {nik_gender}.").format(
                gender=gender, nik=mask_nik(nik), nik_gender=nik_gender(nik)
            )
        )
    if birth_date is not None and not nik_birth_date_matches(nik, birth_date):
        warnings.append(
            _("The birth date {date} does not match NIK {nik}.").format(
                date=birth_date.isoformat(), nik=mask_nik(nik)
            )
        )
    person = session.exec(select(Person).where(Person.nik == nik)).first()
    created = person is None
    if person is None:
        person = Person(
            nik=nik,
            name=name,
            gender=gender,
            birth_date=birth_date,
            phone=phone,
            has_business=has_business,
        )
        session.add(person)
        session.flush()
        audit.record(
            session,
            entity="person",
            key=nik,
            change=audit.diff(
                {},
                {
                    "name": name,
                    "gender": gender,
                    "birth_date": birth_date,
                    "phone": phone,
                    "has_business": has_business,
                },
            ),
        )
    else:
        membership = session.exec(
            select(Membership).where(
                Membership.person_id == person.id, Membership.coop_id == coop.id
            )
        ).first()
        if membership is not None:
            raise Refused(
                _("{name} (NIK {nik}) is already a member of {coop}, as {role}.").format(
                    name=person.name, nik=mask_nik(nik), coop=coop.name, role=membership.role
                )
            )
        given = {"name": name, "gender": gender, "birth_date": birth_date, "phone": phone}
        differ = [k for k, v in given.items() if v is not None and v != getattr(person, k)]
        if differ:
            warnings.append(
                _(
                    "NIK {nik} is already registered as {name}; the details on record were "
                    "kept ({fields} differ; use import to update them)."
                ).format(nik=mask_nik(nik), name=person.name, fields=", ".join(differ))
            )
    session.add(Membership(person_id=person.id, coop_id=coop.id, role=role))
    session.flush()
    audit.record(
        session,
        entity="membership",
        key=f"{nik}@{coop_key(coop)}",
        change={"role": [None, role]},
    )
    return person, created, warnings


def person_rows(
    session: Session, *, coop: Coop | None = None, show_nik=mask_nik
) -> list[dict[str, Any]]:
    """One row per membership (a person without any shows once, without a coop)."""
    query = (
        select(Person, Membership, Coop)
        .join(Membership, col(Membership.person_id) == col(Person.id), isouter=coop is None)
        .join(Coop, col(Coop.id) == col(Membership.coop_id), isouter=coop is None)
        .order_by(col(Person.id), col(Coop.id))
    )
    if coop is not None:
        query = query.where(Membership.coop_id == coop.id)
    return [
        {
            "id": person.id,
            "nik": show_nik(person.nik),
            "name": person.name,
            "gender": person.gender,
            "birth_date": person.birth_date,
            "coop": c.name if c else None,
            "coop_nik": coop_key(c) if c else None,
            "role": membership.role if membership else None,
            "has_business": person.has_business,
            "phone": person.phone,
        }
        for person, membership, c in session.exec(query).all()
    ]


def person_report(session: Session, person: Person, *, show_nik=mask_nik) -> dict[str, Any]:
    """Everything `person show` prints: details, memberships and enrollments."""
    memberships = session.exec(
        select(Membership, Coop)
        .join(Coop, col(Coop.id) == col(Membership.coop_id))
        .where(Membership.person_id == person.id)
        .order_by(col(Coop.id))
    ).all()
    enrollments = session.exec(
        select(Enrollment, Training, Coop)
        .join(Training, col(Training.id) == col(Enrollment.session_id))
        .join(Coop, col(Coop.id) == col(Enrollment.coop_id))
        .where(Enrollment.person_id == person.id)
        .order_by(col(Training.start), col(Training.code))
    ).all()
    return {
        "id": person.id,
        "nik": show_nik(person.nik),
        "name": person.name,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "phone": person.phone,
        "has_business": person.has_business,
        "memberships": [
            {"coop_id": c.id, "coop": c.name, "coop_nik": coop_key(c), "role": m.role}
            for m, c in memberships
        ],
        "enrollments": [
            {
                "session": t.code,
                "title": t.title,
                "start": t.start,
                "end": t.end,
                "coop": c.name,
                "role": e.role,
                "status": e.status,
                "override_reason": e.override_reason,
            }
            for e, t, c in enrollments
        ],
    }
