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
from koptrain.parsing import ENDING_STATUSES, PRACTICE_STATUSES, SEAT_STATUSES

E = Enrollment.__table__
T = Training.__table__
A = Attendance.__table__
L = MentoringLog.__table__


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def count_where(condition):
    """How many rows meet `condition` (an aggregate)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def counted_contact(log, on: dt.date | None, person_id=None, session_id=None, end=None):
    """A contact counts for the session it names, else for every session of the person
    whose last day is before the contact; only contacts up to `on` (every contact when
    `on` is None). The person, session and last day default to E.person_id, T.id and T.end
    (correlated to E and T)."""
    person_id = E.c.person_id if person_id is None else person_id
    session_id = T.c.id if session_id is None else session_id
    end = T.c.end if end is None else end
    dated = [] if on is None else [log.c.date <= on]
    return and_(
        log.c.person_id == person_id,
        *dated,
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
    on: dt.date | None,
    *,
    scope=None,
    open_window_days: int | None = None,
    dated_from: dt.date | None = None,
    people=None,
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

    With `on` None: every follow-up of a session not cancelled, ended or not, counting
    every contact recorded, each with its latest contact's id and dates (what the derived
    followup rows hold); `people` is then a condition on a person-id column that picks
    the follow-ups worked out (`people(E.c.person_id)`).
    """
    conditions = [T.c.status != "cancelled", followed_up_enrollment()]
    if on is not None:
        conditions.insert(0, T.c.end < on)
    if scope is not None:
        conditions.append(scope)
    if people is not None:
        conditions.append(people(E.c.person_id))
    if open_window_days is not None:
        conditions.append(T.c.end >= on - days(open_window_days))
    seats = (
        select(E.c.id.label("enrollment_id"), E.c.person_id, E.c.session_id, T.c.code, T.c.end)
        .select_from(T.join(E, E.c.session_id == T.c.id))
        .where(*conditions)
    )
    if scope is not None or open_window_days is not None or people is not None:
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

    last = L.alias("last")
    if on is None:  # every row dated: one probe for the latest contact, its status joined
        base = select(seats, latest("id").label("last_id")).offset(0).subquery("f")
        last_status = last.c.status
        status = [last_status.label("last_status")]
    else:
        last_id = cast(null(), Integer)  # typed: PostgreSQL reads a bare NULL column as text
        if dated_from is not None:
            last_id = case((seats.c.end >= dated_from, latest("id")), else_=last_id)
        base = (
            select(seats, latest("status").label("last_status"), last_id.label("last_id"))
            .offset(0)
            .subquery("f")
        )
        last_status = base.c.last_status
        status = []
    ended = case(
        (last_status.is_(None), 0),
        (last_status.in_(ENDING_STATUSES), 1),
        (ended_probe(base, on), 1),
        else_=0,
    )
    return (
        select(
            base,
            *status,
            last.c.date.label("last_date"),
            last.c.next_date.label("last_next"),
            ended.label("ended"),
        )
        .select_from(base.outerjoin(last, last.c.id == base.c.last_id))
        .subquery("fu")
    )


def ended_probe(rows, on: dt.date | None):
    """A contact up to `on` (any, when None) counted for the row's follow-up recorded
    practicing or stopped (correlated to `rows`: person_id, session_id, end)."""
    closing = L.alias("closing")
    counted = counted_contact(closing, on, rows.c.person_id, rows.c.session_id, rows.c.end)
    return (
        select(closing.c.id)
        .where(counted, closing.c.status.in_(ENDING_STATUSES))
        .correlate(rows)
        .exists()
    )


def seat():
    """The enrollment holds a seat (SEAT_STATUSES: not waitlisted, not withdrawn)."""
    return E.c.status.in_(SEAT_STATUSES)


def attended():
    """The seat's holder came at least one day: a probe of ix_attendance_enrollment_present."""
    return (
        select(A.c.enrollment_id)
        .where(A.c.enrollment_id == E.c.id, A.c.present.is_(True))
        .correlate(E)
        .exists()
    )


SEAT_COUNTS = ("enrolled", "waitlisted", "withdrawn", "attended", "completed", "cooperatives")


def seat_counts() -> list:
    """A session's seat figures over its enrollments (E, grouped by session): seats held,
    waitlisted, withdrawn, seats whose holder came, completed, and the distinct coops the
    seats were taken for; named as SEAT_COUNTS."""
    held = seat()
    return [
        count_where(held).label("enrolled"),
        count_where(E.c.status == "waitlisted").label("waitlisted"),
        count_where(E.c.status == "withdrawn").label("withdrawn"),
        count_where(and_(held, attended())).label("attended"),
        count_where(E.c.status == "completed").label("completed"),
        func.count(func.distinct(case((held, E.c.coop_id)))).label("cooperatives"),
    ]


FOLLOWUP_TALLIES = ("followups", "contacted", *PRACTICE_STATUSES, "ended")


def followup_tallies(fu) -> list:
    """The outcomes of a group of follow-ups (`fu`: last_status, ended): how many, how many
    were contacted, how many by the status of their latest contact, how many ended; named
    as FOLLOWUP_TALLIES."""
    return [
        func.count().label("followups"),
        func.count(fu.c.last_status).label("contacted"),
        *(count_where(fu.c.last_status == s).label(s) for s in PRACTICE_STATUSES),
        count_where(fu.c.ended == 1).label("ended"),
    ]


def latest_seats(condition, *, per_programme: bool = False):
    """Each person's seats in sessions meeting `condition` (on E and T), ranked by session
    start then enrollment, latest first (rank 1 = the one a participant is counted by);
    per programme when `per_programme`. Columns: person_id, enrollment_id, role, coop_id,
    program_id, rank."""
    partition = (E.c.person_id, T.c.program_id) if per_programme else (E.c.person_id,)
    rank = func.row_number().over(
        partition_by=partition, order_by=(T.c.start.desc(), E.c.id.desc())
    )
    return (
        select(
            E.c.person_id,
            E.c.id.label("enrollment_id"),
            E.c.role,
            E.c.coop_id,
            T.c.program_id,
            rank.label("rank"),
        )
        .select_from(E.join(T, T.c.id == E.c.session_id))
        .where(condition, seat())
    )
