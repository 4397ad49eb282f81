"""Correcting mentoring: groups (mentor, members, delete) and contacts (list, edit, delete)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, col, select

from koptrain.errors import NotFound, Refused
from koptrain.i18n import N_, _, ngettext
from koptrain.models import GroupMember, MentorGroup, MentoringLog, Obstacle, Person, Training
from koptrain.parsing import PRACTICE_STATUSES, mask_nik, parse_choice
from koptrain.services import audit, validation
from koptrain.services.corrections.base import (
    Changed,
    apply,
    count,
    deleted,
    refuse_if_referenced,
)
from koptrain.services.mentoring.contacts import check_contact, parse_obstacle
from koptrain.services.mentoring.groups import mentor_name


def edit_group(db: Session, group: MentorGroup, *, mentor: str) -> list[Changed]:
    return apply(db, group, {"mentor": mentor_name(mentor)}, entity="group", key=group.code)


def remove_members(db: Session, group: MentorGroup, people: list[Person]) -> None:
    """Take people out of a group; one who is not in it refuses the whole command."""
    rows = []
    for person in people:
        member = db.get(GroupMember, (group.id, person.id))
        if member is None:
            raise Refused(
                _("{name} ({nik}) is not in group {group}.").format(
                    name=person.name, nik=mask_nik(person.nik), group=group.code
                )
            )
        rows.append((member, person))
    for member, person in rows:
        db.delete(member)
        audit.record(db, entity="group_member", key=group.code, change={"removed": person.nik})
    db.flush()


def delete_group(db: Session, group: MentorGroup) -> None:
    members = count(db, GroupMember.group_id, group.id)
    contacts = count(db, MentoringLog.group_id, group.id)
    refuse_if_referenced(
        _("Group {group}").format(group=group.code),
        [
            members and ngettext("{n} member", "{n} members", members).format(n=members),
            contacts
            and ngettext("{n} mentoring contact", "{n} mentoring contacts", contacts).format(
                n=contacts
            ),
        ],
    )
    deleted(db, group, entity="group", key=group.code, values={"mentor": group.mentor})


def contacts(
    db: Session,
    *,
    person: Person | None = None,
    group: MentorGroup | None = None,
    training: Training | None = None,
) -> list[dict[str, Any]]:
    """Contacts with their numbers (LOG), oldest first."""
    query = (
        select(MentoringLog, Person, Training.code, MentorGroup.code)
        .join(Person, col(Person.id) == col(MentoringLog.person_id))
        .outerjoin(Training, col(Training.id) == col(MentoringLog.session_id))
        .outerjoin(MentorGroup, col(MentorGroup.id) == col(MentoringLog.group_id))
        .order_by(MentoringLog.date, MentoringLog.id)
    )
    if person is not None:
        query = query.where(MentoringLog.person_id == person.id)
    if group is not None:
        query = query.where(MentoringLog.group_id == group.id)
    if training is not None:
        query = query.where(MentoringLog.session_id == training.id)
    rows = db.exec(query).all()
    obstacles: dict[int, list[str]] = {}
    ids = [log.id for log, *_rest in rows]
    for start in range(0, len(ids), 500):
        for o in db.exec(
            select(Obstacle).where(col(Obstacle.log_id).in_(ids[start : start + 500]))
        ).all():
            obstacles.setdefault(o.log_id, []).append(f"{o.category}:{o.text or ''}".rstrip(":"))
    return [
        {
            "log": log.id,
            "date": log.date,
            "person_id": p.id,
            "nik": p.nik,
            "name": p.name,
            "session": code,
            "group": group_code,
            "mentor": log.mentor,
            "status": log.status,
            "obstacles": obstacles.get(log.id, []),
            "note": log.note,
            "next": log.next_date,
        }
        for log, p, code, group_code in rows
    ]


def _contact(db: Session, number: int) -> MentoringLog:
    log = db.get(MentoringLog, number)
    if log is None:
        raise NotFound(_("There is no mentoring contact {n}.").format(n=number))
    return log


def edit_contact(
    db: Session,
    number: int,
    *,
    date: dt.date | None = None,
    mentor: str | None = None,
    status: str | None = None,
    obstacles: list[str] | None = None,
    note: str | None = None,
    next_date: dt.date | None = None,
) -> list[Changed]:
    """The fields given, checked as `mentor log` checks them; --obstacle replaces them all."""
    log = _contact(db, number)
    values: dict[str, Any] = {}
    if date is not None:
        person = db.get(Person, log.person_id)
        training = db.get(Training, log.session_id) if log.session_id else None
        check_contact(db, person, training, date)
        values["date"] = date
    if mentor is not None:
        values["mentor"] = mentor_name(mentor)
    if status is not None:
        values["status"] = parse_choice(status, PRACTICE_STATUSES, what=N_("status"))
    if note is not None:
        values["note"] = note.strip() or None
    if next_date is not None:
        values["next_date"] = next_date
    validation.next_visit(values.get("date", log.date), values.get("next_date", log.next_date))
    changed = apply(db, log, values, entity="mentoring_log", key=str(log.id))
    if obstacles is not None:
        parsed = [parse_obstacle(o) for o in obstacles]
        old = db.exec(select(Obstacle).where(Obstacle.log_id == log.id)).all()
        before = [f"{o.category}:{o.text or ''}" for o in old]
        after = [f"{c}:{w or ''}" for c, w in parsed]
        if before != after:
            for o in old:
                db.delete(o)
            for category, words in parsed:
                db.add(Obstacle(log_id=log.id, category=category, text=words))
            db.flush()
            audit.record(
                db, entity="mentoring_log", key=str(log.id), change={"obstacles": [before, after]}
            )
            changed.append(Changed("obstacles", ", ".join(before), ", ".join(after)))
    return changed


def delete_contact(db: Session, number: int) -> None:
    log = _contact(db, number)
    for o in db.exec(select(Obstacle).where(Obstacle.log_id == log.id)).all():
        db.delete(o)
    db.flush()
    deleted(
        db,
        log,
        entity="mentoring_log",
        key=str(log.id),
        values={"date": log.date, "mentor": log.mentor, "status": log.status},
    )
