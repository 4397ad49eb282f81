"""The field-workbook primitives: sheet names from user text, seat refs, protected tables
with formats and drop-downs, user text never a formula, saving privately."""

from __future__ import annotations

import datetime as dt
import os
import zipfile

import pytest
from openpyxl import load_workbook

from koptrain.errors import InvalidInput
from koptrain.io import workbooks
from koptrain.io.sheets import open_workbook, sheet_rows
from koptrain.io.workbooks import Column
from koptrain.services.fieldbooks.refs import parse_ref, seat_ref


def test_sheet_title_fits_excel_rules():
    assert workbooks.sheet_title("Kelompok [A]: Sukorejo/Kepanjen*?") == (
        "Kelompok -A-- Sukorejo-Kepanjen"
    )
    long = "x" * 40
    assert workbooks.sheet_title(long) == "x" * 31
    assert workbooks.sheet_title(long, ["X" * 31]) == "x" * 27 + " (2)"
    assert workbooks.sheet_title("'quoted'") == "quoted"
    assert workbooks.sheet_title("  ") == "-"


def test_seat_ref_round_trips_and_catches_typos():
    for n in (1, 7, 42, 123456789):
        assert parse_ref(seat_ref(n)) == n
    assert parse_ref(" k" + seat_ref(42)[1:] + " ") == 42
    assert parse_ref("'" + seat_ref(42)) == 42
    ref = seat_ref(1234)
    typo = ref[:2] + str((int(ref[2]) + 1) % 10) + ref[3:]
    with pytest.raises(InvalidInput, match="mistyped") as error:
        parse_ref(typo)
    assert error.value.field == "ref"
    for bad in ("", "1234", "K", "KX12", "3572015705800001", None):
        with pytest.raises(InvalidInput, match="not a ref"):
            parse_ref(bad)


def _table(tmp_path, rows):
    book = workbooks.new_workbook()
    workbooks.add_instructions(book, "Petunjuk", ["1. Isi kolom kuning.", "2. Simpan."])
    columns = [
        Column("ref", 8),
        Column("nama", 20),
        Column("tanggal", 12, "date", input=True),
        Column("status", 12, "choice", ("menerapkan", "belum"), input=True),
        Column("jumlah", 8, "int", input=True),
        Column("catatan", 30, input=True),
    ]
    workbooks.add_table(book, "Kelompok: A/B", columns, rows, above=["Kelompok A"], blank_rows=2)
    return workbooks.save(book, tmp_path / "book.xlsx")


def test_table_is_protected_formatted_and_safe(tmp_path):
    hostile = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "'quoted"]
    rows = [["K75", name, dt.date(2021, 3, 5), "belum", 3, "ok"] for name in hostile]
    path = _table(tmp_path, rows)
    assert os.stat(path).st_mode & 0o777 == 0o600
    book = load_workbook(path)
    assert book.sheetnames == ["Instructions", "Kelompok- A-B"]
    sheet = book["Kelompok- A-B"]
    assert sheet.protection.sheet
    assert sheet.freeze_panes == "A4"
    assert [c.value for c in sheet[3]] == ["ref", "nama", "tanggal", "status", "jumlah", "catatan"]
    first = sheet[4]
    assert first[0].protection.locked and first[1].protection.locked
    assert not any(c.protection.locked for c in first[2:])
    assert first[1].number_format == "@"
    assert first[2].value == dt.datetime(2021, 3, 5)
    assert first[2].number_format == workbooks.DATE_FORMAT
    blank = sheet[4 + len(rows) + 1]  # the blank lines to fill are unlocked too
    assert not blank[3].protection.locked and blank[3].value is None
    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == '"menerapkan,belum"'
    assert str(validation.sqref) == f"D4:D{3 + len(rows) + 2}"
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet2.xml").decode()
    assert "<f>" not in xml  # no cell is a formula
    # read back as import reads it: the text exactly as written
    read = [values for _line, values in sheet_rows(open_workbook(path).get_sheet_by_index(1), path)]
    assert [r[1] for r in read[3 : 3 + len(rows)]] == hostile


def test_save_refuses_the_input_file_and_other_names(tmp_path):
    source = _table(tmp_path, [])
    before = source.read_bytes()
    with pytest.raises(InvalidInput, match="file being read"):
        workbooks.save(workbooks.new_workbook(), source, inputs=[source])
    assert source.read_bytes() == before
    with pytest.raises(InvalidInput, match=r"\.xlsx"):
        workbooks.save(workbooks.new_workbook(), tmp_path / "book.csv")
    assert not (tmp_path / "book.csv").exists()


def test_a_workbook_reads_and_prints_whole(tmp_path):
    """Excel and LibreOffice do not fit a row to wrapped text when they open a file: each
    instruction row is given the height of its lines; a label beside its value is not cut
    off; a table prints with its header on every page, one page wide when that stays
    readable, else with the columns that say who the row is on every page."""
    book = workbooks.new_workbook()
    long = "Isi hanya kolom berwarna kuning; " * 8  # ~260 characters: four lines or more
    workbooks.add_instructions(book, "Petunjuk", ["Singkat.", long, "a\nb\nc"])
    narrow = [Column("ref", 8), Column("nama", 20), Column("catatan", 30, input=True)]
    above = ["Judul", ("Pendamping:", "Dr. Retno Wulandari, S.E., M.Ak.")]
    workbooks.add_table(book, "Sempit", narrow, [["K75", "Ani", ""]], above=above)
    wide = [Column("ref", 8), Column("nama", 24)] + [Column(f"k{i}", 20) for i in range(10)]
    workbooks.add_table(book, "Lebar", wide, [["K75", "Ani"]], freeze_columns=2)
    path = workbooks.save(book, tmp_path / "book.xlsx")
    book = load_workbook(path)
    notes = book["Petunjuk"] if "Petunjuk" in book.sheetnames else book.worksheets[0]
    heights = [notes.row_dimensions[row].height for row in (3, 4, 5)]
    assert heights[0] == 15 and heights[1] >= 15 * 4 and heights[2] == 15 * 3
    narrow_sheet, wide_sheet = book["Sempit"], book["Lebar"]
    assert narrow_sheet.column_dimensions["A"].width >= len("Pendamping:") + 1
    assert narrow_sheet.print_title_rows == "$4:$4"
    assert narrow_sheet.page_setup.fitToWidth == 1
    assert narrow_sheet.sheet_properties.pageSetUpPr.fitToPage
    assert wide_sheet.page_setup.orientation == "landscape"
    assert not wide_sheet.sheet_properties.pageSetUpPr.fitToPage
    assert wide_sheet.print_title_cols == "$A:$B" and wide_sheet.print_title_rows == "$1:$1"
