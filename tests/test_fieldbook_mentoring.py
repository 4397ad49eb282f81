"""The mentoring workbook (SPEC §11): `sheet mentoring` writes it, a mentor fills it in,
`import mentoring` reads it back."""

from __future__ import annotations

import datetime as dt
import json
import zipfile

import pytest
from openpyxl import load_workbook

import factories as f

D = dt.date
ON = D(2020, 8, 1)  # after both sessions, inside their follow-up windows


@pytest.fixture
def world(store, koptrain):
    """Two sessions; Bu Rina mentors KLP-A (BLT20-01: Sri, Budi, Ani) and the group
    `KLP/[B]:*?` (BLT20-02: Joko); Pak Eko mentors KLP-C (BLT20-02: Wati)."""
    with store.session() as s:
        coop = f.coop(s, 'KSP Sejahtera "Maju" [Blitar]')
        t1 = f.training(s, "BLT20-01")
        t2 = f.training(s, "BLT20-02", start=D(2020, 7, 1), end=D(2020, 7, 2), title="Pemasaran")
        people = {}
        for key, name, training in [
            ("sri", "Sri Wahyuni", t1),
            ("budi", "Budi Santoso", t1),
            ("ani", "Ani Lestari", t1),
            ("joko", "Joko Susilo", t2),
            ("wati", "Wati Ningsih", t2),
        ]:
            p = f.person(s, coop, name=name)
            seat = f.seat(s, training, p, coop, present_days=1)
            people[key] = {"nik": p.nik, "seat": seat.id, "id": p.id}
        s.commit()
    koptrain("group", "create", "KLP-A", "--mentor", "Bu Rina", "--session", "BLT20-01")
    koptrain("group", "add", "KLP-A", *(people[k]["nik"] for k in ("sri", "budi", "ani")))
    koptrain("group", "create", "KLP/[B]:*?", "--mentor", "Bu Rina", "--session", "BLT20-02")
    koptrain("group", "add", "KLP/[B]:*?", people["joko"]["nik"])
    koptrain("group", "create", "KLP-C", "--mentor", "Pak Eko", "--session", "BLT20-02")
    koptrain("group", "add", "KLP-C", people["wati"]["nik"])
    return {"store": store, "people": people}


def write_sheet(koptrain, tmp_path, *args, name="rina.xlsx"):
    out = tmp_path / name
    koptrain("sheet", "mentoring", *args, "--on", ON.isoformat(), "-o", out)
    return out


def table(sheet):
    """The header and data rows of a group sheet, as values."""
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == "ref")
    return rows[start], [r for r in rows[start + 1 :] if any(v is not None for v in r)]


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
    assert "1 member(s)" in done.stdout
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


# --- the workbook as it comes back ------------------------------------------------------


def fill(path, sheet_name, name, **cells):
    """Type into the row of `name` as a mentor would (openpyxl ignores the protection just
    as typing into the unlocked cells does)."""
    book = load_workbook(path)
    sheet = book[sheet_name]
    header, _rows = table(sheet)
    row = next(r for r in sheet.iter_rows() if r[1].value == name)
    for column, value in cells.items():
        row[header.index(column)].value = value
    book.save(path)


NOTE = 'Sudah pakai buku kas; "rapi" [bulan ini] — señora Ñ, café'


def returned(koptrain, tmp_path):
    """Bu Rina's workbook, filled in: Ani with date cells, Budi with a date typed as text,
    Sri left empty, Joko with a status typed over the drop-down."""
    path = write_sheet(koptrain, tmp_path, "--mentor", "Bu Rina")
    fill(
        path,
        "KLP-A",
        "Ani Lestari",
        tanggal=dt.datetime(2020, 7, 25),
        status="sebagian",
        kategori_kendala="bahan baku",
        kendala="harga kedelai naik",
        kunjungan_berikut=dt.datetime(2020, 8, 25),
        catatan=NOTE,
        omzet=2500000,
        pembukuan="Ya",
    )
    fill(
        path,
        "KLP-A",
        "Budi Santoso",
        tanggal="05/03/2021",
        status="menerapkan",
        catatan="kunjungan ke-2 [ok]",
    )
    fill(path, "KLP--B----", "Joko Susilo", tanggal=dt.datetime(2020, 8, 3), status="sudah")
    return path


def contacts(store):
    from sqlmodel import select

    from koptrain.models import IndicatorValue, MentoringLog, Obstacle, Person, Training

    with store.session() as s:
        out = []
        for log in s.exec(select(MentoringLog).order_by(MentoringLog.id)).all():
            obstacles = s.exec(select(Obstacle).where(Obstacle.log_id == log.id)).all()
            values = s.exec(select(IndicatorValue).where(IndicatorValue.log_id == log.id)).all()
            out.append(
                (
                    s.get(Person, log.person_id).name,
                    s.get(Training, log.session_id).code,
                    log.group_id,
                    log.date,
                    log.mentor,
                    log.status,
                    log.next_date,
                    log.note,
                    [(o.category, o.text) for o in obstacles],
                    sorted(v.value for v in values),
                )
            )
        return out


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


def retype(path, sheet_name, name, ref):
    """Put another ref on a member's row (pasted over the locked cell, as a copy would)."""
    fill(path, sheet_name, name, ref=ref)


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
