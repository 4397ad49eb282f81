"""A large import killed with SIGKILL half-way leaves the database exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import func, select
from test_import import COOP, one_coop

from koptrain.models import Audit, Membership, Person

ROWS = 300_000


def big_people_file(path: Path) -> None:
    with path.open("w") as out:
        out.write("nik,name,gender,birth_date,coop_nik,role\n")
        for i in range(ROWS):
            day, month, year = i % 28 + 1, i % 12 + 1, 60 + i % 40
            nik = f"3572{i // 10000 % 100:02d}{day:02d}{month:02d}{year:02d}{i % 10000:04d}"
            out.write(f"{nik},Person {i},L,19{year}-{month:02d}-{day:02d},{COOP},anggota\n")


def snapshot(store) -> tuple[int, int, int]:
    with store.session() as session:
        return tuple(
            session.exec(select(func.count()).select_from(model)).one()
            for model in (Person, Membership, Audit)
        )


@pytest.mark.slow
def test_sigkill_mid_import_leaves_the_database_as_before(koptrain, store, db_url, tmp_path):
    one_coop(koptrain, tmp_path)
    small = tmp_path / "small.csv"
    small.write_text(f"nik,name,gender,coop_nik,role\n3572014106609646,Heni,P,{COOP},anggota\n")
    koptrain("import", "people", small)
    before = snapshot(store)
    path = tmp_path / "big.csv"
    big_people_file(path)
    wal = Path(db_url + "-wal") if "://" not in db_url else None
    process = subprocess.Popen(
        [sys.executable, "-m", "koptrain", "--db", db_url, "import", "people", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "KOPTRAIN_DB": db_url},
    )
    deadline = time.monotonic() + 60
    # Mid-way: rows are being written (the WAL grows) but the import has not committed.
    while time.monotonic() < deadline and process.poll() is None:
        if wal is not None and wal.exists() and wal.stat().st_size > 4_000_000:
            break
        if wal is None and time.monotonic() > deadline - 57:
            break
        time.sleep(0.05)
    assert process.poll() is None, process.stderr.read().decode()
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    assert snapshot(store) == before
    koptrain("db", "check")
