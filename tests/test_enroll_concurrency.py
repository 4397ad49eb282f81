"""Capacity holds when several processes enroll into one session at the same moment."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlmodel import func, select

from koptrain.models import Enrollment

import factories as f

PROCESSES = 6
PEOPLE_EACH = 10
CAPACITY = 40


@pytest.mark.slow
def test_six_processes_never_fill_more_than_the_capacity(store, db_url, tmp_path):
    with store.session() as s:
        coop = f.coop(s)
        f.training(s, "RUSH", capacity=CAPACITY)
        niks = [f.person(s, coop, name=f"P{i:02d}").nik for i in range(PROCESSES * PEOPLE_EACH)]
    env = {**os.environ, "KOPTRAIN_LANG": "en", "NO_COLOR": "1"}
    env.pop("KOPTRAIN_DB", None)
    batches = [niks[i : i + PEOPLE_EACH] for i in range(0, len(niks), PEOPLE_EACH)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "koptrain", "--db", db_url, "enroll", "RUSH", *batch],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        for batch in batches
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    for code, out, err in results:
        assert code == 0, err
        assert "locked" not in err.lower() and "busy" not in err.lower(), err
        assert len(out.splitlines()) == PEOPLE_EACH
    with store.session() as s:
        by_status = dict(
            s.exec(
                select(Enrollment.status, func.count(Enrollment.id)).group_by(Enrollment.status)
            ).all()
        )
    assert by_status == {"enrolled": CAPACITY, "waitlisted": PROCESSES * PEOPLE_EACH - CAPACITY}
    # Each process's people are one decision: a batch is seated whole or waitlisted whole
    # here (40 is a multiple of 10), and seat numbers were never handed out twice.
    seats = sorted(
        int(line.rsplit("seat ", 1)[1].split("/")[0])
        for _code, out, _err in results
        for line in out.splitlines()
        if " enrolled in " in line
    )
    assert seats == list(range(1, CAPACITY + 1))
    positions = sorted(
        int(line.rsplit("position ", 1)[1].split()[0])
        for _code, out, _err in results
        for line in out.splitlines()
        if " waitlisted for " in line
    )
    assert positions == list(range(1, PROCESSES * PEOPLE_EACH - CAPACITY + 1))
