"""`import people` writes the same rows and journal on both back ends, whatever the batch
boundaries (on PostgreSQL new people are COPYed straight into their tables, a batch's COPY
overlapping the next batch's checks); on PostgreSQL it waits for another writer of people
and says so in one sentence; a command opens one connection."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from koptrain.services.importing.people import PeopleHandler

from conftest import BACKEND, COOP, OTHER

HENI, WIDI, SRI, ANI = (
    "3572014106609646",
    "3572010202619502",
    "3572015711639042",
    "3572015508700003",
)


def snapshot(store) -> dict[str, list[tuple]]:
    """Every person and membership row, ids included, and the journal's changes."""
    with store.session() as db:
        run = db.connection().exec_driver_sql
        return {
            "person": [
                tuple(map(str, r))
                for r in run(
                    "SELECT id, nik, name, gender, birth_date, phone, has_business "
                    "FROM person ORDER BY id"
                )
            ],
            "membership": [
                tuple(r)
                for r in run(
                    "SELECT id, person_id, coop_id, role, position FROM membership ORDER BY id"
                )
            ],
        }


def write(tmp_path, name: str, rows: list[str]):
    path = tmp_path / name
    path.write_text(
        "nik,name,gender,birth_date,coop_nik,role,phone,has_business\n"
        + "".join(r + "\n" for r in rows)
    )
    return path


@pytest.mark.parametrize("batch_size", [1, 2, 5000])
def test_import_writes_the_same_rows_and_undo_takes_exactly_them_back(
    koptrain, store, tmp_path, coops, monkeypatch, batch_size
):
    monkeypatch.setattr(PeopleHandler, "batch_size", batch_size)
    koptrain(
        "import",
        "people",
        write(tmp_path, "first.csv", [f"{HENI},Heni,P,1966-06-01,{COOP},anggota,0811,ya"]),
    )
    before = snapshot(store)
    second = write(
        tmp_path,
        "second.csv",
        [
            f"{WIDI},Widi,L,1961-02-02,{COOP},anggota,,tidak",  # new
            f"{HENI},Heni Astuti,P,,{OTHER},pengurus,,",  # known: renamed, a second coop
            f"{SRI},Sri,P,1963-11-17,{COOP},calon anggota,0822,ya",  # new
            f"{WIDI},Widi,L,,{OTHER},anggota,0833,",  # a later row of a NIK new in this file
            f"{ANI},Ani,P,1970-08-15,{OTHER},pengurus,,tidak",  # new
        ],
    )
    koptrain("import", "people", second)
    after = snapshot(store)
    people = {row[1]: row for row in after["person"]}
    assert set(people) == {HENI, WIDI, SRI, ANI}
    assert people[HENI][2] == "Heni Astuti" and people[HENI][5] == "0811"  # blank kept
    assert people[WIDI][5] == "0833"
    assert len(after["membership"]) == 6
    # ids are taken in file order for the people new to the database, none for the others
    new_ids = [people[nik][0] for nik in (WIDI, SRI, ANI)]
    assert [int(i) for i in new_ids] == sorted(int(i) for i in new_ids)
    assert int(people[HENI][0]) < int(new_ids[0])

    koptrain("undo")
    assert snapshot(store) == before
    undo = json.loads(koptrain("log", "--limit", "1", "--format", "json").stdout)[0]["entry"]
    koptrain("undo", str(undo))  # the undo undone: the import's rows back, with their ids
    assert snapshot(store) == after
    koptrain("db", "check")


def test_the_same_file_gives_the_same_rows_in_any_batch_size(
    koptrain, store, tmp_path, coops, monkeypatch, db_url
):
    """Imported in batches of 3, undone, then imported again in one batch."""
    niks = [f"35720{n % 10}{(n % 28) + 1:02d}0{(n % 9) + 1}9{n % 10}{n:04d}" for n in range(40)]
    rows = [f"{nik},Orang {n},L,,{COOP},anggota,," for n, nik in enumerate(niks)]
    rows += [rows[5].replace("Orang 5", "Orang Lima"), rows[7]]  # repeats, in another batch
    path = write(tmp_path, "many.csv", rows)
    monkeypatch.setattr(PeopleHandler, "batch_size", 3)
    koptrain("import", "people", path)
    small = snapshot(store)
    koptrain("undo")
    monkeypatch.setattr(PeopleHandler, "batch_size", 5000)
    koptrain("import", "people", path)
    large = snapshot(store)
    assert [r[1:] for r in small["person"]] == [r[1:] for r in large["person"]]
    assert len(small["membership"]) == len(large["membership"]) == 40
    assert {r[1] for r in large["person"]} == {r.split(",")[0] for r in rows}
    names = {r[1]: r[2] for r in large["person"]}
    assert names[rows[5].split(",")[0]] == "Orang Lima"


@pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL's table lock")
def test_an_import_waits_for_another_writer_of_people_then_says_busy(
    koptrain, store, tmp_path, coops, monkeypatch
):
    monkeypatch.setattr("koptrain.db.PG_LOCK_TIMEOUT", "300ms")
    path = write(tmp_path, "one.csv", [f"{WIDI},Widi,L,,{COOP},anggota,,"])
    with store.engine.connect() as other:  # another command, in the middle of a person update
        other.execute(text("UPDATE person SET name = name"))
        result = koptrain("import", "people", path, code=3)
        other.rollback()
    assert "is busy (locked by another process)" in result.stderr
    assert snapshot(store)["person"] == []
    koptrain("import", "people", path)
    assert [r[1] for r in snapshot(store)["person"]] == [WIDI]


@pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL's connections")
def test_a_store_keeps_one_connection_with_the_lock_timeout(store):
    pids = set()
    for _ in range(3):
        with store.session() as db:
            pid, timeout = (
                db.connection()
                .exec_driver_sql("SELECT pg_backend_pid(), current_setting('lock_timeout')")
                .one()
            )
            pids.add(pid)
    assert len(pids) == 1
    assert timeout == "10s"


@pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL's connection options")
def test_options_given_in_the_url_win_over_koptrains(db_url):
    from koptrain.db import Store

    store = Store(db_url + "?options=-c%20lock_timeout%3D2s%20-c%20application_name%3Dkp")
    try:
        with store.session() as db:
            row = db.connection().exec_driver_sql(
                "SELECT current_setting('lock_timeout'), current_setting('jit'), "
                "current_setting('application_name')"
            )
            assert row.one() == ("2s", "off", "kp")
    finally:
        store.close()


CLERK = "koptrain_clerk"  # a login role that is no superuser and may not skip triggers


def _as_clerk(store, db_url: str) -> str:
    from sqlalchemy.engine import make_url

    with store.engine.begin() as conn:
        run = conn.exec_driver_sql
        run(
            f"DO $$ BEGIN CREATE ROLE {CLERK} LOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        run(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {CLERK}")
        run(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {CLERK}")
    return make_url(db_url).set(username=CLERK).render_as_string(hide_password=False)


@pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL's roles")
def test_a_role_that_may_not_skip_triggers_imports_the_same_rows(
    koptrain, store, tmp_path, coops, monkeypatch, db_url
):
    """The memberships' foreign keys are checked per batch when the role may set
    session_replication_role (the test server's role is a superuser), else per row by
    the server: the rows are the same, and nothing is left orphaned either way."""
    monkeypatch.setattr(PeopleHandler, "batch_size", 2)
    rows = [
        f"{WIDI},Widi,L,1961-02-02,{COOP},anggota,,tidak",
        f"{SRI},Sri,P,1963-11-17,{OTHER},calon anggota,0822,ya",
        f"{ANI},Ani,P,1970-08-15,{COOP},pengurus,,tidak",
    ]
    path = write(tmp_path, "people.csv", rows)
    koptrain("import", "people", path)
    as_owner = snapshot(store)
    koptrain("undo")
    assert snapshot(store)["person"] == []
    koptrain("--db", _as_clerk(store, db_url), "import", "people", path)
    as_clerk = snapshot(store)
    # the same rows, new ids: the sequences went on
    assert [r[1:] for r in as_clerk["person"]] == [r[1:] for r in as_owner["person"]]
    assert [r[3:] for r in as_clerk["membership"]] == [r[3:] for r in as_owner["membership"]]
    with store.session() as db:
        orphans = db.connection().exec_driver_sql(
            "SELECT count(*) FROM membership m LEFT JOIN person p ON p.id = m.person_id "
            "LEFT JOIN coop c ON c.id = m.coop_id WHERE p.id IS NULL OR c.id IS NULL"
        )
        assert orphans.scalar() == 0
    koptrain("db", "check")
