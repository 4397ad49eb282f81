"""Mentoring after the training: groups, contact logs and the follow-up schedule (SPEC §2).

The schedule is computed in SQL so that it stays fast with a province's data: for each
follow-up (a seat holder of a session whose last day has passed, not absent on every day)
one index probe finds its latest counted contact and one finds whether a contact ended it.
Dates are compared with thresholds computed in Python (`on - interval`), never with
database date arithmetic, so the same query runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Integer, and_, case, cast, func, not_, null, or_, select, true
from sqlmodel import Session

from koptrain import models
from koptrain.errors import InvalidInput, Refused
from koptrain.i18n import N_, _
from koptrain.models import (
    Attendance,
    Enrollment,
    GroupMember,
    MentorGroup,
    MentoringLog,
    Obstacle,
    Person,
    Training,
)
from koptrain.parsing import (
    ENDING_STATUSES,
    OBSTACLE_CATEGORIES,
    PRACTICE_STATUSES,
    SEAT_STATUSES,
    mask_nik,
    parse_choice,
)
from koptrain.services import audit, derived, refs
from koptrain.services import policy as policy_service
from koptrain.services.policy import Settings

E = Enrollment.__table__
T = Training.__table__
A = Attendance.__table__
L = MentoringLog.__table__
P = Person.__table__
G = MentorGroup.__table__
GM = GroupMember.__table__
OB = Obstacle.__table__
F = models.followup
S = models.session_stats


# --------------------------------------------------------------------------- the schedule


@dataclass(frozen=True)
class Schedule:
    """The policy figures of the follow-up schedule."""

    first_days: int = 30
    interval_days: int = 30
    window_days: int = 180

    @classmethod
    def from_settings(cls, settings: Settings) -> Schedule:
        return cls(
            settings.int("followup.first_days"),
            settings.int("followup.interval_days"),
            settings.int("followup.window_days"),
        )

    def due(
        self, last_day: dt.date, last_contact: dt.date | None, last_next: dt.date | None
    ) -> dt.date:
        """When the next contact is due, from the session's last day and the latest contact."""
        if last_contact is None:
            return last_day + dt.timedelta(days=self.first_days)
        return last_next or last_contact + dt.timedelta(days=self.interval_days)

    def window_end(self, last_day: dt.date) -> dt.date:
        return last_day + dt.timedelta(days=self.window_days)


def _days(n: int) -> dt.timedelta:
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
        conditions.append(T.c.end >= on - _days(open_window_days))
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


