"""The reports: programme summary, RAT compliance, mentoring outcomes and the cron reminders.

Every figure is aggregated by the database (GROUP BY, window functions, EXISTS over
indexed columns); Python only shapes the few rows that come back.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Row
from sqlmodel import Session

from koptrain import models
from koptrain.models import Attendance, Coop, Enrollment, Person, Program, Rat, Training
from koptrain.parsing import SEAT_STATUSES
from koptrain.services import eligibility, mentoring
from koptrain.services import policy as policy_service
from koptrain.services.policy import Settings
from koptrain.storage import derived, queries

E = Enrollment.__table__
T = Training.__table__
A = Attendance.__table__
P = Person.__table__
C = Coop.__table__
R = Rat.__table__
S = models.session_stats
PA = models.participant
SC = models.scope_coop

NOT_ON_TIME = (
    eligibility.MISSING,
    eligibility.LATE,
    eligibility.REPORT_MISSING,
    eligibility.REPORT_LATE,
)
UNKNOWN = "unknown"  # the key for a participant whose coop has no kecamatan recorded


def scope(program: Program | None):
    """The sessions a report covers: those of the programme (or all), never cancelled ones."""
    condition = T.c.status != "cancelled"
    if program is not None:
        condition = and_(condition, T.c.program_id == program.id)
    return condition


def _programme(program: Program | None):
    """The scope handed to the follow-up queries, which leave cancelled sessions out
    themselves: None for every programme (they then take the plan for all follow-ups)."""
    return None if program is None else scope(program)


# --------------------------------------------------------------------------- summary


def summary(db: Session, *, program: Program | None, on: dt.date) -> dict:
    """SPEC §3 `report summary`: per session, totals, participants by role, gender and
    kecamatan (of their latest enrollment in scope), and the mentoring figures.

    Read from the derived rows (session_stats, participant, scope_coop) when they are
    current; else computed from the enrollments (the same figures, slower at scale)."""
    in_scope = scope(program)
    if derived.current(db):
        sessions, participants, cooperatives = _seats_derived(db, program, in_scope)
        breakdowns = _breakdowns_derived(db, program)
    else:
        sessions, participants, cooperatives = _seats(db, in_scope)
        breakdowns = _breakdowns(db, in_scope)
    totals = {
        "sessions": len(sessions),
        "capacity": sum(s["capacity"] for s in sessions),
        "enrollments": sum(s["enrolled"] for s in sessions),
        "participants": int(participants),
        "attended": sum(s["attended"] for s in sessions),
        "completed": sum(s["completed"] for s in sessions),
        "cooperatives": int(cooperatives),
        # More keys than the contract: what explains the gap between seats and people.
        "waitlisted": sum(s["waitlisted"] for s in sessions),
        "withdrawn": sum(s["withdrawn"] for s in sessions),
    }
    by_role, by_gender, by_kecamatan = breakdowns
    return {
        "program": program.code if program else None,
        "program_name": program.name if program else None,
        "as_of": on,
        "sessions": sessions,
        "totals": totals,
        "by_role": by_role,
        "by_gender": by_gender,
        "by_kecamatan": by_kecamatan,
        "mentoring": mentoring.followup_counts(db, on, scope=_programme(program)),
    }


def _scope_id(program: Program | None) -> int:
    return program.id if program is not None else 0  # participant/scope_coop: 0 = all


def _seats_derived(db: Session, program: Program | None, in_scope):
    counts = [func.coalesce(S.c[name], 0).label(name) for name in queries.SEAT_COUNTS]
    query = (
        select(T.c.code, T.c.title, T.c.start, T.c.end, T.c.capacity, *counts)
        .select_from(T.outerjoin(S, S.c.session_id == T.c.id))
        .where(in_scope)
        .order_by(T.c.start, T.c.code)
    )
    result = db.execute(query)
    keys = list(result.keys())
    sessions = [dict(zip(keys, row, strict=True)) for row in result.all()]
    scope_id = _scope_id(program)
    participants = db.execute(
        select(func.count()).select_from(PA).where(PA.c.scope_id == scope_id)
    ).scalar()
    cooperatives = db.execute(
        select(func.count()).select_from(SC).where(SC.c.scope_id == scope_id)
    ).scalar()
    return sessions, participants, cooperatives


def _seats(db: Session, in_scope):
    per_session = (
        select(T.c.code, T.c.title, T.c.start, T.c.end, T.c.capacity, *queries.seat_counts())
        .select_from(T.outerjoin(E, E.c.session_id == T.c.id))
        .where(in_scope)
        .group_by(T.c.id, T.c.code, T.c.title, T.c.start, T.c.end, T.c.capacity)
        .order_by(T.c.start, T.c.code)
    )
    sessions = [
        {k: (int(v) if k in _COUNTS else v) for k, v in row._mapping.items()}
        for row in db.execute(per_session).all()
    ]
    seats = E.join(T, T.c.id == E.c.session_id)
    participants, cooperatives = db.execute(
        select(func.count(func.distinct(E.c.person_id)), func.count(func.distinct(E.c.coop_id)))
        .select_from(seats)
        .where(in_scope, queries.seat())
    ).one()
    return sessions, participants, cooperatives


_COUNTS = {"capacity", *queries.SEAT_COUNTS}


def _breakdowns(db: Session, in_scope) -> tuple[dict, dict, dict]:
    """Each participant once, by the role, coop and kecamatan of their latest enrollment in
    scope (by session start, then enrollment): a window function picks that enrollment."""
    latest = queries.latest_seats(in_scope).subquery("ranked")
    query = (
        select(latest.c.role, P.c.gender, C.c.kecamatan, func.count().label("n"))
        .select_from(
            latest.join(P, P.c.id == latest.c.person_id).join(C, C.c.id == latest.c.coop_id)
        )
        .where(latest.c.rank == 1)
        .group_by(latest.c.role, P.c.gender, C.c.kecamatan)
    )
    return _tally(db.execute(query))


def _breakdowns_derived(db: Session, program: Program | None) -> tuple[dict, dict, dict]:
    """The same from the participant rows: counted by coop in the index
    ix_participant_scope_cover, then each coop's count put under its kecamatan."""
    by_coop = (
        select(PA.c.coop_id, PA.c.role, PA.c.gender, func.count().label("n"))
        .where(PA.c.scope_id == _scope_id(program))
        .group_by(PA.c.coop_id, PA.c.role, PA.c.gender)
        .subquery("by_coop")
    )
    query = (
        select(by_coop.c.role, by_coop.c.gender, C.c.kecamatan, func.sum(by_coop.c.n))
        .select_from(by_coop.join(C, C.c.id == by_coop.c.coop_id))
        .group_by(by_coop.c.role, by_coop.c.gender, C.c.kecamatan)
    )
    return _tally((role, gender, kec, int(n)) for role, gender, kec, n in db.execute(query))


