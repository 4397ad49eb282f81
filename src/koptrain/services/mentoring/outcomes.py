"""The mentoring figures the reports and `mentor due` read: follow-ups due, the summary's
counts and the outcomes per session, exact from the source tables or from the derived rows
when they cover the date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, not_, select
from sqlmodel import Session

from koptrain import models
from koptrain.models import MentorGroup, MentoringLog, Person, Training
from koptrain.parsing import PRACTICE_STATUSES, mask_nik
from koptrain.services import policy as policy_service
from koptrain.services.mentoring.followups import Schedule, due_condition
from koptrain.services.policy import Settings
from koptrain.storage import derived
from koptrain.storage.queries import count_where, days, followup_tallies, followups

T = Training.__table__
L = MentoringLog.__table__
P = Person.__table__
G = MentorGroup.__table__
GM = models.GroupMember.__table__
F = models.followup
S = models.session_stats


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
    db: Session, on: dt.date, *, settings: Settings | None = None
) -> list[DueFollowUp]:
    """Follow-ups whose next contact is due on or before `on`, by mentor, group, due date.

    Only sessions whose follow-up window is open on `on` are read (the training.end
    index); the group and the latest contact's mentor are looked up for the due rows only.
    """
    schedule = Schedule.from_settings(settings or policy_service.load(db))
    window = schedule.window_days
    if derived.covers(db, on):
        fu = (
            select(F, T.c.code)
            .select_from(F.join(T, T.c.id == F.c.session_id))
            .where(F.c.end >= on - days(window), F.c.end < on)
            .subquery("fu")
        )
    else:
        fu = followups(on, open_window_days=window, dated_from=on - days(window))
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
    with_group = select(due, followup_group(due).label("group_id")).offset(0).subquery("dg")
    last = L.alias("last_contact")
    # The latest contact's mentor, for a group without one: a probe of its primary key
    # per due row (PostgreSQL planned a join as a scan of every contact, 3 M at province
    # scale, to find a few thousand).
    last_mentor = (
        select(last.c.mentor)
        .where(last.c.id == with_group.c.last_id)
        .correlate(with_group)
        .scalar_subquery()
    )
    query = select(
        with_group.c.person_id,
        with_group.c.code,
        with_group.c.end,
        with_group.c.last_date,
        with_group.c.last_next,
        P.c.nik,
        P.c.name,
        G.c.code.label("group"),
        func.coalesce(G.c.mentor, last_mentor).label("mentor"),
    ).select_from(
        with_group.join(P, P.c.id == with_group.c.person_id).outerjoin(
            G, G.c.id == with_group.c.group_id
        )
    )
    found = []
    for r in db.execute(query).all():
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


def followup_group(rows):
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
    db: Session, on: dt.date, *, scope=None, settings: Settings | None = None
) -> dict[str, int]:
    """The summary's mentoring figures for the sessions in `scope` (see `report summary`),
    in one pass over the follow-ups: the due dates are worked out only for follow-ups
    whose window is still open."""
    schedule = Schedule.from_settings(settings or policy_service.load(db))
    if derived.covers(db, on):
        return _followup_counts_derived(db, on, scope, schedule)
    fu = followups(on, scope=scope, dated_from=on - days(schedule.window_days))
    due, overdue, followed, practicing = db.execute(
        select(
            count_where(due_condition(fu, on, schedule)),
            count_where(due_condition(fu, on, schedule, strictly_before=True)),
            func.count(fu.c.last_status),
            count_where(fu.c.last_status == "practicing"),
        )
    ).one()
    return _counts(due, overdue, followed, practicing)


def _counts(due, overdue, followed, practicing) -> dict[str, int]:
    return {
        "due": int(due),
        "overdue": int(overdue),
        "followed_up": int(followed),
        "practicing": int(practicing),
    }


def _followup_counts_derived(db, on, scope, schedule) -> dict[str, int]:
    """followup_counts from the derived rows: due and overdue from the follow-ups whose
    window is open (a range of ix_followup_end_cover), the rest from session_stats."""
    ended_before = and_(T.c.end < on, T.c.status != "cancelled")
    if scope is not None:
        ended_before = and_(ended_before, scope)
    windowed = select(F).where(F.c.end >= on - days(schedule.window_days), F.c.end < on)
    if scope is not None:
        windowed = windowed.join(T, T.c.id == F.c.session_id).where(scope)
    fu = windowed.subquery("fu")
    due, overdue = db.execute(
        select(
            count_where(due_condition(fu, on, schedule)),
            count_where(due_condition(fu, on, schedule, strictly_before=True)),
        )
    ).one()
    followed, practicing = db.execute(
        select(
            func.coalesce(func.sum(S.c.contacted), 0), func.coalesce(func.sum(S.c.practicing), 0)
        )
        .select_from(T.join(S, S.c.session_id == T.c.id))
        .where(ended_before)
    ).one()
    return _counts(due, overdue, followed, practicing)


def outcomes_by_session(
    db: Session, on: dt.date, *, scope=None, settings: Settings | None = None
) -> list[dict]:
    """Per session: follow-ups, how many were contacted, the latest practice status,
    how many ended, lapsed or are still open, and coverage (contacted / first contact due)."""
    schedule = Schedule.from_settings(settings or policy_service.load(db))
    if derived.covers(db, on):
        return _outcomes_derived(db, on, scope, schedule)
    # Fenced: `ended` (a probe) is used three times below but worked out once per row.
    fu = select(followups(on, scope=scope)).offset(0).subquery("fo")
    window_open = fu.c.end >= on - days(schedule.window_days)
    query = (
        select(
            fu.c.code,
            func.min(fu.c.end).label("end"),
            *followup_tallies(fu),
            count_where(fu.c.end <= on - days(schedule.first_days)).label("first_due"),
            count_where(and_(fu.c.ended == 0, not_(window_open))).label("lapsed"),
            count_where(and_(fu.c.ended == 0, window_open)).label("open"),
        )
        .group_by(fu.c.code)
        .order_by(func.min(fu.c.end), fu.c.code)
    )
    return [
        _outcome_row(r, first_due=int(r.first_due), lapsed=int(r.lapsed), still_open=int(r.open))
        for r in db.execute(query).all()
    ]


def _outcome_row(r, *, first_due: int, lapsed: int, still_open: int) -> dict:
    """A session's outcomes from its code, end and FOLLOWUP_TALLIES (both ways alike)."""
    followups_, contacted = int(r.followups), int(r.contacted)
    row = {
        "code": r.code,
        "end": r.end,
        "followups": followups_,
        "first_due": first_due,
        "contacted": contacted,
        "no_contact": followups_ - contacted,
        **{status: int(getattr(r, status)) for status in PRACTICE_STATUSES},
        "ended": int(r.ended),
        "lapsed": lapsed,
        "open": still_open,
    }
    row["coverage"] = (contacted / first_due) if first_due else None
    return row


def _outcomes_derived(db, on: dt.date, scope, schedule: Schedule) -> list[dict]:
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
    first_due_by = on - days(schedule.first_days)
    window_from = on - days(schedule.window_days)
    rows = []
    for r in db.execute(query).all():
        followups_ = int(r.followups)
        still_open = followups_ - int(r.ended)
        window_open = r.end >= window_from
        rows.append(
            _outcome_row(
                r,
                first_due=followups_ if r.end <= first_due_by else 0,
                lapsed=0 if window_open else still_open,
                still_open=still_open if window_open else 0,
            )
        )
    return rows
