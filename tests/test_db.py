"""The store: where it lives, how it is created, checked, backed up and upgraded."""

import os
import sqlite3
import stat
import subprocess
import sys
import time

import pytest

from conftest import BACKEND, Invoker

sqlite_only = pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite file behaviour")


@sqlite_only
def test_a_reading_command_never_creates_a_database(tmp_path):
    target = tmp_path / "koptrain.sqlite3"
    result = Invoker()("--db", target, "db", "check", code=3)
    assert f"no database at {target}" in result.stderr
    Invoker()("--db", target, "coop", "list", code=3)
    assert not target.exists()


def test_a_writing_command_creates_it_private_and_says_so(tmp_path):
    target = tmp_path / "koptrain.sqlite3"
    result = Invoker()("--db", target, "program", "add", "P1", "--name", "Pelatihan")
    assert f"created a new database at {target}" in result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "good order" in Invoker()("--db", target, "db", "check").stdout


def test_a_missing_folder_is_never_created(tmp_path):
    target = tmp_path / "tpyo" / "koptrain.sqlite3"
    result = Invoker()("--db", target, "program", "add", "P1", "--name", "Pelatihan", code=3)
    assert "does not exist" in result.stderr
    assert not target.parent.exists()


@sqlite_only
def test_sqlite_is_opened_with_wal_and_foreign_keys(tmp_path):
    from koptrain.db import Store

    store = Store(f"sqlite:///{tmp_path / 'k.sqlite3'}", write=True)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    store.close()


@sqlite_only
def test_koptrain_db_environment_variable_is_honoured(tmp_path, monkeypatch):
    target = tmp_path / "from-env.sqlite3"
    monkeypatch.setenv("KOPTRAIN_DB", str(target))
    Invoker()("policy", "set", "session.capacity", "35")
    assert target.exists()
    assert "35" in Invoker()("--db", target, "policy", "show", "--format", "csv").stdout


@sqlite_only
def test_default_location_is_the_user_data_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    Invoker()("db", "check", code=3)  # reading: nothing created
    assert not (tmp_path / "xdg").exists()
    Invoker()("program", "add", "P1", "--name", "Pelatihan")  # its folder is made
    assert (tmp_path / "xdg" / "koptrain" / "koptrain.sqlite3").exists()


def test_policy_set_is_audited_and_unknown_keys_refused(koptrain):
    koptrain("policy", "set", "rat.extension.2019", "30/06/2020")
    shown = koptrain("policy", "show", "--format", "json").stdout
    assert '"rat.extension.2019"' in shown and "2020-06-30" in shown
    result = koptrain("policy", "set", "rat.month_primary", "4", code=2)
    assert "Unknown policy setting" in result.stderr
    log = koptrain("log", "--format", "json").stdout
    assert log.count('"entity": "policy"') == 1


@sqlite_only
def test_a_damaged_database_is_exit_3_with_one_sentence(tmp_path):
    target = tmp_path / "broken.sqlite3"
    target.write_bytes(b"this is not a database" * 100)
    result = Invoker()("--db", target, "db", "check", code=3)
    assert result.stderr.strip().count("\n") == 0
    assert "not a koptrain database" in result.stderr


@sqlite_only
def test_db_check_reports_foreign_key_damage_with_exit_3(tmp_path):
    target = tmp_path / "k.sqlite3"
    Invoker()("--db", target, "db", "upgrade")
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO membership (person_id, coop_id, role) VALUES (99, 98, 'anggota')")
    conn.commit()
    conn.close()
    result = Invoker()("--db", target, "db", "check", code=3)
    assert "damaged" in result.stderr


@sqlite_only
def test_a_newer_schema_is_refused_with_exit_3(tmp_path):
    target = tmp_path / "k.sqlite3"
    Invoker()("--db", target, "db", "upgrade")
    conn = sqlite3.connect(target)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    result = Invoker()("--db", target, "policy", "show", code=3)
    assert "newer than this program" in result.stderr


