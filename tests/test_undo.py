"""`undo`: every kind of entry taken back exactly, the conflict refusal, an undo undone."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import func, select

from koptrain.models import Attendance, Coop, Enrollment, Person, Training

import factories as f


@pytest.fixture
def niks(store) -> dict[str, str]:
    """Session S1 (16-18 June 2020, 2 seats) and three members of an eligible coop."""
    with store.session() as s:
        good = f.coop(s, "KSP Sejahtera", nik="3572010000000001")
        f.training(s, "S1", capacity=2)
        people = {
            "Sri": f.person(s, good, name="Sri Wahyuni"),
            "Budi": f.person(s, good, name="Budi Santoso", gender="L"),
            "Siti": f.person(s, good, name="Siti Aminah"),
        }
        return {k: p.nik for k, p in people.items()}


def statuses(store) -> dict[str, str]:
    with store.session() as s:
        rows = s.exec(
            select(Person.name, Enrollment.status).join(
                Enrollment, Enrollment.person_id == Person.id
            )
        ).all()
        return {name.split()[0]: status for name, status in rows}


def last_entry(koptrain) -> int:
    return json.loads(koptrain("log", "--limit", "1", "--format", "json").stdout)[0]["entry"]


def test_nothing_to_undo_is_one_sentence_and_exit_1(koptrain):
    result = koptrain("undo", code=1)
    assert result.stderr.strip() == (
        "koptrain: Nothing to undo: no entry of the log that changed data is left."
    )
    assert koptrain("undo", "99", code=2).stderr.startswith("koptrain: There is no entry 99")


def test_undo_of_an_import_removes_its_rows_and_an_undo_of_the_undo_puts_them_back(
    koptrain, store, niks, tmp_path
):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text(
        "nik,name,gender,coop_nik,role\n"
        "3572015212900001,Salah Satu,P,3572010000000001,anggota\n"
        "3572011212900002,Salah Dua,L,3572010000000001,pengurus\n"
        f"{niks['Sri']},Sri Wahyuni Edit,P,3572010000000001,pengurus\n"
    )
    koptrain("import", "people", str(wrong))
    imported = last_entry(koptrain)
    with store.session() as s:
        assert s.exec(select(func.count(Person.id))).one() == 5
    done = koptrain("undo")
    assert f"Undid entry {imported}" in done.stdout
    with store.session() as s:
        assert s.exec(select(func.count(Person.id))).one() == 3
        sri = s.exec(select(Person).where(Person.nik == niks["Sri"])).one()
        assert sri.name == "Sri Wahyuni"  # the update taken back too
    undo_entry = last_entry(koptrain)
    koptrain("undo", str(imported), code=1)  # already undone
    koptrain("undo", str(undo_entry))
    with store.session() as s:
        assert s.exec(select(func.count(Person.id))).one() == 5
        sri = s.exec(select(Person).where(Person.nik == niks["Sri"])).one()
        assert sri.name == "Sri Wahyuni Edit"
    koptrain("db", "check")


def test_undo_of_an_enrollment_frees_the_seat_for_the_waitlist(koptrain, store, niks):
    koptrain("enroll", "S1", niks["Sri"])
    koptrain("enroll", "S1", niks["Budi"])
    budi = last_entry(koptrain)
    koptrain("enroll", "S1", niks["Siti"])
    assert statuses(store) == {"Sri": "enrolled", "Budi": "enrolled", "Siti": "waitlisted"}
    result = koptrain("undo", str(budi))
    assert "Siti Aminah moved up from the waitlist." in result.stdout
    assert statuses(store) == {"Sri": "enrolled", "Siti": "enrolled"}
    koptrain("undo", str(last_entry(koptrain)))  # the undo undone: exactly as before
    assert statuses(store) == {"Sri": "enrolled", "Budi": "enrolled", "Siti": "waitlisted"}


def test_undo_of_a_withdrawal_puts_seats_and_waitlist_back(koptrain, store, niks):
    koptrain("enroll", "S1", niks["Sri"], niks["Budi"], niks["Siti"])
    koptrain("withdraw", "S1", niks["Sri"])
    assert statuses(store) == {"Sri": "withdrawn", "Budi": "enrolled", "Siti": "enrolled"}
    koptrain("undo")
    assert statuses(store) == {"Sri": "enrolled", "Budi": "enrolled", "Siti": "waitlisted"}


def test_undo_of_attendance_and_of_closing(koptrain, store, niks):
    koptrain("enroll", "S1", niks["Sri"], niks["Budi"])
    koptrain("attend", "S1", "--day", "2020-06-16", niks["Sri"])
    koptrain("undo")
    with store.session() as s:
        assert s.exec(select(func.count(Attendance.id))).one() == 0
    koptrain("session", "close", "S1", "--all-attended")
    assert statuses(store) == {"Sri": "completed", "Budi": "completed"}
    koptrain("undo")
    assert statuses(store) == {"Sri": "enrolled", "Budi": "enrolled"}
    with store.session() as s:
        assert s.exec(select(Training.status)).one() == "open"
        assert s.exec(select(func.count(Attendance.id))).one() == 0


def test_undo_of_an_edit_and_of_a_delete(koptrain, store, niks):
    koptrain("person", "edit", niks["Budi"], "--name", "Budi S.")
    koptrain("undo")
    with store.session() as s:
        assert s.exec(select(Person.name).where(Person.nik == niks["Budi"])).one() == "Budi Santoso"
    koptrain("coop", "add", "--nik", "3572010000000099", "--name", "KSP Kosong")
    koptrain("coop", "delete", "KSP Kosong")
    koptrain("undo")
    with store.session() as s:
        assert s.exec(select(Coop.name).where(Coop.nik == "3572010000000099")).one() == "KSP Kosong"


def test_undo_is_refused_naming_the_later_entry_that_changed_the_row(koptrain, store, niks):
    koptrain("person", "edit", niks["Budi"], "--name", "Budi Satu")
    first = last_entry(koptrain)
    koptrain("person", "edit", niks["Budi"], "--phone", "08123")
    second = last_entry(koptrain)
    result = koptrain("undo", str(first), code=1)
    assert f"entry {second}" in result.stderr
    with store.session() as s:
        budi = s.exec(select(Person).where(Person.nik == niks["Budi"])).one()
        assert (budi.name, budi.phone) == ("Budi Satu", "08123")
    koptrain("undo")  # the latest first, then the earlier one
    koptrain("undo", str(first))
    with store.session() as s:
        budi = s.exec(select(Person).where(Person.nik == niks["Budi"])).one()
        assert (budi.name, budi.phone) == ("Budi Santoso", None)


def test_undo_is_refused_when_a_later_row_refers_to_what_it_would_remove(koptrain, niks):
    koptrain("coop", "add", "--nik", "3572010000000077", "--name", "KSP Baru")
    added = last_entry(koptrain)
    koptrain(
        "person",
        "add",
        "--nik",
        "3572015705800009",
        "--name",
        "Ani",
        "--gender",
        "P",
        "--coop",
        "KSP Baru",
        "--role",
        "anggota",
    )
    joined = last_entry(koptrain)
    result = koptrain("undo", str(added), code=1)
    assert f"entry {joined}" in result.stderr


def test_plain_undo_walks_back_instead_of_redoing(koptrain, store, niks):
    koptrain("person", "edit", niks["Sri"], "--name", "A")
    koptrain("person", "edit", niks["Budi"], "--name", "B")
    koptrain("undo")
    koptrain("undo")
    with store.session() as s:
        names = set(s.exec(select(Person.name)).all())
    assert names == {"Sri Wahyuni", "Budi Santoso", "Siti Aminah"}


def test_exports_change_nothing_and_are_not_undone(koptrain, niks, tmp_path):
    koptrain("person", "edit", niks["Sri"], "--name", "A")
    edit = last_entry(koptrain)
    koptrain("export", "people", "-o", str(tmp_path / "p.csv"))
    assert f"Undid entry {edit}" in koptrain("undo").stdout


def test_undo_entry_date_is_local_time(koptrain, niks):
    entry = json.loads(koptrain("log", "--limit", "1", "--format", "json").stdout)[0]
    at = dt.datetime.strptime(entry["at"], "%Y-%m-%d %H:%M:%S")
    assert abs((at - dt.datetime.now()).total_seconds()) < 3600
