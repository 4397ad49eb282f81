"""Correcting coops, people, memberships, RATs, health ratings and policy settings."""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, col, select

from koptrain.errors import InvalidInput, NotFound, Refused
from koptrain.i18n import N_, _, ngettext
from koptrain.models import (
    Coop,
    Enrollment,
    GroupMember,
    HealthRating,
    Membership,
    MentoringLog,
    Person,
    Policy,
    Rat,
)
from koptrain.parsing import (
    COOP_TYPES,
    LEVELS,
    mask_nik,
    parse_choice,
    parse_coop_nik,
    parse_fiscal_year_end,
    parse_gender,
    parse_int,
    parse_nik,
    parse_optional_date,
    parse_role,
    shown,
)
from koptrain.services import audit, validation
from koptrain.services import policy as policy_service
from koptrain.services.corrections.base import (
    Changed,
    apply,
    count,
    deleted,
    refuse_if_referenced,
)
from koptrain.services.registry.base import coop_key


def edit_coop(db: Session, coop: Coop, **given: str | None) -> list[Changed]:
    """The options of `coop add` that were given (None = not given; "" clears a field)."""
    parse = {
        "nik": lambda v: parse_coop_nik(v) if v.strip() else None,
        "legal_number": lambda v: validation.text(
            v, validation.LEGAL_NUMBER_LIMIT, what=N_("legal number")
        ),
        "name": lambda v: validation.text(v, validation.NAME_LIMIT, what=N_("name")),
        "type": lambda v: parse_choice(v, COOP_TYPES, what=N_("type")) if v.strip() else None,
        "level": lambda v: parse_choice(v, LEVELS, what=N_("level")),
        "kecamatan": lambda v: validation.text(v, validation.PLACE_LIMIT, what=N_("kecamatan")),
        "kelurahan": lambda v: validation.text(v, validation.PLACE_LIMIT, what=N_("kelurahan")),
        "fiscal_year_end": parse_fiscal_year_end,
        "members": lambda v: parse_int(v, what=N_("members")) if v.strip() else None,
    }
    values = {k: parse[k](v) for k, v in given.items() if v is not None}
    if "name" in values and not values["name"]:
        raise InvalidInput(_("A cooperative needs a name."))
    nik = values.get("nik", coop.nik)
    legal_number = values.get("legal_number", coop.legal_number)
    if not nik and not legal_number:
        raise InvalidInput(
            _("A cooperative needs a NIK Koperasi (--nik) or a legal number (--legal-number).")
        )
    keys = [values[k] for k in ("nik", "legal_number") if values.get(k)]
    if keys:
        other = db.exec(
            select(Coop).where(
                or_(col(Coop.nik).in_(keys), col(Coop.legal_number).in_(keys)), Coop.id != coop.id
            )
        ).first()
        if other is not None:
            raise Refused(
                _("'{key}' is already registered, as cooperative {id} ({name}).").format(
                    key=shown(keys[0]), id=other.id, name=other.name
                )
            )
    return apply(db, coop, values, entity="coop", key=coop_key(coop))


def edit_person(db: Session, person: Person, **given: str | None) -> list[Changed]:
    """--name --gender --birth-date --phone --nik, checked as `person add` checks them."""
    parse = {
        "nik": parse_nik,
        "name": lambda v: validation.text(v, validation.NAME_LIMIT, what=N_("name")),
        "gender": parse_gender,
        "birth_date": lambda v: parse_optional_date(v, what=N_("birth date")),
        "phone": lambda v: validation.text(v, validation.PHONE_LIMIT, what=N_("phone")),
    }
    values = {k: parse[k](v) for k, v in given.items() if v is not None}
    if "name" in values and not values["name"]:
        raise InvalidInput(_("A person needs a name."))
    if "nik" in values and values["nik"] != person.nik:
        other = db.exec(select(Person).where(Person.nik == values["nik"])).first()
        if other is not None:
            raise Refused(
                _("NIK {nik} belongs to {name} (person {id}).").format(
                    nik=mask_nik(values["nik"]), name=other.name, id=other.id
                )
            )
    return apply(db, person, values, entity="person", key=person.nik)


def _membership(db: Session, person: Person, coop: Coop) -> Membership:
    found = db.exec(
        select(Membership).where(Membership.person_id == person.id, Membership.coop_id == coop.id)
    ).first()
    if found is None:
        raise NotFound(
            _("{name} is not a member of {coop}.").format(name=person.name, coop=coop.name)
        )
    return found


