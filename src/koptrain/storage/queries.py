"""The rules of the figures as SQLAlchemy query builders: which seats are followed up,
which contact counts for which follow-up and whether a contact ended it. The exact reports
(koptrain.services) and the derived state (koptrain.storage.derived) are both built from
them, so a rule is written once.

The schedule is computed in SQL so that it stays fast with a province's data: for each
follow-up (a seat holder of a session whose last day has passed, not absent on every day)
one index probe finds its latest counted contact and one finds whether a contact ended it.
Dates are compared with thresholds computed in Python (`on - interval`), never with
database date arithmetic, so the same query runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, and_, case, cast, func, not_, null, or_, select

from koptrain.models import Attendance, Enrollment, MentoringLog, Training
from koptrain.parsing import ENDING_STATUSES, SEAT_STATUSES

E = Enrollment.__table__
T = Training.__table__
A = Attendance.__table__
L = MentoringLog.__table__


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def count_where(condition):
    """How many rows meet `condition` (an aggregate)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def counted_contact(log, on: dt.date, person_id=None, session_id=None, end=None):
    """A contact counts for the session it names, else for every session of the person
    whose last day is before the contact; only contacts up to `on`. The person, session
    and last day default to E.person_id, T.id and T.end (correlated to E and T)."""
    person_id = E.c.person_id if person_id is None else person_id
    session_id = T.c.id if session_id is None else session_id
    end = T.c.end if end is None else end
    return and_(
        log.c.person_id == person_id,
        log.c.date <= on,
        or_(log.c.session_id == session_id, and_(log.c.session_id.is_(None), log.c.date > end)),
    )


def followed_up_enrollment():
    """A seat holder not recorded absent on every day: some day present, or no absence recorded.

    "Absent on every day" is read as: absences recorded and no day present. Someone with
    no attendance recorded at all (attendance not kept) is followed up. Two index probes
    (ix_attendance_enrollment_present, then the (enrollment_id, day) key) instead of
    reading every attendance row of the seat.
    """
    present = (
        select(A.c.enrollment_id)
        .where(A.c.enrollment_id == E.c.id, A.c.present.is_(True))
        .correlate(E)
        .exists()
    )
    recorded = select(A.c.enrollment_id).where(A.c.enrollment_id == E.c.id).correlate(E).exists()
    return and_(E.c.status.in_(SEAT_STATUSES), or_(present, not_(recorded)))


def followups(
    on: dt.date,
    *,
    scope=None,
    open_window_days: int | None = None,
    dated_from: dt.date | None = None,
):
    """Every follow-up as of `on` as a subquery, with its latest counted contact.

    Columns: enrollment_id, person_id, session_id, code, end, last_status (of the latest
    counted contact, NULL without one), ended (1 when a counted contact recorded
    practicing or stopped), and last_id, last_date, last_next for the follow-ups whose
    session ended on or after `dated_from` (NULL for the others, and all NULL without
    `dated_from`: only the due dates need them). `scope` restricts the sessions (a
    condition on T); `open_window_days` keeps only sessions whose follow-up window of
    that many days is still open on `on`, a range that the training.end index finds.

    The latest contact's status (and, where dated, its id) is one probe each of
    ix_mentoring_log_person_cover (the person's few contacts, read in the index alone).
    `ended` is probed only where the latest contact leaves it open (partly, not_yet): no
    contact means not ended, an ending latest one means ended.
    A bounded set of follow-ups (a scope or a window) is sorted by person first so the
    probes walk the index in order; for every follow-up of a province (two million) the
    sort would cost more than it saves, and they are probed in session order.
    """
    conditions = [T.c.end < on, T.c.status != "cancelled", followed_up_enrollment()]
    if scope is not None:
        conditions.append(scope)
    if open_window_days is not None:
        conditions.append(T.c.end >= on - days(open_window_days))
    seats = (
        select(E.c.id.label("enrollment_id"), E.c.person_id, E.c.session_id, T.c.code, T.c.end)
        .select_from(T.join(E, E.c.session_id == T.c.id))
        .where(*conditions)
    )
    if scope is not None or open_window_days is not None:
        seats = seats.order_by(E.c.person_id)
    # OFFSET 0 keeps SQLite and PostgreSQL from merging a subquery into the outer one,
    # which would repeat its probes for every use of their result.
    seats = seats.offset(0).subquery("s")

    def latest(column):
        log = L.alias("latest")
        return (
            select(log.c[column])
            .where(counted_contact(log, on, seats.c.person_id, seats.c.session_id, seats.c.end))
            .order_by(log.c.date.desc(), log.c.id.desc())
            .limit(1)
            .correlate(seats)
            .scalar_subquery()
        )

    last_id = cast(null(), Integer)  # typed: PostgreSQL reads a bare NULL column as text
    if dated_from is not None:
        last_id = case((seats.c.end >= dated_from, latest("id")), else_=last_id)
    base = (
        select(seats, latest("status").label("last_status"), last_id.label("last_id"))
        .offset(0)
        .subquery("f")
    )
    ended = case(
        (base.c.last_status.is_(None), 0),
        (base.c.last_status.in_(ENDING_STATUSES), 1),
        (ended_probe(base, on), 1),
        else_=0,
    )
    last = L.alias("last")
    return (
        select(
            base,
            last.c.date.label("last_date"),
            last.c.next_date.label("last_next"),
            ended.label("ended"),
        )
        .select_from(base.outerjoin(last, last.c.id == base.c.last_id))
        .subquery("fu")
    )


def ended_probe(rows, on: dt.date):
    """A contact up to `on` counted for the row's follow-up recorded practicing or stopped
    (correlated to `rows`: person_id, session_id, end)."""
    closing = L.alias("closing")
    counted = counted_contact(closing, on, rows.c.person_id, rows.c.session_id, rows.c.end)
    return (
        select(closing.c.id)
        .where(counted, closing.c.status.in_(ENDING_STATUSES))
        .correlate(rows)
        .exists()
    )
