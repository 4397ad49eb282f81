"""`sheet nominations` and `import nominations`: the form a coop fills in, written, filled
as a person would with openpyxl, and read back (SPEC §11)."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from koptrain.models import Enrollment, Membership, Person, journal_entry

import factories as f

HEADER_ROW = 10  # five heading lines, the three cells read back, a blank line
FIRST = HEADER_ROW + 1
SHEET = "Nominations"


@pytest.fixture
def setting(store):
    """An eligible coop with one member already known, another coop, and an open session
    for pengurus and anggota with 5 seats, one of them taken."""
    with store.session() as db:
        coop = f.coop(db, "KSP Maju Bersama")
        other = f.coop(db, "KSP Lain")
        known = f.person(db, coop, name="Sri Wahyuni", role="anggota")
        training = f.training(db, "PEL-01", capacity=5, audience="pengurus,anggota")
        taken = f.person(db, other, name="Budi")
        f.seat(db, training, taken, other)
        ids = {"coop": coop.nik, "other": other.nik, "known": known.nik, "session": training.id}
    return ids


def person_rows(setting) -> list[list]:
    """Rows as a clerk types them: a NIK as text, a name with accents and [ ] ", values
    typed over the drop-downs (`P`, `ketua`, `ya`), dates as a date cell and as text."""
    return [
        [
            "3572014505900003",
            'Siti "Ani" Nurhayati [Bu RT] Ñ',
            "Perempuan",
            dt.date(1990, 5, 5),
            "081234567890",
            "anggota",
            "Ya",
        ],
        ["3572011203850004", "Agus Pramono", "Laki-laki", "12/03/1985", "0812", "ketua", "tidak"],
        [setting["known"], "Sri Wahyuni", "P", None, None, "anggota", "ya"],
    ]


def fill(form, target, rows, *, start=FIRST, skip=(), coop_column=None):
    """Type `rows` into the form's rows (leaving the rows in `skip` empty)."""
    workbook = load_workbook(form)
    sheet = workbook[SHEET]
    line = start
    for row in rows:
        while line in skip:
            line += 1
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=line, column=column).value = value
        if coop_column is not None:
            sheet.cell(row=line, column=8).value = coop_column
        line += 1
    workbook.save(target)
    return target


def nominations(store, session_id):
    with store.session() as db:
        return db.exec(
            select(Enrollment.status, Person.name, Enrollment.role)
            .join(Person, Person.id == Enrollment.person_id)
            .where(Enrollment.session_id == session_id)
            .order_by(Person.name)
        ).all()


def entries(store) -> int:
    with store.session() as db:
        return len(db.exec(select(journal_entry.c.id)).all())


def test_the_form_says_what_the_session_is_and_has_a_row_per_free_seat(koptrain, setting, tmp_path):
    form = tmp_path / "usulan.xlsx"
    out = koptrain("sheet", "nominations", "PEL-01", "--coop", setting["coop"], "-o", form)
    assert "4 rows" in out.stdout
    workbook = load_workbook(form)
    assert workbook.sheetnames == ["Instructions", SHEET]
    sheet = workbook[SHEET]
    top = [sheet.cell(row=r, column=1).value for r in range(1, HEADER_ROW)]
    assert "Penyusunan dan Analisa Laporan Keuangan" in top[0]
    assert "16 June 2020 – 18 June 2020" in top[1]
    assert "pengurus, anggota" in top[2] and "need not run a business" in top[2]
    assert "KSP Maju Bersama" in top[3]
    assert [sheet.cell(row=r, column=2).value for r in (6, 7, 8)] == ["PEL-01", setting["coop"], 4]
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header == [
        "NIK",
        "Nama",
        "Jenis Kelamin",
        "Tanggal Lahir",
        "Telepon",
        "Jabatan",
        "Punya Usaha",
        "NIK Koperasi",
    ]
    assert sheet.cell(row=FIRST, column=1).number_format == "@"  # NIK as Text
    assert sheet.cell(row=FIRST, column=5).number_format == "@"  # phone as Text
    assert not sheet.cell(row=FIRST, column=1).protection.locked
    assert sheet.cell(row=FIRST, column=8).protection.locked  # the coop is the form's
    assert sheet.cell(row=6, column=2).protection.locked and sheet.protection.sheet
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists[f"C{FIRST}:C{FIRST + 3}"] == '"Laki-laki,Perempuan"'
    assert lists[f"G{FIRST}:G{FIRST + 3}"] == '"Ya,Tidak"'
    assert lists[f"F{FIRST}:F{FIRST + 3}"].startswith('"pengurus,anggota,ketua')
    assert sheet.max_row == FIRST + 3  # as many rows as the quota


