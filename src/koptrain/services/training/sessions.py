"""Training sessions: creating, listing, showing, the roster, cancelling."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import case
from sqlmodel import Session, col, func, select

from koptrain.errors import InvalidInput, Refused
from koptrain.i18n import N_, _
from koptrain.models import (
    Attendance,
    Coop,
    Enrollment,
    Person,
    Program,
    Training,
)
from koptrain.parsing import SEAT_STATUSES, parse_roles, shown
from koptrain.services import audit, validation
from koptrain.services import policy as policy_service
from koptrain.services.policy import Settings
from koptrain.services.training.base import (
    CANCELLED,
    COMPLETED,
    ENROLLED,
    NOT_COMPLETED,
    OPEN,
    WAITLISTED,
    WITHDRAWN,
    audience_roles,
    lock,
    session_days,
    set_status,
)


def parse_share(text: str | float | None) -> float:
    """A minimum attendance share: 0.8, 0,8 or 80% (a share of the session's days)."""
    if isinstance(text, int | float):
        value = float(text)
    else:
        raw = (text or "").strip().replace(",", ".")
        try:
            value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
        except ValueError:
            value = -1.0
    if not 0 < value <= 1:
        raise InvalidInput(
            _(
                "--min-attendance '{value}' is not a share of the days: use e.g. 0.8 or 80% "
                "(more than 0, at most 1 or 100%)."
            ).format(value=shown(text))
        )
    return value


def create_session(
    db: Session,
    code: str,
    *,
    title: str,
    start: dt.date,
    end: dt.date,
    program: Program | None = None,
    capacity: int | None = None,
    audience: str | Iterable[str] = "",
    requires_business: bool = False,
    venue: str | None = None,
    min_attendance: float = 1.0,
    trainers: Sequence[str] = (),
    settings: Settings | None = None,
) -> Training:
    """A new open session; capacity defaults to the policy's session.capacity."""
    code = validation.code(code, N_("session code"))
    title = validation.title(title)
    if not title:
        raise InvalidInput(_("A session needs a title (--title)."))
    validation.session_dates(start, end)
    if capacity is None:
        capacity = (settings or policy_service.load(db)).int("session.capacity")
    capacity = validation.capacity(capacity)
    venue = validation.text(venue, validation.VENUE_LIMIT, what=N_("venue"), field="venue")
    trainers_text = validation.text(
        "; ".join(t.strip() for t in trainers if t.strip()),
        validation.TRAINERS_LIMIT,
        what=N_("trainers"),
        field="trainers",
    )
    roles = parse_roles(audience) if isinstance(audience, str) else parse_roles(",".join(audience))
    known = db.exec(select(Training).where(func.lower(Training.code) == code.lower())).first()
    if known is not None:
        raise Refused(
            _("A session with the code '{code}' already exists: {title}.").format(
                code=known.code, title=known.title
            )
        )
    training = Training(
        code=code,
        program_id=program.id if program else None,
        title=title,
        start=start,
        end=end,
        capacity=capacity,
        venue=venue,
        audience=",".join(roles),
        requires_business=requires_business,
        min_attendance=min_attendance,
        trainers=trainers_text,
        status=OPEN,
    )
    db.add(training)
    db.flush()
    audit.record(
        db,
        entity="session",
        key=code,
        change={"created": training_fields(training, program)},
    )
    return training


def training_fields(training: Training, program: Program | None) -> dict:
    return {
        "program": program.code if program else None,
        "title": training.title,
        "start": training.start.isoformat(),
        "end": training.end.isoformat(),
        "capacity": training.capacity,
        "venue": training.venue,
        "audience": training.audience,
        "requires_business": training.requires_business,
        "min_attendance": training.min_attendance,
        "trainers": training.trainers,
    }


def status_counts(db: Session, training_ids: list[int] | None = None) -> dict[int, dict[str, int]]:
    """{training id: {status: n}} in one query."""
    query = select(Enrollment.session_id, Enrollment.status, func.count(col(Enrollment.id)))
    if training_ids is not None:
        query = query.where(col(Enrollment.session_id).in_(training_ids))
    found: dict[int, dict[str, int]] = {}
    for session_id, status, n in db.exec(
        query.group_by(Enrollment.session_id, Enrollment.status)
    ).all():
        found.setdefault(session_id, {})[status] = n
    return found


def seat_holders_count(db: Session, training: Training) -> int:
    """Enrollments holding a seat: enrolled, completed or not_completed."""
    return db.exec(
        select(func.count(col(Enrollment.id))).where(
            Enrollment.session_id == training.id, col(Enrollment.status).in_(SEAT_STATUSES)
        )
    ).one()


def waitlist(db: Session, training: Training) -> list[Enrollment]:
    """The waitlisted enrollments in arrival order (enrolled-at time, then id)."""
    return list(
        db.exec(
            select(Enrollment)
            .where(Enrollment.session_id == training.id, Enrollment.status == WAITLISTED)
            .order_by(Enrollment.created_at, Enrollment.id)
        ).all()
    )


def sessions(db: Session, *, program: Program | None = None) -> list[dict]:
    """`session list` rows: seat holders, waitlisted and free seats of each session."""
    query = select(Training, Program.code).outerjoin(
        Program, col(Training.program_id) == col(Program.id)
    )
    if program is not None:
        query = query.where(Training.program_id == program.id)
    rows = db.exec(query.order_by(Training.start, Training.code)).all()
    counts = status_counts(db, [t.id for t, _p in rows])
    result = []
    for training, program_code in rows:
        c = counts.get(training.id, {})
        held = sum(c.get(s, 0) for s in SEAT_STATUSES)
        result.append(
            {
                "code": training.code,
                "program": program_code,
                "title": training.title,
                "start": training.start,
                "end": training.end,
                "capacity": training.capacity,
                "seat_holders": held,
                "waitlisted": c.get(WAITLISTED, 0),
                "free_seats": max(training.capacity - held, 0) if training.status == OPEN else 0,
                "status": training.status,
            }
        )
    return result


def details(db: Session, training: Training) -> dict:
    """One session for `session show`: its fields and seat figures (the roster is separate)."""
    program = db.get(Program, training.program_id) if training.program_id else None
    c = status_counts(db, [training.id]).get(training.id, {})
    held = sum(c.get(s, 0) for s in SEAT_STATUSES)
    return {
        "code": training.code,
        "program": program.code if program else None,
        "title": training.title,
        "start": training.start,
        "end": training.end,
        "days": len(session_days(training)),
        "venue": training.venue,
        "trainers": training.trainers,
        "audience": list(audience_roles(training)),
        "requires_business": training.requires_business,
        "min_attendance": training.min_attendance,
        "capacity": training.capacity,
        "seat_holders": held,
        "waitlisted": c.get(WAITLISTED, 0),
        "withdrawn": c.get(WITHDRAWN, 0),
        "free_seats": max(training.capacity - held, 0) if training.status == OPEN else 0,
        "status": training.status,
    }


_ROSTER_ORDER = {ENROLLED: 0, COMPLETED: 0, NOT_COMPLETED: 0, WAITLISTED: 1, WITHDRAWN: 2}


def roster(db: Session, training: Training) -> list[dict]:
    """Everyone enrolled in a session: seat holders by name, then the waitlist in queue
    order (with `position`), then those who withdrew.

    Rows: person_id, nik (FULL: the caller masks it for display), name, gender, coop,
    coop_nik (NIK Koperasi, else legal number), kecamatan, role, status, position,
    days_attended (days present), days_absent (days recorded absent), days_total (days of
    the session), override_reason.
    """
    present = func.sum(case((col(Attendance.present), 1), else_=0))
    absent = func.sum(case((col(Attendance.present), 0), else_=1))
    days = (
        select(Attendance.enrollment_id, present.label("present"), absent.label("absent"))
        .group_by(Attendance.enrollment_id)
        .subquery()
    )
    rows = db.exec(
        select(Enrollment, Person, Coop, days.c.present, days.c.absent)
        .join(Person, col(Person.id) == col(Enrollment.person_id))
        .join(Coop, col(Coop.id) == col(Enrollment.coop_id))
        .outerjoin(days, days.c.enrollment_id == col(Enrollment.id))
        .where(Enrollment.session_id == training.id)
        .order_by(Enrollment.created_at, Enrollment.id)
    ).all()
    total = len(session_days(training))
    result = []
    position = 0
    for enrollment, person, coop, n_present, n_absent in rows:
        if enrollment.status == WAITLISTED:
            position += 1
        result.append(
            {
                "person_id": person.id,
                "nik": person.nik,
                "name": person.name,
                "gender": person.gender,
                "coop": coop.name,
                "coop_nik": coop.nik or coop.legal_number,
                "kecamatan": coop.kecamatan,
                "role": enrollment.role,
                "status": enrollment.status,
                "position": position if enrollment.status == WAITLISTED else None,
                "days_attended": int(n_present or 0),
                "days_absent": int(n_absent or 0),
                "days_total": total,
                "override_reason": enrollment.override_reason,
            }
        )
    result.sort(
        key=lambda r: (
            _ROSTER_ORDER.get(r["status"], 3),
            r["position"] or 0,
            r["name"].casefold(),
            r["person_id"],
        )
    )
    return result


# --- enrollment -------------------------------------------------------------------------


def cancel(db: Session, training: Training) -> int:
    """Cancel an open session: every enrollment is withdrawn (nobody holds a seat in a
    training that will not take place). Returns how many enrollments were withdrawn."""
    training = lock(db, training)
    if training.status != OPEN:
        raise Refused(
            _("Session {session} is already {status}.").format(
                session=training.code, status=training.status
            )
        )
    training.status = CANCELLED
    db.add(training)
    withdrawn = 0
    for enrollment, nik in db.exec(
        select(Enrollment, Person.nik)
        .join(Person, col(Person.id) == col(Enrollment.person_id))
        .where(Enrollment.session_id == training.id, Enrollment.status != WITHDRAWN)
    ).all():
        set_status(db, training, enrollment, nik, WITHDRAWN, session_cancelled=True)
        withdrawn += 1
    audit.record(
        db,
        entity="session",
        key=training.code,
        change={"status": [OPEN, CANCELLED], "withdrawn": withdrawn},
    )
    db.flush()
    return withdrawn
