"""`import people` at speed: new people inserted at once, the others compared and upserted,
whatever the batch boundaries; columns checked as a whole still give each row its error."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from koptrain.models import Coop, Membership, Person
from koptrain.services.importing.people import PeopleHandler

from conftest import COOP, OTHER

HENI, WIDI, SRI = "3572014106609646", "3572010202619502", "3572015711639042"
LEAP = "3572016902004321"  # a woman born 29 February 2000
NOT_LEAP = "3572012902010007"  # 29 February 2001 never was


def people(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text("nik,name,gender,coop_nik,role,phone\n" + "".join(r + "\n" for r in rows))
    return path


def stored(store) -> dict[tuple[str, str], tuple[str, str]]:
    """(nik, coop key) -> (name, role) for every membership."""
    with store.session() as session:
        rows = session.exec(
            select(Person.nik, Person.name, Coop.nik, Coop.legal_number, Membership.role)
            .join(Membership, Membership.person_id == Person.id)
            .join(Coop, Coop.id == Membership.coop_id)
        ).all()
    return {(nik, coop_nik or legal): (name, role) for nik, name, coop_nik, legal, role in rows}


@pytest.mark.parametrize("batch_size", [2, 3, 5000])
def test_new_and_known_people_mixed_in_one_file(
    koptrain, store, tmp_path, coops, monkeypatch, batch_size
):
    monkeypatch.setattr(PeopleHandler, "batch_size", batch_size)
    first = people(
        tmp_path, "first.csv", [f"{HENI},Heni,P,{COOP},anggota,", f"{WIDI},Widi,L,{COOP},anggota,"]
    )
    koptrain("import", "people", first)
    second = people(
        tmp_path,
        "second.csv",
        [
            f"{HENI},Heni,P,{COOP},anggota,",  # unchanged
            f"{WIDI},Widi  Utomo ,L,{COOP},anggota,",  # updated: the name (spaces tidied)
            f"{WIDI},Widi Utomo,L,{OTHER},pengurus,",  # inserted: a second coop
            f"{SRI},Sri,P,{COOP},anggota,0858 2399",  # inserted: new
            f"{SRI},Sri,P,{COOP},pengurus,0858 2399",  # updated: the role, same file
            f"{LEAP},Ani,P,{COOP},anggota,",  # inserted: 29 February of a leap year
            f"{NOT_LEAP},Budi,L,{COOP},anggota,",  # rejected: no such date
        ],
    )
    result = koptrain("import", "people", second, "--skip-invalid", "--format", "json", code=1)
    report = json.loads(result.stdout)
    assert {k: report[k] for k in ("rows", "inserted", "updated", "unchanged", "rejected")} == {
        "rows": 7,
        "inserted": 3,
        "updated": 2,
        "unchanged": 1,
        "rejected": 1,
    }
    assert [(e["line"], e["column"]) for e in report["errors"]] == [(8, "nik")]
    assert "second.csv:8: nik: " in result.stderr
    assert stored(store) == {
        (HENI, COOP): ("Heni", "anggota"),
        (WIDI, COOP): ("Widi Utomo", "anggota"),
        (WIDI, OTHER): ("Widi Utomo", "pengurus"),
        (SRI, COOP): ("Sri", "pengurus"),
        (LEAP, COOP): ("Ani", "anggota"),
    }


def test_each_row_gets_the_error_of_its_first_bad_column(koptrain, store, tmp_path, coops):
    path = people(
        tmp_path,
        "bad.csv",
        [
            f"{HENI},Heni,P,{COOP},anggota,",
            f"{WIDI},   ,L,{COOP},boss,",  # name and role bad: the name is named
            f"{SRI},Sri,X,{COOP},anggota,",
            f"{LEAP},Ani,P,9999999999999999,anggota,",
            f"{NOT_LEAP[:15]},Budi,L,{COOP},anggota,",
            f"{LEAP},Ani,P,{COOP},anggota,{'1' * 41}",
        ],
    )
    result = koptrain("import", "people", path, "--format", "json", code=2)
    report = json.loads(result.stdout)
    assert [(e["line"], e["column"]) for e in report["errors"]] == [
        (3, "name"),
        (4, "gender"),
        (5, "coop_nik"),
        (6, "nik"),
        (7, "phone"),
    ]
    assert report["inserted"] == 0 and stored(store) == {}


def test_importing_known_people_again_takes_no_ids(koptrain, store, tmp_path, coops):
    """A re-import of known people leaves the ids alone (on PostgreSQL: the sequence is not
    advanced by them), so the next new person gets the id after the largest."""
    known = people(
        tmp_path,
        "known.csv",
        [
            f"{HENI},Heni,P,{COOP},anggota,",
            f"{WIDI},Widi,L,{COOP},anggota,",
            f"{WIDI},Widi,L,{OTHER},pengurus,",  # the same person twice in the file
        ],
    )
    koptrain("import", "people", known)
    with store.session() as session:
        largest = max(session.exec(select(Person.id)).all())
    for _ in range(2):
        result = koptrain("import", "people", known, "--format", "json")
        assert json.loads(result.stdout)["unchanged"] == 3
    koptrain("import", "people", people(tmp_path, "new.csv", [f"{SRI},Sri,P,{COOP},anggota,"]))
    with store.session() as session:
        ids = dict(session.exec(select(Person.nik, Person.id)).all())
    assert ids[SRI] == largest + 1
    assert stored(store)[(WIDI, OTHER)] == ("Widi", "pengurus")
