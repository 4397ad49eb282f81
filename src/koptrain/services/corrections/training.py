"""Correcting sessions and programmes: edit, reopen, delete."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, func, select

from koptrain.errors import InvalidInput, Refused
from koptrain.i18n import N_, _, ngettext
from koptrain.models import Attendance, Enrollment, MentorGroup, MentoringLog, Program, Training
from koptrain.parsing import parse_roles
from koptrain.services import audit, refs, validation
from koptrain.services.corrections.base import (
    Changed,
    apply,
    count,
    deleted,
    refuse_if_referenced,
)
from koptrain.services.training import CLOSED, COMPLETED, ENROLLED, NOT_COMPLETED, lock, utc_now
from koptrain.services.training.sessions import parse_share, seat_holders_count
from koptrain.services.training.withdrawal import promote


def edit_session(
    db: Session,
    training: Training,
    *,
    title: str | None = None,
    venue: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    capacity: str | int | None = None,
    audience: str | None = None,
    requires_business: bool | None = None,
    min_attendance: str | None = None,
    program: str | None = None,
) -> tuple[list[Changed], list]:
    """The fields given, with the rules of `session create`; a capacity below the seats
    taken is refused, a raised one filled from the waitlist in this transaction; new days
    that would leave recorded attendance outside the session are refused. Returns what
    changed and who moved up."""
    training = lock(db, training)
    values: dict = {}
    if title is not None:
        values["title"] = validation.title(title)
        if not values["title"]:
            raise InvalidInput(_("A session needs a title (--title)."))
    if venue is not None:
        values["venue"] = validation.text(
            venue, validation.VENUE_LIMIT, what=N_("venue"), field="venue"
        )
    if start is not None or end is not None:
        new_start, new_end = start or training.start, end or training.end
        validation.session_dates(new_start, new_end)
        _check_attendance_inside(db, training, new_start, new_end)
        values.update(start=new_start, end=new_end)
    if capacity is not None:
        seats = validation.capacity(capacity)
        try:
            validation.capacity_holds(training, seats, seat_holders_count(db, training))
        except InvalidInput as error:  # a rule that refuses (SPEC §8: exit 1)
            raise Refused(str(error)) from None
        values["capacity"] = seats
    if audience is not None:
        values["audience"] = ",".join(parse_roles(audience))
    if requires_business is not None:
        values["requires_business"] = requires_business
    if min_attendance is not None:
        values["min_attendance"] = parse_share(min_attendance)
    if program is not None:
        values["program_id"] = refs.program(db, program).id if program.strip() else None
    changed = apply(db, training, values, entity="session", key=training.code)
    moved = []
    if any(c.field == "capacity" and c.new > c.old for c in changed):
        from koptrain.services.undo import Moves

        moves = Moves()
        promote(db, training, moves)  # type: ignore[arg-type]
        moved = moves.promoted
    return changed, moved


def _check_attendance_inside(db: Session, training: Training, start: dt.date, end: dt.date):
    outside = db.exec(
        select(func.min(Attendance.day), func.max(Attendance.day))
        .join(Enrollment, col(Enrollment.id) == col(Attendance.enrollment_id))
        .where(Enrollment.session_id == training.id)
    ).one()
    first, last = outside
    if first is not None and (first < start or last > end):
        day = first if first < start else last
        raise Refused(
            _(
                "Attendance is recorded for {session} on {day}, outside {start} – {end}; "
                "those days cannot be left out."
            ).format(
                session=training.code,
                day=day.isoformat(),
                start=start.isoformat(),
                end=end.isoformat(),
            )
        )


def reopen(db: Session, training: Training) -> int:
    """A closed session back to open: completed / not_completed seats enrolled again."""
    training = lock(db, training)
    if training.status != CLOSED:
        raise Refused(
            _("Session {session} is {status}; only a closed session can be reopened.").format(
                session=training.code, status=training.status
            )
        )
    seats = db.exec(
        select(Enrollment).where(
            Enrollment.session_id == training.id,
            col(Enrollment.status).in_((COMPLETED, NOT_COMPLETED)),
        )
    ).all()
    for enrollment in seats:
        enrollment.status = ENROLLED
        enrollment.updated_at = utc_now()
        db.add(enrollment)
    training.status = "open"
    db.add(training)
    db.flush()
    audit.record(
        db,
        entity="session",
        key=training.code,
        change={"status": [CLOSED, "open"], "reopened_seats": len(seats)},
    )
    return len(seats)


def delete_session(db: Session, training: Training) -> None:
    seats = count(db, Enrollment.session_id, training.id)
    groups = count(db, MentorGroup.session_id, training.id)
    contacts = count(db, MentoringLog.session_id, training.id)
    refuse_if_referenced(
        _("Session {session}").format(session=training.code),
        [
            seats and ngettext("{n} enrollment", "{n} enrollments", seats).format(n=seats),
            groups and ngettext("{n} group", "{n} groups", groups).format(n=groups),
            contacts
            and ngettext("{n} mentoring contact", "{n} mentoring contacts", contacts).format(
                n=contacts
            ),
        ],
    )
    deleted(db, training, entity="session", key=training.code, values={"title": training.title})


def delete_program(db: Session, program: Program) -> None:
    sessions = count(db, Training.program_id, program.id)
    refuse_if_referenced(
        _("Programme {program}").format(program=program.code),
        [sessions and ngettext("{n} session", "{n} sessions", sessions).format(n=sessions)],
    )
    deleted(db, program, entity="program", key=program.code, values={"name": program.name})
