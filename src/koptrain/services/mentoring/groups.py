"""Mentoring groups (kelompok): create, add members, list, show; who holds a seat."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlmodel import Session

from koptrain.errors import InvalidInput, Refused
from koptrain.i18n import N_, _
from koptrain.models import Enrollment, GroupMember, MentorGroup, MentoringLog, Person, Training
from koptrain.parsing import SEAT_STATUSES, mask_nik
from koptrain.services import audit, refs, validation

E = Enrollment.__table__
T = Training.__table__
L = MentoringLog.__table__
P = Person.__table__
G = MentorGroup.__table__
GM = GroupMember.__table__


def mentor_name(mentor: str | None) -> str:
    name = validation.text(mentor, validation.NAME_LIMIT, what=N_("mentor"), field="mentor")
    if not name:
        raise InvalidInput(_("Give the mentor's name with --mentor."))
    return name


def create_group(
    db: Session, code: str, *, mentor: str, session_ref: str | Training | None = None
) -> MentorGroup:
    if not (code or "").strip():
        raise InvalidInput(_("Give the group a code."))
    code = validation.code(code, N_("group code"))
    exists_already = db.execute(select(G.c.id).where(func.lower(G.c.code) == code.lower())).first()
    if exists_already:
        raise Refused(
            _("A mentoring group with the code '{code}' exists already.").format(code=code)
        )
    training = training_ref(db, session_ref)
    group = MentorGroup(
        code=code, mentor=mentor_name(mentor), session_id=training.id if training else None
    )
    db.add(group)
    db.flush()
    audit.record(
        db,
        entity="group",
        key=code,
        change={"mentor": group.mentor, "session": training.code if training else None},
    )
    return group


def training_ref(db: Session, ref: str | Training | None) -> Training | None:
    if ref is None or isinstance(ref, Training):
        return ref
    return refs.training(db, ref)


def seat_in(db: Session, person_id: int, session_id: int) -> bool:
    return (
        db.execute(
            select(E.c.id).where(
                E.c.person_id == person_id,
                E.c.session_id == session_id,
                E.c.status.in_(SEAT_STATUSES),
            )
        ).first()
        is not None
    )


def has_any_seat(db: Session, person_id: int, *, ended_before: dt.date | None = None) -> bool:
    query = (
        select(E.c.id)
        .select_from(E.join(T, T.c.id == E.c.session_id))
        .where(E.c.person_id == person_id, E.c.status.in_(SEAT_STATUSES))
    )
    if ended_before is not None:
        query = query.where(T.c.end < ended_before)
    return db.execute(query.limit(1)).first() is not None


def add_members(
    db: Session, group: MentorGroup, people: Iterable[Person]
) -> tuple[list[Person], list[Person]]:
    """Add people to a group: (added, already members). All or nothing: a person without a
    seat in the group's session (or, for a group without a session, in any session) is
    refused and nobody is added."""
    added, already = [], []
    training = db.get(Training, group.session_id) if group.session_id else None
    current = set(db.execute(select(GM.c.person_id).where(GM.c.group_id == group.id)).scalars())
    unique = {p.id: p for p in people}
    for person in unique.values():
        if person.id in current:
            already.append(person)
            continue
        if training is not None and not seat_in(db, person.id, training.id):
            raise Refused(
                _(
                    "{name} ({nik}) holds no seat in {session}, the session of group {group}."
                ).format(
                    name=person.name,
                    nik=mask_nik(person.nik),
                    session=training.code,
                    group=group.code,
                )
            )
        if training is None and not has_any_seat(db, person.id):
            raise Refused(
                _("{name} ({nik}) holds no seat in any session, so cannot be mentored.").format(
                    name=person.name, nik=mask_nik(person.nik)
                )
            )
        db.add(GroupMember(group_id=group.id, person_id=person.id))
        current.add(person.id)
        added.append(person)
        audit.record(db, entity="group_member", key=group.code, change={"added": person.nik})
    db.flush()
    return added, already


def list_groups(db: Session) -> list[dict]:
    members = select(func.count()).where(GM.c.group_id == G.c.id).correlate(G).scalar_subquery()
    query = (
        select(G.c.code, G.c.mentor, T.c.code.label("session"), members.label("members"))
        .select_from(G.outerjoin(T, T.c.id == G.c.session_id))
        .order_by(G.c.code)
    )
    return [dict(r._mapping) for r in db.execute(query)]


def group_members(db: Session, group: MentorGroup) -> list[dict]:
    """The members of a group, with their latest contact (any session) if any."""
    last = (
        select(L.c.id)
        .where(L.c.person_id == P.c.id)
        .order_by(L.c.date.desc(), L.c.id.desc())
        .limit(1)
        .correlate(P)
        .scalar_subquery()
    )
    latest = L.alias("l")
    query = (
        select(
            P.c.id.label("person_id"),
            P.c.nik,
            P.c.name,
            P.c.gender,
            latest.c.date.label("last_contact"),
            latest.c.status.label("last_status"),
        )
        .select_from(GM.join(P, P.c.id == GM.c.person_id).outerjoin(latest, latest.c.id == last))
        .where(GM.c.group_id == group.id)
        .order_by(P.c.name, P.c.id)
    )
    return [dict(r._mapping) for r in db.execute(query)]


def show_group(db: Session, ref: str) -> dict:
    """A group by its code: its code, mentor, session code and members (`group_members`)."""
    group = refs.group(db, ref)
    training = db.get(Training, group.session_id) if group.session_id else None
    return {
        "code": group.code,
        "mentor": group.mentor,
        "session": training.code if training else None,
        "members": group_members(db, group),
    }


def add_to_group(db: Session, group_ref: str, people: Iterable[str]) -> dict:
    """`group add`: the group and people by their references, then `add_members`; returns
    the group's code and the (name, nik) of those added and of those already members."""
    group = refs.group(db, group_ref)
    added, already = add_members(db, group, [refs.person(db, ref) for ref in people])
    return {
        "group": group.code,
        "added": [(p.name, p.nik) for p in added],
        "already": [(p.name, p.nik) for p in already],
    }
