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
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import case
from sqlmodel import Session, col, func, select

from koptrain.errors import InvalidInput, Refused
from koptrain.i18n import N_, _
from koptrain.models import (
    Attendance,
    Coop,
    Enrollment,
    Membership,
    Person,
    Program,
    Training,
)
from koptrain.parsing import SEAT_STATUSES, mask_nik, parse_roles, shown
from koptrain.services import audit
from koptrain.services import policy as policy_service
from koptrain.services.eligibility import Reason, Verdict, verdict
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


# --- enrollment -------------------------------------------------------------------------


class Request(NamedTuple):
    """One person to enroll, for a coop (None: their only coop)."""

    person: Person
    coop: Coop | None = None


@dataclass
class Outcome:
    """What happened (or would happen) to one person of an `enroll` request."""

    person: Person
    coop: Coop | None
    status: str  # enrolled, waitlisted or refused
    refusals: tuple[Refusal, ...] = ()
    seat: int | None = None  # the n of "seat n/capacity"
    capacity: int | None = None
    position: int | None = None  # place on the waitlist
    overridden: tuple[Refusal, ...] = ()  # rules that --override passed
    role: str | None = None
    enrollment: Enrollment | None = None

    @property
    def refused(self) -> bool:
        return self.status == REFUSED

    def as_json(self) -> dict:
        return {
            "person_id": self.person.id,
            "nik": self.person.nik,
            "name": self.person.name,
            "coop": self.coop.name if self.coop else None,
            "status": self.status,
            "seat": self.seat,
            "capacity": self.capacity,
            "position": self.position,
            "reasons": [r.english() for r in self.refusals],
            "overridden": [r.english() for r in self.overridden],
        }


def coop_for(session: Session, person: Person, coop: Coop | None = None) -> Coop | None:
    """The coop a person enrolls for: the one given, else their only coop.

    None when they belong to no coop (enroll refuses that); several coops without a choice
    is bad usage (InvalidInput) listing them.
    """
    if coop is not None:
        return coop
    coops = session.exec(
        select(Coop)
        .join(Membership, col(Membership.coop_id) == col(Coop.id))
        .where(Membership.person_id == person.id)
        .order_by(Coop.name)
    ).all()
    if len(coops) == 1:
        return coops[0]
    if not coops:
        return None
    raise InvalidInput(
        _("{person} belongs to several cooperatives: {coops}. Choose one with --coop.").format(
            person=person_label(person),
            coops="; ".join(f"{c.name} ({c.nik or c.legal_number})" for c in coops),
        )
    )


