"""Attendance days and closing a session (who completed it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from koptrain.errors import Refused
from koptrain.i18n import _
from koptrain.models import (
    Attendance,
    Enrollment,
    Person,
    Training,
)
from koptrain.parsing import SEAT_STATUSES
from koptrain.services import audit, validation
from koptrain.services.training.base import (
    CLOSED,
    COMPLETED,
    NOT_COMPLETED,
    OPEN,
    lock,
    person_label,
    session_days,
    set_status,
)
from koptrain.services.training.enrollment import waitlisted_count
from koptrain.services.upsert import INSERTED, UPDATED, upsert


@dataclass
class AttendanceResult:
    day: dt.date
    present: bool
    added: int = 0
    changed: int = 0
    unchanged: int = 0


def attend(
    db: Session,
    training: Training,
    day: dt.date,
    people: Sequence[Person],
    *,
    present: bool = True,
    today: dt.date | None = None,
) -> AttendanceResult:
    """Record seat holders present (or absent) on one day of an open session.

    A day outside the session, or still ahead, is invalid input; anyone without a seat
    refuses the whole command (nothing is recorded)."""
    today = today or dt.date.today()
    validation.attendance_day(training, day, today=today)
    validation.attendance_open(training)
    people = list({p.id: p for p in people}.values())
    enrollments = {
        e.person_id: e
        for e in db.exec(
            select(Enrollment).where(
                Enrollment.session_id == training.id,
                col(Enrollment.person_id).in_([p.id for p in people]),
                col(Enrollment.status).in_(SEAT_STATUSES),
            )
        ).all()
    }
    seatless = [p for p in people if p.id not in enrollments]
    if seatless:
        raise Refused(
            _("No seat in session {session} for {people}; nothing was recorded.").format(
                session=training.code, people=", ".join(person_label(p) for p in seatless)
            )
        )
    records = {
        a.enrollment_id: a
        for a in db.exec(
            select(Attendance).where(
                col(Attendance.enrollment_id).in_([e.id for e in enrollments.values()]),
                Attendance.day == day,
            )
        ).all()
    }
    result = AttendanceResult(day, present)
    for person in people:
        enrollment = enrollments[person.id]
        written = upsert(
            db,
            records.get(enrollment.id),
            {"present": present},
            make=lambda e=enrollment: Attendance(enrollment_id=e.id, day=day, present=present),
            audit_as=("attendance", f"{training.code}/{person.nik}/{day.isoformat()}"),
        )
        if written.outcome == INSERTED:
            result.added += 1
        elif written.outcome == UPDATED:
            result.changed += 1
        else:
            result.unchanged += 1
    return result


@dataclass
class Closing:
    completed: int = 0
    not_completed: int = 0
    filled_days: int = 0  # attendance written as present by --all-attended
    waitlisted: int = 0  # left on the waitlist; they never had a seat


def close(
    db: Session,
    training: Training,
    *,
    all_attended: bool = False,
    today: dt.date | None = None,
) -> Closing:
    """Close a session whose last day has come: each seat holder is `completed` when present
    on at least `min_attendance` of the days, else `not_completed`.

    Without any attendance recorded, only `all_attended` closes it: every day a seat holder
    has no record for is then recorded present (recorded absences stay)."""
    training = lock(db, training)
    today = today or dt.date.today()
    values = {"session": training.code, "end": training.end.isoformat()}
    if training.status != OPEN:
        raise Refused(
            _("Session {session} is {status}; only an open session can be closed.").format(
                status=training.status, **values
            )
        )
    if training.end > today:
        raise Refused(
            _("Session {session} runs until {end}; close it on or after its last day.").format(
                **values
            )
        )
    rows = db.exec(
        select(Enrollment, Person.nik)
        .join(Person, col(Person.id) == col(Enrollment.person_id))
        .where(Enrollment.session_id == training.id, col(Enrollment.status).in_(SEAT_STATUSES))
    ).all()
    holders = [e for e, _nik in rows]
    niks = {e.id: nik for e, nik in rows}
    records: dict[int, dict[dt.date, bool]] = {e.id: {} for e in holders}
    if holders:
        for a in db.exec(
            select(Attendance).where(col(Attendance.enrollment_id).in_(list(records)))
        ).all():
            records[a.enrollment_id][a.day] = a.present
    if not any(records.values()) and holders and not all_attended:
        raise Refused(
            _(
                "No attendance is recorded for session {session}: record it with `attend`, "
                "or close with --all-attended if everyone attended every day."
            ).format(**values)
        )
    days = session_days(training)
    result = Closing(waitlisted=waitlisted_count(db, training))
    for enrollment in holders:
        seen = records[enrollment.id]
        if all_attended:
            for day in days:
                if day not in seen:
                    db.add(Attendance(enrollment_id=enrollment.id, day=day, present=True))
                    seen[day] = True
                    result.filled_days += 1
        attended = sum(1 for day in days if seen.get(day))
        done = attended / len(days) >= training.min_attendance - 1e-9
        status = COMPLETED if done else NOT_COMPLETED
        if done:
            result.completed += 1
        else:
            result.not_completed += 1
        set_status(db, training, enrollment, niks[enrollment.id], status, days_attended=attended)
    training.status = CLOSED
    db.add(training)
    audit.record(
        db,
        entity="session",
        key=training.code,
        change={
            "status": [OPEN, CLOSED],
            "completed": result.completed,
            "not_completed": result.not_completed,
            "all_attended": all_attended,
            "filled_days": result.filled_days,
        },
    )
    db.flush()
    return result
