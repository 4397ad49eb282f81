"""Looking after a database: `db check`'s findings, `db refresh`, `db backup`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from koptrain.db import BUSY_TIMEOUT_MS, Progress, create_private_file, describe_url, sqlite_path
from koptrain.errors import DatabaseError, InvalidInput
from koptrain.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def integrity_problems(engine: Engine) -> list[str]:
    """`db check`: SQLite's integrity and foreign-key checks; on PostgreSQL, orphan rows."""
    from sqlalchemy import text

    problems: list[str] = []
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            for (row,) in conn.exec_driver_sql("PRAGMA integrity_check"):
                if row != "ok":
                    problems.append(str(row))
            for row in conn.exec_driver_sql("PRAGMA foreign_key_check"):
                problems.append(
                    _("row {rowid} of {table} points to a missing {parent}").format(
                        rowid=row[1], table=row[0], parent=row[2]
                    )
                )
        else:
            from sqlmodel import SQLModel

            import koptrain.models  # noqa: F401  (registers the tables)

            for table in SQLModel.metadata.sorted_tables:
                for fk in table.foreign_keys:
                    col, parent = fk.parent, fk.column
                    sql = (
                        f'SELECT count(*) FROM "{table.name}" c WHERE c."{col.name}" IS NOT NULL '
                        f'AND NOT EXISTS (SELECT 1 FROM "{parent.table.name}" p '
                        f'WHERE p."{parent.name}" = c."{col.name}")'
                    )
                    orphans = conn.execute(text(sql)).scalar()
                    if orphans:
                        problems.append(
                            _("{n} rows of {table} point to a missing {parent}").format(
                                n=orphans, table=table.name, parent=parent.table.name
                            )
                        )
    return problems


def derived_problems(engine: Engine) -> list[str]:
    """`db check`: what keeps the reports' derived rows from being exact, each in a few
    words: a trigger missing, a rebuild left unfinished, a table whose sampled rows differ
    from a rebuild."""
    from koptrain.storage import derived, triggers

    with engine.connect() as conn:
        present = triggers.present(conn)
        problems = [
            _("trigger {name} is missing").format(name=name)
            for name in triggers.names()
            if name not in present
        ]
        if derived.rebuild_needed(conn):
            problems.append(_("a rebuild of them was not finished"))
        problems += [
            _("rows of {table} differ from a rebuild").format(table=table)
            for table in derived.differences(conn)
        ]
    return problems


def refresh(engine: Engine, progress: Progress | None = None) -> list[str]:
    """`db refresh`: put back any missing trigger, then work out every derived row again.
    Returns the names of the triggers put back."""
    from koptrain.storage import derived, triggers

    with engine.begin() as conn:
        restored = triggers.install(conn)
        derived.start_rebuild(conn)
    derived.rebuild(engine, progress)
    return restored


def backup(url: str, dest: Path) -> None:
    """A consistent copy while other processes write: SQLite's online backup API."""
    import sqlite3

    if dest.exists():
        raise InvalidInput(_("{dest} already exists; choose a new file.").format(dest=dest))
    path = sqlite_path(url)
    if path is None:
        _pg_dump(url, dest)
        return
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise DatabaseError(
            _("Cannot use the database {db}: {reason}.").format(db=path, reason=exc)
        ) from None
    try:
        create_private_file(dest)
        target = sqlite3.connect(dest)
        with target:
            source.backup(target, pages=1024)
        target.execute("PRAGMA journal_mode = DELETE")
        target.close()
    except sqlite3.Error as exc:
        dest.unlink(missing_ok=True)
        raise DatabaseError(
            _("Cannot back up {db}: {reason}.").format(db=path, reason=exc)
        ) from None
    finally:
        source.close()


def _pg_dump(url: str, dest: Path) -> None:
    """PostgreSQL: pg_dump's custom format, restorable with pg_restore."""
    import shutil
    import subprocess

    libpq_url = url.replace("postgresql+psycopg://", "postgresql://", 1)
    pg_dump = shutil.which("pg_dump")
    if url.split("://", 1)[0] not in ("postgresql", "postgresql+psycopg") or pg_dump is None:
        raise InvalidInput(
            _(
                "db backup needs pg_dump for this database; install the PostgreSQL client "
                "and run: pg_dump --format=custom --file {dest} {url}"
            ).format(dest=dest, url=describe_url(libpq_url))
        )
    create_private_file(dest)  # 0600 before pg_dump writes a row into it
    done = subprocess.run(
        [pg_dump, "--format=custom", "--file", str(dest), libpq_url],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        dest.unlink(missing_ok=True)
        reason = (done.stderr.strip().splitlines() or ["pg_dump failed"])[-1]
        raise DatabaseError(
            _("Cannot back up {db}: {reason}.").format(db=describe_url(url), reason=reason)
        )
    os.chmod(dest, 0o600)