def set_membership(
    db: Session, person: Person, coop: Coop, *, role: str | None, has_business: bool | None
) -> list[Changed]:
    membership = _membership(db, person, coop)
    key = f"{person.nik}@{coop_key(coop)}"
    changed = []
    if role is not None:
        changed += apply(db, membership, {"role": parse_role(role)}, entity="membership", key=key)
    if has_business is not None:
        changed += apply(
            db, person, {"has_business": has_business}, entity="person", key=person.nik
        )
    return changed


def leave(db: Session, person: Person, coop: Coop) -> None:
    membership = _membership(db, person, coop)
    n = count_where(db, Enrollment.person_id == person.id, Enrollment.coop_id == coop.id)
    if n:
        raise Refused(
            ngettext(
                "{name} has {n} enrollment for {coop}; the membership cannot be left.",
                "{name} has {n} enrollments for {coop}; the membership cannot be left.",
                n,
            ).format(name=person.name, n=n, coop=coop.name)
        )
    deleted(
        db,
        membership,
        entity="membership",
        key=f"{person.nik}@{coop_key(coop)}",
        values={"role": membership.role},
    )


def count_where(db: Session, *conditions) -> int:
    from sqlmodel import func

    return int(db.exec(select(func.count()).where(*conditions)).one())


def delete_coop(db: Session, coop: Coop) -> None:
    people = count(db, Membership.coop_id, coop.id)
    rats = count(db, Rat.coop_id, coop.id)
    ratings = count(db, HealthRating.coop_id, coop.id)
    seats = count(db, Enrollment.coop_id, coop.id)
    refuse_if_referenced(
        coop.name,
        [
            people and ngettext("{n} person", "{n} people", people).format(n=people),
            rats and ngettext("{n} RAT", "{n} RATs", rats).format(n=rats),
            ratings
            and ngettext("{n} health rating", "{n} health ratings", ratings).format(n=ratings),
            seats and ngettext("{n} enrollment", "{n} enrollments", seats).format(n=seats),
        ],
    )
    deleted(db, coop, entity="coop", key=coop_key(coop), values={"name": coop.name})


def delete_person(db: Session, person: Person) -> None:
    """A person goes with their memberships; never while they hold enrollments, group
    places or mentoring contacts."""
    seats = count(db, Enrollment.person_id, person.id)
    groups = count(db, GroupMember.person_id, person.id)
    contacts = count(db, MentoringLog.person_id, person.id)
    refuse_if_referenced(
        person.name,
        [
            seats and ngettext("{n} enrollment", "{n} enrollments", seats).format(n=seats),
            groups and ngettext("{n} group", "{n} groups", groups).format(n=groups),
            contacts
            and ngettext("{n} mentoring contact", "{n} mentoring contacts", contacts).format(
                n=contacts
            ),
        ],
    )
    for membership in db.exec(select(Membership).where(Membership.person_id == person.id)):
        db.delete(membership)
    db.flush()
    deleted(db, person, entity="person", key=person.nik, values={"name": person.name})


def delete_rat(db: Session, coop: Coop, year: str | int) -> None:
    fiscal_year = validation.year(year, what=N_("fiscal year"))
    rat = db.exec(select(Rat).where(Rat.coop_id == coop.id, Rat.fiscal_year == fiscal_year)).first()
    if rat is None:
        raise NotFound(
            _("{coop} has no RAT recorded for {year}.").format(coop=coop.name, year=fiscal_year)
        )
    deleted(
        db, rat, entity="rat", key=f"{coop_key(coop)}/{fiscal_year}", values={"held": rat.held_on}
    )


def delete_health(db: Session, coop: Coop, year: str | int) -> None:
    y = validation.year(year, what=N_("year"))
    rating = db.exec(
        select(HealthRating).where(HealthRating.coop_id == coop.id, HealthRating.year == y)
    ).first()
    if rating is None:
        raise NotFound(
            _("{coop} has no health rating recorded for {year}.").format(coop=coop.name, year=y)
        )
    deleted(
        db,
        rating,
        entity="health",
        key=f"{coop_key(coop)}/{y}",
        values={"rating": rating.rating},
    )


def unset_policy(db: Session, key: str) -> str | None:
    """Back to the default (a rat.extension.<FY> setting goes away); returns the default."""
    key = key.strip().lower()
    row = db.get(Policy, key)
    if row is None:
        policy_service.validate(key, policy_service.DEFAULTS.get(key, "2000-01-01"))
        raise Refused(_("The policy setting {key} is not set.").format(key=key))
    default = policy_service.DEFAULTS.get(key)
    db.delete(row)
    db.flush()
    audit.record(db, entity="policy", key=key, change={"value": [row.value, default]})
    return default
