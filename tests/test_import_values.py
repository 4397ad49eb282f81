"""SPEC §7 values and "nothing is lost": Indonesian values in files and options alike,
blank cells that keep what is stored, the changes of a dry run and in the audit trail,
the export round trip with statuses, and user errors that are never "unexpected"."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import select

from koptrain.errors import InvalidInput
from koptrain.models import Attendance, Audit, Enrollment, Person, Rat
from koptrain.parsing import (
    parse_bool,
    parse_date,
    parse_fiscal_year_end,
    parse_int,
    parse_money,
    parse_presence,
    parse_role_title,
)

import factories as f


def counts(result) -> dict:
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13/3/21", dt.date(2021, 3, 13)),
        ("Sabtu, 13 Maret 2021", dt.date(2021, 3, 13)),
        ("sabtu,13 Maret 2021", dt.date(2021, 3, 13)),
        ("Selasa, 16-06-2020", dt.date(2020, 6, 16)),
    ],
)
def test_office_dates(text, expected):
    assert parse_date(text) == expected


def test_a_two_digit_birth_year_is_never_in_the_future():
    assert parse_date("2/2/61") == dt.date(2061, 2, 2)  # 20YY, as SPEC §7 says
    assert parse_date("2/2/61", past=True) == dt.date(1961, 2, 2)
    assert parse_date("2/2/21", past=True) == dt.date(2021, 2, 2)


def test_a_weekday_that_does_not_match_the_date_is_refused():
    with pytest.raises(InvalidInput, match="2021-03-13 is not a Minggu"):
        parse_date("Minggu, 13 Maret 2021")


def test_office_values():
    assert parse_int("1.250", what="members") == 1250
    assert parse_int("12 500", what="members") == 12500
    with pytest.raises(InvalidInput):
        parse_int("1.25", what="members")
    assert parse_money("Rp 2.500.000", what="amount") == 2_500_000
    assert parse_money("Rp2.500.000,50", what="amount") == 2_500_000.5
    assert parse_bool("ada") is True and parse_bool("Tidak Ada") is False
    assert parse_fiscal_year_end("30 Juni") == "06-30"
    assert parse_fiscal_year_end("31 Desember") == "12-31"
    assert parse_role_title("Wakil Ketua") == ("pengurus", "wakil ketua")
    assert parse_role_title("Pengawas") == ("pengawas", None)
    assert parse_role_title("calon anggota") == ("calon_anggota", None)
    marks = {m: parse_presence(m) for m in ("H", "hadir", "✓", "v", "S", "I", "A", "-", "x", "0")}
    assert marks == {
        "H": (True, None),
        "hadir": (True, None),
        "✓": (True, None),
        "v": (True, None),
        "S": (False, "sakit"),
        "I": (False, "izin"),
        "A": (False, "alpa"),
        "-": (False, None),
        "x": (False, None),
        "0": (False, None),
    }
    assert parse_presence("") is None
    with pytest.raises(InvalidInput, match="not a mark"):
        parse_presence("telat")


@pytest.fixture
def town(store):
    """One eligible coop, one person of two coops, a session that has run."""
    with store.session() as db:
        first = f.coop(db, "KSP Mitra", nik="3572010000000011")
        second = f.coop(db, "KSP Kedua", nik="3572010000000012")
        person = f.person(db, first, name="Heni")
        db.add(f.Membership(person_id=person.id, coop_id=second.id, role="anggota"))
        training = f.training(db, "BLT20-01")
        return {"nik": person.nik, "coop": first.nik, "session": training.code}


def test_an_enrollment_of_a_person_of_two_coops_is_a_row_error(koptrain, town, tmp_path):
    path = tmp_path / "enrollments.csv"
    path.write_text(f"session,nik\n{town['session']},{town['nik']}\n")
    result = koptrain("import", "enrollments", path, "--skip-invalid", code=1)
    assert "unexpected" not in result.stderr
    assert f"{path}:2: coop_nik: Heni" in result.stderr
    assert "belongs to several cooperatives" in result.stderr


def test_attendance_marks_keep_the_reason_and_a_blank_keeps_the_record(
    koptrain, store, town, tmp_path
):
    with store.session() as db:
        person = db.exec(select(Person)).one()
        coop = db.exec(select(f.Coop).where(f.Coop.nik == town["coop"])).one()
        training = db.exec(select(f.Training)).one()
        f.seat(db, training, person, coop)
    path = tmp_path / "hadir.csv"
    path.write_text(
        "kode pelatihan;nik;tanggal;hadir\n"
        f"BLT20-01;{town['nik']};Selasa, 16 Juni 2020;S\n"
        f"BLT20-01;{town['nik']};17/6/20;H\n"
    )
    koptrain("import", "attendance", path)
    path.write_text(f"kode pelatihan;nik;tanggal;hadir\nBLT20-01;{town['nik']};16/6/20;\n")
    assert counts(koptrain("import", "attendance", path, "--format", "json"))["unchanged"] == 1
    with store.session() as db:
        marks = sorted((a.day.day, a.present, a.reason) for a in db.exec(select(Attendance)))
    assert marks == [(16, False, "sakit"), (17, True, None)]
    exported = tmp_path / "attendance.csv"
    koptrain("export", "attendance", "-o", exported)
    assert ",sakit" in exported.read_text()
    assert counts(koptrain("import", "attendance", exported, "--format", "json"))["unchanged"] == 2


def test_mentor_log_takes_the_indonesian_status(koptrain, store, town):
    with store.session() as db:
        person = db.exec(select(Person)).one()
        coop = db.exec(select(f.Coop).where(f.Coop.nik == town["coop"])).one()
        training = db.exec(select(f.Training)).one()
        f.seat(db, training, person, coop, present_days=3)
    koptrain(
        "mentor",
        "log",
        town["nik"],
        "--date",
        "20/7/20",
        "--mentor",
        "Bu Rina",
        "--status",
        "belum",
    )
    logs = json.loads(koptrain("report", "mentoring", "--format", "json").stdout)
    assert "not_yet" in json.dumps(logs)


def test_blank_cells_keep_stored_values_and_a_dry_run_lists_changes(koptrain, store, tmp_path):
    coop = "3572019475111595"
    nik = "3572014106609646"
    (tmp_path / "k.csv").write_text(f"nik,name\n{coop},KSP Mitra\n")
    koptrain("import", "coops", tmp_path / "k.csv")
    path = tmp_path / "p.csv"
    path.write_text(
        f"nik,nama,jk,koperasi,jabatan,no hp,punya usaha\n{nik},Heni,P,{coop},Ketua,0812345,ada\n"
    )
    koptrain("import", "people", path)
    path.write_text(f"nik,nama,jk,koperasi,jabatan,no hp,punya usaha\n{nik},Heni S,P,{coop},,,\n")
    result = koptrain("import", "people", path, "--dry-run", "--format", "json", code=2)
    assert "jabatan is empty" in result.stderr.lower() or "role" in result.stderr.lower()
    path.write_text(
        f"nik,nama,jk,koperasi,jabatan,no hp,punya usaha\n{nik},Heni S,P,{coop},pengurus,,\n"
    )
    out = counts(koptrain("import", "people", path, "--dry-run", "--format", "json"))
    assert out["changes"] == [
        {"line": 2, "key": "3572**********46", "field": "name", "old": "Heni", "new": "Heni S"}
    ]
    koptrain("import", "people", path)
    with store.session() as db:
        person = db.exec(select(Person)).one()
        assert (person.name, person.phone, person.has_business) == ("Heni S", "0812345", True)
        position = db.exec(select(f.Membership.position)).one()
        trail = [
            json.loads(a.change) for a in db.exec(select(Audit).where(Audit.entity == "people"))
        ]
    assert position == "ketua"  # `pengurus` keeps the title given before
    exported = tmp_path / "people.csv"
    koptrain("export", "people", "-o", exported)
    assert ",ketua," in exported.read_text()
    assert counts(koptrain("import", "people", exported, "--format", "json"))["unchanged"] == 1
    assert trail[0]["changes"][0]["old"] == "Heni" and trail[0]["changes"][0]["new"] == "Heni S"


def test_a_corrected_rat_changes_only_the_fields_given(koptrain, store, tmp_path):
    (tmp_path / "k.csv").write_text("nik,name,tutup buku\n3572019475111595,KSP Mitra,30 Juni\n")
    koptrain("import", "coops", tmp_path / "k.csv")
    # books closing on 30 June 2020: a RAT in September 2020 is valid for 2020
    koptrain(
        "rat", "record", "KSP Mitra", "--year", "2020", "--held", "2020-09-12",
        "--reported", "2020-09-30", "--attendees", "1.250",
    )  # fmt: skip
    koptrain("rat", "record", "KSP Mitra", "--year", "2020", "--held", "2020-09-14")
    path = tmp_path / "rat.csv"
    path.write_text("nik koperasi;tahun buku;tanggal rat;tanggal lapor;jumlah hadir\n")
    with path.open("a") as out:
        out.write("3572019475111595;2020;Selasa, 15 September 2020;;\n")
    koptrain("import", "rat", path)
    with store.session() as db:
        rat = db.exec(select(Rat)).one()
        assert (rat.held_on, rat.reported_on, rat.attendees) == (
            dt.date(2020, 9, 15),
            dt.date(2020, 9, 30),
            1250,
        )


def test_export_then_import_keeps_every_status(koptrain, store, town, tmp_path):
    with store.session() as db:
        coop = db.exec(select(f.Coop).where(f.Coop.nik == town["coop"])).one()
        training = db.exec(select(f.Training)).one()
        gone = f.person(db, coop, name="Pergi")
        stay = f.person(db, coop, name="Tetap")
        f.seat(db, training, gone, coop, status="withdrawn")
        f.seat(db, training, stay, coop, status="completed")
    for fmt in ("csv", "xlsx"):
        path = tmp_path / f"enrollments.{fmt}"
        koptrain("export", "enrollments", "--format", fmt, "-o", path)
        out = counts(koptrain("import", "enrollments", path, "--format", "json"))
        assert (out["unchanged"], out["inserted"], out["updated"]) == (2, 0, 0)
    with store.session() as db:
        statuses = sorted(e.status for e in db.exec(select(Enrollment)))
    assert statuses == ["completed", "withdrawn"]


def test_person_add_keeps_the_title_and_pengawas_is_a_role(koptrain, store):
    koptrain("coop", "add", "--nik", "3572019475111595", "--name", "KSP Mitra")
    for nik, role in (("3572014106609646", "Bendahara"), ("3572010202619502", "Pengawas")):
        gender = "P" if int(nik[6:8]) > 40 else "L"
        koptrain(
            "person", "add", "--nik", nik, "--name", "X", "--gender", gender,
            "--coop", "KSP Mitra", "--role", role,
        )  # fmt: skip
    with store.session() as db:
        rows = sorted(db.exec(select(f.Membership.role, f.Membership.position)).all())
    assert rows == [("pengawas", None), ("pengurus", "bendahara")]
