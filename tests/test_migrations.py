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

    store = Store(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    tables = set(inspect(store.engine).get_table_names())
    store.close()
    assert {"coop", "person", "enrollment", "mentoring_log", "audit", "alembic_version"} <= tables
