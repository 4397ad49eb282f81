"""Contact logs: recording a follow-up contact with its obstacles, and counting them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select, true
from sqlmodel import Session

from koptrain.errors import InvalidInput, Refused
from koptrain.i18n import N_, _
from koptrain.models import (
    Enrollment,
    GroupMember,
    MentorGroup,
    MentoringLog,
    Obstacle,
    Person,
    Training,
)
from koptrain.parsing import (
    OBSTACLE_CATEGORIES,
    PRACTICE_STATUSES,
    SEAT_STATUSES,
    mask_nik,
    parse_choice,
)
from koptrain.services import audit, refs, validation
from koptrain.services.mentoring.groups import has_any_seat, mentor_name, seat_in, training_ref
from koptrain.storage import derived
from koptrain.storage.queries import counted_contact

E = Enrollment.__table__
T = Training.__table__
L = MentoringLog.__table__
OB = Obstacle.__table__


def parse_obstacle(text: str) -> tuple[str, str | None]:
    """`CATEGORY:TEXT` (or just CATEGORY): the category validated, the words kept as typed."""
    category, sep, words = (text or "").partition(":")
    return parse_choice(category, OBSTACLE_CATEGORIES, what=N_("obstacle category")), (
        validation.note(words, what=N_("obstacle")) if sep else None
    )


def _obstacle(item) -> tuple[str, str | None]:
    if isinstance(item, str):
        return parse_obstacle(item)
    category, words = item
    words = validation.note(words, what=N_("obstacle"))
    return parse_choice(category, OBSTACLE_CATEGORIES, what=N_("obstacle category")), words


def log_contact(
    db: Session,
    person: Person | None,
    *,
    date: dt.date,
    mentor: str,
    status: str,
    session_ref: str | Training | None = None,
    group: MentorGroup | None = None,
    obstacles: Iterable = (),
    note: str | None = None,
    next_date: dt.date | None = None,
    indicators: Iterable[str] = (),
) -> list[MentoringLog]:
    """Record one follow-up contact with a person, or with every member of `group`.

    `obstacles` are `CATEGORY:TEXT` strings or (category, text) pairs. A group log names
    the group's session unless `session_ref` says otherwise. Each person must hold a seat
    in the named session, or (no session named) in a session that ended before the
    contact, else nothing is written (Refused). `indicators` are `CODE=VALUE` values
    measured at the contact, stored for each person logged.
    """
    from koptrain.services.outcomes import records as outcome_records

    measured = outcome_records.parse_assignments(db, indicators)
    status = parse_choice(status, PRACTICE_STATUSES, what=N_("status"))
    mentor = mentor_name(mentor)
    note = validation.note(note, what=N_("note"))
    parsed = [_obstacle(o) for o in obstacles]
    next_date = validation.next_visit(date, next_date)
    if (person is None) == (group is None):
        raise InvalidInput(_("Give either a person or --group, not both."))
    training = training_ref(db, session_ref)
    if training is None and group is not None and group.session_id:
        training = db.get(Training, group.session_id)
    if group is not None:
        people = list(
            db.exec(
                select(Person)
                .join(GroupMember, GroupMember.person_id == Person.id)
                .where(GroupMember.group_id == group.id)
                .order_by(Person.id)
            ).scalars()
        )
        if not people:
            raise Refused(_("Group {group} has no members yet.").format(group=group.code))
    else:
        people = [person]
    logs = []
    for member in people:
        check_contact(db, member, training, date)
        log = MentoringLog(
            person_id=member.id,
            session_id=training.id if training else None,
            group_id=group.id if group else None,
            date=date,
            mentor=mentor,
            status=status,
            note=note,
            next_date=next_date,
        )
        db.add(log)
        db.flush()
        for category, words in parsed:
            db.add(Obstacle(log_id=log.id, category=category, text=words))
        outcome_records.record_at_contact(db, log, measured)
        audit.record(
            db,
            entity="mentoring_log",
            key=member.nik,
            change={
                "date": date,
                "mentor": mentor,
                "status": status,
                "session": training.code if training else None,
                "group": group.code if group else None,
                "obstacles": [f"{c}:{w or ''}" for c, w in parsed],
                "next": next_date,
            },
        )
        logs.append(log)
    db.flush()
    return logs


def log_contact_by_ref(
    db: Session, person_ref: str | None, group_ref: str | None, **contact
) -> list[MentoringLog]:
    """`mentor log`: the person or the group by reference, then `log_contact`."""
    person = refs.person(db, person_ref) if person_ref else None
    group = refs.group(db, group_ref) if group_ref else None
    return log_contact(db, person, group=group, **contact)


def check_contact(db: Session, person: Person, training: Training | None, date: dt.date) -> None:
    if training is not None:
        if not seat_in(db, person.id, training.id):
            raise Refused(
                _("{name} ({nik}) holds no seat in {session}.").format(
                    name=person.name, nik=mask_nik(person.nik), session=training.code
                )
            )
        return
    if not has_any_seat(db, person.id, ended_before=date):
        raise Refused(
            _(
                "{name} ({nik}) holds no seat in a session that ended before {date}; "
                "name the session with --session."
            ).format(name=person.name, nik=mask_nik(person.nik), date=date.isoformat())
        )


def obstacle_counts(db: Session, on: dt.date, *, scope=None) -> list[dict]:
    """Obstacles recorded up to `on` by category, for contacts counted for sessions in scope.

    With a scope, the contacts are found from the sessions in scope: their seat holders'
    contacts through ix_mentoring_log_person_cover, then those contacts' obstacles.
    """
    if scope is not None:
        logs = (
            select(L.c.id)
            .select_from(T.join(E, E.c.session_id == T.c.id).join(L, counted_contact(L, on)))
            .where(scope, E.c.status.in_(SEAT_STATUSES))
        )
        counted = OB.c.log_id.in_(logs)
    elif derived.covers(db, on):
        counted = true()  # no contact after `on`: every obstacle, in ix_obstacle_category
    else:
        # Every obstacle but those of contacts after `on`: an exclusion list read from the
        # covering index, not a 3-million-row IN list.
        counted = OB.c.log_id.not_in(select(L.c.id).where(L.c.date > on))
    query = (
        select(OB.c.category, func.count().label("count"))
        .where(counted)
        .group_by(OB.c.category)
        .order_by(func.count().desc(), OB.c.category)
    )
    return [{"category": r.category, "count": int(r.count)} for r in db.execute(query)]


def contact_count(db: Session, on: dt.date) -> int:
    return int(db.execute(select(func.count()).where(L.c.date <= on)).scalar() or 0)
