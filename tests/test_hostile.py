"""Property-based: every command with generated arguments (hostile text, huge numbers, odd
dates, bytes that are not text) and every import kind with generated files keeps SPEC §13's
promises: exit status 0-3, exit 3 only when the database is at fault, never "unexpected" or a
traceback, at most 100 error lines of at most 500 characters, no terminal escape echoed, and
nothing written when the exit status is not 0.

A bounded number of examples runs in CI; for a longer run set KOPTRAIN_HOSTILE_EXAMPLES, e.g.
`KOPTRAIN_HOSTILE_EXAMPLES=3000 pytest -q -s tests/test_hostile.py` (the count of cases run is
printed with -s).
"""

from __future__ import annotations

import collections
import csv
import io
import os
from pathlib import Path

import pytest
from fingerprint import fingerprint
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import factories as f
from conftest import BACKEND, Invoker

EXAMPLES = int(os.environ.get("KOPTRAIN_HOSTILE_EXAMPLES", "40"))
COOP_NIK = "3572019475111595"
RUNS: collections.Counter = collections.Counter()

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 100,  # CI runs the same cases every time
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# --- values ---------------------------------------------------------------------------------

HOSTILE = st.sampled_from(
    [
        "\x1b[31mred\x1b[0m",
        "a\nb",
        "nul\x00byte",
        "tab\tbed",
        "%_\\",
        "'; DROP TABLE coop; --",
        '=HYPERLINK("x")',
        "",
        " ",
        "-",
        "--help",
        "\u202eevil",
        "bytes\udcff\udcfe",
        "é" * 3,
        "x" * 41,
        "y" * 201,
        "z" * 301,
        "\x07bell",
    ]
)
TEXT = st.one_of(
    HOSTILE,
    st.text(max_size=40),
    st.binary(max_size=20).map(lambda b: b.decode("utf-8", "surrogateescape")),
    st.integers(1_000, 120_000).map(lambda n: "k" * n),
)
NUMBER = st.one_of(
    st.integers(-(10**40), 10**40).map(str),
    st.sampled_from(
        ["0", "1", "40", "10000", "10001", "2147483648", "-1", "1e5", "0x10", "١٢", "3,5", "NaN"]
    ),
    TEXT,
)
DATE = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(
        [
            "9999-12-31",
            "0001-01-01",
            "2020-02-30",
            "16 Juni 2020",
            "31/12/2100",
            "1899-12-31",
            "2100-12-31",
            "1900-01-01",
            "2020-06-16",
            "00/00/0000",
            "32 Mei 2020",
        ]
    ),
    TEXT,
)
NIK = st.one_of(
    st.just("3572014106609646"),
    st.just("3572-0141-0660-9646"),
    st.from_regex(r"\A3572[0-9]{12}\Z"),
    TEXT,
)


def ref(*valid: str):
    return st.one_of(st.sampled_from(valid), TEXT, NUMBER)


COOP = ref(COOP_NIK, "1", "KSP", "518.08/96/BH")
PERSON = ref("1", "2", "3572014106609646")
SESSION = ref("BLT20-01", "DONE-01", "blt20-01")
GROUP = ref("KLP-A")
PROGRAM = ref("BLITAR-2020")
STATUS = st.one_of(st.sampled_from(["practicing", "partly", "not_yet", "stopped"]), TEXT)
FORMAT = st.sampled_from([[], ["--format", "json"], ["--format", "csv"], ["--format", "xml"]])

POLICY_KEYS = [
    "rat.months_primary",
    "rat.months_secondary",
    "rat.report_days",
    "rat.extension.2019",
    "health.accepted",
    "session.capacity",
    "followup.first_days",
    "followup.interval_days",
    "followup.window_days",
    "reminders.session_days",
]

