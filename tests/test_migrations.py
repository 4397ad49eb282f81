"""The schema built from empty through Alembic equals the models, on both back ends."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import koptrain.models  # noqa: F401
from koptrain.db import SCHEMA_HEAD, Store, alembic_config, current_revision


def test_schema_head_constant_matches_the_migration_scripts():
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == SCHEMA_HEAD


def test_migrations_from_empty_match_the_models(db_url):
    store = Store(db_url if "://" in db_url else f"sqlite:///{db_url}")
    assert current_revision(store.engine) == SCHEMA_HEAD
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    store.close()
    assert diff == []


def test_a_fresh_file_is_built_by_alembic(tmp_path):
    from sqlalchemy import inspect

    store = Store(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", write=True)
    tables = set(inspect(store.engine).get_table_names())
    store.close()
    assert {"coop", "person", "enrollment", "mentoring_log", "audit", "alembic_version"} <= tables


def test_a_database_of_the_first_release_upgrades_in_place(db_url, tmp_path):
    """Built at revision 0001 with data in it, then opened by this version: data kept."""
    from alembic import command
    from sqlalchemy import text

    from koptrain.db import create_engine

    from conftest import BACKEND, Invoker

    if BACKEND == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    else:
        url = db_url  # a fresh database cloned from the migrated template: start it over
        engine = create_engine(url, write=True)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        engine.dispose()
    engine = create_engine(url, write=True)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
        conn.execute(
            text("INSERT INTO program (code, name, year) VALUES ('OLD-1', 'Program lama', 2019)")
        )
    engine.dispose()
    result = Invoker()("--db", url, "db", "upgrade")
    assert f"to {SCHEMA_HEAD}" in result.stdout
    listing = Invoker()("--db", url, "program", "list", "--format", "json").stdout
    assert "OLD-1" in listing
    Invoker()("--db", url, "db", "check")