def test_a_filled_form_enrolls_its_people_once(koptrain, store, setting, tmp_path):
    form = tmp_path / "usulan.xlsx"
    koptrain("sheet", "nominations", "PEL-01", "--coop", setting["coop"], "-o", form)
    filled = fill(form, tmp_path / "kembali.xlsx", person_rows(setting), skip={FIRST + 1})
    out = koptrain("import", "nominations", filled, "--format", "json")
    assert '"inserted": 3' in out.stdout and '"rejected": 0' in out.stdout
    assert nominations(store, setting["session"]) == [
        ("enrolled", "Agus Pramono", "pengurus"),
        ("enrolled", "Budi", "anggota"),
        ("enrolled", 'Siti "Ani" Nurhayati [Bu RT] Ñ', "anggota"),
        ("enrolled", "Sri Wahyuni", "anggota"),
    ]
    with store.session() as db:
        siti = db.exec(select(Person).where(Person.nik == "3572014505900003")).one()
        assert (siti.phone, siti.birth_date, siti.has_business) == (
            "081234567890",
            dt.date(1990, 5, 5),
            True,
        )
        agus = db.exec(select(Membership).join(Person).where(Person.nik == "3572011203850004"))
        assert agus.one().position == "ketua"
    before = entries(store)
    again = koptrain("import", "nominations", filled, "--format", "json")
    assert '"unchanged": 3' in again.stdout and '"inserted": 0' in again.stdout
    assert '"updated": 0' in again.stdout
    assert entries(store) == before + 1  # the import's own line, no change
    koptrain("undo")  # the second import changed nothing: undo takes back the first
    assert nominations(store, setting["session"]) == [("enrolled", "Budi", "anggota")]


def test_more_people_than_the_quota_are_refused_naming_it(koptrain, store, setting, tmp_path):
    form = tmp_path / "usulan.xlsx"
    koptrain(
        "sheet", "nominations", "PEL-01", "--coop", setting["coop"], "--quota", "2", "-o", form
    )
    filled = fill(form, tmp_path / "kembali.xlsx", person_rows(setting))
    out = koptrain("import", "nominations", filled, code=2)
    assert (
        f"kembali.xlsx:{SHEET}:{FIRST + 2}: NIK: More people than the quota of 2: this form "
        "nominates at most 2." in out.stderr
    )
    twice = fill(form, tmp_path / "dua-kali.xlsx", [person_rows(setting)[0]] * 2)
    out = koptrain("import", "nominations", twice, code=2)
    assert (
        f"dua-kali.xlsx:{SHEET}:{FIRST + 1}: NIK: This person is nominated on line {FIRST} "
        "already." in out.stderr
    )
    assert nominations(store, setting["session"]) == [("enrolled", "Budi", "anggota")]
    koptrain("import", "nominations", filled, "--skip-invalid", code=1)
    assert len(nominations(store, setting["session"])) == 3


def test_a_person_of_another_coop_is_an_error_in_the_coop_column(
    koptrain, store, setting, tmp_path
):
    form = tmp_path / "usulan.xlsx"
    koptrain("sheet", "nominations", "PEL-01", "-o", form)  # the coop writes itself in
    workbook = load_workbook(form)
    assert not workbook[SHEET].cell(row=7, column=2).protection.locked
    rows = person_rows(setting)[:2]
    filled = fill(form, tmp_path / "kembali.xlsx", rows)
    out = koptrain("import", "nominations", filled, code=2)
    assert "names no cooperative (Kode koperasi): give it with --coop" in out.stderr
    workbook = load_workbook(filled)
    workbook[SHEET].cell(row=7, column=2).value = setting["coop"]
    workbook[SHEET].cell(row=FIRST + 1, column=8).value = setting["other"]
    workbook.save(filled)
    out = koptrain("import", "nominations", filled, code=2)
    assert (
        f"kembali.xlsx:{SHEET}:{FIRST + 1}: NIK Koperasi: {setting['other']} is another "
        "cooperative: this form nominates people of KSP Maju Bersama." in out.stderr
    )
    assert nominations(store, setting["session"]) == [("enrolled", "Budi", "anggota")]


