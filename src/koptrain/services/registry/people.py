"""People and their memberships: adding, listing, the person report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, col, select

from koptrain.errors import InvalidInput, Refused
from koptrain.i18n import N_, _
from koptrain.models import Coop, Enrollment, Membership, Person, Training
from koptrain.parsing import (
    mask_nik,
    nik_birth_date_matches,
    nik_gender,
    parse_gender,
    parse_nik,
    parse_optional_date,
    parse_role,
)
from koptrain.services import audit, validation
from koptrain.services.registry.base import coop_key
from koptrain.services.upsert import field_changes


def add_person(
    db: Session,
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
    name = validation.text(name, validation.NAME_LIMIT, what=N_("name"))
    if not name:
        raise InvalidInput(_("A person needs a name."))
    gender = parse_gender(gender)
    role = parse_role(role)
    phone = validation.text(phone, validation.PHONE_LIMIT, what=N_("phone"))
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
    person = db.exec(select(Person).where(Person.nik == nik)).first()
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
        db.add(person)
        db.flush()
        audit.record_changes(
            db,
            entity="person",
            key=nik,
            changes=field_changes(
                None,
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
        membership = db.exec(
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
    db.add(Membership(person_id=person.id, coop_id=coop.id, role=role))
    db.flush()
    audit.record(
        db,
        entity="membership",
        key=f"{nik}@{coop_key(coop)}",
        change={"role": [None, role]},
    )
    return person, created, warnings


def person_rows(
    db: Session, *, coop: Coop | None = None, show_nik=mask_nik
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
        for person, membership, c in db.exec(query).all()
    ]


def person_report(db: Session, person: Person, *, show_nik=mask_nik) -> dict[str, Any]:
    """Everything `person show` prints: details, memberships and enrollments."""
    memberships = db.exec(
        select(Membership, Coop)
        .join(Coop, col(Coop.id) == col(Membership.coop_id))
        .where(Membership.person_id == person.id)
        .order_by(col(Coop.id))
    ).all()
    enrollments = db.exec(
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
