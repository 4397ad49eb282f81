"""An import row and the matching command give the same verdict and the same sentence.

Every import kind has shared cases here: the same bad value given once to the command and
once as a row of `koptrain import`; the command refuses it (exit 1 or 2) with a sentence,
and the import rejects the row (exit 2) with that very sentence, nothing written either way.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import func, select

from koptrain.models import Attendance, Coop, HealthRating, Person, Program, Rat, Training
from koptrain.services import importing

import factories as f

COOP_NIK = "3572019475111595"
LONG_TITLE = "Pelatihan " + "x" * 390  # 400 characters
LONG_NAME = "N" * 201
TODAY = dt.date.today()
AHEAD = TODAY + dt.timedelta(days=5)


@pytest.fixture
def seeded(store):
    """A coop, a member with a seat in an open June 2020 session, in a closed one, and in
    one that starts in five days."""
    with store.session() as db:
        coop = f.coop(db, nik=COOP_NIK)
        person = f.person(db, coop, name="Sri")
        june = f.training(db, "BLT20-01")
        f.seat(db, june, person, coop)
        closed = f.training(db, "BLT20-02", start=dt.date(2020, 7, 1), end=dt.date(2020, 7, 2))
        closed.status = "closed"
        soon = f.training(db, "SOON-01", start=AHEAD, end=AHEAD + dt.timedelta(days=1))
        f.seat(db, soon, person, coop)
        db.commit()
        return {"nik": person.nik, "new_nik": f.nik("L")}


def _cases(values: dict) -> dict[str, list[tuple[list[str], str, str]]]:
    """Import kind -> [(command arguments, CSV header, CSV row)]."""
    nik, new_nik = values["nik"], values["new_nik"]
    ahead = AHEAD.isoformat()
    return {
        "programs": [
            (["program", "add", "A B", "--name", "Koperasi"], "code,name", "A B,Koperasi"),
            (["program", "add", "P-1", "--name", LONG_NAME], "code,name", f"P-1,{LONG_NAME}"),
        ],
        "coops": [
            (
                ["coop", "add", "--nik", "3572010000000999", "--name", LONG_NAME],
                "nik,name",
                f"3572010000000999,{LONG_NAME}",
            ),
        ],
        "health": [
            (
                [
                    "coop",
                    "health",
                    COOP_NIK,
                    "--year",
                    "2020",
                    "--rating",
                    "sehat",
                    "--assessed-on",
                    "2019-12-01",
                ],
                "coop_nik,year,rating,assessed_on",
                f"{COOP_NIK},2020,sehat,2019-12-01",
            ),
            (
                [
                    "coop",
                    "health",
                    COOP_NIK,
                    "--year",
                    "2020",
                    "--rating",
                    "sehat",
                    "--score",
                    "101",
                ],
                "coop_nik,year,rating,score",
                f"{COOP_NIK},2020,sehat,101",
            ),
        ],
        "rat": [
            (  # held before its fiscal year ended
                ["rat", "record", COOP_NIK, "--year", "2020", "--held", "2020-12-15"],
                "coop_nik,fiscal_year,held_on",
                f"{COOP_NIK},2020,2020-12-15",
            ),
            (
                [
                    "rat",
                    "record",
                    COOP_NIK,
                    "--year",
                    "2020",
                    "--held",
                    "2021-03-01",
                    "--reported",
                    "2021-02-01",
                ],
                "coop_nik,fiscal_year,held_on,reported_on",
                f"{COOP_NIK},2020,2021-03-01,2021-02-01",
            ),
            (
                ["rat", "record", COOP_NIK, "--year", str(TODAY.year - 1), "--held", ahead],
                "coop_nik,fiscal_year,held_on",
                f"{COOP_NIK},{TODAY.year - 1},{ahead}",
            ),
        ],
        "people": [
            (
                [
                    "person",
                    "add",
                    "--nik",
                    new_nik,
                    "--name",
                    LONG_NAME,
                    "--gender",
                    "L",
                    "--coop",
                    COOP_NIK,
                    "--role",
                    "anggota",
                ],
                "nik,name,gender,coop_nik,role",
                f"{new_nik},{LONG_NAME},L,{COOP_NIK},anggota",
            ),
        ],
        "sessions": [
            (
                [
                    "session",
                    "create",
                    "S-2",
                    "--title",
                    LONG_TITLE,
                    "--start",
                    "2020-08-01",
                    "--end",
                    "2020-08-02",
                ],
                "code,title,start,end",
                f"S-2,{LONG_TITLE},2020-08-01,2020-08-02",
            ),
            (
                [
                    "session",
                    "create",
                    "S-3",
                    "--title",
                    "Akuntansi",
                    "--start",
                    "2020-08-03",
                    "--end",
                    "2020-08-01",
                ],
                "code,title,start,end",
                "S-3,Akuntansi,2020-08-03,2020-08-01",
            ),
            (
                [
                    "session",
                    "create",
                    "S-4",
                    "--title",
                    "Akuntansi",
                    "--start",
                    "2020-08-01",
                    "--end",
                    "2020-08-02",
                    "--capacity",
                    "0",
                ],
                "code,title,start,end,capacity",
                "S-4,Akuntansi,2020-08-01,2020-08-02,0",
            ),
            (
                [
                    "session",
                    "create",
                    "S 5",
                    "--title",
                    "Akuntansi",
                    "--start",
                    "2020-08-01",
                    "--end",
                    "2020-08-02",
                ],
                "code,title,start,end",
                "S 5,Akuntansi,2020-08-01,2020-08-02",
            ),
        ],
        "enrollments": [
            (["enroll", "BLT20-02", nik], "session,nik", f"BLT20-02,{nik}"),
        ],
        "attendance": [
            (  # a day outside the session
                ["attend", "BLT20-01", "--day", "2020-06-20", nik],
                "session,nik,day",
                f"BLT20-01,{nik},2020-06-20",
            ),
            (  # a day of the session still ahead
                ["attend", "SOON-01", "--day", ahead, nik],
                "session,nik,day",
                f"SOON-01,{nik},{ahead}",
            ),
        ],
        "groups": [
            (
                ["group", "create", "G-1", "--mentor", "Budi", "--session", "NOPE"],
                "group,mentor,session,nik",
                f"G-1,Budi,NOPE,{nik}",
            ),
        ],
        "mentoring": [
            (
                [
                    "mentor",
                    "log",
                    nik,
                    "--date",
                    "2020-08-01",
                    "--mentor",
                    "Budi",
                    "--status",
                    "partly",
                    "--next",
                    "2020-07-01",
                ],
                "nik,date,mentor,status,next",
                f"{nik},2020-08-01,Budi,partly,2020-07-01",
            ),
        ],
        "scores": [
            (  # a score outside 0-100
                ["score", "record", "BLT20-01", nik, "--pre", "101"],
                "session,nik,pre",
                f"BLT20-01,{nik},101",
            ),
            (  # no seat in that session
                ["score", "record", "BLT20-02", nik, "--pre", "50"],
                "session,nik,pre",
                f"BLT20-02,{nik},50",
            ),
        ],
        "nominations": [
            (  # a closed session: the form's rows are enrolled by the rules of `enroll`
                ["enroll", "BLT20-02", nik],
                f"Kode pelatihan,BLT20-02\nKode koperasi,{COOP_NIK}\n"
                "nik,nama,jenis_kelamin,jabatan",
                f"{nik},Sri,P,anggota",
            ),
        ],
        "indicators": [
            (  # a value that is not of the indicator's kind
                [
                    "baseline",
                    "record",
                    nik,
                    "--session",
                    "BLT20-01",
                    "--date",
                    "2020-06-01",
                    "--indicator",
                    "pembukuan=mungkin",
                ],
                "nik,session,date,indicator,value",
                f"{nik},BLT20-01,2020-06-01,pembukuan,mungkin",
            ),
        ],
    }


# Kinds with no command of their own: evaluations come only from the participants' forms.
IMPORT_ONLY = {"evaluations"}


def _stored(store) -> dict[str, int]:
    with store.session() as db:
        return {
            model.__name__: db.exec(select(func.count()).select_from(model)).one()
            for model in (Program, Coop, HealthRating, Rat, Person, Training, Attendance)
        }


def test_every_import_kind_has_shared_cases(seeded):
    assert set(_cases(seeded)) | IMPORT_ONLY == set(importing.KINDS)


@pytest.mark.parametrize("kind", [k for k in importing.KINDS if k not in IMPORT_ONLY])
def test_an_import_row_and_its_command_agree(kind, seeded, koptrain, store, tmp_path):
    for args, header, row in _cases(seeded)[kind]:
        before = _stored(store)
        command = koptrain(*args, code=None)
        assert command.exit_code in (1, 2), (args, command.output)
        sentence = command.stderr.strip().splitlines()[-1].removeprefix("koptrain: ")
        path = tmp_path / f"{kind}.csv"
        path.write_text(f"{header}\n{row}\n")
        imported = koptrain("import", kind, path, "--format", "json", code=2)
        errors = json.loads(imported.stdout)["errors"]
        assert len(errors) == 1, args
        # the same sentence on screen: the import's `FILE:LINE: column: message` line
        column = errors[0]["column"]
        located = f"{path}:{errors[0]['line']}: " + (f"{column}: " if column else "")
        shown = [line for line in imported.stderr.splitlines() if line.startswith(located)]
        assert [line.removeprefix(located) for line in shown] == [sentence], args
        assert _stored(store) == before
