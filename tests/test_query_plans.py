"""The reminder and summary queries reach enrollments and mentoring logs through indexes.

Province scale (issue 9) means millions of enrollments and mentoring logs: a query that
scans either table cannot answer in a second. SQLite's EXPLAIN QUERY PLAN shows each
table access as SCAN (every row) or SEARCH (through an index).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import event
from test_derived import from_the_source_tables
from test_reports import contacts, programme  # noqa: F401  (fixtures)

from koptrain.services import refs, reports

from conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's")

ON = dt.date(2020, 8, 10)
# Tables, and the aliases the follow-up query gives mentoring_log, that must never be scanned.
BIG = (
    "enrollment",
    "mentoring_log",
    "latest",
    "closing",
    "last",
    "last_contact",
    "attendance",
    "obstacle",
    "followup",
    "participant",
)


# sqlite_stat1 of the benchmark's province database (bench/, issue 9): with these the
# planner chooses on the fixture's few rows what it chooses on a province's millions, so a
# plan that only a tiny table makes harmless (a scan of 10 contacts) is caught here.
PROVINCE_STATS = [
    ("attendance", "ix_attendance_enrollment_present", "5640510 3 3"),
    ("attendance", "sqlite_autoindex_attendance_1", "5640510 3 1"),
    ("coop", "sqlite_autoindex_coop_1", "10000 1"),
    ("coop", "sqlite_autoindex_coop_2", "10000 1"),
    ("enrollment", "ix_enrollment_coop_id", "2000003 228"),
    ("enrollment", "ix_enrollment_person_status", "2000003 3 2"),
    ("enrollment", "ix_enrollment_session_cover", "2000003 41 14 1 1 1"),
    ("enrollment", "sqlite_autoindex_enrollment_1", "2000003 41 1"),
    ("group_member", "ix_group_member_person_id", "1861954 3"),
    ("group_member", "sqlite_autoindex_group_member_1", "1861954 39 1"),
    ("health_rating", "ix_health_rating_coop_id", "120000 12"),
    ("health_rating", "sqlite_autoindex_health_rating_1", "120000 12 1"),
    ("membership", "ix_membership_coop_id", "1000000 100"),
    ("membership", "sqlite_autoindex_membership_1", "1000000 1 1"),
    ("mentor_group", "ix_mentor_group_session_id", "48639 1"),
    ("mentor_group", "sqlite_autoindex_mentor_group_1", "48639 1"),
    ("mentoring_log", "ix_mentoring_log_group_id", "3017621 3017621"),
    ("mentoring_log", "ix_mentoring_log_person_cover", "3017621 5 1 1 1 1 1"),
    ("mentoring_log", "ix_mentoring_log_session_id", "3017621 63"),
    ("obstacle", "ix_obstacle_log_id", "1012116 1"),
    ("person", "sqlite_autoindex_person_1", "1000000 1"),
    ("program", "sqlite_autoindex_program_1", "456 1"),
    ("rat", "ix_rat_coop_id", "120240 13"),
    ("rat", "sqlite_autoindex_rat_1", "120240 13 1"),
    ("training", "ix_training_end", "50000 13"),
    ("training", "ix_training_program_id", "50000 110"),
    ("training", "ix_training_start", "50000 13"),
    ("training", "sqlite_autoindex_training_1", "50000 1"),
]


@pytest.fixture
def province(contacts, store):  # noqa: F811
    """The fixture database, planned as if it held a province (PROVINCE_STATS)."""
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.exec_driver_sql("DELETE FROM sqlite_stat1")
        for row in PROVINCE_STATS:
            conn.exec_driver_sql("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", row)
    return contacts


def plans_of(store, run, *, exact: bool = False) -> list[tuple[str, list[str]]]:
    """Run `run(session)` and return the plan of every SELECT it issued (computed from the
    source tables when `exact`, else from the derived rows)."""
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        with from_the_source_tables(store) if exact else store.session() as session:
            run(session)
            plans = []
            for statement, parameters in list(statements):
                rows = session.connection().exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + statement, parameters
                )
                plans.append((statement, [row[3] for row in rows]))
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    return plans


def full_scans(plans) -> list[str]:
    pattern = re.compile(r"^SCAN (" + "|".join(BIG) + r")\b")
    return [
        f"{line}  <-  {statement[:120]}"
        for statement, lines in plans
        for line in lines
        if pattern.match(line)
    ]


def searched(plans, index: str) -> bool:
    return any(index in line for _s, lines in plans for line in lines)


def test_reminder_queries_use_indexes(province, store):
    plans = plans_of(store, lambda s: reports.reminders(s, on=ON), exact=True)
    assert full_scans(plans) == []
    assert searched(plans, "ix_training_end")  # only sessions within the follow-up window
    assert searched(plans, "COVERING INDEX ix_enrollment_session_cover")
    assert searched(plans, "COVERING INDEX ix_mentoring_log_person_cover")
    assert searched(plans, "COVERING INDEX ix_attendance_enrollment_present")
    assert searched(plans, "ix_training_start")  # sessions starting soon


def test_summary_queries_use_indexes(province, store):
    def run(session):
        reports.summary(session, program=refs.program(session, "BLITAR-2020"), on=ON)

    plans = plans_of(store, run, exact=True)
    assert full_scans(plans) == []
    assert searched(plans, "ix_training_program_id")
    assert searched(plans, "COVERING INDEX ix_enrollment_session_cover")
    assert searched(plans, "COVERING INDEX ix_mentoring_log_person_cover")


def test_mentoring_report_queries_use_indexes(province, store):
    def run(session):
        reports.mentoring_outcomes(session, program=refs.program(session, "BLITAR-2020"), on=ON)

    assert full_scans(plans_of(store, run, exact=True)) == []


# The same reports from the derived rows (migration 0003), as of a date after the latest
# contact: whole-province figures without reading enrollments or contacts one by one.
LATER = dt.date(2021, 6, 1)


def test_reminders_from_derived_rows_read_only_the_open_window(province, store):
    plans = plans_of(store, lambda s: reports.reminders(s, on=LATER))
    assert full_scans(plans) == []
    assert searched(plans, "ix_followup_end_cover")  # follow-ups whose window is open
    assert not searched(plans, "ix_mentoring_log_person_cover")  # no contact probed


@pytest.mark.parametrize("programme_code", [None, "BLITAR-2020"])
def test_summary_and_mentoring_from_derived_rows(province, store, programme_code):
    def run(session):
        program = refs.program(session, programme_code) if programme_code else None
        reports.summary(session, program=program, on=LATER)
        reports.mentoring_outcomes(session, program=program, on=LATER)

    plans = plans_of(store, run)
    # Every obstacle of a province is counted by category: read from the index alone.
    assert [s for s in full_scans(plans) if "COVERING INDEX ix_obstacle_category" not in s] == []
    assert searched(plans, "COVERING INDEX ix_participant_scope_cover")
    # Follow-ups: by the window's range of last days, or a programme's sessions one by one.
    assert searched(plans, "ix_followup_end_cover" if programme_code is None else "ix_followup_")
    touched = {
        line.split()[1] for _s, lines in plans for line in lines if line[:4] in ("SCAN", "SEAR")
    }
    assert not touched & {"attendance", "latest", "closing"}  # no follow-up worked out
    if programme_code is None:  # a programme's obstacles are found through its seat holders
        assert "enrollment" not in touched
