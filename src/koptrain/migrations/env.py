"""Alembic environment: koptrain passes its own connection in `config.attributes`."""

from alembic import context
from sqlmodel import SQLModel

import koptrain.models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from koptrain.db import create_engine, resolve_url

        engine = create_engine(resolve_url(config.get_main_option("sqlalchemy.url")), write=True)
        with engine.begin() as conn:
            _run(conn)
        return
    _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        _keep_triggers(connection)


def _keep_triggers(connection) -> None:
    """A batch migration re-creates a table without its triggers: put back any that are
    missing, and have the derived rows rebuilt (changes since then went unnoticed)."""
    from sqlalchemy import inspect

    from koptrain.storage import derived, triggers

    if not inspect(connection).has_table("derived_dirty"):
        return  # before migration 0003
    if triggers.install(connection):
        derived.start_rebuild(connection)


if context.is_offline_mode():
    raise SystemExit("koptrain migrations run online only")
run_migrations_online()
