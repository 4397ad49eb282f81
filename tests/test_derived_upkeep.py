"""Looking after the derived rows: `db check` finds a lost trigger or a wrong row, `db refresh`
repairs both, an upgrade that must rebuild says so, a migration that re-creates a table
puts its triggers back, and a read never writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from test_derived import assert_same, derived_rows

import koptrain
from koptrain.db import SCHEMA_HEAD, alembic_config, create_engine
from koptrain.storage import derived, triggers

from conftest import BACKEND


@pytest.fixture
def sample(koptrain, db_url, store):
    koptrain("demo", "--db", db_url)
    return store


def raw(store, sql: str) -> None:
    with store.engine.begin() as conn:
        conn.exec_driver_sql(sql)


def drop_trigger(store, name: str, table: str) -> None:
    raw(store, f"DROP TRIGGER {name}" + (f" ON {table}" if BACKEND == "postgresql" else ""))


def test_db_check_passes_on_the_sample(sample, koptrain):
    assert "in good order" in koptrain("db", "check").stdout


def test_db_check_names_a_missing_trigger_and_db_refresh_puts_it_back(sample, koptrain):
    drop_trigger(sample, "trg_person_update", "person")
    failed = koptrain("db", "check", code=3)
    assert failed.stderr.count("\n") == 1  # one sentence
    assert "trigger trg_person_update is missing" in failed.stderr
    assert "koptrain db refresh" in failed.stderr
    refreshed = koptrain("db", "refresh")
    assert "trg_person_update" in refreshed.stdout
    koptrain("db", "check")
    with sample.engine.connect() as conn:
        assert triggers.present(conn) == set(triggers.names())


def test_db_check_catches_a_corrupted_derived_row(sample, koptrain):
    raw(
        sample,
        "UPDATE followup SET last_status = 'stopped', ended = 1 "
        "WHERE enrollment_id = (SELECT min(enrollment_id) FROM followup WHERE last_status IS NULL)",
    )
    failed = koptrain("db", "check", code=3)
    assert "rows of followup differ from a rebuild" in failed.stderr
    koptrain("db", "refresh")
    koptrain("db", "check")
    assert_same(sample)


def test_db_check_catches_a_missing_participant_row(sample, koptrain):
    raw(
        sample, "DELETE FROM participant WHERE person_id = (SELECT min(person_id) FROM participant)"
    )
    assert "rows of participant differ" in koptrain("db", "check", code=3).stderr


def test_a_read_writes_nothing_and_computes_from_the_source_tables(sample, koptrain):
    """A change made around koptrain: reports stay exact, and a report leaves it pending
    (the next command that writes works it out)."""
    raw(sample, "UPDATE enrollment SET status = 'withdrawn' WHERE id = 1")
    with sample.engine.connect() as conn:
        before = derived_rows(conn)
    on = ["--on", "2022-06-01"]
    summary = koptrain("report", "summary", "--format", "json", *on).stdout
    koptrain("report", "mentoring", "--format", "json", *on)
    koptrain("report", "reminders", *on)
    with sample.engine.connect() as conn:
        assert derived_rows(conn) == before
        assert conn.execute(text("SELECT count(*) FROM derived_dirty")).scalar() > 0
    koptrain("program", "add", "LAIN-1", "--name", "Lain")  # a write works it out
    with sample.session() as db:
        assert derived.current(db)
    assert koptrain("report", "summary", "--format", "json", *on).stdout == summary
    assert_same(sample)


def test_an_upgrade_that_must_rebuild_says_so(sample, koptrain):
    with sample.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0002")  # the derived tables go
    upgraded = koptrain("db", "upgrade")
    assert f"to {SCHEMA_HEAD}" in upgraded.stdout
    assert "working out the report tables again" in upgraded.stderr
    assert "100 % done" in upgraded.stderr
    koptrain("db", "check")
    assert_same(sample)


BATCH = """
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"


def upgrade():
    # SQLite re-creates each table: new table, rows copied, old one dropped, renamed.
    for table in ("mentoring_log", "person"):
        with op.batch_alter_table(table, recreate="{recreate}") as batch:
            batch.add_column(sa.Column("extra", sa.Integer(), nullable=True))
"""


def test_a_batch_migration_keeps_the_triggers(sample, tmp_path: Path):
    scripts = tmp_path / "migrations"
    shutil.copytree(Path(koptrain.__file__).parent / "migrations", scripts)
    recreate = "always" if BACKEND == "sqlite" else "auto"
    (scripts / "versions" / "9999_batch.py").write_text(
        BATCH.format(head=SCHEMA_HEAD, recreate=recreate)
    )
    # A plain engine: SQLite's batch mode cannot drop a table that foreign keys point to.
    engine = create_engine(sample.url) if BACKEND != "sqlite" else None
    if engine is None:
        from sqlalchemy import create_engine as plain_engine

        engine = plain_engine(sample.url)
    with engine.begin() as conn:
        config = alembic_config(conn)
        config.set_main_option("script_location", str(scripts))
        command.upgrade(config, "head")
    with engine.begin() as conn:
        assert triggers.present(conn) == set(triggers.names())
        # SQLite lost them with the old tables (and what changed meanwhile went unnoticed:
        # a rebuild is due); PostgreSQL altered the tables in place and kept them.
        assert derived.rebuild_needed(conn) == (BACKEND == "sqlite")
        conn.exec_driver_sql("UPDATE person SET gender = 'L' WHERE gender = 'P' AND id = 1")
        conn.exec_driver_sql(
            "INSERT INTO mentoring_log (person_id, date, mentor, status) "
            "VALUES (2, '2021-01-05', 'Bu Rina', 'practicing')"
        )
        named = set(conn.exec_driver_sql("SELECT kind, ref FROM derived_dirty").all())
    assert ("p", 2) in named
    derived.rebuild(engine)
    with engine.connect() as conn:
        assert derived.differences(conn, sample=10**9) == []
        assert not derived.pending(conn)
    engine.dispose()
