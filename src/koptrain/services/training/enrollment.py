"""Enrolling people in a session: one decision for a whole request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from sqlmodel import Session, col, func, select

from koptrain.errors import InvalidInput
from koptrain.i18n import N_, _
from koptrain.models import (
    Coop,
    Enrollment,
    Membership,
    Person,
    Training,
)
from koptrain.services import audit
from koptrain.services import policy as policy_service
from koptrain.services.eligibility import Verdict
from koptrain.services.policy import Settings
from koptrain.services.training.base import (
    ENROLLED,
    REFUSED,
    RULE_CAPACITY,
    WAITLISTED,
    Refusal,
    lock,
    lock_people,
    person_label,
    utc_now,
)
from koptrain.services.training.rules import find_refusals
from koptrain.services.training.sessions import seat_holders_count


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


def coop_for(db: Session, person: Person, coop: Coop | None = None) -> Coop | None:
    """The coop a person enrolls for: the one given, else their only coop.

    None when they belong to no coop (enroll refuses that); several coops without a choice
    is bad usage (InvalidInput) listing them.
    """
    if coop is not None:
        return coop
    coops = db.exec(
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


class Decision(list[Outcome]):
    """The outcomes of one `enroll` request, in the order given, and whether they were
    written (nobody refused, not a dry run)."""

    written: bool = False

    @property
    def refused(self) -> list[Outcome]:
        return [o for o in self if o.refused]


def enroll(
    db: Session,
    training: Training,
    requests: Iterable[Request | tuple[Person, Coop | None]],
    *,
    waitlist: bool = True,
    override: str | None = None,
    dry_run: bool = False,
    settings: Settings | None = None,
) -> Decision:
    """Enroll several people as ONE decision.

    Returns every person's outcome in the order given (a person listed twice counts once):
    enrolled with a seat number, waitlisted with a position, or refused with its reasons.
    Writes only when nobody is refused and not `dry_run`; otherwise writes nothing and the
    caller decides (the CLI exits 1 when any outcome is refused). Waitlisting is not a
    refusal; with `waitlist=False` a person who finds no seat is refused.
    """
    requests = [Request(*r) for r in requests]
    training = lock(db, training)
    lock_people(db, (r.person.id for r in requests))
    settings = settings or policy_service.load(db)
    held = seat_holders_count(db, training)
    queued = waitlisted_count(db, training)
    verdicts: dict[int, Verdict] = {}
    outcomes = Decision()
    seen: set[int] = set()
    for person, wanted in requests:
        if person.id in seen:
            continue
        seen.add(person.id)
        coop = coop_for(db, person, wanted)
        found, role = find_refusals(db, training, person, coop, settings, verdicts)
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
    if dry_run or outcomes.refused:
        return outcomes
    for outcome in outcomes:
        outcome.enrollment = _write_enrollment(db, training, outcome, override)
    outcomes.written = True
    return outcomes


def waitlisted_count(db: Session, training: Training) -> int:
    return db.exec(
        select(func.count(col(Enrollment.id))).where(
            Enrollment.session_id == training.id, Enrollment.status == WAITLISTED
        )
    ).one()


def _write_enrollment(
    db: Session, training: Training, outcome: Outcome, override: str | None
) -> Enrollment:
    """Insert the enrollment, or reuse the row of an earlier withdrawal (one row per person
    and session); a re-enrollment joins the waitlist at the back, as a new arrival."""
    assert outcome.coop is not None and outcome.role is not None
    now = utc_now()
    enrollment = db.exec(
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
    db.add(enrollment)
    db.flush()
    change = {
        "status": [old, outcome.status],
        "coop": outcome.coop.nik or outcome.coop.legal_number,
        "role": outcome.role,
    }
    if override:
        change["override_reason"] = override
        change["overridden"] = [r.english() for r in outcome.overridden]
    audit.record(
        db, entity="enrollment", key=f"{training.code}/{outcome.person.nik}", change=change
    )
    return enrollment
