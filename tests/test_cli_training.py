"""`program`, `session`, `enroll`, `withdraw`, `attend` as a user runs them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import func, select

from koptrain.models import Attendance, Audit, Enrollment, Membership, Training

import factories as f


@pytest.fixture
def niks(store) -> dict[str, str]:
    """Session BLT20-01 (16-18 June 2020, 2 seats, pengurus and anggota) and people by name."""
    with store.session() as s:
        good = f.coop(s, "KSP Sejahtera")
        other = f.coop(s, "Kopwan Srikandi")
        late = f.coop(s, "KSU Telat", rat_held=dt.date(2020, 4, 14))
        program = f.program(s)
        f.training(s, capacity=2, audience="pengurus,anggota", program=program)
        people = {
            "Sri": f.person(s, good, name="Sri Wahyuni", role="pengurus"),
            "Budi": f.person(s, good, name="Budi Santoso", gender="L"),
            "Siti": f.person(s, good, name="Siti Aminah"),
            "Calon": f.person(s, good, name="Calon Anggota", role="calon_anggota"),
            "Late": f.person(s, late, name="Hendra Gunawan", gender="L"),
            "Two": f.person(s, good, name="Dua Koperasi"),
        }
        s.add(Membership(person_id=people["Two"].id, coop_id=other.id, role="anggota"))
        return {k: p.nik for k, p in people.items()}


def count(store, status: str | None = None) -> int:
    with store.session() as s:
        query = select(func.count(Enrollment.id))
        if status:
            query = query.where(Enrollment.status == status)
        return s.exec(query).one()


def masked(nik: str) -> str:
    return nik[:4] + "*" * 10 + nik[-2:]


def test_program_add_and_list(koptrain):
    koptrain("program", "add", "BLITAR-2020", "--name", "Pelatihan 2020", "--year", "2020")
    result = koptrain("program", "add", "blitar-2020", "--name", "Again", code=1)
    assert result.stderr.strip() == (
        "koptrain: A program with the code 'BLITAR-2020' already exists: Pelatihan 2020."
    )
    koptrain(
        "session",
        "create",
        "S1",
        "--title",
        "T",
        "--start",
        "2020-06-16",
        "--end",
        "2020-06-16",
        "--program",
        "BLITAR-2020",
    )
    rows = json.loads(koptrain("program", "list", "--format", "json").stdout)
    assert rows == [{"code": "BLITAR-2020", "name": "Pelatihan 2020", "year": 2020, "sessions": 1}]


def test_session_create_list_and_errors(koptrain, store):
    koptrain(
        "session",
        "create",
        "BLT20-01",
        "--title",
        "Laporan Keuangan",
        "--start",
        "16/06/2020",
        "--end",
        "18 Juni 2020",
        "--audience",
        "Pengurus,anggota",
        "--requires-business",
        "--venue",
        "Aula Dinas",
        "--min-attendance",
        "80%",
        "--trainer",
        "Dr. Hadi",
    )
    with store.session() as s:
        t = s.exec(select(Training)).one()
        assert (t.capacity, t.audience, t.min_attendance, t.requires_business) == (
            40,
            "pengurus,anggota",
            0.8,
            True,
        )
        assert t.trainers == "Dr. Hadi"
    rows = json.loads(koptrain("session", "list", "--format", "json").stdout)
    assert rows[0] | {"program": None} == {
        "code": "BLT20-01",
        "program": None,
        "title": "Laporan Keuangan",
        "start": "2020-06-16",
        "end": "2020-06-18",
        "capacity": 40,
        "seat_holders": 0,
        "waitlisted": 0,
        "free_seats": 40,
        "status": "open",
    }
    again = koptrain(
        "session",
        "create",
        "BLT20-01",
        "--title",
        "x",
        "--start",
        "2020-07-01",
        "--end",
        "2020-07-01",
        code=1,
    )
    assert "already exists" in again.stderr
    backwards = koptrain(
        "session",
        "create",
        "NEW",
        "--title",
        "x",
        "--start",
        "2020-07-02",
        "--end",
        "2020-07-01",
        code=2,
    )
    assert backwards.stderr.strip() == (
        "koptrain: The session cannot start (2 July 2020) after it ends (1 July 2020)."
    )
    koptrain(
        "session",
        "create",
        "NEW",
        "--title",
        "x",
        "--start",
        "2020-07-01",
        "--end",
        "2020-07-01",
        "--min-attendance",
        "80",
        code=2,
    )
    koptrain(
        "session",
        "create",
        "NEW",
        "--title",
        "x",
        "--start",
        "2020-07-01",
        "--end",
        "2020-07-01",
        "--program",
        "NOPE",
        code=2,
    )
    koptrain(
        "session",
        "create",
        "NEW",
        "--title",
        "x",
        "--start",
        "2020-07-01",
        "--end",
        "2020-07-01",
        "--audience",
        "direktur",  # ketua is a pengurus (SPEC §7); direktur is no role
        code=2,
    )
    assert len(json.loads(koptrain("session", "list", "--format", "json").stdout)) == 1


def test_enroll_prints_each_outcome(koptrain, store, niks):
    result = koptrain("enroll", "BLT20-01", niks["Sri"], niks["Budi"], niks["Siti"])
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == f"Sri Wahyuni ({masked(niks['Sri'])}) enrolled in BLT20-01 for KSP Sejahtera: seat 1/2."
    )
    assert lines[1].endswith("seat 2/2.")
    assert lines[2] == (
        f"Siti Aminah ({masked(niks['Siti'])}) waitlisted for BLT20-01 (for KSP Sejahtera): "
        "position 1 on the waitlist."
    )
    assert niks["Sri"] not in result.stdout
    assert (count(store, "enrolled"), count(store, "waitlisted")) == (2, 1)


def test_one_refused_person_means_nothing_written_and_exit_1(koptrain, store, niks):
    result = koptrain("enroll", "BLT20-01", niks["Sri"], niks["Calon"], niks["Late"], code=1)
    assert "would be enrolled in BLT20-01 for KSP Sejahtera: seat 1/2." in result.stdout
    errors = result.stderr.strip().splitlines()
    assert errors[0].endswith(
        "is calon_anggota of KSP Sejahtera, but session BLT20-01 is only for pengurus, anggota."
    )
    assert errors[1].startswith(f"koptrain: Hendra Gunawan ({masked(niks['Late'])}) cannot enroll")
    assert "RAT 2019 held 2020-04-14, 14 days after the deadline 2020-03-31." in errors[1]
    assert errors[-1] == "koptrain: Nothing was written: 2 of 3 people were refused."
    assert count(store) == 0


def test_single_refusal_is_one_sentence(koptrain, niks):
    koptrain("enroll", "BLT20-01", niks["Sri"])
    result = koptrain("enroll", "BLT20-01", niks["Sri"], code=1)
    assert result.stderr == (
        f"koptrain: Sri Wahyuni ({masked(niks['Sri'])}) is already enrolled in session BLT20-01.\n"
    )


def test_dry_run_writes_nothing_and_exits_like_the_real_run(koptrain, store, niks):
    result = koptrain("enroll", "BLT20-01", niks["Sri"], niks["Budi"], niks["Siti"], "--dry-run")
    assert "would be waitlisted" in result.stdout
    assert result.stdout.rstrip().endswith("Dry run: nothing was written.")
    koptrain("enroll", "BLT20-01", niks["Late"], "--dry-run", code=1)
    assert count(store) == 0


def test_no_waitlist_refuses_when_full(koptrain, store, niks):
    koptrain("enroll", "BLT20-01", niks["Sri"], niks["Budi"])
    result = koptrain("enroll", "BLT20-01", niks["Siti"], "--no-waitlist", code=1)
    assert "is full (2 seats)" in result.stderr
    assert count(store) == 2


def test_several_coops_need_coop_option(koptrain, store, niks):
    result = koptrain("enroll", "BLT20-01", niks["Two"], code=2)
    assert "belongs to several cooperatives: KSP Sejahtera" in result.stderr
    assert "Kopwan Srikandi" in result.stderr and "--coop" in result.stderr
    result = koptrain("enroll", "BLT20-01", niks["Two"], "--coop", "Kopwan")
    assert "for Kopwan Srikandi: seat 1/2." in result.stdout


def test_override_is_stored_and_audited(koptrain, store, niks):
    result = koptrain("enroll", "BLT20-01", niks["Late"], "--override", "Surat Kadis 12/2020")
    assert "seat 1/2." in result.stdout
    assert "Overridden: Hendra Gunawan" in result.stdout
    with store.session() as s:
        assert s.exec(select(Enrollment)).one().override_reason == "Surat Kadis 12/2020"
        audit = s.exec(select(Audit).where(Audit.entity == "enrollment")).one()
        assert json.loads(audit.change)["override_reason"] == "Surat Kadis 12/2020"
        assert niks["Late"] not in audit.command
    shown = koptrain("session", "show", "BLT20-01").stdout
    assert "Hendra Gunawan *" in shown
    assert "enrolled by override: Surat Kadis 12/2020" in shown
    koptrain("enroll", "BLT20-01", niks["Sri"], "--override", " ", code=2)


def test_withdraw_says_who_moved_up(koptrain, store, niks):
    koptrain("enroll", "BLT20-01", niks["Sri"], niks["Budi"], niks["Siti"])
    result = koptrain("withdraw", "BLT20-01", niks["Budi"], "--reason", "sakit")
    assert result.stdout.splitlines() == [
        f"Budi Santoso ({masked(niks['Budi'])}) withdrawn from session BLT20-01.",
        f"Siti Aminah ({masked(niks['Siti'])}) moved up from the waitlist: seat 2/2.",
    ]
    again = koptrain("withdraw", "BLT20-01", niks["Budi"], code=1)
    assert again.stderr.strip().endswith("is not enrolled in session BLT20-01.")
    result = koptrain("withdraw", "BLT20-01", niks["Sri"])
    assert "The waitlist is empty; the seat stays free." in result.stdout


def test_attend_and_close(koptrain, store, niks):
    koptrain("enroll", "BLT20-01", niks["Sri"], niks["Budi"], niks["Siti"])
    koptrain("session", "close", "BLT20-01", code=1)
    for day in ("2020-06-16", "17/06/2020", "18 Juni 2020"):
        result = koptrain("attend", "BLT20-01", "--day", day, niks["Sri"], niks["Budi"])
        assert "2 recorded present (2 new, 0 changed)" in result.stdout
    koptrain("attend", "BLT20-01", "--day", "2020-06-18", niks["Budi"], "--absent")
    outside = koptrain("attend", "BLT20-01", "--day", "2020-06-19", niks["Sri"], code=2)
    assert (
        "19 June 2020 is not a day of session BLT20-01 (16 June 2020 to 18 June 2020)"
        in outside.stderr
    )
    seatless = koptrain(
        "attend", "BLT20-01", "--day", "2020-06-16", niks["Sri"], niks["Siti"], code=1
    )
    assert "No seat in session BLT20-01 for Siti Aminah" in seatless.stderr
    with store.session() as s:
        assert s.exec(select(func.count(Attendance.id))).one() == 6
    result = koptrain("session", "close", "BLT20-01")
    assert result.stdout.splitlines() == [
        "Session BLT20-01 closed: 1 completed, 1 not completed.",
        "1 people stay on the waitlist without a seat.",
    ]
    koptrain("session", "close", "BLT20-01", code=1)
    koptrain("attend", "BLT20-01", "--day", "2020-06-16", niks["Sri"], code=1)
    rows = json.loads(koptrain("session", "show", "BLT20-01", "--format", "json").stdout)
    assert {r["name"]: r["status"] for r in rows["roster"]} == {
        "Sri Wahyuni": "completed",
        "Budi Santoso": "not_completed",
        "Siti Aminah": "waitlisted",
    }


def test_close_all_attended_and_cancel(koptrain, store, niks):
    koptrain("enroll", "BLT20-01", niks["Sri"])
    result = koptrain("session", "close", "BLT20-01", code=1)
    assert "No attendance is recorded for session BLT20-01" in result.stderr
    koptrain("session", "close", "BLT20-01", "--all-attended")
    koptrain(
        "session", "create", "LATER", "--title", "x", "--start", "2020-07-01", "--end", "2020-07-01"
    )
    koptrain("enroll", "LATER", niks["Budi"])
    assert "1 enrollments withdrawn" in koptrain("session", "cancel", "LATER").stdout
    koptrain("session", "cancel", "LATER", code=1)
    koptrain("session", "close", "LATER", code=1)
    koptrain("enroll", "LATER", niks["Budi"], code=1)
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    koptrain("session", "create", "AHEAD", "--title", "x", "--start", future, "--end", future)
    assert "runs until" in koptrain("session", "close", "AHEAD", code=1).stderr


def test_session_show_masks_niks_and_fits_a_terminal(koptrain, niks, monkeypatch):
    koptrain("enroll", "BLT20-01", niks["Sri"], niks["Budi"], niks["Siti"])
    monkeypatch.setenv("COLUMNS", "80")
    text = koptrain("session", "show", "BLT20-01").stdout
    assert masked(niks["Sri"]) in text and niks["Sri"] not in text
    assert "waitlisted (1)" in text and "KSP Sejahtera" in text
    assert max(len(line.rstrip()) for line in text.splitlines()) <= 80
    data = json.loads(koptrain("session", "show", "BLT20-01", "--format", "json").stdout)
    assert data["session"]["seat_holders"] == 2
    assert data["roster"][0]["nik"] == masked(niks["Budi"])
    revealed = koptrain("--reveal-nik", "session", "show", "BLT20-01", "--format", "csv").stdout
    assert niks["Sri"] in revealed
    assert revealed.splitlines()[0].startswith("nik,name,coop,coop_nik,role,status")


def test_unknown_references_are_bad_usage(koptrain, niks):
    assert (
        "No session has the code 'NOPE'" in koptrain("enroll", "NOPE", niks["Sri"], code=2).stderr
    )
    koptrain("enroll", "BLT20-01", "3572010101019999", code=2)
    koptrain("session", "show", "NOPE", code=2)