@sqlite_only
def test_an_unopenable_path_is_exit_3(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = Invoker()("--db", blocker / "sub" / "k.sqlite3", "policy", "show", code=3)
    assert "koptrain:" in result.stderr


@sqlite_only
def test_backup_while_another_process_writes_is_consistent(tmp_path):
    source = tmp_path / "live.sqlite3"
    Invoker()("--db", source, "db", "upgrade")
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1], timeout=10)\n"
            "c.execute('PRAGMA journal_mode=WAL')\n"
            "for i in range(4000):\n"
            '    c.execute("INSERT INTO audit (at, os_user, command, entity, key, change) '
            "VALUES ('2020-01-01 00:00:00', 'w', 'bench', 'x', ?, '{}')\", (str(i),))\n"
            "    c.commit()\n",
            str(source),
        ]
    )
    try:
        time.sleep(0.3)
        copies = []
        for i in range(3):
            dest = tmp_path / f"copy{i}.sqlite3"
            Invoker()("--db", source, "db", "backup", dest)
            copies.append(dest)
    finally:
        writer.wait(timeout=120)
    for dest in copies:
        assert stat.S_IMODE(dest.stat().st_mode) == 0o600
        Invoker()("--db", dest, "db", "check")
        rows = sqlite3.connect(dest).execute("SELECT count(*) FROM audit").fetchone()[0]
        assert 0 <= rows <= 4000


@sqlite_only
def test_backup_refuses_to_overwrite(tmp_path):
    source = tmp_path / "k.sqlite3"
    dest = tmp_path / "exists.sqlite3"
    dest.write_text("keep me")
    Invoker()("--db", source, "db", "upgrade")
    result = Invoker()("--db", source, "db", "backup", dest, code=2)
    assert "already exists" in result.stderr
    assert dest.read_text() == "keep me"


def test_db_upgrade_on_a_current_database_says_so(koptrain):
    assert "up to date" in koptrain("db", "upgrade").stdout


def test_log_limit(koptrain):
    for value in ("31", "32", "33"):
        koptrain("policy", "set", "session.capacity", value)
    rows = koptrain("log", "--limit", "2", "--format", "json").stdout
    assert rows.count('"entity"') == 2 and "33" in rows


def test_reveal_nik_is_recorded_in_the_audit_trail(koptrain):
    koptrain("--reveal-nik", "person", "list")  # a command that shows NIKs
    assert '"entity": "nik"' in koptrain("log", "--format", "json").stdout


def test_the_console_script_runs_as_a_module(db_url):
    env = dict(os.environ, KOPTRAIN_DB=db_url)
    done = subprocess.run(
        [sys.executable, "-m", "koptrain", "--version"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0 and done.stdout.startswith("koptrain ")


@pytest.mark.skipif(BACKEND != "postgresql", reason="pg_dump of a PostgreSQL database")
def test_backup_of_postgresql_uses_pg_dump(koptrain, tmp_path):
    import shutil

    if shutil.which("pg_dump") is None:
        result = koptrain("db", "backup", tmp_path / "dump", code=2)
        assert "pg_dump" in result.stderr
        return
    koptrain("policy", "set", "session.capacity", "30")
    dest = tmp_path / "dump.pgcustom"
    koptrain("db", "backup", dest)
    assert dest.stat().st_size > 0 and stat.S_IMODE(dest.stat().st_mode) == 0o600


def test_the_audit_trail_never_holds_a_full_nik(koptrain, store):
    import factories

    with store.session() as session:
        factories.coop(session, name="KSP Audit")
    nik = factories.nik("P")
    koptrain(
        "person",
        "add",
        "--nik",
        nik,
        "--name",
        "Siti",
        "--gender",
        "P",
        "--coop",
        "KSP Audit",
        "--role",
        "anggota",
    )
    koptrain("program", "add", "P1", "--name", "Program")
    koptrain("--reveal-nik", "person", "list")
    trail = koptrain("log", "--format", "json").stdout
    assert '"entity": "person"' in trail or '"entity": "membership"' in trail
    assert nik not in trail
