"""`koptrain demo`: the Kota Blitar 2020 sample through the importer, checked against its files."""

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from conftest import Invoker

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "blitar-2020"


def _rows(name: str, delimiter: str = ",") -> list[dict]:
    with (SAMPLE / name).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def expected_figures() -> dict:
    """The summary's figures worked out from the sample files themselves."""
    sessions = {r["code"]: r for r in _rows("sessions.csv")}
    enrollments = _rows("enrollments.csv")
    people = _rows("people.csv", delimiter=";")
    coops = {(r["nik"] or r["legal_number"]): r for r in _rows("coops.csv")}
    gender = {p["NIK"]: "P" if p["Jenis Kelamin"].lower().startswith("p") else "L" for p in people}
    role = {(p["NIK"], p["Koperasi"]): p["Jabatan"].lower().replace(" ", "_") for p in people}
    days = defaultdict(lambda: [0, 0])  # (session, nik) -> [present days, recorded days]
    for a in _rows("attendance.csv"):
        days[(a["session"], a["nik"])][0] += a["present"] == "1"
        days[(a["session"], a["nik"])][1] += 1
    latest = {}
    for e in sorted(enrollments, key=lambda e: sessions[e["session"]]["start"]):
        latest[e["nik"]] = e
    return {
        "enrollments": len(enrollments),
        "participants": len({e["nik"] for e in enrollments}),
        "per_session": Counter(e["session"] for e in enrollments),
        "attended": sum(1 for e in enrollments if days[(e["session"], e["nik"])][0] > 0),
        "completed": sum(
            1
            for e in enrollments
            if days[(e["session"], e["nik"])][0] == days[(e["session"], e["nik"])][1] > 0
        ),
        "cooperatives": len({e["coop_nik"] for e in enrollments}),
        "by_gender": Counter(gender[n] for n in latest),
        "by_role": Counter(role[(n, e["coop_nik"])] for n, e in latest.items()),
        "by_kecamatan": Counter(coops[e["coop_nik"]]["kecamatan"] for e in latest.values()),
    }


@pytest.fixture(scope="module")
def figures():
    return expected_figures()


def test_demo_loads_the_sample_and_prints_the_summary(koptrain, db_url, figures):
    result = koptrain("demo", "--db", db_url)
    assert "230" in result.stdout and "240" in result.stdout
    assert "Try next" in result.stdout
    report = json.loads(
        koptrain(
            "--db", db_url, "report", "summary", "--program", "BLITAR-2020", "--format", "json"
        ).stdout
    )
    totals = report["totals"]
    assert figures["participants"] == totals["participants"] == 230
    assert figures["enrollments"] == totals["enrollments"] == 240
    assert totals["sessions"] == 6 and totals["capacity"] == 240
    assert totals["attended"] == figures["attended"]
    assert totals["completed"] == figures["completed"]
    assert totals["cooperatives"] == figures["cooperatives"]
    assert {s["code"]: s["enrolled"] for s in report["sessions"]} == figures["per_session"]
    assert report["by_gender"] == dict(figures["by_gender"])
    assert report["by_role"] == dict(figures["by_role"])
    assert report["by_kecamatan"] == dict(figures["by_kecamatan"])
    for breakdown in ("by_gender", "by_role", "by_kecamatan"):
        assert sum(report[breakdown].values()) == 230


def test_the_ineligible_coops_of_the_sample_say_why(koptrain, db_url):
    koptrain("demo", "--db", db_url)
    verdict = json.loads(
        koptrain(
            "--db",
            db_url,
            "coop",
            "eligibility",
            "3572019149310905",
            "--on",
            "2020-06-16",
            "--format",
            "json",
        ).stdout
    )
    assert verdict["eligible"] is False
    assert "14 days after the deadline 2020-03-31" in " ".join(verdict["reasons"])


def test_demo_refuses_a_database_that_holds_data(koptrain, db_url):
    koptrain("demo", "--db", db_url)
    result = koptrain("demo", "--db", db_url, code=1)
    assert "already holds data" in result.stderr


def test_demo_without_db_makes_its_own_database_afresh(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    for _ in range(2):
        result = Invoker()("demo")
        assert "koptrain-demo.sqlite3" in result.stdout
    assert (tmp_path / "xdg" / "koptrain" / "koptrain-demo.sqlite3").exists()
