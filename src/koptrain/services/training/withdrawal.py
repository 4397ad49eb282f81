"""Withdrawing from a session, and the waitlist moving up into freed seats."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from koptrain.errors import Refused
from koptrain.i18n import _
from koptrain.models import (
    Coop,
    Enrollment,
    Person,
    Training,
)
from koptrain.services import policy as policy_service
from koptrain.services.eligibility import Verdict
from koptrain.services.policy import Settings
from koptrain.services.training.base import (
    ENROLLED,
    OPEN,
    WAITLISTED,
    WITHDRAWN,
    lock,
    lock_people,
    person_label,
    set_status,
)
from koptrain.services.training.enrollment import Outcome
from koptrain.services.training.rules import find_refusals
from koptrain.services.training.sessions import seat_holders_count, waitlist


@dataclass
class Withdrawal:
    """A withdrawal and what it set off: who moved up, who was passed over and why."""

    enrollment: Enrollment
    previous_status: str
    promoted: list[Outcome] = field(default_factory=list)
    passed_over: list[Outcome] = field(default_factory=list)


def withdraw(
    db: Session,
    training: Training,
    person: Person,
    *,
    reason: str | None = None,
    settings: Settings | None = None,
) -> Withdrawal:
    """Withdraw a person (seat or waitlist place). A freed seat goes, in this transaction,
    to the first waitlisted person who still passes the rules (their stored override
    reason still applies); those who no longer pass stay waitlisted, in `passed_over`."""
    training = lock(db, training)
    values = {"person": person_label(person), "session": training.code}
    enrollment = db.exec(
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
    set_status(
        db, training, enrollment, person.nik, WITHDRAWN, **({"reason": reason} if reason else {})
    )
    db.flush()
    result = Withdrawal(enrollment, previous)
    if previous == ENROLLED:
        promote(db, training, result, settings=settings)
    return result


def promote(
    db: Session,
    training: Training,
    result: Withdrawal | None = None,
    *,
    settings: Settings | None = None,
) -> Withdrawal | None:
    """Fill free seats from the waitlist, in arrival order, skipping whoever no longer
    passes the rules. The caller holds the training lock."""
    settings = settings or policy_service.load(db)
    free = training.capacity - seat_holders_count(db, training)
    verdicts: dict[int, Verdict] = {}
    for waiting in waitlist(db, training):
        if free <= 0:
            break
        person = db.get(Person, waiting.person_id)
        coop = db.get(Coop, waiting.coop_id)
        lock_people(db, [person.id])
        found, role = find_refusals(db, training, person, coop, settings, verdicts, own=waiting)
        override = waiting.override_reason
        refusals = tuple(r for r in found if not (override and r.overridable))
        base = {"person": person, "coop": coop, "role": role, "capacity": training.capacity}
        if refusals:
            if result is not None:
                result.passed_over.append(
                    Outcome(status=WAITLISTED, refusals=refusals, enrollment=waiting, **base)
                )
            continue
        waiting.role = role or waiting.role
        set_status(db, training, waiting, person.nik, ENROLLED, moved_up=True)
        db.flush()
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
