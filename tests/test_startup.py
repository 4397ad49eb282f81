"""Start-up of the console script: what `--help` loads, and the collector held off until the
store is open. Behaviour only (which modules, what state, what output), never timings."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import factories

# Runs the real console-script entry point (koptrain.__main__.main) in a fresh interpreter,
# then reports what a command's start-up left behind, on stderr after a marker line.
PROBE = r"""
import gc, json, sys
from koptrain.__main__ import main
sys.argv = ["koptrain", *sys.argv[1:]]
try:
    main()
except SystemExit as exit:
    code = exit.code or 0
else:
    code = 0
sys.stdout.flush()
print("\n@@probe@@" + json.dumps({
    "code": code,
    "gc_enabled": gc.isenabled(),
    "frozen": gc.get_freeze_count(),
    "modules": sorted(sys.modules),
}), file=sys.stderr)
"""


def probe(*args: str) -> tuple[str, dict]:
    env = {**os.environ, "KOPTRAIN_LANG": "en", "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=120
    )
    stderr, _, report = done.stderr.rpartition("\n@@probe@@")
    assert report, done.stderr
    state = json.loads(report)
    state["stderr"] = stderr
    return done.stdout, state


def loaded(state: dict, package: str) -> bool:
    return any(m == package or m.startswith(package + ".") for m in state["modules"])


def test_help_loads_no_database_or_model_code():
    out, state = probe("--help")
    assert state["code"] == 0
    assert "report" in out
    for package in ("sqlalchemy", "sqlmodel", "alembic", "koptrain.db", "koptrain.models"):
        assert not loaded(state, package), package
    assert not loaded(state, "koptrain.services")
    assert not loaded(state, "koptrain.io")


def test_console_script_turns_the_collector_back_on_once_the_store_is_open(db_url, store):
    with store.session() as session:
        factories.coop(session, name="KSP Maju")
    out, state = probe("--db", db_url, "coop", "list", "--format", "json")
    assert state["code"] == 0, state["stderr"]
    assert [c["name"] for c in json.loads(out)] == ["KSP Maju"]
    assert state["gc_enabled"] is True
    assert state["frozen"] > 0  # start-up's objects are frozen out of the collector's walks


def test_console_script_prints_the_summary_exactly_as_in_process(db_url, store, koptrain):
    with store.session() as session:
        coop = factories.coop(session)
        person = factories.person(session, coop)
        training = factories.training(session, program=factories.program(session))
        factories.seat(session, training, person, coop, present_days=2)
    expected = koptrain("report", "summary", "--on", "2020-06-30").stdout
    out, state = probe("--db", db_url, "report", "summary", "--on", "2020-06-30")
    assert state["code"] == 0, state["stderr"]
    assert out == expected
    assert "Seats and people" in out


def test_an_error_still_exits_with_one_sentence(db_url):
    out, state = probe("--db", db_url, "report", "roster", "NOPE")
    assert state["code"] == 2
    assert out == ""
    assert state["stderr"].strip().startswith("koptrain: ")
    assert "Traceback" not in state["stderr"]
