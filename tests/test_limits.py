"""SPEC §13: ranges for every number and date, text rules, file limits, capped error output,
private files, the audit before the first NIK, a closed pipe, database errors that name the
database. Every refusal is one sentence with exit 2 (3 for the database) and writes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import resource
import sqlite3
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fingerprint import fingerprint
from sqlmodel import select

from koptrain.models import Audit, Coop, Person

import factories as f
from conftest import BACKEND, Invoker

COOP_NIK = "3572019475111595"
pg_only = pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL only")
sqlite_only = pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite only")


@pytest.fixture
def seeded(store):
    """A coop with a member and an open session in June 2020."""
    with store.session() as db:
        coop = f.coop(db, nik=COOP_NIK)
        person = f.person(db, coop, name="Sri")
        f.training(db, "BLT20-01")
        db.commit()
        return {"nik": person.nik}


def refused(koptrain, store, *args, code: int = 2, says: str = "") -> str:
    """Run a command that must be refused: its exit status, one sentence, nothing written."""
    before = fingerprint(store)
    result = koptrain(*args, code=code)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("koptrain: "), result.stderr
    assert "unexpected" not in result.stderr
    assert says in lines[0], (says, lines[0])
    assert fingerprint(store) == before, args
    return lines[0]


RAT = ["rat", "record", COOP_NIK, "--year", "2019", "--held", "2020-03-01"]
SESSION = ["session", "create", "S-9", "--title", "T", "--start", "2020-08-01", "--end"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ([*SESSION, "2020-08-02", "--capacity", "10001"], "between 1 and 10000"),
        ([*SESSION, "2020-08-02", "--capacity", "0"], "between 1 and 10000"),
        ([*SESSION, "2020-08-02", "--capacity", "2147483648"], "between 1 and 10000"),
        ([*SESSION, "2020-08-02", "--capacity", "1" + "0" * 30], "between 1 and 10000"),
        (
            ["coop", "add", "--nik", "3572010000000999", "--name", "K", "--members", "10000001"],
            "between 0 and 10000000",
        ),
        (
            [*RAT, "--attendees", "9" * 40],
            "between 0 and 10000000",
        ),
        (["coop", "health", COOP_NIK, "--year", "2019", "--rating", "sehat", "--score", "101"], ""),
        (["policy", "set", "followup.interval_days", "3000000"], "between 1 and 3650"),
        (["policy", "set", "followup.window_days", "3651"], "between 1 and 3650"),
        (["policy", "set", "rat.months_primary", "25"], "between 0 and 24"),
        (["policy", "set", "session.capacity", "10001"], "between 1 and 10000"),
        (["policy", "set", "rat.extension.2019", "9999-12-31"], "1900 to 2100"),
    ],
)
def test_numbers_out_of_range_are_refused_where_they_enter(seeded, koptrain, store, args, says):
    refused(koptrain, store, *args, says=says)


def test_the_edges_of_the_ranges_are_accepted(seeded, koptrain):
    koptrain(*SESSION, "2020-08-02", "--capacity", "10000")
    koptrain("policy", "set", "followup.window_days", "3650")
    koptrain("policy", "set", "rat.months_secondary", "24")
    koptrain("coop", "add", "--nik", "3572010000000999", "--name", "K", "--members", "10000000")
    koptrain("log", "--limit", "1000000")
    koptrain("report", "reminders", "--on", "2100-12-31")


@pytest.mark.parametrize("limit", ["0", "1000001", "1" + "0" * 30])
def test_log_limit_has_a_range(koptrain, limit):
    result = koptrain("log", "--limit", limit, code=2)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"])
@pytest.mark.parametrize(
    "command",
    [
        ["coop", "eligibility", COOP_NIK],
        ["report", "summary"],
        ["report", "reminders"],
        ["coop", "list", "--eligible-on"],
    ],
)
def test_dates_outside_1900_to_2100_are_refused(seeded, koptrain, store, command, day):
    args = [*command, day] if command[-1].startswith("--") else [*command, "--on", day]
    refused(koptrain, store, *args, says="outside the years 1900 to 2100")


def test_a_session_cannot_start_past_2100_so_enroll_never_overflows(seeded, koptrain, store):
    refused(koptrain, store, *SESSION[:-3], "--start", "9999-12-28", "--end", "9999-12-30")


@pytest.mark.parametrize(
    ("kind", "header", "row", "says"),
    [
        ("sessions", "code,title,start,end", "S-9,T,9999-12-28,9999-12-30", "1900 to 2100"),
        ("sessions", "code,title,start,end,capacity", "S-9,T,2020-08-01,2020-08-02,10001", "10000"),
        ("coops", "nik,name,members", "3572010000000999,K,10000001", "10000000"),
        ("rat", "coop_nik,fiscal_year,held_on", f"{COOP_NIK},2019,0001-01-01", "1900 to 2100"),
    ],
)
def test_an_import_cell_has_the_same_ranges(
    seeded, koptrain, store, tmp_path, kind, header, row, says
):
    path = tmp_path / "rows.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    before = fingerprint(store)
    result = koptrain("import", kind, path, "--format", "json", code=2)
    errors = json.loads(result.stdout)["errors"]
    assert len(errors) == 1 and says in errors[0]["message"], errors
    assert fingerprint(store) == before


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ([*SESSION[:2], "\x1b[31mred\x1b[0m", *SESSION[3:], "2020-08-02"], "\\x1b"),
        ([*SESSION[:4], "a\nb", *SESSION[5:], "2020-08-02"], "control character"),
        ([*SESSION[:4], "x" * 301, *SESSION[5:], "2020-08-02"], "300"),
        ([*SESSION[:2], "C" * 41, *SESSION[3:], "2020-08-02"], "1 to 40 characters"),
        (["coop", "add", "--legal-number", "12/BH\n34", "--name", "K"], "control character"),
        (["coop", "add", "--legal-number", "12/BH", "--name", "K\x00"], "control character"),
        (["group", "create", "KLP\nA", "--mentor", "Bu Rina"], ""),
        (["group", "create", "KLP-A", "--mentor", "M" * 100_000], "200"),
        (["group", "create", "KLP-A", "--mentor", "Bu \x1b]0;x\x07Rina"], "control character"),
        (["program", "add", "P-1", "--name", "bad\udcffbytes"], "not text"),
        (["person", "show", "12\udcff"], "not text"),
        (["coop", "show", "a" * 100_000], "No cooperative matches"),
    ],
)
def test_text_rules(seeded, koptrain, store, args, says):
    line = refused(koptrain, store, *args, says=says)
    assert "\x1b" not in line and "\n" not in line.strip() and len(line) <= 500


def test_a_code_of_40_characters_and_a_note_with_newlines_are_accepted(seeded, koptrain, store):
    koptrain(*SESSION[:2], "C" * 40, *SESSION[3:], "2020-08-02")
    with store.session() as db:
        person, coop = db.exec(select(Person)).first(), db.exec(select(Coop)).first()
        training = f.training(db, "DONE-01", start=dt.date(2020, 5, 1), end=dt.date(2020, 5, 2))
        f.seat(db, training, person, coop)
    koptrain(
        "mentor", "log", seeded["nik"], "--date", "2020-06-10", "--mentor", "Bu Rina",
        "--status", "partly", "--session", "DONE-01", "--note", "line one\nline two\ttab",
    )  # fmt: skip
    from koptrain.models import MentoringLog

    with store.session() as db:
        assert db.exec(select(MentoringLog.note)).one() == "line one\nline two\ttab"


def test_a_note_refuses_other_control_characters(seeded, koptrain, store):
    refused(
        koptrain, store, "mentor", "log", seeded["nik"], "--date", "2020-06-10", "--mentor",
        "Bu Rina", "--status", "partly", "--note", "bell\x07", says="control character",
    )  # fmt: skip


def test_import_names_and_codes_follow_the_same_text_rules(seeded, koptrain, store, tmp_path):
    path = tmp_path / "sessions.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "title", "start", "end"])
        writer.writerow(["S\x1b[31m", "T", "2020-08-01", "2020-08-02"])
        writer.writerow(["S-2", "a\nb", "2020-08-01", "2020-08-02"])
        writer.writerow(["S-3", "x" * 301, "2020-08-01", "2020-08-02"])
    before = fingerprint(store)
    result = koptrain("import", "sessions", path, "--format", "json", code=2)
    errors = json.loads(result.stdout)["errors"]
    assert [e["column"] for e in errors] == ["code", "title", "title"], errors
    assert fingerprint(store) == before


# --- files -------------------------------------------------------------------------------


def _workbook(path: Path, sheet_xml_chunks, *, level: int = 9) -> Path:
    """A minimal .xlsx whose first sheet is written from chunks of XML (streamed, so a large
    sheet never sits in this test's memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
            'formats-package.relationships+xml"/><Default Extension="xml" ContentType="applic'
            'ation/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedoc'
            'ument.spreadsheetml.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
            'formats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook'
            '.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheet'
            'ml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relat'
            'ionships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
            'formats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
            'sheet1.xml"/></Relationships>',
        )
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for chunk in sheet_xml_chunks:
                sheet.write(chunk.encode())
    return path