# each command: the words, then (option or None for an argument, its values) pairs
COMMANDS: list[tuple[list[str], list[tuple[str | None, st.SearchStrategy]]]] = [
    (
        ["coop", "add"],
        [
            ("--nik", NIK),
            ("--legal-number", TEXT),
            ("--name", TEXT),
            ("--members", NUMBER),
            ("--fiscal-year-end", TEXT),
            ("--type", TEXT),
            ("--kecamatan", TEXT),
        ],
    ),
    (["coop", "list"], [("--eligible-on", DATE)]),
    (["coop", "eligibility"], [(None, COOP), ("--on", DATE)]),
    (["coop", "show"], [(None, COOP), ("--on", DATE)]),
    (
        ["coop", "health"],
        [
            (None, COOP),
            ("--year", NUMBER),
            ("--rating", TEXT),
            ("--score", NUMBER),
            ("--assessed-on", DATE),
        ],
    ),
    (
        ["rat", "record"],
        [
            (None, COOP),
            ("--year", NUMBER),
            ("--held", DATE),
            ("--reported", DATE),
            ("--attendees", NUMBER),
        ],
    ),
    (["rat", "list"], [("--year", NUMBER), ("--status", TEXT), ("--on", DATE)]),
    (
        ["person", "add"],
        [
            ("--nik", NIK),
            ("--name", TEXT),
            ("--gender", TEXT),
            ("--coop", COOP),
            ("--role", TEXT),
            ("--phone", TEXT),
            ("--birth-date", DATE),
        ],
    ),
    (["person", "list"], [("--coop", COOP)]),
    (["person", "show"], [(None, PERSON)]),
    (["program", "add"], [(None, TEXT), ("--name", TEXT), ("--year", NUMBER)]),
    (
        ["session", "create"],
        [
            (None, TEXT),
            ("--title", TEXT),
            ("--start", DATE),
            ("--end", DATE),
            ("--capacity", NUMBER),
            ("--audience", TEXT),
            ("--venue", TEXT),
            ("--min-attendance", NUMBER),
            ("--program", PROGRAM),
            ("--trainer", TEXT),
        ],
    ),
    (["session", "list"], [("--program", PROGRAM)]),
    (["session", "show"], [(None, SESSION)]),
    (["session", "cancel"], [(None, SESSION)]),
    (["session", "close"], [(None, SESSION)]),
    (["enroll"], [(None, SESSION), (None, PERSON), ("--coop", COOP), ("--override", TEXT)]),
    (["withdraw"], [(None, SESSION), (None, PERSON), ("--reason", TEXT)]),
    (["attend"], [(None, SESSION), ("--day", DATE), (None, PERSON)]),
    (["group", "create"], [(None, TEXT), ("--mentor", TEXT), ("--session", SESSION)]),
    (["group", "add"], [(None, GROUP), (None, PERSON)]),
    (["group", "show"], [(None, GROUP)]),
    (
        ["mentor", "log"],
        [
            (None, PERSON),
            ("--date", DATE),
            ("--mentor", TEXT),
            ("--status", STATUS),
            ("--session", SESSION),
            ("--obstacle", TEXT),
            ("--note", TEXT),
            ("--next", DATE),
        ],
    ),
    (["mentor", "due"], [("--on", DATE)]),
    (["report", "summary"], [("--program", PROGRAM), ("--on", DATE)]),
    (["report", "roster"], [(None, SESSION)]),
    (["report", "rat"], [("--year", NUMBER), ("--on", DATE)]),
    (["report", "mentoring"], [("--program", PROGRAM), ("--on", DATE)]),
    (["report", "reminders"], [("--on", DATE)]),
    (["policy", "set"], [(None, st.sampled_from(POLICY_KEYS) | TEXT), (None, NUMBER | DATE)]),
    (["policy", "show"], []),
    ([], [(None, TEXT), (None, TEXT)]),  # a command that does not exist
    (["coop"], [(None, TEXT), (None, COOP)]),
    (["log"], [("--limit", NUMBER)]),
    (["export"], [(None, st.sampled_from(["people", "coops", "mentoring", "sessions"]) | TEXT)]),
]


