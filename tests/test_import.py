"""`koptrain import`: every kind, every file form, all-or-nothing, rejects, dry runs, upserts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import func, select

from koptrain.models import Audit, Coop, Enrollment, Membership, Person
from koptrain.services.demo import SAMPLE_FILES

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "blitar-2020"
ORDER = SAMPLE_FILES  # the demo loads the sample in this order too
COOP = "3572019475111595"
NIKS = ["3572014106609646", "3572010202619502", "3572015711639042", "3572016805879345"]


def counts(result) -> dict:
    return json.loads(result.stdout)


def load_sample(koptrain) -> dict[str, dict]:
    return {
        kind: counts(koptrain("import", kind, SAMPLE / name, "--format", "json"))
        for kind, name in ORDER
    }


def count(store, model) -> int:
    with store.session() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def one_coop(koptrain, tmp_path):
    path = tmp_path / "coops.csv"
    path.write_text(f"nik,name,kecamatan\n{COOP},KSP Mitra Usaha,Kepanjenkidul\n")
    koptrain("import", "coops", path)


def people_csv(tmp_path: Path, rows: list[str], name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_text("nik,name,gender,coop_nik,role\n" + "".join(r + "\n" for r in rows))
    return path


@pytest.mark.slow
def test_the_whole_blitar_sample_imports_in_order_and_again_unchanged(koptrain, store):
    first = load_sample(koptrain)
    assert {k: v["inserted"] for k, v in first.items()} == {
        "programs": 1,
        "coops": 20,
        "rat": 39,
        "health": 32,
        "people": 310,
        "sessions": 6,
        "enrollments": 240,
        "attendance": 760,
        "groups": 237,
        "mentoring": 149,
        "scores": 237,
        "evaluations": 214,
        "indicators": 748,
    }
    assert all(v["rejected"] == 0 and v["errors"] == [] for v in first.values())
    with store.session() as session:
        seats = session.exec(
            select(func.count(), func.count(func.distinct(Enrollment.person_id))).where(
                Enrollment.status == "enrolled"
            )
        ).one()
    assert tuple(seats) == (240, 230)
    audits = count(store, Audit)
    second = load_sample(koptrain)
    for kind, result in second.items():
        assert result["unchanged"] == result["rows"] == first[kind]["rows"], kind
        assert result["inserted"] == result["updated"] == 0, kind
    assert count(store, Audit) == audits + len(ORDER)  # one audit entry per import


def test_semicolon_file_with_bom_and_indonesian_headers(koptrain, store, tmp_path):
    one_coop(koptrain, tmp_path)
    path = tmp_path / "anggota.csv"
    path.write_bytes(
        (
            "\ufeffNIK;Nama;Jenis Kelamin;Tanggal Lahir;Telepon;Koperasi;Jabatan;Punya Usaha\r\n"
            f"{NIKS[0]};Heni Anggraini;Perempuan;01/06/1960;0858-2399;{COOP};Pengurus;Tidak\r\n"
            f"{NIKS[1]};Mochamad Widianto;Laki-laki;2 Pebruari 1961;;{COOP};Calon Anggota;Ya\r\n"
        ).encode()
    )
    result = counts(koptrain("import", "people", path, "--format", "json"))
    assert (result["rows"], result["inserted"]) == (2, 2)
    with store.session() as session:
        heni = session.exec(select(Person).where(Person.nik == NIKS[0])).one()
        widi = session.exec(select(Person).where(Person.nik == NIKS[1])).one()
        roles = sorted(session.exec(select(Membership.role)).all())
        assert (heni.gender, heni.birth_date.isoformat(), heni.phone) == (
            "P",
            "1960-06-01",
            "0858-2399",
        )
        assert (widi.gender, widi.birth_date.isoformat(), widi.has_business) == (
            "L",
            "1961-02-02",
            True,
        )
    assert roles == ["calon_anggota", "pengurus"]


def test_xlsx_first_sheet_with_date_cells(koptrain, store, tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    one_coop(koptrain, tmp_path)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["NIK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Koperasi", "Jabatan"])
    sheet.append([NIKS[0], "Heni", "P", dt.datetime(1960, 6, 1), COOP, "anggota"])
    sheet.append([NIKS[1], "'=Widi", "L", "02-02-1961", COOP, "pengurus"])
    workbook.create_sheet("ignored").append(["nothing"])
    path = tmp_path / "people.xlsx"
    workbook.save(path)
    result = counts(koptrain("import", "people", path, "--format", "json"))
    assert result["inserted"] == 2
    with store.session() as session:
        names = dict(session.exec(select(Person.nik, Person.name)).all())
        birth = session.exec(select(Person.birth_date).where(Person.nik == NIKS[0])).one()
    assert names == {NIKS[0]: "Heni", NIKS[1]: "=Widi"}  # the neutralising ' is removed
    assert birth == dt.date(1960, 6, 1)


def test_stdin(koptrain, store, tmp_path):
    one_coop(koptrain, tmp_path)
    text = f"nik\tname\tgender\tcoop\trole\n{NIKS[0]}\tHeni\tP\t{COOP}\tanggota\n"
    result = counts(koptrain("import", "people", "-", "--format", "json", input=text))
    assert result["inserted"] == 1
    assert count(store, Person) == 1


def test_a_bad_row_on_line_5_writes_nothing(koptrain, store, tmp_path):
    one_coop(koptrain, tmp_path)
    rows = [f"{n},Person {i},L,{COOP},anggota" for i, n in enumerate(NIKS)]
    rows[3] = f"3572019999999999,Bad,L,{COOP},anggota"  # line 5: date part 99/99/99
    path = people_csv(tmp_path, rows)
    result = koptrain("import", "people", path, code=2)
    assert f"{path}:5: nik: NIK '3572019999999999' is invalid" in result.stderr
    assert "nothing was written" in result.stderr
    assert count(store, Person) == 0
    as_json = counts(koptrain("import", "people", path, "--format", "json", code=2))
    assert as_json["rejected"] == 1 and as_json["inserted"] == 0
    assert as_json["errors"][0]["line"] == 5 and as_json["errors"][0]["column"] == "nik"


def test_every_error_is_reported_with_its_line_and_column(koptrain, tmp_path):
    one_coop(koptrain, tmp_path)
    rows = [
        f"{NIKS[0]},Heni,X,{COOP},anggota",
        f"{NIKS[1]},Widi,L,3572000000000000,anggota",
        f"{NIKS[2]},,L,{COOP},anggota",
        f"{NIKS[3]},Susi,P,{COOP},direktur",
    ]
    result = koptrain("import", "people", people_csv(tmp_path, rows), "--format", "json", code=2)
    errors = [(e["line"], e["column"]) for e in counts(result)["errors"]]
    assert errors == [(2, "gender"), (3, "coop_nik"), (4, "name"), (5, "role")]
    assert result.stderr.count("people.csv:") == 4


def test_skip_invalid_and_a_fixed_rejects_file_imports_cleanly(koptrain, store, tmp_path):
    one_coop(koptrain, tmp_path)
    rows = [f"{n},Person {i},L,{COOP},anggota" for i, n in enumerate(NIKS)]
    rows[1] = f"{NIKS[1]},Person 1,L,{COOP},chairman"
    rejects = tmp_path / "rejects.csv"
    path = people_csv(tmp_path, rows)
    koptrain("import", "people", path, "--skip-invalid", "--rejects", rejects, code=1)
    assert count(store, Person) == 3
    text = rejects.read_text()
    assert text.splitlines()[0] == "nik,name,gender,coop_nik,role,error"
    assert "chairman" in text and "role: role 'chairman' is not one of" in text
    rejects.write_text(text.replace("chairman", "pengurus"))
    result = counts(koptrain("import", "people", rejects, "--format", "json"))
    assert (result["inserted"], result["rejected"]) == (1, 0)
    assert count(store, Person) == 4


def test_dry_run_counts_and_writes_nothing(koptrain, store, tmp_path):
    one_coop(koptrain, tmp_path)
    path = people_csv(tmp_path, [f"{NIKS[0]},Heni,P,{COOP},anggota"])
    result = counts(koptrain("import", "people", path, "--dry-run", "--format", "json"))
    assert (result["inserted"], result["dry_run"], result["written"]) == (1, True, False)
    assert count(store, Person) == 0
    bad = people_csv(tmp_path, [f"{NIKS[0]},Heni,P,{COOP},boss"], "bad.csv")
    koptrain("import", "people", bad, "--dry-run", code=2)


def test_upsert_counts_inserted_updated_unchanged(koptrain, store, tmp_path):
    one_coop(koptrain, tmp_path)
    first = people_csv(
        tmp_path, [f"{NIKS[0]},Heni,P,{COOP},anggota", f"{NIKS[1]},Widi,L,{COOP},anggota"]
    )
    koptrain("import", "people", first)
    second = people_csv(
        tmp_path,
        [
            f"{NIKS[0]},Heni Anggraini,P,{COOP},anggota",
            f"{NIKS[1]},Widi,L,{COOP},anggota",
            f"{NIKS[2]},Sri,P,{COOP},pengurus",
        ],
        "second.csv",
    )
    result = counts(koptrain("import", "people", second, "--format", "json"))
    assert (result["inserted"], result["updated"], result["unchanged"]) == (1, 1, 1)
    table = koptrain("import", "people", second).stdout
    assert "Unchanged" in table and "3" in table


def test_a_person_in_two_coops_in_one_file(koptrain, store, tmp_path):
    one_coop(koptrain, tmp_path)
    other = tmp_path / "other.csv"
    other.write_text("legal_number,name\n518.08/1/BH/2001,Kopwan Kartini\n")
    koptrain("import", "coops", other)
    path = people_csv(
        tmp_path,
        [f"{NIKS[0]},Heni,P,{COOP},anggota", f"{NIKS[0]},Heni,P,518.08/1/BH/2001,pengurus"],
    )
    result = counts(koptrain("import", "people", path, "--format", "json"))
    assert result["inserted"] == 2
    assert (count(store, Person), count(store, Membership)) == (1, 2)


def test_each_registry_kind_checks_its_rules(koptrain, tmp_path):
    one_coop(koptrain, tmp_path)
    rat = tmp_path / "rat.csv"
    rat.write_text(
        f"coop_nik,fiscal_year,held_on\n{COOP},2019,2019-12-01\n{COOP},2019,2020-03-14\n"
    )
    result = counts(koptrain("import", "rat", rat, "--format", "json", code=2))
    assert [e["line"] for e in result["errors"]] == [2]
    health = tmp_path / "health.csv"
    health.write_text(f"Koperasi;Tahun;Predikat;Skor\n{COOP};2019;Cukup Sehat;70,5\n")
    assert counts(koptrain("import", "health", health, "--format", "json"))["inserted"] == 1
    coops = tmp_path / "coops2.csv"
    coops.write_text(
        f"NIK Koperasi,Nama,Jenis\n{COOP},KSP Mitra Usaha Baru,Simpan Pinjam\nabc,X,jasa\n"
    )
    result = counts(
        koptrain("import", "coops", coops, "--format", "json", "--skip-invalid", code=1)
    )
    assert (result["updated"], result["rejected"]) == (1, 1)


def test_an_enrollment_row_obeys_the_enrollment_rules(koptrain, store, tmp_path):
    for kind, name in ORDER[:6]:
        koptrain("import", kind, SAMPLE / name)
    ineligible = "3572019149310905"  # KSP Bumi Arta: RAT 2019 late
    with store.session() as session:
        coop = session.exec(select(Coop).where(Coop.nik == ineligible)).one()
        nik = session.exec(
            select(Person.nik).join(Membership).where(Membership.coop_id == coop.id)
        ).first()
    path = tmp_path / "enroll.csv"
    path.write_text(f"session,nik,coop_nik\nBLT20-01,{nik},{ineligible}\n")
    result = counts(koptrain("import", "enrollments", path, "--format", "json", code=2))
    assert "not eligible" in result["errors"][0]["message"]
    path.write_text(f"session,nik,coop_nik,alasan\nBLT20-01,{nik},{ineligible},dispensasi\n")
    assert counts(koptrain("import", "enrollments", path, "--format", "json"))["inserted"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"name,gender\nHeni,P\n", "has no column nik"),
        (b"nik,name,gender,coop_nik,role\n\xff\xfe\x00bad\n", "is not UTF-8"),
        (b"PK\x03\x04 not really a zip", "cannot be read as a spreadsheet"),
    ],
)
def test_an_unreadable_file_is_one_sentence_and_exit_2(koptrain, tmp_path, content, message):
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    result = koptrain("import", "people", path, code=2)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_kind_and_missing_file(koptrain, tmp_path):
    assert "not a kind of import" in koptrain("import", "cats", "x.csv", code=2).stderr
    assert "Cannot read" in koptrain("import", "people", tmp_path / "nope.csv", code=2).stderr
