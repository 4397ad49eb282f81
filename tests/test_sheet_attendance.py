"""`sheet attendance` and the wide form of `import attendance`: the grid written, filled
as a person would with openpyxl, and read back (SPEC §11)."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from koptrain.models import Attendance, Enrollment, Person, journal_entry
from koptrain.services.fieldbooks.refs import seat_ref

import factories as f

HEADER_ROW = 5  # three heading lines and a blank one
FIRST = HEADER_ROW + 1
SHEET = "Attendance"
DAYS = ("16/06/2020", "17/06/2020", "18/06/2020")


@pytest.fixture
def setting(store):
    """A session of three days with three seat holders (the first with the first day
    recorded already), one on the waitlist, and another session."""
    with store.session() as db:
        coop = f.coop(db, "KSP Maju Bersama")
        training = f.training(db, "PEL-01")
        other = f.training(db, "PEL-02", start=dt.date(2020, 7, 1), end=dt.date(2020, 7, 2))
        names = ("Ani", 'Bu "Sri" [RT] Ñoño', "Cahyo")
        people = [f.person(db, coop, name=name) for name in names]
        seats = [f.seat(db, training, p, coop) for p in people]
        db.add(Attendance(enrollment_id=seats[0].id, day=training.start, present=True))
        waiting = f.person(db, coop, name="Dodi")
        f.seat(db, training, waiting, coop, status="waitlisted")
        elsewhere = f.seat(db, other, waiting, coop)
        ids = {
            "niks": [p.nik for p in [*people, waiting]],
            "seats": [s.id for s in seats],
            "elsewhere": elsewhere.id,
            "session": training.id,
        }
    return ids


def marks(store, session_id) -> dict:
    with store.session() as db:
        rows = db.exec(
            select(Person.name, Attendance.day, Attendance.present, Attendance.reason)
            .join(Enrollment, Enrollment.id == Attendance.enrollment_id)
            .join(Person, Person.id == Enrollment.person_id)
            .where(Enrollment.session_id == session_id)
        ).all()
    return {(name, day.day): (present, reason) for name, day, present, reason in rows}


def entries(store) -> int:
    with store.session() as db:
        return len(db.exec(select(journal_entry.c.id)).all())


def grid(koptrain, tmp_path):
    path = tmp_path / "hadir.xlsx"
    koptrain("sheet", "attendance", "PEL-01", "-o", path)
    return path


def fill(path, target, cells: dict[tuple[int, int], str]):
    """Type marks: (row from 0, day from 0) -> the mark."""
    workbook = load_workbook(path)
    sheet = workbook[SHEET]
    for (row, day), value in cells.items():
        sheet.cell(row=FIRST + row, column=6 + day).value = value
    workbook.save(target)
    return target


def test_the_grid_has_a_row_per_seat_holder_and_a_column_per_day(koptrain, setting, tmp_path):
    path = grid(koptrain, tmp_path)
    sheet = load_workbook(path)[SHEET]
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header == ["Ref", "Kode Pelatihan", "Nama", "NIK (tersamar)", "Koperasi", *DAYS]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=FIRST)]
    assert [r[0] for r in rows] == [seat_ref(i) for i in setting["seats"]]  # seat order
    assert [r[2] for r in rows] == ["Ani", 'Bu "Sri" [RT] Ñoño', "Cahyo"]  # no waitlist
    assert rows[0][3] == setting["niks"][0][:4] + "*" * 10 + setting["niks"][0][-2:]
    assert rows[0][5:] == ["H", None, None]  # what is recorded already
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists[f"F{FIRST}:F{FIRST + 2}"] == '"H,S,I,A,✓,X"'
    assert sheet.cell(row=FIRST, column=1).protection.locked
    assert not sheet.cell(row=FIRST, column=6).protection.locked
    with zipfile.ZipFile(path) as archive:  # no full NIK anywhere in the workbook
        text = b"".join(archive.read(name) for name in archive.namelist())
    for nik in setting["niks"]:
        assert nik.encode() not in text


def test_a_filled_grid_records_each_mark_once(koptrain, store, setting, tmp_path):
    path = grid(koptrain, tmp_path)
    filled = fill(
        path,
        tmp_path / "kembali.xlsx",
        {(0, 1): "s", (0, 2): "✓", (1, 0): "H", (1, 1): "i", (2, 2): "A"},  # `s`: typed
    )
    out = koptrain("import", "attendance", filled, "--format", "json")
    assert '"rows": 3' in out.stdout and '"inserted": 3' in out.stdout
    assert marks(store, setting["session"]) == {
        ("Ani", 16): (True, None),
        ("Ani", 17): (False, "sakit"),
        ("Ani", 18): (True, None),
        ('Bu "Sri" [RT] Ñoño', 16): (True, None),
        ('Bu "Sri" [RT] Ñoño', 17): (False, "izin"),
        ("Cahyo", 18): (False, "alpa"),
    }
    before = entries(store)
    again = koptrain("import", "attendance", filled, "--format", "json")
    assert '"unchanged": 3' in again.stdout and '"inserted": 0' in again.stdout
    assert entries(store) == before + 1  # the import's own line, no change
    (tmp_path / "again").mkdir()
    rewritten = grid(koptrain, tmp_path / "again")  # the grid shows it all, and reads back
    koptrain("import", "attendance", rewritten, "--format", "json")
    assert entries(store) == before + 2
    assert len(marks(store, setting["session"])) == 6


def test_a_mark_outside_the_list_refuses_the_grid(koptrain, store, setting, tmp_path):
    path = grid(koptrain, tmp_path)
    filled = fill(path, tmp_path / "kembali.xlsx", {(0, 1): "S", (1, 1): "Z", (2, 0): "H"})
    out = koptrain("import", "attendance", filled, code=2)
    assert (
        f"kembali.xlsx:{SHEET}:{FIRST + 1}: 17/06/2020: Attendance 'Z' is not a mark: use H "
        "(hadir), S (sakit), I (izin), A (alpa), ✓ or -." in out.stderr
    )
    assert marks(store, setting["session"]) == {("Ani", 16): (True, None)}
    rejects = tmp_path / "ditolak.xlsx"
    koptrain("import", "attendance", filled, "--skip-invalid", "--rejects", rejects, code=1)
    assert ("Cahyo", 16) in marks(store, setting["session"])
    sheet = load_workbook(rejects)[SHEET]  # the grid's columns, ready to correct
    header = [c.value for c in sheet[1]]
    assert header == ["Ref", "Kode Pelatihan", "Nama", "NIK (tersamar)", "Koperasi", *DAYS, "error"]
    row = [c.value for c in sheet[2]]
    assert row[0] == seat_ref(setting["seats"][1]) and row[6] == "Z"
    assert row[-1].startswith("17/06/2020: Attendance 'Z' is not a mark")
    sheet.cell(row=2, column=7).value = "I"
    fixed = tmp_path / "diperbaiki.xlsx"
    sheet.parent.save(fixed)
    koptrain("import", "attendance", fixed)
    assert marks(store, setting["session"])[('Bu "Sri" [RT] Ñoño', 17)] == (False, "izin")


def test_a_ref_unknown_mistyped_or_of_another_session_is_an_error(
    koptrain, store, setting, tmp_path
):
    path = grid(koptrain, tmp_path)
    workbook = load_workbook(path)
    sheet = workbook[SHEET]
    sheet.protection.sheet = False  # a person who unprotected the sheet and typed over refs
    good = seat_ref(setting["seats"][0])
    sheet.cell(row=FIRST, column=1).value = good[:-1] + str((int(good[-1]) + 1) % 10)
    sheet.cell(row=FIRST + 1, column=1).value = seat_ref(setting["elsewhere"])
    sheet.cell(row=FIRST + 2, column=1).value = seat_ref(99_999)
    filled = tmp_path / "kembali.xlsx"
    workbook.save(filled)
    out = koptrain("import", "attendance", filled, code=2)
    mistyped = sheet.cell(row=FIRST, column=1).value
    assert f"{SHEET}:{FIRST}: Ref: '{mistyped}' is not a valid ref" in out.stderr
    assert f"{SHEET}:{FIRST + 1}: Ref: The ref {seat_ref(setting['elsewhere'])} is a seat in " in (
        out.stderr
    )
    assert "session PEL-02, not in session PEL-01." in out.stderr
    assert f"{SHEET}:{FIRST + 2}: Ref: No seat has the ref {seat_ref(99_999)}." in out.stderr


def test_a_wide_csv_of_niks_with_the_session_given(koptrain, store, setting, tmp_path):
    path = tmp_path / "hadir.csv"
    niks = setting["niks"]
    path.write_text(f"nik;16 Juni 2020;17/06/2020\n{niks[1]};H;S\n{niks[2]};;x\n")
    out = koptrain("import", "attendance", path, code=2)
    assert "has no column session: give the session with --session" in out.stderr
    koptrain("import", "attendance", path, "--session", "PEL-01")
    got = marks(store, setting["session"])
    assert got[('Bu "Sri" [RT] Ñoño', 17)] == (False, "sakit")
    assert got[("Cahyo", 17)] == (False, None) and ("Cahyo", 16) not in got
    out = koptrain("import", "attendance", path, "--coop", "x", code=2)
    assert "only import nominations reads it" in out.stderr


def test_the_long_form_still_reads_a_row_per_day(koptrain, store, setting, tmp_path):
    path = tmp_path / "hadir.csv"
    path.write_text(f"session,nik,day,present\nPEL-01,{setting['niks'][2]},2020-06-17,H\n")
    koptrain("import", "attendance", path)
    assert marks(store, setting["session"])[("Cahyo", 17)] == (True, None)


def test_no_seat_holders_no_grid(koptrain, store, tmp_path):
    with store.session() as db:
        f.training(db, "KOSONG")
    out = koptrain("sheet", "attendance", "KOSONG", "-o", tmp_path / "a.xlsx", code=1)
    assert "has no seat holders" in out.stderr