def _tally(rows) -> tuple[dict, dict, dict]:
    by_role: dict[str, int] = {}
    by_gender: dict[str, int] = {"L": 0, "P": 0}
    by_kecamatan: dict[str, int] = {}
    for role, gender, kecamatan, n in rows:
        by_role[role] = by_role.get(role, 0) + n
        by_gender[gender] = by_gender.get(gender, 0) + n
        key = kecamatan or UNKNOWN
        by_kecamatan[key] = by_kecamatan.get(key, 0) + n
    return (
        dict(sorted(by_role.items())),
        by_gender,
        dict(sorted(by_kecamatan.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


# --------------------------------------------------------------------------- RAT


def _rats_by_coop(db: Session, years: set[int]) -> dict[int, dict[int, Row]]:
    """The RATs of those fiscal years, as plain rows (no ORM objects), by coop and year."""
    found: dict[int, dict[int, Row]] = {}
    query = select(R.c.coop_id, R.c.fiscal_year, R.c.held_on, R.c.reported_on).where(
        R.c.fiscal_year.in_(sorted(years))
    )
    for rat in db.execute(query).all():
        found.setdefault(rat.coop_id, {})[rat.fiscal_year] = rat
    return found


def rat_status(
    db: Session, *, year: int | None, on: dt.date, settings: Settings | None = None
) -> list[dict]:
    """Each coop's RAT for fiscal year `year` (or its latest RAT as eligibility defines it
    on `on`), with the deadline, the report deadline and the status."""
    return [_rat_row(coop, judged) for coop, judged in _judged_rats(db, year, on, settings)]


def _judged_rats(db: Session, year: int | None, on: dt.date, settings: Settings | None):
    """(coop, RatJudgement) for every coop, by name.

    Coops and RATs are read as plain rows; the latest fiscal year due depends only on the
    coop's level and fiscal-year end, so it is worked out once per such pair, not per coop.
    """
    settings = settings or policy_service.load(db)
    coops = db.execute(
        select(
            C.c.id, C.c.name, C.c.nik, C.c.legal_number, C.c.level, C.c.fiscal_year_end
        ).order_by(C.c.name, C.c.id)
    ).all()
    due_years: dict[tuple[str, str], int] = {}
    if year is not None:
        years = {year}
    else:
        for coop in coops:
            key = (coop.level, coop.fiscal_year_end)
            if key not in due_years:
                due_years[key] = eligibility.latest_fiscal_year_due(coop, on, settings)
        years = {y for fy in due_years.values() for y in (fy, fy + 1)}
    rats = _rats_by_coop(db, years)
    for coop in coops:
        mine = rats.get(coop.id, {})
        if year is not None:
            yield coop, eligibility.judge_rat(coop, year, mine.get(year), on, settings)
            continue
        # eligibility.latest_rat, with the fiscal year due looked up once per kind of coop:
        # the following year's RAT if already held by `on`, else the one due.
        due_year = due_years[(coop.level, coop.fiscal_year_end)]
        following = mine.get(due_year + 1)
        if following is not None and following.held_on <= on:
            yield coop, eligibility.judge_rat(coop, due_year + 1, following, on, settings)
        else:
            yield coop, eligibility.judge_rat(coop, due_year, mine.get(due_year), on, settings)


def _rat_row(coop, judged: eligibility.RatJudgement) -> dict:
    rat = judged.rat
    reason = judged.reason()
    return {
        "coop": coop.name,
        "coop_nik": coop.nik or coop.legal_number,
        "level": coop.level,
        "fiscal_year": judged.fiscal_year,
        "deadline": judged.deadline,
        "held_on": rat.held_on if rat else None,
        "reported_on": rat.reported_on if rat else None,
        "report_deadline": judged.report_deadline,
        "status": judged.status,
        "reason": reason,
    }


# --------------------------------------------------------------------------- mentoring


def mentoring_outcomes(db: Session, *, program: Program | None, on: dt.date) -> dict:
    """`report mentoring`: practice status per session (of the latest contact), obstacles by
    category, and coverage = follow-ups contacted at least once / follow-ups whose first
    contact has come due."""
    sessions = mentoring.outcomes_by_session(db, on, scope=_programme(program))
    totals: dict[str, int] = {}
    for row in sessions:
        for key, value in row.items():
            if isinstance(value, int) and key not in ("coverage",):
                totals[key] = totals.get(key, 0) + value
    first_due = totals.get("first_due", 0)
    return {
        "program": program.code if program else None,
        "as_of": on,
        "sessions": sessions,
        "totals": totals,
        "coverage": {
            "followed_up": totals.get("contacted", 0),
            "due": first_due,
            "share": (totals.get("contacted", 0) / first_due) if first_due else None,
        },
        "obstacles": mentoring.obstacle_counts(db, on, scope=_programme(program)),
    }


# --------------------------------------------------------------------------- reminders


def reminders(db: Session, *, on: dt.date) -> dict:
    """SPEC §3 `report reminders` (NIKs unmasked here: the caller masks them)."""
    settings = policy_service.load(db)
    followups = [
        {**f.as_json(lambda nik: nik), "nik": f.nik}
        for f in mentoring.due_followups(db, on, settings=settings)
    ]
    return {
        "as_of": on,
        "followups": followups,
        "sessions": sessions_starting_soon(db, on=on, settings=settings),
        "rat": [
            {
                "coop": coop.name,
                "coop_nik": coop.nik or coop.legal_number,
                "fiscal_year": judged.fiscal_year,
                "deadline": judged.deadline,
                "status": judged.status,
            }
            for coop, judged in _judged_rats(db, None, on, settings)
            if judged.status in NOT_ON_TIME
        ],
    }


def sessions_starting_soon(db: Session, *, on: dt.date, settings: Settings) -> list[dict]:
    """Open sessions starting within reminders.session_days with free seats or a waitlist."""
    last = on + dt.timedelta(days=settings.int("reminders.session_days"))
    seats = mentoring.count_where(E.c.status.in_(SEAT_STATUSES))
    waitlisted = mentoring.count_where(E.c.status == "waitlisted")
    query = (
        select(T.c.code, T.c.start, T.c.capacity, seats.label("seats"), waitlisted.label("w"))
        .select_from(T.outerjoin(E, E.c.session_id == T.c.id))
        .where(T.c.status == "open", T.c.start >= on, T.c.start <= last)
        .group_by(T.c.id, T.c.code, T.c.start, T.c.capacity)
        .order_by(T.c.start, T.c.code)
    )
    rows = []
    for code, start, capacity, taken, waiting in db.execute(query):
        free = max(capacity - int(taken), 0)
        if free or waiting:
            rows.append(
                {"code": code, "start": start, "free_seats": free, "waitlisted": int(waiting)}
            )
    return rows


def anything(report: dict) -> bool:
    return bool(report["followups"] or report["sessions"] or report["rat"])
