"""Where the database is, how it is opened, migrated, checked and backed up."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from koptrain.errors import DatabaseError
from koptrain.i18n import _, os_reason

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

# The newest Alembic revision this program knows; tests check it equals the script head.
SCHEMA_HEAD = "0009_followup_window_cover"
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


def create_private_file(path: Path, *, write: bool = True) -> bool:
    """A new SQLite file is made with mode 0600: it holds people's NIKs; whether it was.

    Only a command that writes creates one (a reading command given a mistyped path must
    not report on a new, empty database), and only in a folder that exists, except the
    default data directory (SPEC §7)."""
    if path.exists():
        return False
    if not write:
        raise DatabaseError(_("There is no database at {path}.").format(path=path))
    if not path.parent.is_dir() and path.parent != default_path().parent:
        raise DatabaseError(
            _("Cannot create the database {path}: the folder {folder} does not exist.").format(
                path=path, folder=path.parent
            )
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        raise DatabaseError(
            _("Cannot create the database file {path}: {reason}.").format(
                path=path, reason=os_reason(exc)
            )
        ) from None


def create_engine(url: str, *, write: bool = False, create: bool | None = None) -> Engine:
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
            create_private_file(path, write=write if create is None else create)
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

    from sqlalchemy.engine import make_url

    parts = make_url(url)
    if parts.get_backend_name() != "postgresql":
        return sa_create_engine(url, poolclass=_null_pool())
    # PostgreSQL: the settings are start-up options of the connection (no SET and commit
    # after connecting), the hstore type is not looked up (koptrain has none), and the
    # connection that checked the schema is kept for the command's own transactions: one
    # connection per process instead of one per transaction (a new backend each).
    # JIT off: a report's index probes at province scale cost more than jit_above_cost,
    # and compiling them took longer than running them (1.2 s of `report reminders`' 3.6 s,
    # EXPLAIN ANALYZE in bench/README.md).
    # Options given in the URL (`?options=-c ...`) come after koptrain's, so they win.
    given = parts.query.get("options", "")
    given = " ".join(given) if isinstance(given, tuple) else given
    settings = f"-c lock_timeout={PG_LOCK_TIMEOUT} -c jit=off {given}".strip()
    options = {"use_native_hstore": False} if parts.get_driver_name() == "psycopg" else {}
    return sa_create_engine(
        url,
        connect_args={"options": settings},
        pool_size=1,
        max_overflow=4,
        **options,
    )


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


def current_revision(engine: Engine) -> str | None:
    from sqlalchemy import exc, inspect, text

    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":  # one round trip, not a catalog probe first
            try:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except exc.ProgrammingError as error:
                if getattr(error.orig, "sqlstate", None) == "42P01":  # undefined_table
                    return None
                raise
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def alembic_config(connection=None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, progress: Progress | None = None) -> tuple[str | None, str]:
    """Bring the schema to this program's head; returns (before, after).

    A migration that leaves the derived rows to be worked out again (the first upgrade to
    0003 of a database with data, a table re-created without its triggers) is followed by
    a rebuild in short transactions, reported to `progress` (by default on stderr)."""
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

    from koptrain.storage import derived

    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
        if derived.pending(conn) and not derived.rebuild_needed(conn):
            derived.start_rebuild(conn)  # what a migration named: rows already stored
        rebuild = derived.rebuild_needed(conn)
    if rebuild:
        report = progress or StderrProgress()
        report(0, 0)
        derived.rebuild(engine, report)
    if before is not None:
        # A migration may add indexes to a database full of data: give the query planner
        # their statistics now, or it may keep choosing the old plans.
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    return before, SCHEMA_HEAD


Progress = Callable[[int, int], None]


class StderrProgress:
    """Says on stderr that the report tables are being worked out again, and how far."""

    def __init__(self) -> None:
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        if total == 0:
            print(
                _(
                    "koptrain: working out the report tables again from every enrollment and "
                    "contact (after an upgrade or on request); a large database takes minutes."
                ),
                file=sys.stderr,
                flush=True,
            )
            return
        percent = 100 * done // total
        if percent // 10 == self.shown // 10 and done != total:
            return
        self.shown = percent
        print(
            _("koptrain: report tables {percent} % done.").format(percent=percent),
            file=sys.stderr,
            flush=True,
        )


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

    def __init__(self, url: str, *, write: bool = False, create: bool | None = None) -> None:
        self.url = url
        self.write = write
        self.command = ""  # the command line, masked into the audit trail
        # audit records owed by the command (a --reveal-nik): written in its first transaction
        # that succeeds, so a refused command records nothing and no output comes before it
        self.owed: list = []
        path = sqlite_path(url)
        self.created = path is not None and not path.exists()  # said on stderr by the CLI
        self.engine = create_engine(url, write=write, create=create)
        self.ensure_schema()

    def ensure_schema(self) -> None:
        with translate_db_errors(self.url):
            upgrade(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error. A write
        store's sessions refresh the reports' derived rows before they commit (the hook of
        koptrain.storage.derived); a read store's write nothing."""
        from sqlalchemy import event
        from sqlmodel import Session

        with translate_db_errors(self.url), Session(self.engine) as db:
            db.info["command"] = self.command
            from koptrain.storage import journal

            journal.track(db)  # what this transaction changes, for `log` and `undo`
            if self.write:
                from koptrain.storage import derived

                event.listen(db, "before_commit", derived.before_commit)
            try:
                yield db
                while self.owed:
                    self.owed.pop(0)(db)
                journal.finish(db)  # before the derived rows' hook, which commit runs
                db.commit()
            except BaseException:
                db.rollback()
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
