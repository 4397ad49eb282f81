"""The enrollment rules but capacity, as `Refusal`s: the session is open, the person is a
member of the coop, their role is in the audience, they own a business where required, the
coop is eligible on the first day, they are not enrolled already and hold no seat in a
session whose days overlap."""

from __future__ import annotations

from sqlmodel import Session, col, select

from koptrain.i18n import N_
from koptrain.models import (
    Coop,
    Enrollment,
    Membership,
    Person,
    Training,
)
from koptrain.parsing import SEAT_STATUSES
from koptrain.services import policy as policy_service
from koptrain.services.eligibility import Verdict, verdict
from koptrain.services.policy import Settings
from koptrain.services.training.base import (
    CANCELLED,
    CLOSED,
    COMPLETED,
    ENROLLED,
    NOT_COMPLETED,
    RULE_AUDIENCE,
    RULE_BUSINESS,
    RULE_DUPLICATE,
    RULE_ELIGIBILITY,
    RULE_MEMBER,
    RULE_OVERLAP,
    RULE_SESSION,
    WAITLISTED,
    WITHDRAWN,
    Refusal,
    audience_roles,
    person_label,
)

_NOT_OPEN_MESSAGES = {
    CANCELLED: N_("Session {session} is cancelled: {person} cannot enroll."),
    CLOSED: N_("Session {session} is closed: {person} cannot enroll."),
}
_DUPLICATE_MESSAGES = {
    ENROLLED: N_("{person} is already enrolled in session {session}."),
    WAITLISTED: N_("{person} is already on the waitlist of session {session}."),
    COMPLETED: N_("{person} has already completed session {session}."),
    NOT_COMPLETED: N_("{person} already took session {session} (not completed)."),
}


def find_refusals(
    db: Session,
    training: Training,
    person: Person,
    coop: Coop | None,
    settings: Settings,
    verdicts: dict[int, Verdict],
    *,
    own: Enrollment | None = None,
) -> tuple[list[Refusal], str | None]:
    """Every enrollment rule except capacity, and the person's role in the coop.

    `own` is the person's waitlisted enrollment when judging a move up from the waitlist:
    it does not count as "already enrolled".
    """
    who = person_label(person)
    values = {"person": who, "session": training.code}
    found: list[Refusal] = []
    if training.status in _NOT_OPEN_MESSAGES:
        found.append(Refusal(_NOT_OPEN_MESSAGES[training.status], values, rule=RULE_SESSION))
    role = None
    if coop is None:
        found.append(
            Refusal(N_("{person} is not a member of any cooperative."), values, rule=RULE_MEMBER)
        )
    else:
        membership = db.exec(
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
            verdicts[coop.id] = verdict(db, coop, training.start, settings)
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
    existing = db.exec(
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
    other = db.exec(
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
    db: Session,
    training: Training,
    person: Person,
    coop: Coop | None,
    *,
    override: str | None = None,
    settings: Settings | None = None,
    verdicts: dict[int, Verdict] | None = None,
) -> list[Refusal]:
    """Every enrollment rule except capacity: the refusals, empty when the person may enroll.

    With `override` (a reason), eligibility, audience and business refusals are dropped;
    never the session's status, membership, duplicates or overlaps. Pass the same
    `verdicts` dict (coop id -> Verdict) to many calls to judge each coop only once.
    """
    settings = settings or policy_service.load(db)
    found, _role = find_refusals(
        db, training, person, coop, settings, verdicts if verdicts is not None else {}
    )
    return [r for r in found if not (override and r.overridable)]