@st.composite
def command_line(draw) -> list[str]:
    words, parameters = draw(st.sampled_from(COMMANDS))
    args = list(words)
    for option, values in parameters:
        if option is None or draw(st.booleans()):
            value = draw(values)
            args += [value] if option is None else [option, value]
    if words[:1] in (["report"], ["log"], ["policy"], ["rat"], ["mentor"]) or words[-1:] in (
        ["list"],
        ["show"],
    ):
        args += draw(FORMAT)
    if draw(st.integers(0, 9)) == 0:
        args = ["--reveal-nik", *args]
    return args


# --- the contract --------------------------------------------------------------------------


def check_contract(result, *, before: str, after: str, database_fault: bool, wrote_ok: bool):
    output = result.stdout + result.stderr
    assert result.exit_code in (0, 1, 2, 3), result.exit_code
    if not database_fault:
        assert result.exit_code != 3, result.stderr
    assert "unexpected" not in result.stderr, result.stderr
    assert "Traceback" not in output
    assert "\x1b" not in output, output[:500]
    lines = result.stderr.splitlines()
    assert len([line for line in lines if line.strip()]) <= 102, len(lines)
    assert all(len(line) <= 500 for line in lines), max(map(len, lines))
    if result.exit_code != 0 and not wrote_ok:
        assert after == before, "a refused command wrote to the database"


@pytest.fixture
def world(store):
    """A small office: a coop with members, sessions (one over), a programme and a group."""
    import datetime as dt

    with store.session() as db:
        program = f.program(db)
        coop = f.coop(db, nik=COOP_NIK)
        people = [f.person(db, coop, name=f"Orang {i}") for i in range(3)]
        june = f.training(db, "BLT20-01", program=program)
        done = f.training(db, "DONE-01", start=dt.date(2020, 5, 1), end=dt.date(2020, 5, 2))
        f.seat(db, june, people[0], coop)
        f.seat(db, done, people[1], coop)
        from koptrain.models import MentorGroup

        db.add(MentorGroup(code="KLP-A", mentor="Bu Rina", session_id=done.id))
        db.commit()
    return store


def _fault_url(db_url: str, tmp_path: Path, kind: str) -> str:
    if kind == "junk":
        junk = tmp_path / "junk.sqlite3"
        junk.write_bytes(b"this is not a database\n" * 64)
        return str(junk)
    if BACKEND == "sqlite":
        return f"sqlite:///file:{db_url}?mode=ro&uri=true"
    return db_url + "?options=-c%20default_transaction_read_only%3Don"


@SETTINGS
@given(args=command_line(), fault=st.sampled_from([None] * 8 + ["read-only", "junk"]))
def test_every_command_keeps_the_contract(world, db_url, tmp_path, args, fault):
    before = fingerprint(world)
    prefix = ["--db", _fault_url(db_url, tmp_path, fault)] if fault else []
    result = Invoker()(*prefix, *args, code=None)
    RUNS["command"] += 1
    RUNS[f"command exit {result.exit_code}"] += 1
    check_contract(
        result,
        before=before,
        after=fingerprint(world),
        database_fault=fault is not None,
        wrote_ok=False,
    )


# --- generated import files ------------------------------------------------------------------

