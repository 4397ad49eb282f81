"""Real office files (SPEC §7): workbooks made the way Excel makes them (title rows, merged
cells, an instructions sheet, signature lines, numbers typed into number cells), `;` CSV
with a BOM, .xls and .ods, the rejects file, and where the table is."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import select

from koptrain.models import Membership, Person

COOP = "3572019475111595"
NIKS = ["3572014106609646", "3572010202619502", "3572015711639042", "3572016805879345"]
HEADER = ["No", "NIK", "Nama Lengkap", "Jenis Kelamin", "Koperasi", "Jabatan", "No HP", "Ket."]


def counts(result) -> dict:
    return json.loads(result.stdout)


def one_coop(koptrain, tmp_path):
    path = tmp_path / "coops.csv"
    path.write_text(f"nik,name,kecamatan\n{COOP},KSP Mitra Usaha,Kepanjenkidul\n")
    koptrain("import", "coops", path)


def people_rows() -> list[list]:
    return [
        [1, NIKS[0], "Heni Susanti", "Perempuan", COOP, "Ketua", "081234567890", "baru"],
        [2, NIKS[1], "Widi Hartono", "Laki-laki", COOP, "anggota", 81333444555, ""],
        [3, NIKS[2], "Susi Rahayu", "P", COOP, "Pengawas", "", ""],
    ]


def messy_workbook(path, rows=None, *, nik_as_number=False) -> None:
    """An instructions sheet first; a title in merged cells and a blank row above the
    table; a place, date and signature under it."""
    workbook = Workbook()
    notes = workbook.active
    notes.title = "Petunjuk"
    notes.append(["Isi data peserta pada sheet Peserta. Kolom NIK diformat Teks."])
    sheet = workbook.create_sheet("Peserta")
    sheet.append(["DAFTAR PESERTA PELATIHAN KOPERASI KOTA BLITAR 2021"])
    sheet.merge_cells("A1:H1")
    sheet.append(["Dinas Koperasi dan Usaha Mikro"])
    sheet.append([])
    sheet.append(HEADER)
    for row in rows if rows is not None else people_rows():
        row = list(row)
        if nik_as_number:
            row[1] = int(row[1])
        sheet.append(row)
    sheet.append([])
    sheet.append([None, None, None, None, None, "Blitar, 1 Maret 2021"])
    sheet.append([None, None, None, None, None, "Kepala Dinas"])
    sheet.append([])
    sheet.append([None, None, None, None, None, "Drs. Suharto"])
    workbook.save(path)


def test_a_messy_workbook_is_read_where_its_table_is(koptrain, store, tmp_path):
    one_coop(koptrain, tmp_path)
    path = tmp_path / "peserta.xlsx"
    messy_workbook(path)
    result = koptrain("import", "people", path, "--format", "json")
    out = counts(result)
    assert (out["rows"], out["inserted"], out["rejected"]) == (3, 3, 0)
    assert out["skipped"] == 5  # two blank rows and three signature lines
    assert out["ignored_columns"] == ["Ket."]  # `No` is the row number: ignored silently
    assert "Ket." in result.stderr and "No," not in result.stderr
    with store.session() as db:
        people = {p.nik: (p.id, p.phone) for p in db.exec(select(Person)).all()}
        roles = {
            people_id: (role, position)
            for people_id, role, position in db.exec(
                select(Membership.person_id, Membership.role, Membership.position)
            )
        }
    assert people[NIKS[1]][1] == "081333444555"  # a number cell: its 0 given back
    assert people[NIKS[0]][1] == "081234567890"
    assert roles[people[NIKS[0]][0]] == ("pengurus", "ketua")
    assert roles[people[NIKS[2]][0]] == ("pengawas", None)


def test_a_nik_from_a_number_cell_is_refused_for_its_row(koptrain, store, tmp_path):
    one_coop(koptrain, tmp_path)
    path = tmp_path / "peserta.xlsx"
    messy_workbook(path, nik_as_number=True)
    result = koptrain("import", "people", path, code=2)
    assert f"{path}:5: NIK: stored as a number: Excel keeps only 15 digits" in result.stderr
    assert result.stderr.count("format the column as Text") == 3
    rejects = tmp_path / "tolak.csv"
    result = koptrain(
        "import", "people", path, "--skip-invalid", "--rejects", rejects, "--format", "json", code=1
    )
    assert counts(result)["rejected"] == 3
    assert ",081333444555," in rejects.read_text()  # the phone's 0 is back in the rejects too
    with store.session() as db:
        assert db.exec(select(Person)).all() == []


def test_header_row_and_sheet_can_be_given(koptrain, tmp_path):
    one_coop(koptrain, tmp_path)
    path = tmp_path / "peserta.xlsx"
    messy_workbook(path)
    for sheet in ("Peserta", "2", "peserta"):
        args = ("--sheet", sheet, "--header-row", "4", "--dry-run", "--format", "json")
        assert counts(koptrain("import", "people", path, *args))["rows"] == 3
    result = koptrain("import", "people", path, "--sheet", "Data", code=2)
    assert "has no sheet 'Data'; its sheets are: Petunjuk, Peserta" in result.stderr
    result = koptrain("import", "people", path, "--sheet", "Petunjuk", code=2)
    assert "has no column" in result.stderr
    result = koptrain("import", "people", path, "--header-row", "2", code=2)
    assert "has no column" in result.stderr


def test_a_semicolon_csv_with_bom_and_a_title_gets_rejects_alike(koptrain, tmp_path):
    one_coop(koptrain, tmp_path)
    path = tmp_path / "peserta.csv"
    lines = [
        "DAFTAR PESERTA;;;;",
        ";;;;",
        "NIK;Nama;Jenis Kelamin;NIK Koperasi;Jabatan",
        f"{NIKS[0]};Heni;P;{COOP};Bendahara",
        f"{NIKS[1]};Widi;L;{COOP};direktur",
        ";;;;",
        "Blitar, 1 Maret 2021;;;;",
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    rejects = tmp_path / "perbaiki.csv"
    result = koptrain(
        "import", "people", path, "--dry-run", "--rejects", rejects, "--format", "json", code=2
    )
    out = counts(result)
    assert (out["rows"], out["rejected"], out["skipped"]) == (2, 1, 2)
    assert f"{path}:5: Jabatan: role 'direktur' is not one of" in result.stderr
    data = rejects.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # written on a dry run too, BOM kept
    text = data.decode("utf-8-sig").splitlines()
    assert text[0] == "NIK;Nama;Jenis Kelamin;NIK Koperasi;Jabatan;error"
    assert text[1].startswith(f"{NIKS[1]};Widi;L;{COOP};direktur;Jabatan: role")
    rejects.write_bytes(data.replace(b"direktur", b"sekretaris"))
    out = counts(koptrain("import", "people", rejects, "--format", "json"))
    assert (out["inserted"], out["ignored_columns"]) == (1, [])


def test_rejects_named_xlsx_are_a_workbook_and_never_the_input(koptrain, tmp_path):
    one_coop(koptrain, tmp_path)
    path = tmp_path / "peserta.xlsx"
    rows = people_rows()
    rows[1][5] = "direktur"
    messy_workbook(path, rows)
    rejects = tmp_path / "tolak.xlsx"
    koptrain("import", "people", path, "--skip-invalid", "--rejects", rejects, code=1)
    sheet = load_workbook(rejects).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == [*HEADER, "error"]
    assert values[1][1] == NIKS[1] and values[1][5] == "direktur"
    assert values[1][-1].startswith("Jabatan: role 'direktur'")
    before = path.read_bytes()
    for extra in ((), ("--dry-run",)):
        result = koptrain("import", "people", path, "--rejects", path, *extra, code=2)
        assert "is the file being imported" in result.stderr
    assert path.read_bytes() == before


def test_xls_and_ods_are_read_with_their_cell_types(koptrain, store, tmp_path):
    xlwt = pytest.importorskip("xlwt")
    odf = pytest.importorskip("odf.opendocument")
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    one_coop(koptrain, tmp_path)
    book = xlwt.Workbook()
    sheet = book.add_sheet("Peserta")
    sheet.write(0, 0, "DAFTAR PESERTA")
    for c, name in enumerate(["NIK", "Nama", "JK", "Koperasi", "Jabatan", "HP"]):
        sheet.write(2, c, name)
    for c, value in enumerate([NIKS[0], "Heni", "P", COOP, "anggota", 81234567890]):
        sheet.write(3, c, value)
    for c, value in enumerate([float(NIKS[1]), "Widi", "L", COOP, "anggota", ""]):
        sheet.write(4, c, value)
    book.save(str(tmp_path / "peserta.xls"))
    result = koptrain("import", "people", tmp_path / "peserta.xls", "--skip-invalid", code=1)
    assert "peserta.xls:5: NIK: stored as a number" in result.stderr

    doc = odf.OpenDocumentSpreadsheet()
    table = Table(name="Peserta")
    cells = [
        ["NIK", "Nama", "JK", "Koperasi", "Jabatan", "HP"],
        [NIKS[2], "Susi", "P", COOP, "Wakil Ketua", 85711112222],
    ]
    for values in cells:
        row = TableRow()
        for value in values:
            if isinstance(value, int):
                cell = TableCell(valuetype="float", value=value)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(value)))
            row.addElement(cell)
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(tmp_path / "peserta.ods"))
    koptrain("import", "people", tmp_path / "peserta.ods")
    with store.session() as db:
        phones = dict(db.exec(select(Person.nik, Person.phone)).all())
        position = db.exec(select(Membership.position)).all()
    assert phones == {NIKS[0]: "081234567890", NIKS[2]: "085711112222"}
    assert "wakil ketua" in position


def test_columns_lists_every_alias(koptrain):
    out = json.loads(koptrain("import", "people", "--columns", "--format", "json").stdout)
    phone = next(c for c in out if c["column"] == "phone")
    assert {"no_hp", "hp", "no_telp", "nomor_telepon"} <= set(phone["aliases"].split(", "))
    coops = koptrain("import", "coops", "--columns", "--format", "csv").stdout
    assert "tutup_buku" in coops
    sessions = koptrain("import", "sessions", "--columns", "--format", "csv").stdout
    assert "khusus_pemilik_usaha" in sessions and "wajib_punya_usaha" in sessions
    result = koptrain("import", "people", code=2)
    assert "FILE" in result.stderr


def test_date_cells_and_day_month_fiscal_year_ends(koptrain, store, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["NIK Koperasi", "Nama Koperasi", "Tutup Buku", "Jumlah Anggota"])
    sheet.append(["3572010000000001", "KSP Satu", "30 Juni", "1.250"])
    sheet.append(["3572010000000002", "KSP Dua", dt.datetime(2021, 6, 30), 80])
    workbook.save(tmp_path / "koperasi.xlsx")
    koptrain("import", "coops", tmp_path / "koperasi.xlsx")
    shown = json.loads(koptrain("coop", "list", "--format", "json").stdout)
    assert {c["name"]: c.get("members") for c in shown} == {"KSP Satu": 1250, "KSP Dua": 80}
    from koptrain.models import Coop

    with store.session() as db:
        assert set(db.exec(select(Coop.fiscal_year_end)).all()) == {"06-30"}