def _sheet(rows_xml) -> list[str]:
    head = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><sheetData>'
    )
    return [head, *rows_xml, "</sheetData></worksheet>"]


def _row(n: int, *cells: str) -> str:
    inline = "".join(f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in cells)
    return f'<row r="{n}">{inline}</row>'


def _one_huge_cell(size_mb: int):
    yield from _sheet([])[:1]
    yield _row(1, "nik", "name") + '<row r="2"><c t="inlineStr"><is><t>'
    block = "A" * (1024 * 1024)
    for _ in range(size_mb):
        yield block
    yield "</t></is></c></row>"
    yield from _sheet([])[-1:]


def _limited(memory_mb: int):
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))

    return limit


def test_a_decompression_bomb_is_refused_before_parsing_under_a_memory_limit(db_url, tmp_path):
    """300 MB of one cell in a small .xlsx: refused from the zip directory (exit 2), in a
    process that may not use more than 300 MB of address space."""
    bomb = _workbook(tmp_path / "bomb.xlsx", _one_huge_cell(300))
    assert bomb.stat().st_size < 2 * 1024 * 1024
    done = subprocess.run(
        [sys.executable, "-m", "koptrain", "import", "people", str(bomb)],
        capture_output=True,
        text=True,
        preexec_fn=_limited(300),
        env={**os.environ, "KOPTRAIN_DB": db_url},
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "would expand to 300 MB" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


def test_a_workbook_more_than_100_times_compressed_is_refused(koptrain, store, tmp_path):
    dense = _workbook(tmp_path / "dense.xlsx", _one_huge_cell(5))  # 5 MB from some KB
    before = fingerprint(store)
    result = koptrain("import", "people", dense, code=2)
    assert "100×" in result.stderr
    assert fingerprint(store) == before


def test_an_ordinary_workbook_is_not_refused(seeded, koptrain, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["code", "title", "start", "end"])
    for n in range(200):
        book.active.append([f"S-{n}", f"Pelatihan {n}", "2020-08-01", "2020-08-02"])
    book.save(tmp_path / "sessions.xlsx")
    koptrain("import", "sessions", tmp_path / "sessions.xlsx")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_cell_longer_than_excel_allows_is_a_row_error(seeded, koptrain, store, tmp_path, suffix):
    rows = [["code", "title", "start", "end"], ["S-1", "t" * 32_768, "2020-08-01", "2020-08-02"]]
    rows.append(["S-2", "fine", "2020-08-01", "2020-08-02"])
    path = tmp_path / f"sessions.{suffix}"
    if suffix == "csv":
        with path.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows(rows)
    else:
        _workbook(path, _sheet([_row(n, *r) for n, r in enumerate(rows, 1)]))
    result = koptrain("import", "sessions", path, "--skip-invalid", "--format", "json", code=1)
    report = json.loads(result.stdout)
    assert (report["inserted"], report["rejected"]) == (1, 1)
    assert report["errors"][0]["line"] == 2 and report["errors"][0]["column"] == "title"
    assert "32767" in report["errors"][0]["message"]


def test_an_error_flood_is_capped_and_rejects_get_every_row(seeded, koptrain, store, tmp_path):
    path = tmp_path / "people.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["nik", "name", "gender", "coop_nik", "role"])
        for n in range(250):
            writer.writerow([f"bad{n}" + "9" * 2000, "X", "L", COOP_NIK, "anggota"])
    rejects = tmp_path / "rejects.csv"
    before = fingerprint(store)
    result = koptrain("import", "people", path, "--rejects", rejects, code=2)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 102, lines[-3:]  # 100 errors, how many more, and the verdict
    assert "150 more errors" in lines[100] and str(rejects) in lines[100]
    assert all(len(line) <= 500 for line in lines)
    with rejects.open(encoding="utf-8") as written:
        assert sum(1 for _ in csv.reader(written)) == 251
    assert fingerprint(store) == before


# --- privacy -------------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_holding_full_niks_are_private(seeded, koptrain, tmp_path):
    (tmp_path / "people.csv").write_text("old", encoding="utf-8")
    os.chmod(tmp_path / "people.csv", 0o644)
    koptrain("export", "people", "-o", tmp_path / "people.csv")
    koptrain("export", "people", "--format", "xlsx", "-o", tmp_path / "people.xlsx")
    koptrain("export", "people", "--format", "json", "-o", tmp_path / "people.json")
    koptrain("--reveal-nik", "person", "list", "-o", tmp_path / "list.txt")
    bad = tmp_path / "bad.csv"
    bad.write_text(f"nik,name,gender,coop_nik,role\n{seeded['nik']},X,Q,{COOP_NIK},anggota\n")
    koptrain("import", "people", bad, "--rejects", tmp_path / "rejects.csv", code=2)
    for name in ("people.csv", "people.xlsx", "people.json", "list.txt", "rejects.csv"):
        assert _mode(tmp_path / name) == 0o600, name
    assert seeded["nik"] in (tmp_path / "people.csv").read_text()
    assert seeded["nik"] in (tmp_path / "rejects.csv").read_text()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


@sqlite_only
def test_a_backup_is_private(seeded, koptrain, tmp_path):
    koptrain("db", "backup", tmp_path / "copy.sqlite3")
    assert _mode(tmp_path / "copy.sqlite3") == 0o600


def test_an_output_that_cannot_be_written_is_one_sentence(seeded, koptrain, tmp_path):
    (tmp_path / "folder").mkdir()
    result = koptrain("export", "people", "-o", tmp_path / "folder", code=2)
    assert "Cannot write" in result.stderr
    result = koptrain("person", "list", "-o", tmp_path / "missing" / "x.txt", code=2)
    assert "Cannot write" in result.stderr


def _audit_entities(store) -> list[str]:
    with store.session() as db:
        return list(db.exec(select(Audit.entity).order_by(Audit.id)).all())


def _read_only_url(db_url: str) -> str:
    if BACKEND == "sqlite":
        return f"sqlite:///file:{db_url}?mode=ro&uri=true"
    return db_url + "?options=-c%20default_transaction_read_only%3Don"


@pytest.mark.parametrize(
    "args",
    [
        ["--reveal-nik", "person", "list"],
        ["--reveal-nik", "person", "list", "--format", "json"],
        ["export", "people"],
        ["export", "people", "--format", "json"],
    ],
)
def test_when_the_reveal_cannot_be_recorded_nothing_is_shown(seeded, db_url, store, args):
    before = _audit_entities(store)
    result = Invoker()("--db", _read_only_url(db_url), *args, code=3)
    assert result.stdout == ""
    assert seeded["nik"][6:] not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert _audit_entities(store) == before


@sqlite_only
def test_when_the_database_is_busy_a_reveal_shows_nothing(seeded, db_url, store, monkeypatch):
    from koptrain import db as db_module

    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(db_url, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = Invoker()("--reveal-nik", "person", "list", code=3)
    finally:
        holder.rollback()
        holder.close()
    assert result.stdout == "" and "busy" in result.stderr


def _people(store, n: int) -> None:
    with store.session() as db:
        coop = db.exec(select(Coop)).first()
        for i in range(n):
            f.person(db, coop, name=f"Orang {i}")


def test_export_into_a_closed_pipe_ends_quietly_and_is_audited(seeded, db_url, store):
    _people(store, 3000)
    with subprocess.Popen(
        [sys.executable, "-m", "koptrain", "export", "people", "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "KOPTRAIN_DB": db_url},
    ) as process:
        assert process.stdout.read(200)
        process.stdout.close()  # `| head -c 200`
        stderr = process.stderr.read().decode()
        process.wait(timeout=60)
    assert stderr == "" and process.returncode == 0
    assert _audit_entities(store)[-1] == "export"


def _file_size_limit(size: int):
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


@pg_only
def test_a_full_disk_leaves_no_partial_export(seeded, db_url, store, tmp_path):
    """The database is on the server; only the export file meets the file-size limit."""
    _people(store, 3000)
    target = tmp_path / "people.json"
    done = subprocess.run(
        [sys.executable, "-m", "koptrain", "export", "people", "--format", "json", "-o", target],
        capture_output=True,
        text=True,
        preexec_fn=_file_size_limit(64 * 1024),
        env={**os.environ, "KOPTRAIN_DB": db_url},
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "Cannot write" in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []
    assert _audit_entities(store)[-1] == "export"  # recorded before the first NIK


def test_a_nik_typed_with_separators_is_the_same_nik(seeded, koptrain, store):
    nik = f.nik("P")
    typed = f"{nik[:4]}-{nik[4:8]}-{nik[8:12]}-{nik[12:]}"
    add = ["person", "add", "--name", "Heni", "--gender", "P", "--coop", COOP_NIK, "--role"]
    koptrain(*add, "anggota", "--nik", typed)
    koptrain(*add, "anggota", "--nik", typed.replace("-", " "), code=1)  # the same person
    with store.session() as db:
        assert db.exec(select(Person.nik).where(Person.name == "Heni")).one() == nik
    dotted = f"{nik[:4]}.{nik[4:8]}.{nik[8:12]}.{nik[12:]}"
    assert "Heni" in koptrain("person", "show", dotted).stdout
    trail = koptrain("log", "--format", "json").stdout
    assert typed not in trail and nik not in trail and f"{nik[:4]}**********{nik[-2:]}" in trail


# --- database errors ---------------------------------------------------------------------


def test_a_file_that_is_not_a_database_is_named(tmp_path):
    junk = tmp_path / "x.sqlite3"
    junk.write_text("not a database\n" * 100)
    result = Invoker()("--db", junk, "coop", "list", code=3)
    assert f"The file {junk} is not a koptrain database" in result.stderr


def test_a_url_is_named_without_its_password():
    url = "postgresql+psycopg://koptrain:s3cret@127.0.0.1:1/nowhere"
    result = Invoker()("--db", url, "coop", "list", code=3)
    assert "s3cret" not in result.stderr
    assert "postgresql+psycopg://koptrain@127.0.0.1:1/nowhere" in result.stderr


def test_a_reveal_is_recorded_before_the_niks_and_a_refused_one_not_at_all(seeded, koptrain, store):
    before = fingerprint(store)
    koptrain("--reveal-nik", "person", "show", "no-such-person", code=2)
    assert fingerprint(store) == before
    shown = koptrain("--reveal-nik", "person", "list", "--format", "json").stdout
    assert seeded["nik"] in shown
    assert _audit_entities(store)[-1] == "nik"


def test_a_cell_the_parser_would_hold_whole_is_refused_before_parsing(koptrain, store, tmp_path):
    """2 MB of incompressible text in one cell: not a bomb by size or ratio, yet the XML
    parser would hold it whole (150 MB took 400 MB): refused by a streaming scan."""
    import base64

    text = base64.b64encode(os.urandom(1536 * 1024)).decode()
    rows = [_row(1, "code", "title", "start", "end"), _row(2, "S-1", text, "2020-08-01", "x")]
    path = _workbook(tmp_path / "long.xlsx", _sheet(rows), level=1)
    before = fingerprint(store)
    result = koptrain("import", "sessions", path, code=2)
    assert "holds a cell of more than" in result.stderr
    assert fingerprint(store) == before


@pytest.mark.parametrize(
    "args", [["no\x1b[31m" + "k" * 5000], ["coop", "k" * 5000], ["log", "--x" * 900]]
)
def test_a_usage_error_echoes_what_was_typed_shortened_and_escaped(koptrain, args):
    result = koptrain(*args, code=2)
    assert "\x1b[31m" not in result.output and len(result.output.splitlines()) < 20
