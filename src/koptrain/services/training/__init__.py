"""Trainings: programmes, sessions, who holds a seat, attendance and completion.

Every function takes the database session (`db`) explicitly and never prints. Functions that
change seats lock the training row first (`lock`): on PostgreSQL with SELECT ... FOR
UPDATE, on SQLite through the write store's BEGIN IMMEDIATE, so the seat count read
afterwards cannot be taken by a concurrent process before this transaction ends.

Refusals are `Refusal`s (a `Reason` from services.eligibility, with the rule that refused):
`.text()` in the interface language for people, `.english()` for JSON.
"""

from koptrain.services.training.attendance import (
    AttendanceResult,
    Closing,
    attend,
    close,
)
from koptrain.services.training.base import (
    CANCELLED,
    CLOSED,
    COMPLETED,
    ENROLLED,
    NOT_COMPLETED,
    OPEN,
    OVERRIDABLE,
    REFUSED,
    RULE_AUDIENCE,
    RULE_BUSINESS,
    RULE_CAPACITY,
    RULE_DUPLICATE,
    RULE_ELIGIBILITY,
    RULE_MEMBER,
    RULE_OVERLAP,
    RULE_SESSION,
    WAITLISTED,
    WITHDRAWN,
    Refusal,
    audience_roles,
    lock,
    lock_people,
    person_label,
    session_days,
    utc_now,
)
from koptrain.services.training.enrollment import (
    Decision,
    Outcome,
    Request,
    coop_for,
    enroll,
    waitlisted_count,
)
from koptrain.services.training.programmes import (
    add_program,
    programs,
)
from koptrain.services.training.rules import (
    check_enrollment,
    find_refusals,
)
from koptrain.services.training.sessions import (
    cancel,
    create_session,
    details,
    parse_share,
    roster,
    seat_holders_count,
    sessions,
    status_counts,
    training_fields,
    waitlist,
)
from koptrain.services.training.withdrawal import (
    Withdrawal,
    promote,
    withdraw,
)

__all__ = [
    "CANCELLED",
    "CLOSED",
    "COMPLETED",
    "ENROLLED",
    "NOT_COMPLETED",
    "OPEN",
    "OVERRIDABLE",
    "REFUSED",
    "RULE_AUDIENCE",
    "RULE_BUSINESS",
    "RULE_CAPACITY",
    "RULE_DUPLICATE",
    "RULE_ELIGIBILITY",
    "RULE_MEMBER",
    "RULE_OVERLAP",
    "RULE_SESSION",
    "WAITLISTED",
    "WITHDRAWN",
    "AttendanceResult",
    "Closing",
    "Decision",
    "Outcome",
    "Refusal",
    "Request",
    "Withdrawal",
    "add_program",
    "attend",
    "audience_roles",
    "cancel",
    "check_enrollment",
    "close",
    "coop_for",
    "create_session",
    "details",
    "enroll",
    "find_refusals",
    "lock",
    "lock_people",
    "parse_share",
    "person_label",
    "programs",
    "promote",
    "roster",
    "seat_holders_count",
    "session_days",
    "sessions",
    "status_counts",
    "training_fields",
    "utc_now",
    "waitlist",
    "waitlisted_count",
    "withdraw",
]