def test_a_refused_person_refuses_the_file_unless_skip_invalid(koptrain, store, setting, tmp_path):
    form = tmp_path / "usulan.xlsx"
    koptrain("sheet", "nominations", "PEL-01", "--coop", setting["coop"], "-o", form)
    rows = person_rows(setting)
    rows[1][5] = "calon anggota"  # not in the session's audience
    rows[2][2] = "X"  # typed over the drop-down, not a gender
    filled = fill(form, tmp_path / "kembali.xlsx", rows)
    out = koptrain("import", "nominations", filled, code=2)
    assert (
        f"{SHEET}:{FIRST + 1}: Jabatan: Agus Pramono (3572**********04) is calon_anggota of "
        "KSP Maju Bersama, but session PEL-01 is only for pengurus, anggota." in out.stderr
    )
    assert f"{SHEET}:{FIRST + 2}: Jenis Kelamin: " in out.stderr
    assert nominations(store, setting["session"]) == [("enrolled", "Budi", "anggota")]

    rejects = tmp_path / "ditolak.xlsx"
    koptrain("import", "nominations", filled, "--skip-invalid", "--rejects", rejects, code=1)
    assert [n[1] for n in nominations(store, setting["session"])] == [
        "Budi",
        'Siti "Ani" Nurhayati [Bu RT] Ñ',
    ]
    with store.session() as db:  # the refused row wrote nothing, not even the person
        assert db.exec(select(Person).where(Person.nik == "3572011203850004")).first() is None
    sheet = load_workbook(rejects)[SHEET]  # the same form, ready to send back
    assert sheet.cell(row=6, column=2).value == "PEL-01"
    assert [c.value for c in sheet[HEADER_ROW]][-1] == "error"
    assert sheet.cell(row=FIRST, column=1).value == "3572011203850004"
    assert sheet.cell(row=FIRST, column=9).value.startswith("Jabatan: Agus Pramono")
    assert sheet.cell(row=FIRST + 1, column=1).value == setting["known"]
    sheet.cell(row=FIRST, column=6).value = "pengurus"
    sheet.cell(row=FIRST + 1, column=3).value = "P"
    fixed = tmp_path / "diperbaiki.xlsx"
    sheet.parent.save(fixed)
    out = koptrain("import", "nominations", fixed, "--format", "json")
    assert '"inserted": 2' in out.stdout
    assert len(nominations(store, setting["session"])) == 4


def test_a_full_session_needs_a_quota_and_extra_people_are_waitlisted(
    koptrain, store, setting, tmp_path
):
    koptrain("session", "edit", "PEL-01", "--capacity", "1")
    out = koptrain("sheet", "nominations", "PEL-01", "--coop", setting["coop"], code=1)
    assert "has no free seat: give --quota N" in out.stderr
    form = tmp_path / "usulan.xlsx"
    koptrain("sheet", "nominations", "PEL-01", "--quota", "1", "-o", form)
    filled = fill(form, tmp_path / "kembali.xlsx", person_rows(setting)[:1])
    koptrain("import", "nominations", filled, "--coop", setting["coop"])
    assert ("waitlisted", 'Siti "Ani" Nurhayati [Bu RT] Ñ', "anggota") in nominations(
        store, setting["session"]
    )


def test_bad_options_and_forms(koptrain, setting, tmp_path):
    koptrain("sheet", "nominations", "PEL-01", "--quota", "0", "-o", tmp_path / "a.xlsx", code=2)
    koptrain("sheet", "nominations", "NOPE", "-o", tmp_path / "a.xlsx", code=2)
    out = koptrain("sheet", "nominations", "PEL-01", "-o", tmp_path / "a.csv", code=2)
    assert "a name ending in .xlsx" in out.stderr
    out = koptrain("import", "people", tmp_path / "a.csv", "--coop", setting["coop"], code=2)
    assert "only import nominations reads it" in out.stderr
