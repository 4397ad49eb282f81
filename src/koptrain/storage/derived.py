"""Derived state: the follow-ups, per-session counts, participants and coops per scope that
the province-wide reports read (tables of migration 0003, declared in koptrain.models).

Triggers on enrollment, attendance, mentoring_log, training and person name in
derived_dirty the people, sessions and coops a change touches, whoever made it; `flush`,
run by the store before every commit (and by `db upgrade`), works out their rows again
from the source tables with a few set-based statements, then empties derived_dirty. So
the derived rows are exact whenever derived_dirty is empty, which `current` checks.

They are worked out with every contact recorded, so the reports use them only as of a
date on or after the latest contact (`covers`); for an earlier date they compute the
same figures from the source tables.

On PostgreSQL the triggers' `ON CONFLICT DO NOTHING` makes a second transaction that
touches the same person, session or coop wait until the first commits; its refresh then
reads what the first wrote, so concurrent writers cannot leave stale counts.

The statements are plain SQL that SQLite and PostgreSQL both run, kept as text: a
command that enrolls one person spends no time building them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from koptrain.parsing import ENDING_STATUSES, PRACTICE_STATUSES, SEAT_STATUSES


def _sql_list(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


SEATS = _sql_list(SEAT_STATUSES)
ENDING = _sql_list(ENDING_STATUSES)
PEOPLE = "(SELECT ref FROM derived_dirty WHERE kind = 'p')"
SESSIONS = "(SELECT ref FROM derived_dirty WHERE kind = 's')"
COOPS = "(SELECT ref FROM derived_dirty WHERE kind = 'c')"

# A seat holder not recorded absent on every day (mentoring.followed_up_enrollment).
FOLLOWED_UP = (
    f"e.status IN {SEATS} AND ("
    "EXISTS (SELECT 1 FROM attendance a WHERE a.enrollment_id = e.id AND a.present = TRUE) "
    "OR NOT EXISTS (SELECT 1 FROM attendance a WHERE a.enrollment_id = e.id))"
)
# A contact (l) counted for a follow-up: its person, session and the session's last day
# (mentoring.counted_contact, every date).
COUNTED = (
    "{l}.person_id = {person} AND ({l}.session_id = {session} "
    "OR ({l}.session_id IS NULL AND {l}.date > {end}))"
)

REFRESH = (
    # The sessions of the people named: their follow-ups' counts change with them.
    "INSERT INTO derived_dirty (kind, ref) SELECT DISTINCT 's', session_id FROM enrollment "
    f"WHERE person_id IN {PEOPLE} ON CONFLICT DO NOTHING",
    f"DELETE FROM followup WHERE person_id IN {PEOPLE}",
    'INSERT INTO followup (enrollment_id, person_id, session_id, "end", last_id, last_date, '
    "last_next, last_status, ended) "
    'SELECT s.enrollment_id, s.person_id, s.session_id, s."end", '
    "l.id, l.date, l.next_date, l.status, "
    "CASE WHEN l.id IS NULL THEN 0 "
    f"WHEN l.status IN {ENDING} THEN 1 "
    "WHEN EXISTS (SELECT 1 FROM mentoring_log c WHERE "
    + COUNTED.format(l="c", person="s.person_id", session="s.session_id", end='s."end"')
    + f" AND c.status IN {ENDING}) THEN 1 ELSE 0 END "
    'FROM (SELECT e.id AS enrollment_id, e.person_id, e.session_id, t."end", '
    "(SELECT l.id FROM mentoring_log l WHERE "
    + COUNTED.format(l="l", person="e.person_id", session="e.session_id", end='t."end"')
    + " ORDER BY l.date DESC, l.id DESC LIMIT 1) AS last_id "
    "FROM enrollment e JOIN training t ON t.id = e.session_id "
    f"WHERE e.person_id IN {PEOPLE} AND t.status <> 'cancelled' AND {FOLLOWED_UP}) s "
    "LEFT JOIN mentoring_log l ON l.id = s.last_id",
    f"DELETE FROM participant WHERE person_id IN {PEOPLE}",
    "INSERT INTO participant (person_id, scope_id, enrollment_id, role, coop_id, gender) "
    "SELECT r.person_id, r.scope_id, r.id, r.role, r.coop_id, p.gender FROM ("
    "SELECT e.person_id, 0 AS scope_id, e.id, e.role, e.coop_id, row_number() OVER "
    "(PARTITION BY e.person_id ORDER BY t.start DESC, e.id DESC) AS rank "
    "FROM enrollment e JOIN training t ON t.id = e.session_id "
    f"WHERE e.person_id IN {PEOPLE} AND t.status <> 'cancelled' AND e.status IN {SEATS} "
    "UNION ALL "
    "SELECT e.person_id, t.program_id, e.id, e.role, e.coop_id, row_number() OVER "
    "(PARTITION BY e.person_id, t.program_id ORDER BY t.start DESC, e.id DESC) "
    "FROM enrollment e JOIN training t ON t.id = e.session_id "
    f"WHERE e.person_id IN {PEOPLE} AND t.status <> 'cancelled' AND e.status IN {SEATS} "
    "AND t.program_id IS NOT NULL"
    ") r JOIN person p ON p.id = r.person_id WHERE r.rank = 1",
    f"DELETE FROM scope_coop WHERE coop_id IN {COOPS}",
    "INSERT INTO scope_coop (scope_id, coop_id, seats) "
    "SELECT 0, e.coop_id, count(*) FROM enrollment e JOIN training t ON t.id = e.session_id "
    f"WHERE e.coop_id IN {COOPS} AND t.status <> 'cancelled' AND e.status IN {SEATS} "
    "GROUP BY e.coop_id "
    "UNION ALL "
    "SELECT t.program_id, e.coop_id, count(*) FROM enrollment e "
    "JOIN training t ON t.id = e.session_id "
    f"WHERE e.coop_id IN {COOPS} AND t.status <> 'cancelled' AND e.status IN {SEATS} "
    "AND t.program_id IS NOT NULL GROUP BY t.program_id, e.coop_id",
    f"DELETE FROM session_stats WHERE session_id IN {SESSIONS}",  # kept: those with enrollments
    "INSERT INTO session_stats (session_id, enrolled, waitlisted, withdrawn, attended, "
    "completed, cooperatives, followups, contacted, "
    + ", ".join(PRACTICE_STATUSES)
    + ", ended) SELECT t.id, "
    + ", ".join(
        f"coalesce(x.{c}, 0)"
        for c in ("enrolled", "waitlisted", "withdrawn", "attended", "completed", "cooperatives")
    )
    + ", "
    + ", ".join(f"coalesce(f.{c}, 0)" for c in ("followups", "contacted", *PRACTICE_STATUSES))
    + ", coalesce(f.ended, 0) FROM training t LEFT JOIN ("
    "SELECT e.session_id, "
    f"sum(CASE WHEN e.status IN {SEATS} THEN 1 ELSE 0 END) AS enrolled, "
    "sum(CASE WHEN e.status = 'waitlisted' THEN 1 ELSE 0 END) AS waitlisted, "
    "sum(CASE WHEN e.status = 'withdrawn' THEN 1 ELSE 0 END) AS withdrawn, "
    f"sum(CASE WHEN e.status IN {SEATS} AND EXISTS (SELECT 1 FROM attendance a "
    "WHERE a.enrollment_id = e.id AND a.present = TRUE) THEN 1 ELSE 0 END) AS attended, "
    "sum(CASE WHEN e.status = 'completed' THEN 1 ELSE 0 END) AS completed, "
    f"count(DISTINCT CASE WHEN e.status IN {SEATS} THEN e.coop_id END) AS cooperatives "
    f"FROM enrollment e WHERE e.session_id IN {SESSIONS} GROUP BY e.session_id"
    ") x ON x.session_id = t.id LEFT JOIN ("
    "SELECT session_id, count(*) AS followups, count(last_status) AS contacted, "
    + ", ".join(
        f"sum(CASE WHEN last_status = '{s}' THEN 1 ELSE 0 END) AS {s}" for s in PRACTICE_STATUSES
    )
    + f", sum(ended) AS ended FROM followup WHERE session_id IN {SESSIONS} GROUP BY session_id"
    f") f ON f.session_id = t.id WHERE t.id IN {SESSIONS} AND x.session_id IS NOT NULL",
    "DELETE FROM derived_dirty",
)


def pending(db) -> bool:
    """Something changed in this transaction (or outside koptrain) that is not refreshed."""
    return db.execute(text("SELECT 1 FROM derived_dirty LIMIT 1")).first() is not None


def flush(db) -> bool:
    """Work out again the derived rows of whatever changed; True when there was any."""
    if not pending(db):
        return False
    for statement in REFRESH:
        db.execute(text(statement))
    return True


def mark_everything(db) -> None:
    """Name every person, session and coop, for a full rebuild at the next flush."""
    for statement in (
        "INSERT INTO derived_dirty (kind, ref) SELECT DISTINCT 'p', person_id FROM enrollment "
        "WHERE TRUE ON CONFLICT DO NOTHING",
        "INSERT INTO derived_dirty (kind, ref) SELECT 's', id FROM training "
        "WHERE TRUE ON CONFLICT DO NOTHING",
        "INSERT INTO derived_dirty (kind, ref) SELECT DISTINCT 'c', coop_id FROM enrollment "
        "WHERE TRUE ON CONFLICT DO NOTHING",
    ):
        db.execute(text(statement))


EXACT = "koptrain.exact"  # db.info key: compute from the source tables (tests compare)


def current(db) -> bool:
    """The derived rows match the source tables (nothing waits in derived_dirty)."""
    return not db.info.get(EXACT) and not pending(db)


def latest_contact(db) -> dt.date | None:
    """The date of the latest contact recorded (one probe of ix_mentoring_log_date)."""
    value = db.execute(text("SELECT max(date) FROM mentoring_log")).scalar()
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def covers(db, on: dt.date) -> bool:
    """The follow-up rows give the figures as of `on`: current, and no contact after it."""
    if not current(db):
        return False
    latest = latest_contact(db)
    return latest is None or latest <= on
