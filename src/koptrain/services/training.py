"""Trainings: programmes, sessions, who holds a seat (SPEC §2), attendance and completion.

Every function takes the database session explicitly and never prints. Functions that
change seats lock the training row first (`_lock`): on PostgreSQL with SELECT ... FOR
UPDATE, on SQLite through the write store's BEGIN IMMEDIATE, so the seat count read
afterwards cannot be taken by a concurrent process before this transaction ends.

Refusals are `Refusal`s (a `Reason` from services.eligibility, with the rule that refused):
`.text()` in the interface language for people, `.english()` for JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
from koptrain.parsing import SEAT_STATUSES, mask_nik, parse_roles, shown
from koptrain.services import audit
from koptrain.services import policy as policy_service
from koptrain.services.eligibility import Reason
from koptrain.services.policy import Settings

OPEN, CANCELLED, CLOSED = "open", "cancelled", "closed"
ENROLLED, WAITLISTED, WITHDRAWN = "enrolled", "waitlisted", "withdrawn"
COMPLETED, NOT_COMPLETED = "completed", "not_completed"
REFUSED = "refused"  # an Outcome's status only, never stored

# The rules of SPEC §2, by the name a Refusal carries in `.rule`.
RULE_SESSION = "session"  # cancelled or closed
RULE_MEMBER = "member"  # not a member of the coop
RULE_AUDIENCE = "audience"  # role not in the session's audience
RULE_BUSINESS = "business"  # no business where required
RULE_ELIGIBILITY = "eligibility"  # coop not eligible on the first day
RULE_DUPLICATE = "duplicate"  # already enrolled
RULE_OVERLAP = "overlap"  # holds a seat in an overlapping session
RULE_CAPACITY = "capacity"  # full and no waitlist wanted
OVERRIDABLE = frozenset({RULE_AUDIENCE, RULE_BUSINESS, RULE_ELIGIBILITY})


@dataclass(frozen=True)
class Refusal(Reason):
    """Why a person may not enroll: a translatable sentence naming the person and the reason.

    `details` are further reasons (the coop's eligibility verdict) appended to the sentence
    in the same language.
    """

    ok: bool = False
    rule: str = ""
    details: tuple[Reason, ...] = ()

    @property
    def overridable(self) -> bool:
        return self.rule in OVERRIDABLE

    def text(self) -> str:
        return _(self.message).format(
            **self.values, details=" ".join(d.text() for d in self.details)
        )

    def english(self) -> str:
        return self.message.format(
            **self.values, details=" ".join(d.english() for d in self.details)
        )


def person_label(person: Person) -> str:
    """How a message names a person: name and masked NIK."""
    return f"{person.name} ({mask_nik(person.nik)})"


def session_days(training: Training) -> list[dt.date]:
    return [
        training.start + dt.timedelta(days=i)
        for i in range((training.end - training.start).days + 1)
    ]


def audience_roles(training: Training) -> tuple[str, ...]:
    return tuple(r for r in (training.audience or "").split(",") if r)


# --- programmes -------------------------------------------------------------------------


def add_program(session: Session, code: str, *, name: str, year: int | None = None) -> Program:
    code = _code(code, N_("program code"))
    if not (name or "").strip():
        raise InvalidInput(_("A program needs a name (--name)."))
    known = session.exec(select(Program).where(func.lower(Program.code) == code.lower())).first()
    if known is not None:
        raise Refused(
            _("A program with the code '{code}' already exists: {name}.").format(
                code=known.code, name=known.name
            )
        )
    program = Program(code=code, name=name.strip(), year=year)
    session.add(program)
    session.flush()
    audit.record(
        session,
        entity="program",
        key=code,
        change={"created": {"name": program.name, "year": year}},
    )
    return program


def programs(session: Session) -> list[dict]:
    counts = dict(
        session.exec(
            select(Training.program_id, func.count(col(Training.id))).group_by(Training.program_id)
        ).all()
    )
    return [
        {"code": p.code, "name": p.name, "year": p.year, "sessions": counts.get(p.id, 0)}
        for p in session.exec(select(Program).order_by(Program.code)).all()
    ]


# --- sessions ---------------------------------------------------------------------------


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
    session: Session,
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
    code = _code(code, N_("session code"))
    if not (title or "").strip():
        raise InvalidInput(_("A session needs a title (--title)."))
    if start > end:
        raise InvalidInput(
            _("The session cannot start ({start}) after it ends ({end}).").format(
                start=start.isoformat(), end=end.isoformat()
            )
        )
    if capacity is None:
        capacity = (settings or policy_service.load(session)).int("session.capacity")
    if capacity < 1:
        raise InvalidInput(_("The capacity must be at least 1."))
    roles = parse_roles(audience) if isinstance(audience, str) else parse_roles(",".join(audience))
    known = session.exec(select(Training).where(func.lower(Training.code) == code.lower())).first()
    if known is not None:
        raise Refused(
            _("A session with the code '{code}' already exists: {title}.").format(
                code=known.code, title=known.title
            )
        )
    training = Training(
        code=code,
        program_id=program.id if program else None,
        title=title.strip(),
        start=start,
        end=end,
        capacity=capacity,
        venue=(venue or "").strip() or None,
        audience=",".join(roles),
        requires_business=requires_business,
        min_attendance=min_attendance,
        trainers="; ".join(t.strip() for t in trainers if t.strip()) or None,
        status=OPEN,
    )
    session.add(training)
    session.flush()
    audit.record(
        session,
        entity="session",
        key=code,
        change={"created": _training_fields(training, program)},
    )
    return training


def _training_fields(training: Training, program: Program | None) -> dict:
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


def _code(code: str, what: str) -> str:
    text = (code or "").strip()
    if not text or len(text) > 40 or any(ch.isspace() for ch in text):
        raise InvalidInput(
            _("{what} '{value}' must be 1 to 40 characters without spaces.").format(
                what=_(what), value=shown(text)
            )
        )
    return text


def _counts(session: Session, training_ids: list[int] | None = None) -> dict[int, dict[str, int]]:
    """{training id: {status: n}} in one query."""
    query = select(Enrollment.session_id, Enrollment.status, func.count(col(Enrollment.id)))
    if training_ids is not None:
        query = query.where(col(Enrollment.session_id).in_(training_ids))
    found: dict[int, dict[str, int]] = {}
    for session_id, status, n in session.exec(
        query.group_by(Enrollment.session_id, Enrollment.status)
    ).all():
        found.setdefault(session_id, {})[status] = n
    return found


def seat_holders_count(session: Session, training: Training) -> int:
    """Enrollments holding a seat: enrolled, completed or not_completed."""
    return session.exec(
        select(func.count(col(Enrollment.id))).where(
            Enrollment.session_id == training.id, col(Enrollment.status).in_(SEAT_STATUSES)
        )
    ).one()


def waitlist(session: Session, training: Training) -> list[Enrollment]:
    """The waitlisted enrollments in arrival order (enrolled-at time, then id)."""
    return list(
        session.exec(
            select(Enrollment)
            .where(Enrollment.session_id == training.id, Enrollment.status == WAITLISTED)
            .order_by(Enrollment.created_at, Enrollment.id)
        ).all()
    )


def sessions(session: Session, *, program: Program | None = None) -> list[dict]:
    """`session list` rows: seat holders, waitlisted and free seats of each session."""
    query = select(Training, Program.code).outerjoin(
        Program, col(Training.program_id) == col(Program.id)
    )
    if program is not None:
        query = query.where(Training.program_id == program.id)
    rows = session.exec(query.order_by(Training.start, Training.code)).all()
    counts = _counts(session, [t.id for t, _p in rows])
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


def details(session: Session, training: Training) -> dict:
    """One session for `session show`: its fields and seat figures (the roster is separate)."""
    program = session.get(Program, training.program_id) if training.program_id else None
    c = _counts(session, [training.id]).get(training.id, {})
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


def roster(session: Session, training: Training) -> list[dict]:
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
    rows = session.exec(
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
