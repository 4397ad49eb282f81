"""The registry through the command line: coop, rat and person commands, as a user meets them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import func, select

from koptrain.io.output import screen_dates
from koptrain.models import Audit, Coop, HealthRating, Membership, Person, Rat

import factories

D = dt.date

# Six coops judged for a session starting 2020-06-16: name -> (eligible, reasons).
SIX = {
    "KSP Tepat Waktu": (
        True,
        [
            "RAT 2019 held 2020-03-14 and reported 2020-03-30, on time (deadline 2020-03-31).",
            "Health rating 2019: sehat.",
        ],
    ),
    "KSP April": (
        False,
        [
            "RAT 2019 held 2020-04-14, 14 days after the deadline 2020-03-31.",
            "Health rating 2019: sehat.",
        ],
    ),
    "KSP Lapor Lambat": (
        False,
        [
            "RAT 2019 held 2020-03-14 but reported 2020-05-03, 50 days after the meeting "
            "(20 days after the report deadline 2020-04-13).",
            "Health rating 2019: sehat.",
        ],
    ),
    "KSP Tanpa RAT": (
        False,
        ["No RAT 2019 recorded; it was due by 2020-03-31.", "Health rating 2019: sehat."],
    ),
    "KSP Cukup Sehat": (
        False,
        [
            "RAT 2019 held 2020-03-10 and reported 2020-03-20, on time (deadline 2020-03-31).",
            "Health rating 2019: cukup_sehat, not in the accepted ratings (sehat).",
        ],
    ),
    "PKP Sekunder": (
        True,
        [
            "RAT 2019 held 2020-05-20 and reported 2020-05-25, on time (deadline 2020-06-30).",
            "Health rating 2019: sehat.",
        ],
    ),
}


def counts(store) -> dict[str, int]:
    with store.session() as session:
        return {
            model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Audit, Coop, Rat, HealthRating, Person, Membership)
        }


SIX_ROWS = [
    ("KSP Tepat Waktu", "3572010000000001", "primer", "14/03/2020", "30/03/2020", "sehat"),
    ("KSP April", "3572010000000002", "primer", "2020-04-14", "2020-04-20", "sehat"),
    ("KSP Lapor Lambat", "3572020000000003", "primer", "14 Maret 2020", "3 Mei 2020", "Sehat"),
    ("KSP Tanpa RAT", "3572020000000004", "primer", None, None, "sehat"),
    ("KSP Cukup Sehat", "3572030000000005", "primer", "2020-03-10", "2020-03-20", "Cukup Sehat"),
    ("PKP Sekunder", "3572030000000006", "sekunder", "20 Mei 2020", "25 Mei 2020", "sehat"),
]


@pytest.fixture
def six(koptrain, store):
    """The six coops of the June 2020 example, written by the registry service (fast)."""
    from koptrain.services import registry

    with store.session() as session:
        for name, nik, level, held, reported, rating in SIX_ROWS:
            coop = registry.add_coop(session, nik=nik, name=name, level=level)
            if held:
                registry.record_rat(
                    session, coop, fiscal_year=2019, held_on=held, reported_on=reported
                )
            registry.record_health(session, coop, year=2019, rating=rating)
    return SIX_ROWS


def check_verdicts(koptrain) -> None:
    for name, (eligible, reasons) in SIX.items():
        result = koptrain("coop", "eligibility", name, "--on", "16 Juni 2020", "--format", "json")
        nik = next(row[1] for row in SIX_ROWS if row[0] == name)
        verdict = json.loads(result.stdout)
        assert {k: verdict[k] for k in ("coop", "coop_nik", "on", "eligible", "reasons")} == {
            "coop": name,
            "coop_nik": nik,
            "on": "2020-06-16",
            "eligible": eligible,
            "reasons": reasons,
        }
        # The table: exit 0 either way, a headline, then each reason marked.
        lines = koptrain("coop", "eligibility", nik, "--on", "2020-06-16").stdout.splitlines()
        state = "ELIGIBLE" if eligible else "NOT ELIGIBLE"
        assert lines[0] == f"{name} is {state} on 16 June 2020."  # dates as the tables write them
        assert [line[4:] for line in lines[1:]] == [screen_dates(r) for r in reasons]
        marks = {line[:4] for line in lines[1:]}
        assert marks == ({"  ✓ "} if eligible else {"  ✓ ", "  ✗ "})


def test_six_coops_registered_through_the_cli_get_their_verdicts(koptrain):
    for number, (name, nik, level, held, reported, rating) in enumerate(SIX_ROWS, start=1):
        options = ["--nik", nik, "--name", name, "--level", level, "--kecamatan", "Sananwetan"]
        result = koptrain("coop", "add", *options)
        assert result.stdout.strip() == f"Added cooperative {number}: {name}."
        if held:
            recorded = koptrain(
                "rat", "record", nik, "--year", "2019", "--held", held, "--reported", reported
            )
            assert recorded.stdout.startswith("RAT 2019 of ")
        health = koptrain("coop", "health", str(number), "--year", "2019", "--rating", rating)
        assert "recorded" in health.stdout
    check_verdicts(koptrain)


def test_six_coops_via_the_service_get_the_same_verdicts(koptrain, six):
    check_verdicts(koptrain)


def test_coop_list_eligible_on(koptrain, six):
    result = koptrain("coop", "list", "--eligible-on", "16/06/2020", "--format", "json")
    rows = json.loads(result.stdout)
    assert [r["name"] for r in rows] == ["KSP Tepat Waktu", "PKP Sekunder"]
    assert set(rows[0]) >= {
        "id",
        "nik",
        "legal_number",
        "name",
        "type",
        "level",
        "kecamatan",
        "kelurahan",
        "fiscal_year_end",
        "members",
    }
    everyone = json.loads(koptrain("coop", "list", "--format", "json").stdout)
    assert [r["id"] for r in everyone] == [1, 2, 3, 4, 5, 6]
    table = koptrain("coop", "list", "--eligible-on", "2020-06-16").stdout
    assert "KSP Tepat Waktu" in table and "KSP April" not in table
    csv_lines = koptrain("coop", "list", "--format", "csv").stdout.splitlines()
    assert csv_lines[0] == (
        "id,nik,legal_number,name,type,level,kecamatan,kelurahan,fiscal_year_end,members"
    )
    assert len(csv_lines) == 7


def test_rat_list_statuses(koptrain, six):
    rows = json.loads(koptrain("rat", "list", "--on", "2020-06-16", "--format", "json").stdout)
    assert {r["coop"]: r["status"] for r in rows} == {
        "KSP Tepat Waktu": "on_time",
        "KSP April": "late",
        "KSP Lapor Lambat": "report_late",
        "KSP Tanpa RAT": "missing",
        "KSP Cukup Sehat": "on_time",
        "PKP Sekunder": "on_time",
    }
    assert set(rows[0]) >= {
        "coop",
        "coop_nik",
        "fiscal_year",
        "deadline",
        "held_on",
        "reported_on",
        "report_deadline",
        "status",
    }
    late = koptrain("rat", "list", "--year", "2019", "--status", "Late", "--format", "json")
    assert [r["coop"] for r in json.loads(late.stdout)] == ["KSP April", "KSP Lapor Lambat"]
    missing = koptrain("rat", "list", "--on", "2020-06-16", "--status", "missing").stdout
    assert "KSP Tanpa RAT" in missing and "KSP April" not in missing


def test_coop_show(koptrain, six):
    report = json.loads(
        koptrain("coop", "show", "KSP Lapor", "--on", "2020-06-16", "--format", "json").stdout
    )
    assert report["name"] == "KSP Lapor Lambat"
    assert [(r["fiscal_year"], r["status"]) for r in report["rats"]] == [(2019, "report_late")]
    assert [(h["year"], h["rating"]) for h in report["health"]] == [(2019, "sehat")]
    assert report["eligibility"]["eligible"] is False
    table = koptrain("coop", "show", "3572020000000003", "--on", "2020-06-16").stdout
    assert "report_late" in table and "NOT ELIGIBLE" in table
    # The missing RAT of the year eligibility looks at is shown too.
    missing = json.loads(
        koptrain("coop", "show", "KSP Tanpa", "--on", "2020-06-16", "--format", "json").stdout
    )
    assert [(r["fiscal_year"], r["status"]) for r in missing["rats"]] == [(2019, "missing")]


def test_health_correction_and_policy_change(koptrain, six, store):
    result = koptrain("coop", "health", "KSP Cukup", "--year", "2019", "--rating", "sehat")
    assert result.stdout.strip() == "Health rating 2019 of KSP Cukup Sehat updated: sehat."
    result = koptrain("coop", "health", "KSP Cukup", "--year", "2019", "--rating", "SEHAT")
    assert "unchanged" in result.stdout
    with store.session() as session:
        last = session.exec(select(Audit).where(Audit.entity == "health")).all()[-1].change
    assert json.loads(last) == {"rating": ["cukup_sehat", "sehat"]}
    koptrain("policy", "set", "health.accepted", "cukup_sehat")
    verdict = json.loads(
        koptrain("coop", "eligibility", "5", "--on", "2020-06-16", "--format", "json").stdout
    )
    assert verdict["reasons"][1] == (
        "Health rating 2019: sehat, not in the accepted ratings (cukup_sehat)."
    )


def test_rat_correction_and_extension(koptrain, six):
    result = koptrain("rat", "record", "KSP April", "--year", "2019", "--held", "2020-04-14")
    # a correction changes only the fields given (SPEC §7): the report date stays
    assert result.stdout.strip() == "RAT 2019 of KSP April unchanged (held 14 April 2020)."
    koptrain("policy", "set", "rat.extension.2019", "30 Juni 2020")
    koptrain(
        "rat",
        "record",
        "KSP April",
        "--year",
        "2019",
        "--held",
        "2020-04-14",
        "--reported",
        "2020-04-20",
    )
    verdict = json.loads(
        koptrain(
            "coop", "eligibility", "KSP April", "--on", "2020-06-16", "--format", "json"
        ).stdout
    )
    assert verdict["eligible"] is True
    assert verdict["reasons"][0] == (
        "RAT 2019 held 2020-04-14 and reported 2020-04-20, on time (deadline 2020-06-30)."
    )


def test_json_is_english_whatever_the_language(koptrain, six):
    english = koptrain("coop", "eligibility", "KSP April", "--on", "2020-06-16", "--format", "json")
    indonesian = koptrain(
        "--lang", "id", "coop", "eligibility", "KSP April", "--on", "2020-06-16", "--format", "json"
    )
    assert indonesian.stdout == english.stdout


def test_coop_without_nik_uses_its_legal_number(koptrain):
    koptrain("coop", "add", "--legal-number", "518.08/96/BH/XIV.10/VIII/2008", "--name", "KSU Lama")
    koptrain(
        "rat", "record", "518.08/96/BH/XIV.10/VIII/2008", "--year", "2019", "--held", "2020-03-01"
    )
    verdict = json.loads(
        koptrain("coop", "eligibility", "KSU", "--on", "2020-06-16", "--format", "json").stdout
    )
    assert verdict["coop_nik"] == "518.08/96/BH/XIV.10/VIII/2008"


# --- people -----------------------------------------------------------------------------------

NIK = factories.nik("P", D(1985, 7, 9))
MASKED = NIK[:4] + "*" * 10 + NIK[-2:]


def test_person_add_list_show(koptrain, six, store):
    result = koptrain(
        "person", "add", "--nik", NIK, "--name", "Sri Wahyuni", "--gender", "Perempuan",
        "--coop", "KSP Tepat", "--role", "Pengurus", "--has-business", "--birth-date", "09/07/1985",
    )  # fmt: skip
    assert result.stdout.strip() == (
        f"Added person 1: Sri Wahyuni (NIK {MASKED}), member of KSP Tepat Waktu."
    )
    assert result.stderr == ""
    result = koptrain(
        "person", "add", "--nik", NIK, "--name", "Sri Wahyuni", "--gender", "P",
        "--coop", "PKP", "--role", "calon anggota",
    )  # fmt: skip
    assert "is now also a member of PKP Sekunder" in result.stdout
    result = koptrain(
        "person", "add", "--nik", NIK, "--name", "Sri Wahyuni", "--gender", "P",
        "--coop", "1", "--role", "anggota", code=1,
    )  # fmt: skip
    assert result.stderr.strip() == (
        f"koptrain: Sri Wahyuni (NIK {MASKED}) is already a member of KSP Tepat Waktu, as pengurus."
    )
    rows = json.loads(koptrain("person", "list", "--format", "json").stdout)
    assert [(r["nik"], r["coop"], r["role"]) for r in rows] == [
        (MASKED, "KSP Tepat Waktu", "pengurus"),
        (MASKED, "PKP Sekunder", "calon_anggota"),
    ]
    assert set(rows[0]) >= {"id", "nik", "name", "gender", "birth_date", "coop", "role"}
    assert rows[0]["has_business"] is True and rows[0]["birth_date"] == "1985-07-09"
    only = json.loads(koptrain("person", "list", "--coop", "PKP", "--format", "json").stdout)
    assert [r["coop"] for r in only] == ["PKP Sekunder"]
    assert NIK not in koptrain("person", "list").stdout
    revealed = koptrain("--reveal-nik", "person", "list", "--format", "json").stdout
    assert json.loads(revealed)[0]["nik"] == NIK

    with store.session() as session:
        training = factories.training(session, "BLT20-01")
        person = session.exec(select(Person)).one()
        coop = session.get(Coop, 1)
        factories.seat(session, training, person, coop)
    report = json.loads(koptrain("person", "show", NIK, "--format", "json").stdout)
    assert report["nik"] == MASKED
    assert [m["coop"] for m in report["memberships"]] == ["KSP Tepat Waktu", "PKP Sekunder"]
    assert [(e["session"], e["status"]) for e in report["enrollments"]] == [
        ("BLT20-01", "enrolled")
    ]
    table = koptrain("person", "show", "1").stdout
    assert "BLT20-01" in table and MASKED in table and NIK not in table


def test_person_add_warns_when_the_nik_contradicts(koptrain, six, store):
    result = koptrain(
        "person", "add", "--nik", NIK, "--name", "Budi", "--gender", "L", "--coop", "1",
        "--role", "anggota", "--birth-date", "1985-07-10",
    )  # fmt: skip
    warnings = result.stderr.strip().splitlines()
    assert warnings == [
        f"koptrain: warning: The gender given is L but NIK {MASKED} says P.",
        f"koptrain: warning: The birth date 1985-07-10 does not match NIK {MASKED}.",
    ]
    assert counts(store)["Person"] == 1


def test_person_without_birth_date_leaves_it_empty(koptrain, six):
    koptrain(
        "person", "add", "--nik", NIK, "--name", "Sri", "--gender", "P", "--coop", "1",
        "--role", "anggota",
    )  # fmt: skip
    rows = json.loads(koptrain("person", "list", "--format", "json").stdout)
    assert rows[0]["birth_date"] is None


def person_args(**options: str) -> list[str]:
    given = {"nik": NIK, "name": "X", "gender": "P", "coop": "1", "role": "anggota", **options}
    return ["person", "add", *(a for k, v in given.items() for a in (f"--{k}", v))]


# --- bad input: exit 2 (or 1 for a refusal), one sentence, nothing written ----------------------

BAD = {
    "malformed coop NIK": (["coop", "add", "--nik", "35A72", "--name", "X"], 2, "NIK Koperasi"),
    "coop without NIK or legal number": (["coop", "add", "--name", "X"], 2, "needs a NIK"),
    "known coop NIK": (
        ["coop", "add", "--nik", "3572010000000001", "--name", "X"],
        1,
        "already registered",
    ),
    "bad fiscal-year end": (
        ["coop", "add", "--nik", "3572099", "--name", "X", "--fiscal-year-end", "13-01"],
        2,
        "Fiscal-year end",
    ),
    "unknown coop": (["coop", "show", "Koperasi Hantu"], 2, "No cooperative matches"),
    "ambiguous name prefix": (["coop", "eligibility", "KSP T"], 2, "matches several"),
    "impossible --on": (["coop", "eligibility", "1", "--on", "31/02/2020"], 2, "real calendar"),
    "impossible --eligible-on": (["coop", "list", "--eligible-on", "2020-13-01"], 2, "calendar"),
    "unknown rating": (
        ["coop", "health", "1", "--year", "2020", "--rating", "baik"],
        2,
        "rating 'baik'",
    ),
    "health for unknown coop": (
        ["coop", "health", "99", "--year", "2020", "--rating", "sehat"],
        2,
        "No cooperative",
    ),
    "impossible RAT date": (
        ["rat", "record", "1", "--year", "2020", "--held", "2021-02-29"],
        2,
        "real calendar",
    ),
    "RAT date in no known format": (
        ["rat", "record", "1", "--year", "2020", "--held", "March 3rd"],
        2,
        "is not a date",
    ),
    "RAT held before the fiscal year ends": (
        ["rat", "record", "1", "--year", "2020", "--held", "2020-11-30"],
        2,
        "that fiscal year ends on 31 December 2020",
    ),
    "RAT reported before held": (
        ["rat", "record", "1", "--year", "2020", "--held", "2021-03-10", "--reported", "1/3/2021"],
        2,
        "before the RAT was held",
    ),
    "RAT of an unknown coop": (
        ["rat", "record", "Hantu", "--year", "2020", "--held", "2021-03-10"],
        2,
        "No cooperative",
    ),
    "bad RAT status filter": (["rat", "list", "--status", "soon"], 2, "status 'soon'"),
    "malformed person NIK": (
        person_args(nik="12345"),
        2,
        "must be 16 digits",
    ),
    "person NIK with an impossible date": (
        person_args(nik="3572019913850001"),
        2,
        "not a real date",
    ),
    "person of an unknown coop": (
        person_args(coop="Hantu"),
        2,
        "No cooperative",
    ),
    "person with an unknown role": (
        person_args(role="direktur"),
        2,
        "role 'direktur'",
    ),
    "person with a gender in no known spelling": (person_args(gender="X"), 2, "gender 'X'"),
    "person with an impossible birth date": (
        person_args(**{"birth-date": "30/02/1985"}),
        2,
        "real calendar",
    ),
    "unknown person": (["person", "show", "3572014507850099"], 2, "No person matches"),
    "unknown policy key": (["policy", "set", "rat.months", "4"], 2, "Unknown policy setting"),
    "bad policy value": (["policy", "set", "health.accepted", "baik"], 2, "health.accepted"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_is_one_sentence_and_writes_nothing(koptrain, six, store, case):
    args, code, words = BAD[case]
    before = counts(store)
    result = koptrain(*args, code=code)
    message = result.stderr.strip()
    assert "\n" not in message and message.startswith("koptrain: ") and message.endswith(".")
    assert words in message
    assert result.stdout == ""
    assert counts(store) == before


def test_ambiguous_reference_lists_the_candidates(koptrain, six):
    message = koptrain("coop", "show", "ksp t", code=2).stderr
    assert "1: KSP Tepat Waktu (3572010000000001)" in message
    assert "4: KSP Tanpa RAT (3572020000000004)" in message


def test_bad_format_is_usage_error(koptrain, six):
    koptrain("coop", "list", "--format", "xml", code=2)