def _lock(session: Session, training: Training) -> Training:
    """Lock the training row for this transaction and re-read it.

    PostgreSQL: SELECT ... FOR NO KEY UPDATE (other enrollers wait here; inserts that only
    reference the row do not). SQLite ignores it: the write store's BEGIN IMMEDIATE already
    serialises writers.
    """
    return session.exec(
        select(Training)
        .where(Training.id == training.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).one()


def _lock_people(session: Session, ids: Iterable[int]) -> None:
    """Lock people (in id order, so lockers never deadlock) while their seats are decided:
    two sessions with overlapping days cannot both give the same person a seat at once."""
    ids = sorted(set(ids))
    if ids and session.get_bind().dialect.name != "sqlite":
        session.exec(
            select(Person.id)
            .where(col(Person.id).in_(ids))
            .order_by(Person.id)
            .with_for_update(key_share=True)
        ).all()


_DUPLICATE_MESSAGES = {
    ENROLLED: N_("{person} is already enrolled in session {session}."),
    WAITLISTED: N_("{person} is already on the waitlist of session {session}."),
    COMPLETED: N_("{person} has already completed session {session}."),
    NOT_COMPLETED: N_("{person} already took session {session} (not completed)."),
}


def _refusals(
    session: Session,
    training: Training,
    person: Person,
    coop: Coop | None,
    settings: Settings,
    verdicts: dict[int, Verdict],
    *,
    own: Enrollment | None = None,
) -> tuple[list[Refusal], str | None]:
    """Every rule of SPEC §2 except capacity, and the person's role in the coop.

    `own` is the person's waitlisted enrollment when judging a move up from the waitlist:
    it does not count as "already enrolled".
    """
    who = person_label(person)
    values = {"person": who, "session": training.code}
    found: list[Refusal] = []
    if training.status == CANCELLED:
        found.append(
            Refusal(
                N_("Session {session} is cancelled: {person} cannot enroll."),
                values,
                rule=RULE_SESSION,
            )
        )
    elif training.status == CLOSED:
        found.append(
            Refusal(
                N_("Session {session} is closed: {person} cannot enroll."),
                values,
                rule=RULE_SESSION,
            )
        )
    role = None
    if coop is None:
        found.append(
            Refusal(N_("{person} is not a member of any cooperative."), values, rule=RULE_MEMBER)
        )
    else:
        membership = session.exec(
            select(Membership).where(
                Membership.person_id == person.id, Membership.coop_id == coop.id
            )
        ).first()
        coop_values = {**values, "coop": coop.name}
        if membership is None:
            found.append(
                Refusal(N_("{person} is not a member of {coop}."), coop_values, rule=RULE_MEMBER)
            )
        else:
            role = membership.role
            roles = audience_roles(training)
            if roles and role not in roles:
                found.append(
                    Refusal(
                        N_(
                            "{person} is {role} of {coop}, but session {session} is only "
                            "for {audience}."
                        ),
                        {**coop_values, "role": role, "audience": ", ".join(roles)},
                        rule=RULE_AUDIENCE,
                    )
                )
        if coop.id not in verdicts:
            verdicts[coop.id] = verdict(session, coop, training.start, settings)
        judged = verdicts[coop.id]
        if not judged.eligible:
            found.append(
                Refusal(
                    N_("{person} cannot enroll for {coop}: it is not eligible on {on}. {details}"),
                    {**coop_values, "on": training.start.isoformat()},
                    rule=RULE_ELIGIBILITY,
                    details=tuple(r for r in judged.reasons if not r.ok),
                )
            )
    if training.requires_business and not person.has_business:
        found.append(
            Refusal(
                N_("{person} has no business of their own, which session {session} requires."),
                values,
                rule=RULE_BUSINESS,
            )
        )
    existing = session.exec(
        select(Enrollment).where(
            Enrollment.session_id == training.id, Enrollment.person_id == person.id
        )
    ).first()
    if existing is not None and existing.status != WITHDRAWN and existing is not own:
        found.append(
            Refusal(
                _DUPLICATE_MESSAGES.get(existing.status, _DUPLICATE_MESSAGES[ENROLLED]),
                values,
                rule=RULE_DUPLICATE,
            )
        )
    other = session.exec(
        select(Training)
        .join(Enrollment, col(Enrollment.session_id) == col(Training.id))
        .where(
            Enrollment.person_id == person.id,
            col(Enrollment.status).in_(SEAT_STATUSES),
            Training.id != training.id,
            Training.status != CANCELLED,
            col(Training.start) <= training.end,
            col(Training.end) >= training.start,
        )
        .order_by(Training.start)
    ).first()
    if other is not None:
        found.append(
            Refusal(
                N_(
                    "{person} holds a seat in session {other} ({other_start} to {other_end}), "
                    "whose days overlap with session {session}."
                ),
                {
                    **values,
                    "other": other.code,
                    "other_start": other.start.isoformat(),
                    "other_end": other.end.isoformat(),
                },
                rule=RULE_OVERLAP,
            )
        )
    return found, role


def check_enrollment(
    session: Session,
    training: Training,
    person: Person,
    coop: Coop | None,
    *,
    override: str | None = None,
    settings: Settings | None = None,
    verdicts: dict[int, Verdict] | None = None,
) -> list[Refusal]:
    """Every rule of SPEC §2 except capacity: the refusals, empty when the person may enroll.

    With `override` (a reason), eligibility, audience and business refusals are dropped;
    never the session's status, membership, duplicates or overlaps. Pass the same
    `verdicts` dict (coop id -> Verdict) to many calls to judge each coop only once.
    """
    settings = settings or policy_service.load(session)
    found, _role = _refusals(
        session, training, person, coop, settings, verdicts if verdicts is not None else {}
    )
    return [r for r in found if not (override and r.overridable)]


def enroll(
    session: Session,
    training: Training,
    requests: Iterable[Request | tuple[Person, Coop | None]],
    *,
    waitlist: bool = True,
    override: str | None = None,
    dry_run: bool = False,
    settings: Settings | None = None,
) -> list[Outcome]:
    """Enroll several people as ONE decision (SPEC §2).

    Returns every person's outcome in the order given (a person listed twice counts once):
    enrolled with a seat number, waitlisted with a position, or refused with its reasons.
    Writes only when nobody is refused and not `dry_run`; otherwise writes nothing and the
    caller decides (the CLI exits 1 when any outcome is refused). Waitlisting is not a
    refusal; with `waitlist=False` a person who finds no seat is refused.
    """
    requests = [Request(*r) for r in requests]
    training = _lock(session, training)
    _lock_people(session, (r.person.id for r in requests))
    settings = settings or policy_service.load(session)
    held = seat_holders_count(session, training)
    queued = _waitlisted_count(session, training)
    verdicts: dict[int, Verdict] = {}
    outcomes: list[Outcome] = []
    seen: set[int] = set()
    for person, wanted in requests:
        if person.id in seen:
            continue
        seen.add(person.id)
        coop = coop_for(session, person, wanted)
        found, role = _refusals(session, training, person, coop, settings, verdicts)
        overridden = tuple(r for r in found if override and r.overridable)
        refusals = tuple(r for r in found if r not in overridden)
        base = {"person": person, "coop": coop, "role": role, "capacity": training.capacity}
        if refusals:
            outcomes.append(Outcome(status=REFUSED, refusals=refusals, **base))
        elif held < training.capacity:
            held += 1
            outcomes.append(Outcome(status=ENROLLED, seat=held, overridden=overridden, **base))
        elif waitlist:
            queued += 1
            outcomes.append(
                Outcome(status=WAITLISTED, position=queued, overridden=overridden, **base)
            )
        else:
            full = Refusal(
                N_(
                    "Session {session} is full ({capacity} seats) and {person} was not "
                    "waitlisted (--no-waitlist)."
                ),
                {
                    "person": person_label(person),
                    "session": training.code,
                    "capacity": training.capacity,
                },
                rule=RULE_CAPACITY,
            )
            outcomes.append(Outcome(status=REFUSED, refusals=(full,), **base))
    if dry_run or any(o.refused for o in outcomes):
        return outcomes
    for outcome in outcomes:
        outcome.enrollment = _write_enrollment(session, training, outcome, override)
    return outcomes


def _waitlisted_count(session: Session, training: Training) -> int:
    return session.exec(
        select(func.count(col(Enrollment.id))).where(
            Enrollment.session_id == training.id, Enrollment.status == WAITLISTED
        )
    ).one()


def _write_enrollment(
    session: Session, training: Training, outcome: Outcome, override: str | None
) -> Enrollment:
    """Insert the enrollment, or reuse the row of an earlier withdrawal (one row per person
    and session); a re-enrollment joins the waitlist at the back, as a new arrival."""
    assert outcome.coop is not None and outcome.role is not None
    now = _now()
    enrollment = session.exec(
        select(Enrollment).where(
            Enrollment.session_id == training.id, Enrollment.person_id == outcome.person.id
        )
    ).first()
    old = enrollment.status if enrollment else None
    if enrollment is None:
        enrollment = Enrollment(session_id=training.id, person_id=outcome.person.id)
    enrollment.coop_id = outcome.coop.id
    enrollment.role = outcome.role
    enrollment.status = outcome.status
    enrollment.override_reason = override or None
    enrollment.created_at = now
    enrollment.updated_at = now
    session.add(enrollment)
    session.flush()
    change = {
        "status": [old, outcome.status],
        "coop": outcome.coop.nik or outcome.coop.legal_number,
        "role": outcome.role,
    }
    if override:
        change["override_reason"] = override
        change["overridden"] = [r.english() for r in outcome.overridden]
    audit.record(
        session, entity="enrollment", key=f"{training.code}/{outcome.person.nik}", change=change
    )
    return enrollment


def _now() -> dt.datetime:
    """Now, to the microsecond: the waitlist is ordered by created_at, then id, and a
    re-enrollment (which reuses its old row and id) must queue behind everyone before it."""
    return dt.datetime.now(dt.UTC)


# --- withdrawing and the waitlist -------------------------------------------------------


@dataclass
class Withdrawal:
    """A withdrawal and what it set off: who moved up, who was passed over and why."""

    enrollment: Enrollment
    previous_status: str
    promoted: list[Outcome] = field(default_factory=list)
    passed_over: list[Outcome] = field(default_factory=list)


def withdraw(
    session: Session,
    training: Training,
    person: Person,
    *,
    reason: str | None = None,
    settings: Settings | None = None,
) -> Withdrawal:
    """Withdraw a person (seat or waitlist place). A freed seat goes, in this transaction,
    to the first waitlisted person who still passes the rules (their stored override
    reason still applies); those who no longer pass stay waitlisted, in `passed_over`."""
    training = _lock(session, training)
    values = {"person": person_label(person), "session": training.code}
    enrollment = session.exec(
        select(Enrollment).where(
            Enrollment.session_id == training.id, Enrollment.person_id == person.id
        )
    ).first()
    if enrollment is None or enrollment.status == WITHDRAWN:
        raise Refused(_("{person} is not enrolled in session {session}.").format(**values))
    if training.status != OPEN:
        raise Refused(
            _("Session {session} is {status}: nobody can withdraw from it any more.").format(
                session=training.code, status=training.status
            )
        )
    previous = enrollment.status
    enrollment.status = WITHDRAWN
    enrollment.updated_at = _now()
    session.add(enrollment)
    session.flush()
    change: dict = {"status": [previous, WITHDRAWN]}
    if reason:
        change["reason"] = reason
    audit.record(session, entity="enrollment", key=f"{training.code}/{person.nik}", change=change)
    result = Withdrawal(enrollment, previous)
    if previous == ENROLLED:
        promote(session, training, result, settings=settings)
    return result


def promote(
    session: Session,
    training: Training,
    result: Withdrawal | None = None,
    *,
    settings: Settings | None = None,
) -> Withdrawal | None:
    """Fill free seats from the waitlist, in arrival order, skipping whoever no longer
    passes the rules. The caller holds the training lock."""
    settings = settings or policy_service.load(session)
    free = training.capacity - seat_holders_count(session, training)
    verdicts: dict[int, Verdict] = {}
    for waiting in waitlist(session, training):
        if free <= 0:
            break
        person = session.get(Person, waiting.person_id)
        coop = session.get(Coop, waiting.coop_id)
        _lock_people(session, [person.id])
        found, role = _refusals(session, training, person, coop, settings, verdicts, own=waiting)
        override = waiting.override_reason
        refusals = tuple(r for r in found if not (override and r.overridable))
        base = {"person": person, "coop": coop, "role": role, "capacity": training.capacity}
        if refusals:
            if result is not None:
                result.passed_over.append(
                    Outcome(status=WAITLISTED, refusals=refusals, enrollment=waiting, **base)
                )
            continue
        waiting.status = ENROLLED
        waiting.role = role or waiting.role
        waiting.updated_at = _now()
        session.add(waiting)
        session.flush()
        audit.record(
            session,
            entity="enrollment",
            key=f"{training.code}/{person.nik}",
            change={"status": [WAITLISTED, ENROLLED], "moved_up": True},
        )
        free -= 1
        if result is not None:
            result.promoted.append(
                Outcome(
                    status=ENROLLED,
                    seat=training.capacity - free,
                    enrollment=waiting,
                    **base,
                )
            )
    return result


# --- attendance, cancelling, closing ----------------------------------------------------


@dataclass
class AttendanceResult:
    day: dt.date
    present: bool
    added: int = 0
    changed: int = 0
    unchanged: int = 0


def attend(
    session: Session,
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
    if not training.start <= day <= training.end:
        raise InvalidInput(
            _("{day} is not a day of session {session} ({start} to {end}).").format(
                day=day.isoformat(),
                session=training.code,
                start=training.start.isoformat(),
                end=training.end.isoformat(),
            )
        )
    if day > today:
        raise InvalidInput(
            _("{day} is still ahead: attendance is recorded on or after the day.").format(
                day=day.isoformat()
            )
        )
    if training.status != OPEN:
        raise Refused(
            _("Session {session} is {status}: its attendance can no longer change.").format(
                session=training.code, status=training.status
            )
        )
    people = list({p.id: p for p in people}.values())
    enrollments = {
        e.person_id: e
        for e in session.exec(
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
        for a in session.exec(
            select(Attendance).where(
                col(Attendance.enrollment_id).in_([e.id for e in enrollments.values()]),
                Attendance.day == day,
            )
        ).all()
    }
    result = AttendanceResult(day, present)
    for person in people:
        enrollment = enrollments[person.id]
        record = records.get(enrollment.id)
        if record is not None and record.present == present:
            result.unchanged += 1
            continue
        old = None if record is None else record.present
        if record is None:
            record = Attendance(enrollment_id=enrollment.id, day=day, present=present)
            result.added += 1
        else:
            record.present = present
            result.changed += 1
        session.add(record)
        audit.record(
            session,
            entity="attendance",
            key=f"{training.code}/{person.nik}/{day.isoformat()}",
            change={"present": [old, present]},
        )
    session.flush()
    return result


def cancel(session: Session, training: Training) -> int:
    """Cancel an open session: every enrollment is withdrawn (nobody holds a seat in a
    training that will not take place). Returns how many enrollments were withdrawn."""
    training = _lock(session, training)
    if training.status != OPEN:
        raise Refused(
            _("Session {session} is already {status}.").format(
                session=training.code, status=training.status
            )
        )
    training.status = CANCELLED
    session.add(training)
    withdrawn = 0
    for enrollment, nik in session.exec(
        select(Enrollment, Person.nik)
        .join(Person, col(Person.id) == col(Enrollment.person_id))
        .where(Enrollment.session_id == training.id, Enrollment.status != WITHDRAWN)
    ).all():
        audit.record(
            session,
            entity="enrollment",
            key=f"{training.code}/{nik}",
            change={"status": [enrollment.status, WITHDRAWN], "session_cancelled": True},
        )
        enrollment.status = WITHDRAWN
        enrollment.updated_at = _now()
        session.add(enrollment)
        withdrawn += 1
    audit.record(
        session,
        entity="session",
        key=training.code,
        change={"status": [OPEN, CANCELLED], "withdrawn": withdrawn},
    )
    session.flush()
    return withdrawn


@dataclass
class Closing:
    completed: int = 0
    not_completed: int = 0
    filled_days: int = 0  # attendance written as present by --all-attended
    waitlisted: int = 0  # left on the waitlist; they never had a seat


def close(
    session: Session,
    training: Training,
    *,
    all_attended: bool = False,
    today: dt.date | None = None,
) -> Closing:
    """Close a session whose last day has come: each seat holder is `completed` when present
    on at least `min_attendance` of the days, else `not_completed`.

    Without any attendance recorded, only `all_attended` closes it: every day a seat holder
    has no record for is then recorded present (recorded absences stay)."""
    training = _lock(session, training)
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
    rows = session.exec(
        select(Enrollment, Person.nik)
        .join(Person, col(Person.id) == col(Enrollment.person_id))
        .where(Enrollment.session_id == training.id, col(Enrollment.status).in_(SEAT_STATUSES))
    ).all()
    holders = [e for e, _nik in rows]
    niks = {e.id: nik for e, nik in rows}
    records: dict[int, dict[dt.date, bool]] = {e.id: {} for e in holders}
    if holders:
        for a in session.exec(
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
    result = Closing(waitlisted=_waitlisted_count(session, training))
    for enrollment in holders:
        seen = records[enrollment.id]
        if all_attended:
            for day in days:
                if day not in seen:
                    session.add(Attendance(enrollment_id=enrollment.id, day=day, present=True))
                    seen[day] = True
                    result.filled_days += 1
        attended = sum(1 for day in days if seen.get(day))
        done = attended / len(days) >= training.min_attendance - 1e-9
        status = COMPLETED if done else NOT_COMPLETED
        if done:
            result.completed += 1
        else:
            result.not_completed += 1
        audit.record(
            session,
            entity="enrollment",
            key=f"{training.code}/{niks[enrollment.id]}",
            change={"status": [enrollment.status, status], "days_attended": attended},
        )
        enrollment.status = status
        enrollment.updated_at = _now()
        session.add(enrollment)
    training.status = CLOSED
    session.add(training)
    audit.record(
        session,
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
    session.flush()
    return result