KINDS = [
    "programs",
    "coops",
    "health",
    "rat",
    "people",
    "sessions",
    "enrollments",
    "attendance",
    "groups",
    "mentoring",
]
HEADERS = [
    "code", "name", "year", "nik", "type", "level", "kecamatan", "legal_number", "members",
    "coop_nik", "rating", "score", "assessed_on", "fiscal_year", "held_on", "reported_on",
    "attendees", "gender", "birth_date", "phone", "role", "has_business", "title", "start",
    "end", "capacity", "audience", "session", "day", "present", "group", "mentor", "date",
    "status", "obstacle", "note", "next", "Nama", "NIK Koperasi", "",
]  # fmt: skip
# values a row of that column may well accept, mixed with the hostile ones
PLAUSIBLE = {
    "code": ["P-9", "S-9", "BLT20-01"],
    "name": ["Nama Baru", "KSP Maju"],
    "year": ["2019", "2020"],
    "fiscal_year": ["2019"],
    "nik": ["3572014106609646", "3572-0141-0660-9646", "3572010000000999"],
    "coop_nik": [COOP_NIK],
    "rating": ["sehat", "Cukup Sehat"],
    "score": ["80", "80,5"],
    "held_on": ["2020-03-10"],
    "reported_on": ["2020-03-20"],
    "gender": ["L", "Perempuan"],
    "role": ["anggota", "pengurus"],
    "title": ["Pelatihan"],
    "start": ["2020-08-01"],
    "end": ["2020-08-02"],
    "session": ["BLT20-01", "DONE-01"],
    "day": ["2020-06-16"],
    "present": ["1", "ya"],
    "group": ["KLP-A", "KLP-B"],
    "mentor": ["Bu Rina"],
    "date": ["2020-06-10"],
    "status": ["partly", "practicing"],
}
CELL = st.one_of(
    NUMBER, DATE, NIK, COOP, SESSION, st.sampled_from(["sehat", "L", "P", "anggota", "1", "ya"])
)


@st.composite
def import_file(draw, tmp_path: Path, kind: str) -> tuple[Path, str]:
    from koptrain.services import importing

    if kind in KINDS and draw(st.booleans()):  # the kind's own columns, so rows may pass
        columns = list(importing.handler_for(kind).columns)
        header = draw(st.permutations(columns))
    else:
        header = draw(
            st.lists(st.sampled_from(HEADERS) | TEXT.filter(lambda t: len(t) < 50), max_size=9)
        )
    cells = [
        st.one_of(*[st.sampled_from(PLAUSIBLE[h])] * 4, CELL) if h in PLAUSIBLE else CELL
        for h in header
    ]
    rows = draw(st.lists(st.tuples(*cells).map(list), max_size=8))
    if draw(st.booleans()):  # a ragged row
        rows.append(draw(st.lists(CELL, max_size=len(header) + 2)))
    shape = draw(st.sampled_from(["csv", "csv", "semicolon", "xlsx", "bytes"]))
    path = tmp_path / ("in.xlsx" if shape == "xlsx" else "in.csv")
    if shape == "bytes":
        path.write_bytes(draw(st.binary(max_size=300)))
    elif shape == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        def cell(value: str) -> str:
            value = value.encode("utf-8", "replace").decode("utf-8")
            return ILLEGAL_CHARACTERS_RE.sub("", value)[:32_767]

        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        for row in [header, *rows]:
            sheet.append([cell(v) for v in row])
        book.save(path)
    else:
        text = io.StringIO()
        csv.writer(text, delimiter=";" if shape == "semicolon" else ",").writerows([header, *rows])
        path.write_bytes(text.getvalue().encode("utf-8", "surrogateescape"))
    return path, shape


@SETTINGS
@given(
    data=st.data(),
    kind=st.sampled_from(KINDS) | TEXT,
    flags=st.sampled_from([[], ["--dry-run"], ["--skip-invalid"], ["--format", "json"]]),
)
def test_every_import_kind_keeps_the_contract(world, tmp_path, data, kind, flags):
    path, _shape = data.draw(import_file(tmp_path, kind))
    rejects = tmp_path / "rejects.csv"
    before = fingerprint(world)
    result = Invoker()("import", kind, path, *flags, "--rejects", rejects, code=None)
    RUNS["import"] += 1
    RUNS[f"import exit {result.exit_code}"] += 1
    check_contract(
        result,
        before=before,
        after=fingerprint(world),
        database_fault=False,
        wrote_ok="--skip-invalid" in flags and result.exit_code == 1,
    )
    if "--dry-run" in flags:
        assert fingerprint(world) == before


def teardown_module() -> None:
    if RUNS:
        print("\ngenerated cases run:", dict(sorted(RUNS.items())))
