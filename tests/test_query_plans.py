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
from test_reports import contacts, programme  # noqa: F401  (fixtures)

from koptrain.services import refs, reports

from conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's")

ON = dt.date(2020, 8, 10)
# Tables, and the aliases the follow-up query gives mentoring_log, that must never be scanned.
BIG = ("enrollment", "mentoring_log", "latest", "closing", "last", "last_contact", "attendance")


def plans_of(store, run) -> list[tuple[str, list[str]]]:
    """Run `run(session)` and return the plan of every SELECT it issued."""
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        with store.session() as session:
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


def test_reminder_queries_use_indexes(contacts, store):  # noqa: F811
    plans = plans_of(store, lambda s: reports.reminders(s, on=ON))
    assert full_scans(plans) == []
    assert searched(plans, "ix_training_end")  # only sessions within the follow-up window
    assert searched(plans, "COVERING INDEX ix_enrollment_session_cover")
    assert searched(plans, "COVERING INDEX ix_mentoring_log_person_cover")
    assert searched(plans, "COVERING INDEX ix_attendance_enrollment_present")
    assert searched(plans, "ix_training_start")  # sessions starting soon


def test_summary_queries_use_indexes(contacts, store):  # noqa: F811
    def run(session):
        reports.summary(session, program=refs.program(session, "BLITAR-2020"), on=ON)

    plans = plans_of(store, run)
    assert full_scans(plans) == []
    assert searched(plans, "ix_training_program_id")
    assert searched(plans, "COVERING INDEX ix_enrollment_session_cover")
    assert searched(plans, "COVERING INDEX ix_mentoring_log_person_cover")


def test_mentoring_report_queries_use_indexes(contacts, store):  # noqa: F811
    def run(session):
        reports.mentoring_outcomes(session, program=refs.program(session, "BLITAR-2020"), on=ON)

    assert full_scans(plans_of(store, run)) == []
