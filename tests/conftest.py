"""Shared fixtures: every test gets its own real database (SQLite file, or PostgreSQL).

Set KOPTRAIN_TEST_PG to a PostgreSQL server URL (for example
postgresql+psycopg://koptrain@127.0.0.1:54329/postgres) to run the whole suite there:
each test then gets a database of its own, cloned from a migrated template.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

os.environ["KOPTRAIN_LANG"] = "en"
os.environ.pop("KOPTRAIN_DB", None)

from koptrain.i18n import setup

setup("en")

from typer.testing import CliRunner  # noqa: E402

from koptrain.cli.main import app  # noqa: E402

PG_URL = os.environ.get("KOPTRAIN_TEST_PG")
BACKEND = "postgresql" if PG_URL else "sqlite"


def _pg_admin(url: str):
    from sqlalchemy import create_engine

    return create_engine(url, isolation_level="AUTOCOMMIT")


def _pg_database_url(name: str) -> str:
    assert PG_URL
    return PG_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> str:
    """A migrated, empty database made once per test run, cloned for each test."""
    from koptrain.db import Store

    if PG_URL:
        from sqlalchemy import text

        name = f"koptrain_tpl_{uuid.uuid4().hex[:8]}"
        admin = _pg_admin(PG_URL)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        Store(_pg_database_url(name)).close()
        yield name
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        return
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    Store(f"sqlite:///{path}", write=True).close()
    yield str(path)


@pytest.fixture
def db_url(tmp_path: Path, template_db: str) -> str:
    """The URL of a fresh, migrated database for this test."""
    if PG_URL:
        from sqlalchemy import text

        name = f"koptrain_t_{uuid.uuid4().hex[:12]}"
        admin = _pg_admin(PG_URL)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"'))
        yield _pg_database_url(name)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        return
    path = tmp_path / "koptrain.sqlite3"
    shutil.copyfile(template_db, path)
    os.chmod(path, 0o600)
    yield str(path)


@pytest.fixture(autouse=True)
def _environment(monkeypatch, tmp_path, request):
    """No test touches the user's real data directory or depends on the machine's locale."""
    monkeypatch.setenv("KOPTRAIN_LANG", "en")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("KOPTRAIN_DB", raising=False)
    if "db_url" in request.fixturenames:
        monkeypatch.setenv("KOPTRAIN_DB", request.getfixturevalue("db_url"))
    setup("en")


@pytest.fixture
def store(db_url):
    """The test's database opened for writing, as a command would."""
    from koptrain.db import Store

    s = Store(db_url if "://" in db_url else f"sqlite:///{db_url}", write=True)
    yield s
    s.close()


class Invoker:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, code: int | None = 0):
        """Run `koptrain ARGS` in-process; check the exit status and that no traceback leaked."""
        result = self.runner.invoke(app, [str(a) for a in args], input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert "Traceback" not in result.output, result.output
        if code is not None:
            assert result.exit_code == code, (
                f"exit {result.exit_code}, expected {code}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result


@pytest.fixture
def koptrain(db_url) -> Invoker:
    """`koptrain(...)` runs the CLI against this test's database."""
    return Invoker()


# Two coops the people tests import members into: one known by its NIK Koperasi, one by
# its legal number (a coop without one).
COOP = "3572019475111595"
OTHER = "518.08/1/BH/2001"


@pytest.fixture
def coops(koptrain, tmp_path):
    path = tmp_path / "coops.csv"
    path.write_text(f"nik,name\n{COOP},KSP Mitra Usaha\n")
    koptrain("import", "coops", path)
    path.write_text(f"legal_number,name\n{OTHER},Kopwan Kartini\n")
    koptrain("import", "coops", path)
