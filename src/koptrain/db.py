"""Where the database is, how it is opened, migrated, checked and backed up."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from koptrain.errors import DatabaseError, InvalidInput
from koptrain.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

# The newest Alembic revision this program knows; tests check it equals the script head.
SCHEMA_HEAD = "0003"
BUSY_TIMEOUT_MS = 10_000
PG_LOCK_TIMEOUT = "10s"


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("koptrain", appauthor=False) / "koptrain.sqlite3"


def resolve_url(db: str | None) -> str:
    """`--db`, then $KOPTRAIN_DB, then koptrain.sqlite3 in the user's data directory.

    A plain path means SQLite; a URL is used as given.
    """
    target = db or os.environ.get("KOPTRAIN_DB") or str(default_path())
    if "://" in target:
        return target
    return "sqlite:///" + str(Path(target).expanduser().absolute())


def sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite:"):
        return None
    path = url.split("://", 1)[1].lstrip("/") if "://" in url else ""
    if path.startswith("file:"):  # an SQLite URI filename (sqlite:///file:/x.db?mode=ro&uri=true)
        path = path[len("file:") :].split("?", 1)[0]
        return Path(path) if path else None
    if not path or path == ":memory:":
        return None
    return Path("/" + path) if url.startswith("sqlite:////") else Path(path)


def _create_private_file(path: Path) -> None:
    """A new SQLite file is made with mode 0600: it holds people's NIKs."""
    if path.exists():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as exc:
        raise DatabaseError(
            _("Cannot create the database file {path}: {reason}.").format(
                path=path, reason=exc.strerror
            )
        ) from None


def create_engine(url: str, *, write: bool = False) -> Engine:
    """An engine with koptrain's connection settings for SQLite or PostgreSQL.

    On SQLite a write engine begins every transaction with BEGIN IMMEDIATE, so two
    processes that enroll at once queue on the busy timeout instead of both reading
    a free seat.
    """
    from sqlalchemy import create_engine as sa_create_engine
    from sqlalchemy import event

    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None:
            _create_private_file(path)
        engine = sa_create_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, poolclass=_null_pool()
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.close()

        begin = "BEGIN IMMEDIATE" if write else "BEGIN"

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql(begin)

        return engine

    engine = sa_create_engine(url, poolclass=_null_pool())

    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _pg_settings(dbapi_connection, _record):
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = '{PG_LOCK_TIMEOUT}'")
            dbapi_connection.commit()

    return engine


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


def current_revision(engine: Engine) -> str | None:
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def alembic_config(connection=None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema to this program's head; returns (before, after)."""
    before = current_revision(engine)
    if before == SCHEMA_HEAD:
        return before, before
    if before is not None and not _known_revision(before):
        raise DatabaseError(
            _(
                "The database schema ({revision}) is newer than this program: "
                "upgrade koptrain to use it."
            ).format(revision=before)
        )
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
        from koptrain.storage import derived

        derived.flush(conn)  # what a migration named in derived_dirty (rows already stored)
        if before is not None:
            # A migration may add indexes to a database full of data: give the query planner
            # their statistics now, or it may keep choosing the old plans.
            conn.exec_driver_sql("ANALYZE")
    return before, SCHEMA_HEAD


def _known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    try:
        return script.get_revision(revision) is not None
    except Exception:
        return False


def describe_url(url: str) -> str:
    """The database for messages, without a password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}@{host}"
    path = sqlite_path(url)
    return str(path) if path else url


class Store:
    """An opened, up-to-date database for one command."""

    def __init__(self, url: str, *, write: bool = False) -> None:
        self.url = url
        self.write = write
        self.command = ""  # the command line, masked into the audit trail
        # audit records owed by the command (a --reveal-nik): written in its first transaction
        # that succeeds, so a refused command records nothing and no output comes before it
        self.owed: list = []
        self.engine = create_engine(url, write=write)
        self.ensure_schema()

    def ensure_schema(self) -> None:
        with translate_db_errors(self.url):
            upgrade(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        from sqlmodel import Session

        with translate_db_errors(self.url), Session(self.engine) as session:
            session.info["command"] = self.command
            try:
                yield session
                while self.owed:
                    self.owed.pop(0)(session)
                from koptrain.storage import derived

                derived.flush(session)  # the reports' derived rows, in the same transaction
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()


@contextlib.contextmanager
def translate_db_errors(url: str) -> Iterator[None]:
    """Turn driver errors into one sentence with exit status 3 (SPEC §3)."""
    from sqlalchemy import exc

    try:
        yield
    except exc.OperationalError as error:
        raise DatabaseError(_database_message(url, error)) from None
    except exc.DatabaseError as error:
        if "lock" in str(error.orig).lower():
            raise DatabaseError(_database_message(url, error)) from None
        raise


def _database_message(url: str, error: Exception) -> str:
    reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
    lowered = reason.lower()
    where = describe_url(url)
    if "locked" in lowered or "lock timeout" in lowered or "could not obtain lock" in lowered:
        return _(
            "The database {db} is busy (locked by another process) and did not free up in time; "
            "try again in a moment."
        ).format(db=where)
    if "file is not a database" in lowered or "malformed" in lowered:
        return _("The file {db} is not a koptrain database or is damaged.").format(db=where)
    return _("Cannot use the database {db}: {reason}.").format(db=where, reason=reason)


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
        _create_private_file(dest)
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
    _create_private_file(dest)  # 0600 before pg_dump writes a row into it
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
