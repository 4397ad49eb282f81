"""What every part of training shares: statuses, the rule names, `Refusal`, the row
locks that serialise seat decisions, and an enrollment's audited change of status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from koptrain.i18n import _
from koptrain.models import Enrollment, Person, Training
from koptrain.parsing import mask_nik
from koptrain.services import audit
from koptrain.services.eligibility import Reason

OPEN, CANCELLED, CLOSED = "open", "cancelled", "closed"
ENROLLED, WAITLISTED, WITHDRAWN = "enrolled", "waitlisted", "withdrawn"
COMPLETED, NOT_COMPLETED = "completed", "not_completed"
REFUSED = "refused"  # an Outcome's status only, never stored

# The enrollment rules, by the name a Refusal carries in `.rule`.
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


def lock(db: Session, training: Training) -> Training:
    """Lock the training row for this transaction and re-read it.

    PostgreSQL: SELECT ... FOR NO KEY UPDATE (other enrollers wait here; inserts that only
    reference the row do not). SQLite ignores it: the write store's BEGIN IMMEDIATE already
    serialises writers.
    """
    return db.exec(
        select(Training)
        .where(Training.id == training.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).one()


def lock_people(db: Session, ids: Iterable[int]) -> None:
    """Lock people (in id order, so lockers never deadlock) while their seats are decided:
    two sessions with overlapping days cannot both give the same person a seat at once."""
    ids = sorted(set(ids))
    if ids and db.get_bind().dialect.name != "sqlite":
        db.exec(
            select(Person.id)
            .where(col(Person.id).in_(ids))
            .order_by(Person.id)
            .with_for_update(key_share=True)
        ).all()


def utc_now() -> dt.datetime:
    """Now, to the microsecond: the waitlist is ordered by created_at, then id, and a
    re-enrollment (which reuses its old row and id) must queue behind everyone before it."""
    return dt.datetime.now(dt.UTC)


def set_status(
    db: Session, training: Training, enrollment: Enrollment, nik: str, status: str, **details
) -> None:
    """Move an enrollment to `status`, audited as [old, new] with `details` beside it."""
    audit.record(
        db,
        entity="enrollment",
        key=f"{training.code}/{nik}",
        change={"status": [enrollment.status, status], **details},
    )
    enrollment.status = status
    enrollment.updated_at = utc_now()
    db.add(enrollment)
