"""The mentoring workbook (SPEC §11): `sheet mentoring` writes it."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from openpyxl import load_workbook
from workbook_world import ON, build_world, table, write_sheet


@pytest.fixture
def world(store, koptrain):
    return build_world(store, koptrain)


def test_a_workbook_per_mentor_a_sheet_per_group(world, koptrain, tmp_path):
    path = write_sheet(koptrain, tmp_path, "--mentor", "bu rina")
    book = load_workbook(path)
    assert book.sheetnames == ["Instructions", "KLP-A", "KLP--B----"]
    header, rows = table(book["KLP-A"])
    assert header[:9] == [
        "ref",
        "nama",
        "nik_tersamar",
        "koperasi",
        "pelatihan",
        "pendamping",
        "status_terakhir",
        "tanggal_status",
        "jatuh_tempo",
    ]
    assert header[9:15] == [
        "tanggal",
        "status",
        "kategori_kendala",
        "kendala",
        "kunjungan_berikut",
        "catatan",
    ]
    assert [r[1] for r in rows] == ["Ani Lestari", "Budi Santoso", "Sri Wahyuni"]
    assert rows[0][4:6] == ["BLT20-01", "Bu Rina"]
    assert rows[0][8] == dt.datetime(2020, 7, 18)  # due 30 days after the last day
    # the group's code, above its table, is how import knows the sheet's group
    assert [c.value for c in book["KLP--B----"][1][:2]] == ["Kelompok:", "KLP/[B]:*?"]


def test_no_full_nik_anywhere_in_the_file(world, koptrain, tmp_path):
    for session in ("BLT20-01", "BLT20-02"):
        (tmp_path / session).mkdir()
        koptrain("sheet", "mentoring", "--session", session, "--on", ON, "-o", tmp_path / session)
    parts = {}
    for path in tmp_path.glob("*/*.xlsx"):
        with zipfile.ZipFile(path) as archive:
            parts.update({(str(path), n): archive.read(n).decode() for n in archive.namelist()})
    assert len({file for file, _part in parts}) == 3
    for person in world["people"].values():
        masked = person["nik"][:4] + "*" * 10 + person["nik"][-2:]
        assert any(masked in text for text in parts.values())
        for name, text in parts.items():
            assert person["nik"] not in text, name
            assert person["nik"][4:] not in text, name


def test_only_the_columns_to_fill_are_unlocked_with_lists_in_indonesian(world, koptrain, tmp_path):
    book = load_workbook(write_sheet(koptrain, tmp_path, "--group", "KLP-A"))
    sheet = book["KLP-A"]
    assert sheet.protection.sheet and book["Instructions"].protection.sheet
    header, rows = table(sheet)
    first = next(r for r in sheet.iter_rows() if r[1].value == rows[0][1])
    locked = [header[i] for i, c in enumerate(first) if c.protection.locked]
    assert locked == header[:9]
    lists = {
        str(v.sqref).split(":")[0][0]: v.formula1 for v in sheet.data_validations.dataValidation
    }
    column = {name: chr(ord("A") + i) for i, name in enumerate(header)}
    assert lists[column["status"]] == '"menerapkan,sebagian,belum,berhenti"'
    assert "bahan baku" in lists[column["kategori_kendala"]]
    assert lists[column["pembukuan"]] == '"Ya,Tidak"'  # a yes/no indicator
    assert {"omzet", "tenaga_kerja", "pembukuan", "jualan_online"} <= set(header[15:])
    assert first[header.index("tanggal")].number_format == "dd/mm/yyyy"
    assert first[header.index("catatan")].number_format == "@"


def test_one_workbook_per_mentor_named_after_the_output(world, koptrain, tmp_path):
    out = tmp_path / "sesi.xlsx"
    done = koptrain("sheet", "mentoring", "--session", "BLT20-02", "--on", ON, "-o", out)
    rina, eko = tmp_path / "sesi-Bu-Rina.xlsx", tmp_path / "sesi-Pak-Eko.xlsx"
    assert rina.exists() and eko.exists() and not out.exists()
    assert load_workbook(rina).sheetnames == ["Instructions", "KLP--B----"]
    assert table(load_workbook(eko)["KLP-C"])[1][0][1] == "Wati Ningsih"
    assert "1 group, 1 member to follow up" in done.stdout
    folder = tmp_path / "out"
    folder.mkdir()
    koptrain("sheet", "mentoring", "--group", "KLP-C", "--on", ON, "-o", folder)
    assert [p.name for p in folder.iterdir()] == ["pendampingan-Pak-Eko-2020-08-01.xlsx"]


def test_a_closed_follow_up_leaves_the_sheet(world, koptrain, tmp_path):
    sri = world["people"]["sri"]["nik"]
    koptrain(
        "mentor",
        "log",
        sri,
        "--date",
        "2020-07-20",
        "--mentor",
        "Bu Rina",
        "--status",
        "menerapkan",
    )
    budi = world["people"]["budi"]["nik"]
    koptrain(
        "mentor",
        "log",
        budi,
        "--date",
        "2020-07-21",
        "--mentor",
        "Bu Rina",
        "--status",
        "sebagian",
        "--next",
        "2020-08-20",
    )
    _header, rows = table(
        load_workbook(write_sheet(koptrain, tmp_path, "--group", "KLP-A"))["KLP-A"]
    )
    assert [(r[1], r[6], r[7], r[8]) for r in rows] == [
        ("Ani Lestari", None, None, dt.datetime(2020, 7, 18)),
        ("Budi Santoso", "sebagian", dt.datetime(2020, 7, 21), dt.datetime(2020, 8, 20)),
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        ((), "exactly one of"),
        (("--group", "KLP-A", "--mentor", "Bu Rina"), "exactly one of"),
        (("--group", "NOPE"), "No mentoring group has the code"),
        (("--mentor", "Bu Siti"), "mentors: Bu Rina, Pak Eko"),
        (("--session", "NOPE"), "No session has the code"),
        (("--group", "KLP-A", "-o", "rina.pdf"), "ending in .xlsx"),
    ],
)
def test_bad_requests_write_nothing(world, koptrain, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    done = koptrain("sheet", "mentoring", *args, "--on", ON, code=2)
    assert message in done.stderr
    assert list(tmp_path.glob("*.xlsx")) == [] and list(tmp_path.glob("*.pdf")) == []


def test_a_returned_workbook_is_never_replaced_without_force(world, koptrain, tmp_path):
    """The mentor's filled workbook saved under the name it went out with stays as it is."""
    out = tmp_path / "kembali.xlsx"
    koptrain("sheet", "mentoring", "--group", "KLP-A", "--on", ON, "-o", out)
    out.write_bytes(b"filled in by the mentor")
    refused = koptrain("sheet", "mentoring", "--group", "KLP-A", "--on", ON, "-o", out, code=2)
    assert "already exists; give --force" in refused.stderr
    assert out.read_bytes() == b"filled in by the mentor"
    form = tmp_path / "hadir.xlsx"
    form.write_bytes(b"a grid filled in")
    koptrain("sheet", "attendance", "BLT20-01", "-o", form, code=2)
    assert form.read_bytes() == b"a grid filled in"
    koptrain("sheet", "mentoring", "--group", "KLP-A", "--on", ON, "-o", out, "--force")
    assert load_workbook(out).sheetnames[0] == "Instructions"