def due_condition(fu, on: dt.date, schedule: Schedule, *, strictly_before: bool = False):
    """The follow-up is open on `on` and its next contact is due on or before `on`
    (before `on` when `strictly_before`: overdue). `fu` needs its dates (`dated_from`)."""
    bound = on - _days(1) if strictly_before else on
    return and_(
        fu.c.end >= on - _days(schedule.window_days),
        or_(
            and_(fu.c.last_id.is_(None), fu.c.end <= bound - _days(schedule.first_days)),
            fu.c.last_next <= bound,
            and_(fu.c.last_next.is_(None), fu.c.last_date <= bound - _days(schedule.interval_days)),
        ),
        fu.c.ended == 0,  # last: the probe behind it runs for follow-ups due by date only
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


@dataclass(frozen=True)
class DueFollowUp:
    person_id: int
    nik: str
    name: str
    session: str
    group: str | None
    mentor: str | None
    due: dt.date
    days_overdue: int

    def as_json(self, show_nik=mask_nik) -> dict:
        return {
            "person_id": self.person_id,
            "nik": show_nik(self.nik),
            "name": self.name,
            "session": self.session,
            "group": self.group,
            "mentor": self.mentor,
            "due": self.due.isoformat(),
            "days_overdue": self.days_overdue,
        }


def due_followups(
    session: Session, on: dt.date, *, settings: Settings | None = None
) -> list[DueFollowUp]:
    """Follow-ups whose next contact is due on or before `on`, by mentor, group, due date.

    Only sessions whose follow-up window is open on `on` are read (the training.end
    index); the group and the latest contact's mentor are looked up for the due rows only.
    """
    schedule = Schedule.from_settings(settings or policy_service.load(session))
    window = schedule.window_days
    if derived.covers(session, on):
        fu = (
            select(F, T.c.code)
            .select_from(F.join(T, T.c.id == F.c.session_id))
            .where(F.c.end >= on - _days(window), F.c.end < on)
            .subquery("fu")
        )
    else:
        fu = followups(on, open_window_days=window, dated_from=on - _days(window))
    due = (
        select(
            fu.c.person_id,
            fu.c.session_id,
            fu.c.code,
            fu.c.end,
            fu.c.last_id,
            fu.c.last_date,
            fu.c.last_next,
        )
        .where(due_condition(fu, on, schedule))
        .offset(0)  # a fence: the group probes below run for due rows only
        .subquery("due")
    )
    with_group = select(due, _group_id(due).label("group_id")).offset(0).subquery("dg")
    last = L.alias("last_contact")
    query = select(
        with_group.c.person_id,
        with_group.c.code,
        with_group.c.end,
        with_group.c.last_date,
        with_group.c.last_next,
        P.c.nik,
        P.c.name,
        G.c.code.label("group"),
        func.coalesce(G.c.mentor, last.c.mentor).label("mentor"),
    ).select_from(
        with_group.join(P, P.c.id == with_group.c.person_id)
        .outerjoin(G, G.c.id == with_group.c.group_id)
        .outerjoin(last, last.c.id == with_group.c.last_id)
    )
    found = []
    for r in session.execute(query):
        due_on = schedule.due(r.end, r.last_date, r.last_next)
        found.append(
            DueFollowUp(
                person_id=r.person_id,
                nik=r.nik,
                name=r.name,
                session=r.code,
                group=r.group,
                mentor=r.mentor,
                due=due_on,
                days_overdue=(on - due_on).days,
            )
        )
    found.sort(
        key=lambda f: (
            f.mentor or "\uffff",
            f.group or "\uffff",
            f.due,
            f.name,
            f.session,
            f.person_id,  # namesakes in a stable order
        )
    )
    return found


def _group_id(rows):
    """The person's group for the row's session (the first made), else the first group of
    theirs not tied to a session; correlated to `rows` (person_id, session_id)."""

    def first(condition):
        return (
            select(G.c.id)
            .select_from(GM.join(G, G.c.id == GM.c.group_id))
            .where(GM.c.person_id == rows.c.person_id, condition)
            .order_by(G.c.id)
            .limit(1)
            .correlate(rows)
            .scalar_subquery()
        )

    return func.coalesce(
        first(G.c.session_id == rows.c.session_id), first(G.c.session_id.is_(None))
    )


def followup_counts(
    session: Session, on: dt.date, *, scope=None, settings: Settings | None = None
) -> dict[str, int]:
    """The summary's mentoring figures for the sessions in `scope` (see `report summary`),
    in one pass over the follow-ups: the due dates are worked out only for follow-ups
    whose window is still open."""
    schedule = Schedule.from_settings(settings or policy_service.load(session))
    if derived.covers(session, on):
        return _followup_counts_derived(session, on, scope, schedule)
    fu = followups(on, scope=scope, dated_from=on - _days(schedule.window_days))
    due, overdue, followed, practicing = session.execute(
        select(
            count_where(due_condition(fu, on, schedule)),
            count_where(due_condition(fu, on, schedule, strictly_before=True)),
            func.count(fu.c.last_status),
            count_where(fu.c.last_status == "practicing"),
        )
    ).one()
    return {
        "due": int(due),
        "overdue": int(overdue),
        "followed_up": int(followed),
        "practicing": int(practicing),
    }


def _followup_counts_derived(session, on, scope, schedule) -> dict[str, int]:
    """followup_counts from the derived rows: due and overdue from the follow-ups whose
    window is open (a range of ix_followup_end_cover), the rest from session_stats."""
    ended_before = and_(T.c.end < on, T.c.status != "cancelled")
    if scope is not None:
        ended_before = and_(ended_before, scope)
    windowed = select(F).where(F.c.end >= on - _days(schedule.window_days), F.c.end < on)
    if scope is not None:
        windowed = windowed.join(T, T.c.id == F.c.session_id).where(scope)
    fu = windowed.subquery("fu")
    due, overdue = session.execute(
        select(
            count_where(due_condition(fu, on, schedule)),
            count_where(due_condition(fu, on, schedule, strictly_before=True)),
        )
    ).one()
    followed, practicing = session.execute(
        select(
            func.coalesce(func.sum(S.c.contacted), 0), func.coalesce(func.sum(S.c.practicing), 0)
        )
        .select_from(T.join(S, S.c.session_id == T.c.id))
        .where(ended_before)
    ).one()
    return {
        "due": int(due),
        "overdue": int(overdue),
        "followed_up": int(followed),
        "practicing": int(practicing),
    }


def outcomes_by_session(
    session: Session, on: dt.date, *, scope=None, settings: Settings | None = None
) -> list[dict]:
    """Per session: follow-ups, how many were contacted, the latest practice status,
    how many ended, lapsed or are still open, and coverage (contacted / first contact due)."""
    schedule = Schedule.from_settings(settings or policy_service.load(session))
    if derived.covers(session, on):
        return _outcomes_derived(session, on, scope, schedule)
    # Fenced: `ended` (a probe) is used three times below but worked out once per row.
    fu = select(followups(on, scope=scope)).offset(0).subquery("fo")
    window_open = fu.c.end >= on - _days(schedule.window_days)
    status_counts = [count_where(fu.c.last_status == s).label(s) for s in PRACTICE_STATUSES]
    query = (
        select(
            fu.c.code,
            func.min(fu.c.end).label("end"),
            func.count().label("followups"),
            count_where(fu.c.end <= on - _days(schedule.first_days)).label("first_due"),
            func.count(fu.c.last_status).label("contacted"),
            count_where(fu.c.last_status.is_(None)).label("no_contact"),
            *status_counts,
            count_where(fu.c.ended == 1).label("ended"),
            count_where(and_(fu.c.ended == 0, not_(window_open))).label("lapsed"),
            count_where(and_(fu.c.ended == 0, window_open)).label("open"),
        )
        .group_by(fu.c.code)
        .order_by(func.min(fu.c.end), fu.c.code)
    )
    rows = []
    for r in session.execute(query):
        row = {k: (int(v) if isinstance(v, int) else v) for k, v in r._mapping.items()}
        row["coverage"] = (row["contacted"] / row["first_due"]) if row["first_due"] else None
        rows.append(row)
    return rows


def _outcomes_derived(session, on: dt.date, scope, schedule: Schedule) -> list[dict]:
    """outcomes_by_session from session_stats: one row per session that ended before `on`."""
    condition = and_(T.c.end < on, T.c.status != "cancelled", S.c.followups > 0)
    if scope is not None:
        condition = and_(condition, scope)
    query = (
        select(T.c.code, T.c.end, S)
        .select_from(T.join(S, S.c.session_id == T.c.id))
        .where(condition)
        .order_by(T.c.end, T.c.code)
    )
    first_due_by = on - _days(schedule.first_days)
    window_from = on - _days(schedule.window_days)
    rows = []
    for r in session.execute(query):
        followups_ = int(r.followups)
        still_open = followups_ - int(r.ended)
        window_open = r.end >= window_from
        row = {
            "code": r.code,
            "end": r.end,
            "followups": followups_,
            "first_due": followups_ if r.end <= first_due_by else 0,
            "contacted": int(r.contacted),
            "no_contact": followups_ - int(r.contacted),
            **{status: int(getattr(r, status)) for status in PRACTICE_STATUSES},
            "ended": int(r.ended),
            "lapsed": 0 if window_open else still_open,
            "open": still_open if window_open else 0,
        }
        row["coverage"] = (row["contacted"] / row["first_due"]) if row["first_due"] else None
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- groups


def _mentor_name(mentor: str | None) -> str:
    name = " ".join((mentor or "").split())
    if not name:
        raise InvalidInput(_("Give the mentor's name with --mentor."))
    return name


def create_group(
    session: Session, code: str, *, mentor: str, session_ref: str | Training | None = None
) -> MentorGroup:
    code = (code or "").strip()
    if not code:
        raise InvalidInput(_("Give the group a code."))
    exists_already = session.execute(
        select(G.c.id).where(func.lower(G.c.code) == code.lower())
    ).first()
    if exists_already:
        raise Refused(
            _("A mentoring group with the code '{code}' exists already.").format(code=code)
        )
    training = _training(session, session_ref)
    group = MentorGroup(
        code=code, mentor=_mentor_name(mentor), session_id=training.id if training else None
    )
    session.add(group)
    session.flush()
    audit.record(
        session,
        entity="group",
        key=code,
        change={"mentor": group.mentor, "session": training.code if training else None},
    )
    return group


def _training(session: Session, ref: str | Training | None) -> Training | None:
    if ref is None or isinstance(ref, Training):
        return ref
    return refs.training(session, ref)


def _seat_in(session: Session, person_id: int, session_id: int) -> bool:
    return (
        session.execute(
            select(E.c.id).where(
                E.c.person_id == person_id,
                E.c.session_id == session_id,
                E.c.status.in_(SEAT_STATUSES),
            )
        ).first()
        is not None
    )


def _has_any_seat(session: Session, person_id: int, *, ended_before: dt.date | None = None) -> bool:
    query = (
        select(E.c.id)
        .select_from(E.join(T, T.c.id == E.c.session_id))
        .where(E.c.person_id == person_id, E.c.status.in_(SEAT_STATUSES))
    )
    if ended_before is not None:
        query = query.where(T.c.end < ended_before)
    return session.execute(query.limit(1)).first() is not None


def add_members(
    session: Session, group: MentorGroup, people: Iterable[Person]
) -> tuple[list[Person], list[Person]]:
    """Add people to a group: (added, already members). All or nothing: a person without a
    seat in the group's session (or, for a group without a session, in any session) is
    refused and nobody is added."""
    added, already = [], []
    training = session.get(Training, group.session_id) if group.session_id else None
    current = set(
        session.execute(select(GM.c.person_id).where(GM.c.group_id == group.id)).scalars()
    )
    unique = {p.id: p for p in people}
    for person in unique.values():
        if person.id in current:
            already.append(person)
            continue
        if training is not None and not _seat_in(session, person.id, training.id):
            raise Refused(
                _(
                    "{name} ({nik}) holds no seat in {session}, the session of group {group}."
                ).format(
                    name=person.name,
                    nik=mask_nik(person.nik),
                    session=training.code,
                    group=group.code,
                )
            )
        if training is None and not _has_any_seat(session, person.id):
            raise Refused(
                _("{name} ({nik}) holds no seat in any session, so cannot be mentored.").format(
                    name=person.name, nik=mask_nik(person.nik)
                )
            )
        session.add(GroupMember(group_id=group.id, person_id=person.id))
        current.add(person.id)
        added.append(person)
        audit.record(session, entity="group_member", key=group.code, change={"added": person.nik})
    session.flush()
    return added, already


def list_groups(session: Session) -> list[dict]:
    members = select(func.count()).where(GM.c.group_id == G.c.id).correlate(G).scalar_subquery()
    query = (
        select(G.c.code, G.c.mentor, T.c.code.label("session"), members.label("members"))
        .select_from(G.outerjoin(T, T.c.id == G.c.session_id))
        .order_by(G.c.code)
    )
    return [dict(r._mapping) for r in session.execute(query)]


def group_members(session: Session, group: MentorGroup) -> list[dict]:
    """The members of a group, with their latest contact (any session) if any."""
    last = (
        select(L.c.id)
        .where(L.c.person_id == P.c.id)
        .order_by(L.c.date.desc(), L.c.id.desc())
        .limit(1)
        .correlate(P)
        .scalar_subquery()
    )
    latest = L.alias("l")
    query = (
        select(
            P.c.id.label("person_id"),
            P.c.nik,
            P.c.name,
            P.c.gender,
            latest.c.date.label("last_contact"),
            latest.c.status.label("last_status"),
        )
        .select_from(GM.join(P, P.c.id == GM.c.person_id).outerjoin(latest, latest.c.id == last))
        .where(GM.c.group_id == group.id)
        .order_by(P.c.name, P.c.id)
    )
    return [dict(r._mapping) for r in session.execute(query)]


# --------------------------------------------------------------------------- contact logs


def parse_obstacle(text: str) -> tuple[str, str | None]:
    """`CATEGORY:TEXT` (or just CATEGORY): the category validated, the words kept as typed."""
    category, sep, words = (text or "").partition(":")
    return parse_choice(category, OBSTACLE_CATEGORIES, what=N_("obstacle category")), (
        words.strip() or None if sep else None
    )


def _obstacle(item) -> tuple[str, str | None]:
    if isinstance(item, str):
        return parse_obstacle(item)
    category, words = item
    words = (words or "").strip() or None
    return parse_choice(category, OBSTACLE_CATEGORIES, what=N_("obstacle category")), words


def log_contact(
    session: Session,
    person: Person | None,
    *,
    date: dt.date,
    mentor: str,
    status: str,
    session_ref: str | Training | None = None,
    group: MentorGroup | None = None,
    obstacles: Iterable = (),
    note: str | None = None,
    next_date: dt.date | None = None,
    indicators: Iterable[str] = (),
) -> list[MentoringLog]:
    """Record one follow-up contact with a person, or with every member of `group`.

    `obstacles` are `CATEGORY:TEXT` strings or (category, text) pairs. A group log names
    the group's session unless `session_ref` says otherwise. Each person must hold a seat
    in the named session, or (no session named) in a session that ended before the
    contact, else nothing is written (Refused). `indicators` are `CODE=VALUE` values
    measured at the contact (SPEC §12), stored for each person logged.
    """
    from koptrain.services.outcomes import records as outcome_records

    measured = outcome_records.parse_assignments(session, indicators)
    status = parse_choice(status, PRACTICE_STATUSES, what=N_("status"))
    mentor = _mentor_name(mentor)
    parsed = [_obstacle(o) for o in obstacles]
    if next_date is not None and next_date <= date:
        raise InvalidInput(
            _("The next visit ({next}) must come after the contact ({date}).").format(
                next=next_date.isoformat(), date=date.isoformat()
            )
        )
    if (person is None) == (group is None):
        raise InvalidInput(_("Give either a person or --group, not both."))
    training = _training(session, session_ref)
    if training is None and group is not None and group.session_id:
        training = session.get(Training, group.session_id)
    if group is not None:
        people = list(
            session.exec(
                select(Person)
                .join(GroupMember, GroupMember.person_id == Person.id)
                .where(GroupMember.group_id == group.id)
                .order_by(Person.id)
            ).scalars()
        )
        if not people:
            raise Refused(_("Group {group} has no members yet.").format(group=group.code))
    else:
        people = [person]
    logs = []
    for member in people:
        _check_contact(session, member, training, date)
        log = MentoringLog(
            person_id=member.id,
            session_id=training.id if training else None,
            group_id=group.id if group else None,
            date=date,
            mentor=mentor,
            status=status,
            note=(note or "").strip() or None,
            next_date=next_date,
        )
        session.add(log)
        session.flush()
        for category, words in parsed:
            session.add(Obstacle(log_id=log.id, category=category, text=words))
        outcome_records.record_at_contact(session, log, measured)
        audit.record(
            session,
            entity="mentoring_log",
            key=member.nik,
            change={
                "date": date,
                "mentor": mentor,
                "status": status,
                "session": training.code if training else None,
                "group": group.code if group else None,
                "obstacles": [f"{c}:{w or ''}" for c, w in parsed],
                "next": next_date,
            },
        )
        logs.append(log)
    session.flush()
    return logs


def _check_contact(
    session: Session, person: Person, training: Training | None, date: dt.date
) -> None:
    if training is not None:
        if not _seat_in(session, person.id, training.id):
            raise Refused(
                _("{name} ({nik}) holds no seat in {session}.").format(
                    name=person.name, nik=mask_nik(person.nik), session=training.code
                )
            )
        return
    if not _has_any_seat(session, person.id, ended_before=date):
        raise Refused(
            _(
                "{name} ({nik}) holds no seat in a session that ended before {date}; "
                "name the session with --session."
            ).format(name=person.name, nik=mask_nik(person.nik), date=date.isoformat())
        )


def obstacle_counts(session: Session, on: dt.date, *, scope=None) -> list[dict]:
    """Obstacles recorded up to `on` by category, for contacts counted for sessions in scope.

    With a scope, the contacts are found from the sessions in scope: their seat holders'
    contacts through ix_mentoring_log_person_cover, then those contacts' obstacles.
    """
    if scope is not None:
        logs = (
            select(L.c.id)
            .select_from(T.join(E, E.c.session_id == T.c.id).join(L, counted_contact(L, on)))
            .where(scope, E.c.status.in_(SEAT_STATUSES))
        )
        counted = OB.c.log_id.in_(logs)
    elif derived.covers(session, on):
        counted = true()  # no contact after `on`: every obstacle, in ix_obstacle_category
    else:
        # Every obstacle but those of contacts after `on`: an exclusion list read from the
        # covering index, not a 3-million-row IN list.
        counted = OB.c.log_id.not_in(select(L.c.id).where(L.c.date > on))
    query = (
        select(OB.c.category, func.count().label("count"))
        .where(counted)
        .group_by(OB.c.category)
        .order_by(func.count().desc(), OB.c.category)
    )
    return [{"category": r.category, "count": int(r.count)} for r in session.execute(query)]


def contact_count(session: Session, on: dt.date) -> int:
    return int(session.execute(select(func.count()).where(L.c.date <= on)).scalar() or 0)
