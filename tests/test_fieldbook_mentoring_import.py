"""The mentoring workbook as it comes back (SPEC §11): `import mentoring` reads every sheet,
logs each dated row as `mentor log` does, and refuses bad rows with their sheet and line."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook
from workbook_world import (
    NOTE,
    D,
    build_world,
    contacts,
    fill,
    returned,
    retype,
    table,
    write_sheet,
)


@pytest.fixture
def world(store, koptrain):
    return build_world(store, koptrain)


def test_a_returned_workbook_is_refused_whole_for_one_bad_row(world, koptrain, tmp_path):
    path = returned(koptrain, tmp_path)
    done = koptrain("import", "mentoring", path, code=2)
    assert f"{path}:KLP--B----:7: status: status 'sudah' is not one of" in done.stderr
    assert "nothing was written" in done.stderr
    assert contacts(world["store"]) == []


def test_round_trip_logs_each_dated_row_as_mentor_log_does(world, koptrain, tmp_path):
    path = returned(koptrain, tmp_path)
    done = koptrain("import", "mentoring", path, "--skip-invalid", "--format", "json", code=1)
    result = json.loads(done.stdout)
    assert (result["inserted"], result["skipped"], result["rejected"]) == (2, 1, 1)
    assert result["errors"][0]["sheet"] == "KLP--B----" and result["ignored_columns"] == []
    assert contacts(world["store"]) == [
        (
            "Ani Lestari",
            "BLT20-01",
            None,
            D(2020, 7, 25),
            "Bu Rina",
            "partly",
            D(2020, 8, 25),
            NOTE,
            [("bahan_baku", "harga kedelai naik")],
            [1.0, 2500000.0],
        ),
        (
            "Budi Santoso",
            "BLT20-01",
            None,
            D(2021, 3, 5),
            "Bu Rina",
            "practicing",
            None,
            "kunjungan ke-2 [ok]",
            [],
            [],
        ),
    ]
    # the same contact by hand is what the import wrote
    sri = world["people"]["sri"]["nik"]
    koptrain(
        "mentor",
        "log",
        sri,
        "--date",
        "2020-07-25",
        "--mentor",
        "Bu Rina",
        "--status",
        "partly",
        "--session",
        "BLT20-01",
        "--next",
        "2020-08-25",
        "--note",
        NOTE,
        "--obstacle",
        "bahan_baku:harga kedelai naik",
        "--indicator",
        "omzet=2500000",
        "--indicator",
        "pembukuan=ya",
    )
    assert contacts(world["store"])[-1][1:] == contacts(world["store"])[0][1:]
    # returned a second time: nothing changes
    again = json.loads(
        koptrain("import", "mentoring", path, "--skip-invalid", "--format", "json", code=1).stdout
    )
    assert (again["inserted"], again["updated"], again["unchanged"], again["skipped"]) == (
        0,
        0,
        2,
        1,
    )
    assert len(contacts(world["store"])) == 3


@pytest.mark.parametrize(
    "case, message",
    [
        ("unknown", "ref: No seat has the ref K9993."),
        ("mistyped", "is not a valid ref: a digit is mistyped"),
        ("malformed", "ref: '3572' is not a ref"),
        ("other group", "is not a seat of a member of group KLP-A (this sheet's group)"),
    ],
)
def test_a_bad_ref_is_refused_with_its_sheet_and_line(world, koptrain, tmp_path, case, message):
    from koptrain.services.fieldbooks.refs import seat_ref

    path = write_sheet(koptrain, tmp_path, "--group", "KLP-A")
    fill(path, "KLP-A", "Sri Wahyuni", tanggal=dt.datetime(2020, 7, 25), status="belum")
    good = seat_ref(world["people"]["sri"]["seat"])
    ref = {
        "unknown": seat_ref(999),
        "mistyped": good[:-1] + str((int(good[-1]) + 1) % 10),
        "malformed": "3572",
        "other group": seat_ref(world["people"]["wati"]["seat"]),
    }[case]
    retype(path, "KLP-A", "Sri Wahyuni", ref)
    done = koptrain("import", "mentoring", path, code=2)
    assert f"{path}:KLP-A:9: ref: " in done.stderr  # Sri comes third, under 5 lines above
    assert message in done.stderr
    assert contacts(world["store"]) == []


def test_the_rejects_are_the_workbook_ready_to_send_back(world, koptrain, tmp_path):
    path = returned(koptrain, tmp_path)
    rejects = tmp_path / "kembali.xlsx"
    koptrain("import", "mentoring", path, "--rejects", rejects, "--dry-run", code=2)
    book = load_workbook(rejects)
    assert book.sheetnames == ["Instructions", "KLP--B----"]  # KLP-A had nothing rejected
    sheet = book["KLP--B----"]
    header, rows = table(sheet)
    original_header, _rows = table(load_workbook(path)["KLP--B----"])
    assert header == [*original_header, "error"]
    assert [(r[1], r[header.index("status")]) for r in rows] == [("Joko Susilo", "sudah")]
    assert rows[0][-1].startswith("status: status 'sudah' is not one of")
    assert sheet.protection.sheet and sheet.data_validations.dataValidation
    assert rejects.stat().st_mode & 0o777 == 0o600
    # fixed and sent back, the rejects import by themselves
    fill(rejects, "KLP--B----", "Joko Susilo", status="belum")
    koptrain("import", "mentoring", rejects)
    assert [c[:6] for c in contacts(world["store"])] == [
        ("Joko Susilo", "BLT20-02", None, D(2020, 8, 3), "Bu Rina", "not_yet")
    ]
    same = koptrain("import", "mentoring", path, "--rejects", path, code=2)
    assert "is the file being imported" in same.stderr


def test_a_workbook_saved_as_ods_reads_the_same(world, koptrain, tmp_path):
    odf = pytest.importorskip("odf.opendocument")
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    path = returned(koptrain, tmp_path)
    fill(path, "KLP--B----", "Joko Susilo", status="belum")
    doc = odf.OpenDocumentSpreadsheet()
    for sheet in load_workbook(path):
        ods = Table(name=sheet.title)
        for values in sheet.iter_rows(values_only=True):
            row = TableRow()
            for value in values:
                if isinstance(value, dt.datetime):
                    cell = TableCell(valuetype="date", datevalue=value.date().isoformat())
                elif isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=value)
                else:
                    cell = TableCell(valuetype="string")
                if value is not None:
                    cell.addElement(P(text=str(value)))
                row.addElement(cell)
            ods.addElement(row)
        doc.spreadsheet.addElement(ods)
    doc.save(str(tmp_path / "rina.ods"))
    koptrain("import", "mentoring", tmp_path / "rina.ods")
    from_ods = contacts(world["store"])
    assert [c[0] for c in from_ods] == ["Ani Lestari", "Budi Santoso", "Joko Susilo"]
    assert from_ods[0][7:] == (NOTE, [("bahan_baku", "harga kedelai naik")], [1.0, 2500000.0])
    koptrain("import", "mentoring", path)  # the same contacts from the .xlsx: nothing new
    assert contacts(world["store"]) == from_ods


def test_a_row_changed_after_its_import_updates_its_contact(world, koptrain, tmp_path):
    path = returned(koptrain, tmp_path)
    koptrain("import", "mentoring", path, "--sheet", "KLP-A")  # the bad sheet left out
    fill(path, "KLP-A", "Ani Lestari", status="menerapkan", omzet=3000000, kendala="")
    done = koptrain("import", "mentoring", path, "--sheet", "KLP-A", "--format", "json")
    result = json.loads(done.stdout)
    assert (result["inserted"], result["updated"], result["unchanged"]) == (0, 1, 1)
    ani = contacts(world["store"])[0]
    assert ani[5] == "practicing" and ani[9] == [1.0, 3000000.0]
    assert ani[8] == [("bahan_baku", None)]  # the category kept, its words cleared


def test_a_row_filled_in_without_its_date_is_left_with_a_warning(world, koptrain, tmp_path):
    path = write_sheet(koptrain, tmp_path, "--group", "KLP-A")
    fill(path, "KLP-A", "Sri Wahyuni", status="belum", catatan="lupa tanggal")
    done = koptrain("import", "mentoring", path, "--format", "json")
    assert json.loads(done.stdout)["skipped"] == 3
    assert (
        f"koptrain: {path}:KLP-A:9: tanggal: empty, so the row is left as it is, though "
        "status, catatan is filled in." in done.stderr
    )
    assert contacts(world["store"]) == []
