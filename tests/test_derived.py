"""The derived rows (migration 0003) give exactly the figures computed from the source tables.

The reports read session_stats, participant, scope_coop and followup when those are
current; here every report is computed both ways on the Kota Blitar sample, then again
after each kind of change a staff member or an import makes, and must agree.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json

import pytest
from sqlalchemy import text
from sqlmodel import Session

from koptrain.services import refs, reports
from koptrain.storage import derived

DATES = (dt.date(2020, 12, 31), dt.date(2021, 3, 1), dt.date(2021, 9, 30), dt.date(2022, 6, 1))


@contextlib.contextmanager
def from_the_source_tables(store):
    """A transaction in which the reports compute from the source tables: a rebuild marked
    as under way (rolled back at the end)."""
    with Session(store.engine) as db:
        derived.start_rebuild(db)
        assert not derived.current(db)
        yield db
        db.rollback()


def both_ways(store, on: dt.date, programme: str | None) -> tuple[tuple, tuple]:
    def run(session):
        program = refs.program(session, programme) if programme else None
        return (
            reports.summary(session, program=program, on=on),
            reports.mentoring_outcomes(session, program=program, on=on),
            reports.reminders(session, on=on),
        )

    with store.session() as session:
        assert derived.covers(session, on), "the derived rows should serve this date"
        fast = run(session)
    with from_the_source_tables(store) as session:
        exact = run(session)
    return fast, exact


DERIVED = {
    "followup": "enrollment_id",
    "session_stats": "session_id",
    "participant": "person_id, scope_id",
    "scope_coop": "scope_id, coop_id",
}


def derived_rows(session) -> dict[str, list]:
    return {
        table: [tuple(r) for r in session.execute(text(f"SELECT * FROM {table} ORDER BY {key}"))]
        for table, key in DERIVED.items()
    }


def assert_same(store) -> None:
    """The reports agree both ways, and the derived rows kept up change by change are
    those a rebuild from scratch gives (row for row, ids included)."""
    with store.session() as session:
        kept = derived_rows(session)
    derived.rebuild(store.engine)
    with store.session() as session:
        assert derived_rows(session) == kept
        latest = derived.latest_contact(session)
    for on in DATES:
        if latest and on < latest:
            continue
        for programme in (None, "BLITAR-2020"):
            fast, exact = both_ways(store, on, programme)
            assert fast == exact, f"as of {on}, programme {programme}"


@pytest.fixture
def sample(koptrain, db_url, store):
    koptrain("demo", "--db", db_url)
    return store


def people(koptrain) -> list[dict]:
    return json.loads(koptrain("--reveal-nik", "person", "list", "--format", "json").stdout)


def test_the_sample_gives_the_same_figures_both_ways(sample):
    with sample.session() as session:
        assert derived.current(session)
        assert session.execute(text("SELECT count(*) FROM followup")).scalar() > 200
    assert_same(sample)


def test_every_kind_of_change_keeps_the_derived_rows_exact(sample, koptrain, tmp_path):
    everyone = [p["nik"] for p in people(koptrain)]
    koptrain("program", "add", "LANJUT-2021", "--name", "Pelatihan lanjutan")
    for code, start, end in (
        ("L21-01", "2021-02-01", "2021-02-03"),
        ("L21-02", "2021-03-01", "2021-03-02"),
    ):
        koptrain(
            "session", "create", code, "--title", "Lanjutan", "--start", start, "--end", end,
            "--program", "LANJUT-2021", "--capacity", "5",
        )  # fmt: skip
    # Seven into five seats: two waitlisted; people already in the sample (a second
    # programme changes their latest seat over all programmes) and new ones.
    koptrain("enroll", "L21-01", *everyone[:7], "--override", "uji")
    koptrain("enroll", "L21-02", *everyone[5:9], "--override", "uji")
    assert_same(sample)
    koptrain("withdraw", "L21-01", everyone[0], "--reason", "sakit")  # promotes the first waiting
    koptrain("attend", "L21-01", *everyone[1:4], "--day", "2021-02-01")
    koptrain("attend", "L21-01", everyone[4], "--day", "2021-02-01", "--absent")
    # An import making a seat holder absent on every day: no longer followed up.
    (tmp_path / "att.csv").write_text(
        f"session,nik,day,present\nL21-01,{everyone[5]},2021-02-02,0\n"
        f"L21-01,{everyone[5]},2021-02-01,0\nL21-01,{everyone[5]},2021-02-03,0\n"
    )
    koptrain("import", "attendance", tmp_path / "att.csv")
    koptrain("session", "close", "L21-01")
    assert_same(sample)
    # A contact naming no session counts for every session of the person that ended before.
    koptrain(
        "mentor", "log", everyone[2], "--date", "2021-04-01", "--mentor", "Bu Rina",
        "--status", "partly", "--obstacle", "modal:kurang", "--next", "2021-05-01",
    )  # fmt: skip
    koptrain(
        "mentor", "log", everyone[3], "--date", "2021-04-02", "--mentor", "Bu Rina",
        "--status", "practicing", "--session", "L21-01",
    )  # fmt: skip
    assert_same(sample)
    # An import moving a session's first day only: it orders its people's seats (one of
    # them holds a seat in L21-01 too, so their latest seat changes).
    (tmp_path / "sessions.csv").write_text(
        "code,program,title,start,end,capacity\nL21-02,LANJUT-2021,Lanjutan,2020-01-06,2021-03-02,5\n"
    )
    koptrain("import", "sessions", tmp_path / "sessions.csv")
    assert_same(sample)
    koptrain("session", "cancel", "L21-02")  # its seats leave every figure
    assert_same(sample)
    # An imported contact with an obstacle, and a person whose gender is corrected.
    (tmp_path / "log.csv").write_text(
        "nik,group,session,date,mentor,status,obstacle_category,obstacle,next,note\n"
        f"{everyone[4]},,L21-01,2021-05-03,Pak Joko,stopped,pemasaran,sepi,,\n"
    )
    koptrain("import", "mentoring", tmp_path / "log.csv")
    with sample.session() as session:
        person = refs.person(session, everyone[3])
        gender = "P" if person.gender == "L" else "L"
        person.gender = gender
    assert_same(sample)


def test_changes_made_outside_koptrain_are_noticed(sample):
    """A row changed by another program (psql, a script): the reports compute from the source
    tables until a koptrain command brings the derived rows up to date."""
    with sample.engine.begin() as conn:
        conn.execute(text("UPDATE enrollment SET status = 'withdrawn' WHERE id = 1"))
    with sample.session() as session:
        assert not derived.current(session)  # and this commit refreshes
        outside = reports.summary(session, program=None, on=DATES[0])
    with sample.session() as session:
        assert derived.current(session)
        assert reports.summary(session, program=None, on=DATES[0]) == outside
    assert_same(sample)


def test_a_date_before_the_latest_contact_is_computed_from_the_contacts(sample):
    with sample.session() as session:
        latest = derived.latest_contact(session)
        assert latest is not None
        assert not derived.covers(session, latest - dt.timedelta(days=1))
        assert derived.covers(session, latest)
