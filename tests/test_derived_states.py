"""Random sequences of commands and of changes made around koptrain (raw SQL, as psql or a
script would) keep the derived rows equal to a rebuild: while a change is not worked out
the readers are told so (`current` is false), and the next command that writes works it
out. Runs on SQLite and on PostgreSQL (KOPTRAIN_TEST_PG), a few short sequences each.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import text
from sqlmodel import Session, SQLModel

from koptrain.models import Person
from koptrain.services.outcomes.report import outcomes
from koptrain.storage import derived

import factories
from conftest import Invoker

SESSIONS = (
    ("S-01", dt.date(2020, 6, 1), dt.date(2020, 6, 3)),
    ("S-02", dt.date(2020, 7, 1), dt.date(2020, 7, 2)),
    ("S-03", dt.date(2020, 8, 3), dt.date(2020, 8, 5)),
)
PEOPLE = 6
STATUSES = ("enrolled", "completed", "not_completed", "waitlisted", "withdrawn")
PRACTICE = ("practicing", "partly", "not_yet", "stopped")


def empty(store) -> None:
    with store.engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


class DerivedState(RuleBasedStateMachine):
    store = None  # set by the test

    def __init__(self) -> None:
        super().__init__()
        empty(self.store)
        self.koptrain = Invoker()
        with self.store.session() as db:
            programme = factories.program(db)
            coops = [factories.coop(db, f"Koperasi {i}", kecamatan=f"K{i}") for i in range(2)]
            self.people = []
            for i in range(PEOPLE):
                p = factories.person(db, coops[i % 2], name=f"Orang {i}", gender="LP"[i % 2])
                self.people.append((p.id, p.nik))
            self.sessions, trainings = [], []
            for i, (code, start, end) in enumerate(SESSIONS):
                t = factories.training(
                    db, code, start=start, end=end, capacity=3,
                    program=programme if i != 1 else None,
                )  # fmt: skip
                self.sessions.append((t.id, code, start, end))
                trainings.append(t)
            persons = [db.get(Person, pid) for pid, _nik in self.people]
            for i, who in enumerate(persons):  # a seat each to start from, one absent throughout
                factories.seat(db, trainings[i % 2], who, coops[i % 2], present_days=i % 3)
        self.indicators = []
        for code, kind in (("omzet", "money"), ("pembukuan", "yes_no")):
            self.raw(
                "INSERT INTO indicator (code, name, kind) VALUES (:code, :code, :kind)",
                code=code,
                kind=kind,
            )
            with self.store.engine.connect() as conn:
                found = conn.execute(text("SELECT id FROM indicator WHERE code = :c"), {"c": code})
                self.indicators.append((found.scalar(), kind))

    def raw(self, sql: str, **params) -> None:
        """A change made around koptrain: no refresh follows it."""
        with self.store.engine.begin() as conn:
            conn.execute(text(sql), params)

    # -- commands (the services, as a user calls them) ---------------------------------------
    @rule(s=st.integers(0, 2), who=st.lists(st.integers(0, PEOPLE - 1), min_size=1, max_size=4))
    def enroll(self, s, who):
        niks = [self.people[i][1] for i in who]
        self.koptrain("enroll", self.sessions[s][1], *niks, "--override", "uji", code=None)

    @rule(s=st.integers(0, 2), who=st.integers(0, PEOPLE - 1))
    def withdraw(self, s, who):
        self.koptrain(
            "withdraw", self.sessions[s][1], self.people[who][1], "--reason", "sakit", code=None
        )

    @rule(s=st.integers(0, 2), who=st.integers(0, PEOPLE - 1), day=st.integers(0, 2),
          absent=st.booleans())  # fmt: skip
    def attend(self, s, who, day, absent):
        _id, code, start, _end = self.sessions[s]
        flags = ["--absent"] if absent else []
        self.koptrain(
            "attend", code, self.people[who][1], "--day", start + dt.timedelta(days=day), *flags,
            code=None,
        )  # fmt: skip

    @rule(who=st.integers(0, PEOPLE - 1), s=st.one_of(st.none(), st.integers(0, 2)),
          days=st.integers(1, 200), status=st.sampled_from(PRACTICE))  # fmt: skip
    def mentor_log(self, who, s, days, status):
        session = [] if s is None else ["--session", self.sessions[s][1]]
        self.koptrain(
            "mentor", "log", self.people[who][1], "--date", dt.date(2020, 6, 1)
            + dt.timedelta(days=days), "--mentor", "Bu Rina", "--status", status, *session,
            code=None,
        )  # fmt: skip

    @rule(s=st.integers(0, 2), close=st.booleans())
    def close_or_cancel(self, s, close):
        self.koptrain("session", "close" if close else "cancel", self.sessions[s][1], code=None)

    # -- raw SQL ---------------------------------------------------------------------------
    @rule(row=st.integers(1, 12), status=st.sampled_from(STATUSES))
    def raw_enrollment_status(self, row, status):
        self.raw("UPDATE enrollment SET status = :status WHERE id = :row", status=status, row=row)

    @rule(row=st.integers(1, 12))
    def raw_delete_attendance(self, row):
        self.raw("DELETE FROM attendance WHERE enrollment_id = :row", row=row)

    @rule(s=st.integers(0, 2), shift=st.integers(-40, 40))
    def raw_move_session(self, s, shift):
        session_id, _code, start, end = self.sessions[s]
        self.raw(
            'UPDATE training SET start = :start, "end" = :end WHERE id = :id',
            start=start + dt.timedelta(days=shift),
            end=end + dt.timedelta(days=shift),
            id=session_id,
        )

    @rule(who=st.integers(0, PEOPLE - 1), gender=st.sampled_from("LP"))
    def raw_gender(self, who, gender):
        self.raw("UPDATE person SET gender = :g WHERE id = :id", g=gender, id=self.people[who][0])

    @rule(who=st.integers(0, PEOPLE - 1), days=st.integers(1, 200),
          status=st.sampled_from(PRACTICE), s=st.one_of(st.none(), st.integers(0, 2)))  # fmt: skip
    def raw_contact(self, who, days, status, s):
        self.raw(
            "INSERT INTO mentoring_log (person_id, session_id, date, mentor, status) "
            "VALUES (:person, :session, :date, 'Pak Joko', :status)",
            person=self.people[who][0],
            session=None if s is None else self.sessions[s][0],
            date=dt.date(2020, 6, 1) + dt.timedelta(days=days),
            status=status,
        )

    @rule(row=st.integers(1, 8))
    def raw_delete_contact(self, row):
        self.raw("DELETE FROM obstacle WHERE log_id = :row", row=row)
        self.raw("DELETE FROM mentoring_log WHERE id = :row", row=row)

    @rule(s=st.integers(0, 2), who=st.integers(0, PEOPLE - 1), pre=st.integers(0, 100),
          post=st.integers(0, 100))  # fmt: skip
    def score(self, s, who, pre, post):
        self.koptrain(
            "score", "record", self.sessions[s][1], self.people[who][1], "--pre", pre,
            "--post", post, code=None,
        )  # fmt: skip

    @rule(row=st.integers(1, 6), post=st.one_of(st.none(), st.integers(0, 100)))
    def raw_score(self, row, post):
        self.raw("UPDATE score SET post = :post WHERE id = :row", post=post, row=row)

    @rule(who=st.integers(0, PEOPLE - 1), which=st.integers(0, 1), days=st.integers(0, 260),
          value=st.integers(0, 5))  # fmt: skip
    def raw_value(self, who, which, days, value):
        indicator, kind = self.indicators[which]
        self.raw(
            "INSERT INTO indicator_value (person_id, indicator_id, date, value) "
            "VALUES (:person, :indicator, :date, :value) ON CONFLICT DO NOTHING",
            person=self.people[who][0],
            indicator=indicator,
            date=dt.date(2020, 5, 1) + dt.timedelta(days=days),
            value=value % 2 if kind == "yes_no" else value * 1000,
        )

    @rule(row=st.integers(1, 10))
    def raw_delete_value(self, row):
        self.raw("DELETE FROM indicator_value WHERE id = :row", row=row)

    # -- what must hold --------------------------------------------------------------------
    @invariant()
    def derived_equals_a_rebuild(self):
        with Session(self.store.engine) as db:
            if derived.current(db):  # else the readers compute from the source tables
                assert derived.differences(db, sample=10**9) == []
        with self.store.session() as db:  # any command that writes works out what changed
            db.execute(text("SELECT 1"))
        with Session(self.store.engine) as db:
            assert derived.current(db)
            assert derived.differences(db, sample=10**9) == []
        # The outcome report from the derived rows (values after the date corrected) is
        # the one worked out from the source tables, which a pending change makes it read.
        on = dt.date(2020, 12, 20)
        with Session(self.store.engine) as db:
            assert derived.covers(db, on)
            kept = outcomes(db, on)
            kept["sessions"] = list(kept["sessions"])
        self.raw("INSERT INTO derived_dirty (kind, ref) VALUES ('p', 0)")
        with Session(self.store.engine) as db:
            exact = outcomes(db, on)
            exact["sessions"] = list(exact["sessions"])
        self.raw("DELETE FROM derived_dirty")
        assert kept == exact


def test_derived_rows_equal_a_rebuild_after_every_step(store):
    DerivedState.store = store
    run_state_machine_as_test(
        DerivedState,
        settings=settings(
            max_examples=8,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        ),
    )
