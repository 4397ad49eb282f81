"""The registry service without the CLI: coops, RATs, health ratings, people."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import func, select

from koptrain.errors import InvalidInput, Refused
from koptrain.models import Audit, Coop, HealthRating, Membership, Person, Rat
from koptrain.services import registry

import factories

D = dt.date
TODAY = D(2020, 6, 16)


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def audits(session, entity: str) -> list[dict]:
    rows = session.exec(select(Audit).where(Audit.entity == entity).order_by(Audit.id)).all()
    return [json.loads(r.change) for r in rows]


# --- coops -------------------------------------------------------------------------------------


def test_add_coop_normalises_and_audits(store):
    with store.session() as session:
        coop = registry.add_coop(
            session,
            name="  KSP   Sejahtera ",
            nik="3572.0100.0000.0001",
            type="Simpan Pinjam",
            level="Sekunder",
            fiscal_year_end="6-30",
            members="120",
        )
        assert (coop.nik, coop.name, coop.type, coop.level) == (
            "3572010000000001",
            "KSP Sejahtera",
            "simpan_pinjam",
            "sekunder",
        )
        assert coop.fiscal_year_end == "06-30" and coop.members == 120
        [change] = audits(session, "coop")
        assert change["name"] == [None, "KSP Sejahtera"]


def test_a_coop_without_nik_is_known_by_its_legal_number(store):
    with store.session() as session:
        coop = registry.add_coop(session, name="KSU Makmur", legal_number="518.08/96/BH/2008")
        assert coop.nik is None and coop.level == "primer" and coop.fiscal_year_end == "12-31"
        assert registry.coop_key(coop) == "518.08/96/BH/2008"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"nik": "3572010000000001"}, {"nik": "3572010000000001"}),
        ({"legal_number": "518/1/BH"}, {"legal_number": "518/1/BH", "nik": "3572010000000009"}),
        # one coop's legal number may not be another's NIK: a reference would be ambiguous
        ({"legal_number": "3572010000000001"}, {"nik": "3572010000000001"}),
    ],
)
def test_a_known_nik_or_legal_number_is_refused(store, first, second):
    with store.session() as session:
        registry.add_coop(session, name="KSP Satu", **first)
    with (
        pytest.raises(Refused, match="already registered, as cooperative 1"),
        store.session() as session,
    ):
        registry.add_coop(session, name="KSP Dua", **second)
    with store.session() as session:
        assert count(session, Coop) == 1 and len(audits(session, "coop")) == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "needs a NIK Koperasi"),
        ({"nik": "35-72-AB"}, "NIK Koperasi '35-72-AB' is invalid"),
        ({"nik": "3572010000000001", "type": "bank"}, "type 'bank' is not one of"),
        ({"nik": "3572010000000001", "level": "tersier"}, "level 'tersier' is not one of"),
        ({"nik": "3572010000000001", "fiscal_year_end": "02-30"}, "Fiscal-year end '02-30'"),
        ({"nik": "3572010000000001", "members": "banyak"}, "not a whole number"),
    ],
)
def test_bad_coop_input_is_invalid(store, options, message):
    with pytest.raises(InvalidInput, match=message), store.session() as session:
        registry.add_coop(session, name="KSP", **options)


def test_coop_rows_with_eligible_on(store):
    with store.session() as session:
        factories.coop(session, "KSP Baik")
        factories.coop(session, "KSP Telat", rat_held=D(2020, 4, 14))
        assert [r["name"] for r in registry.coop_rows(session)] == ["KSP Baik", "KSP Telat"]
        rows = registry.coop_rows(session, eligible_on=TODAY)
    assert [r["name"] for r in rows] == ["KSP Baik"]
    assert set(rows[0]) == {
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


# --- health ratings ----------------------------------------------------------------------------


def test_health_rating_is_recorded_then_corrected(store):
    with store.session() as session:
        coop = factories.coop(session, healthy_for=None)
        _, outcome = registry.record_health(session, coop, year="2019", rating="Cukup Sehat")
        assert outcome == "added"
        row, outcome = registry.record_health(
            session, coop, year=2019, rating="sehat", score="82,5", assessed_on="2 Mei 2020"
        )
        assert outcome == "updated"
        assert (row.rating, row.score, row.assessed_on) == ("sehat", 82.5, D(2020, 5, 2))
        _, outcome = registry.record_health(
            session, coop, year=2019, rating="SEHAT", score=82.5, assessed_on=D(2020, 5, 2)
        )
        assert outcome == "unchanged"
        assert count(session, HealthRating) == 1
        changes = audits(session, "health")
    assert changes == [
        {"rating": [None, "cukup_sehat"]},
        {
            "rating": ["cukup_sehat", "sehat"],
            "score": [None, 82.5],
            "assessed_on": [None, "2020-05-02"],
        },
    ]


@pytest.mark.parametrize("rating", ["kurang sehat", "Tidak-Sehat", "dalam pengawasan khusus"])
def test_both_rating_scales_are_accepted(store, rating):
    with store.session() as session:
        row, _ = registry.record_health(session, factories.coop(session), year=2020, rating=rating)
        assert row.rating == rating.lower().replace(" ", "_").replace("-", "_")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"rating": "baik"}, "rating 'baik' is not one of"),
        ({"rating": "sehat", "score": "tinggi"}, "Score 'tinggi' is not a number"),
        ({"rating": "sehat", "score": "120"}, "not between 0 and 100"),
        ({"rating": "sehat", "assessed_on": "31/02/2020"}, "not a real calendar date"),
        ({"rating": "sehat", "assessed_on": "2018-12-01"}, "before the year 2019"),
        ({"rating": "sehat", "year": "20l9"}, "not a whole number"),
        ({"rating": "sehat", "year": "19"}, "not a plausible year"),
    ],
)
def test_bad_health_input(store, options, message):
    options = {"year": 2019, **options}
    with pytest.raises(InvalidInput, match=message), store.session() as session:
        registry.record_health(session, factories.coop(session, healthy_for=None), **options)


# --- RATs --------------------------------------------------------------------------------------


def test_rat_is_recorded_then_corrected_with_audit(store):
    with store.session() as session:
        coop = factories.coop(session, healthy_for=None)
        _, outcome = registry.record_rat(
            session, coop, fiscal_year="2019", held_on="14/03/2020", today=TODAY
        )
        assert outcome == "added"
        row, outcome = registry.record_rat(
            session,
            coop,
            fiscal_year=2019,
            held_on="14 Maret 2020",
            reported_on="2020-03-30",
            attendees="80",
            today=TODAY,
        )
        assert outcome == "updated" and row.reported_on == D(2020, 3, 30)
        assert count(session, Rat) == 1
        changes = audits(session, "rat")
    assert changes == [
        {"held_on": [None, "2020-03-14"]},
        {"reported_on": [None, "2020-03-30"], "attendees": [None, 80]},
    ]


@pytest.mark.parametrize(
    ("fye", "options", "message"),
    [
        ("12-31", {"held_on": "2019-12-31"}, "cannot be held on 2019-12-31: that fiscal year ends"),
        ("06-30", {"held_on": "2019-06-15"}, "ends on 2019-06-30"),
        ("12-31", {"held_on": "2020-03-14", "reported_on": "2020-03-13"}, "before the RAT"),
        ("12-31", {"held_on": "2020-02-30"}, "not a real calendar date"),
        ("12-31", {"held_on": "14 Maretz 2020"}, "is not a date"),
        ("12-31", {"held_on": "2020-06-20"}, "is in the future"),
        ("12-31", {"held_on": "2020-03-14", "attendees": "-3"}, "not between 0 and"),
    ],
)
def test_bad_rat_input(store, fye, options, message):
    with pytest.raises(InvalidInput, match=message), store.session() as session:
        coop = factories.coop(session, fiscal_year_end=fye, healthy_for=None)
        registry.record_rat(session, coop, fiscal_year=2019, today=TODAY, **options)


def test_rat_rows_latest_and_status_filters(store):
    with store.session() as session:
        factories.coop(session, "KSP Tepat")
        factories.coop(session, "KSP Telat", rat_held=D(2020, 4, 14))
        factories.coop(session, "KSP Lapor Telat", rat_reported=D(2020, 5, 3))
        factories.coop(session, "KSP Tanpa Lapor", rat_reported=None)
        factories.coop(session, "KSP Tanpa RAT", healthy_for=None)
        factories.coop(session, "KSP Sekunder", level="sekunder", rat_held=D(2020, 5, 20))

        def names(**options):
            return {r["coop"]: r["status"] for r in registry.rat_rows(session, on=TODAY, **options)}

        latest = names()
        assert latest == {
            "KSP Tepat": "on_time",
            "KSP Telat": "late",
            "KSP Lapor Telat": "report_late",
            "KSP Tanpa Lapor": "report_missing",
            "KSP Tanpa RAT": "missing",
            "KSP Sekunder": "on_time",
        }
        assert set(names(status="on-time")) == {"KSP Tepat", "KSP Sekunder"}
        assert set(names(status="late")) == {"KSP Telat", "KSP Lapor Telat", "KSP Tanpa Lapor"}
        assert set(names(status="missing")) == {"KSP Tanpa RAT"}
        by_year = registry.rat_rows(session, on=TODAY, year=2020)
        assert {r["status"] for r in by_year} == {"not_due"}
        row = registry.rat_rows(session, on=TODAY, year=2019)[0]
    assert row == {
        "coop": "KSP Tepat",
        "coop_nik": row["coop_nik"],
        "fiscal_year": 2019,
        "deadline": D(2020, 3, 31),
        "held_on": D(2020, 3, 14),
        "reported_on": D(2020, 3, 30),
        "report_deadline": D(2020, 4, 13),
        "attendees": None,
        "status": "on_time",
    }
    with pytest.raises(InvalidInput, match="status 'soon' is not one of"):
        registry.parse_status_filter("soon")


# --- people ------------------------------------------------------------------------------------

NIK_P = factories.nik("P", D(1985, 7, 9))  # a woman born 9 July 1985


def test_add_person_then_a_second_coop(store):
    with store.session() as session:
        first = factories.coop(session, "KSP Satu")
        second = factories.coop(session, "KSP Dua")
        person, created, warnings = registry.add_person(
            session,
            nik=NIK_P,
            name="Sri Wahyuni",
            gender="Perempuan",
            coop=first,
            role="Pengurus",
            has_business=True,
            birth_date="09/07/1985",
        )
        assert created and warnings == []
        assert (person.gender, person.birth_date, person.has_business) == ("P", D(1985, 7, 9), True)
        again, created, warnings = registry.add_person(
            session, nik=NIK_P, name="Sri Wahyuni", gender="P", coop=second, role="calon anggota"
        )
        assert again.id == person.id and not created and warnings == []
        roles = {m.coop_id: m.role for m in session.exec(select(Membership)).all()}
        assert roles == {first.id: "pengurus", second.id: "calon_anggota"}
        with pytest.raises(Refused, match="already a member of KSP Satu, as pengurus"):
            registry.add_person(
                session, nik=NIK_P, name="Sri Wahyuni", gender="P", coop=first, role="anggota"
            )
        rows = registry.person_rows(session)
        assert [(r["coop"], r["role"]) for r in rows] == [
            ("KSP Satu", "pengurus"),
            ("KSP Dua", "calon_anggota"),
        ]
        assert rows[0]["nik"] == NIK_P[:4] + "*" * 10 + NIK_P[-2:]
        assert [r["coop"] for r in registry.person_rows(session, coop=second)] == ["KSP Dua"]
        report = registry.person_report(session, person, show_nik=lambda n: n)
        assert report["nik"] == NIK_P and len(report["memberships"]) == 2


def test_contradictions_with_the_nik_warn_but_add(store):
    with store.session() as session:
        coop = factories.coop(session)
        person, created, warnings = registry.add_person(
            session,
            nik=NIK_P,
            name="Budi",
            gender="L",
            coop=coop,
            role="anggota",
            birth_date="1985-07-10",
        )
        assert created and person.gender == "L"
        assert len(warnings) == 2
        assert "gender given is L but NIK" in warnings[0]
        assert "birth date 1985-07-10 does not match NIK" in warnings[1]
        assert NIK_P not in " ".join(warnings)  # masked
        other = factories.coop(session, "KSP Lain")
        _, _, warnings = registry.add_person(
            session, nik=NIK_P, name="Budi Santoso", gender="L", coop=other, role="anggota"
        )
        assert any("details on record were kept (name differ" in w for w in warnings)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"nik": "3572014507"}, "must be 16 digits long"),
        ({"nik": "357201450785000A"}, "digits only"),
        ({"nik": "3572019907850001"}, "not a real date"),
        ({"gender": "X"}, "gender 'X' is not one of"),
        ({"role": "direktur"}, "role 'direktur' is not one of"),
        ({"birth_date": "31/04/1985"}, "not a real calendar date"),
        ({"name": "  "}, "needs a name"),
    ],
)
def test_bad_person_input(store, options, message):
    options = {"nik": NIK_P, "name": "Sri", "gender": "P", "role": "anggota", **options}
    with pytest.raises(InvalidInput, match=message), store.session() as session:
        registry.add_person(session, coop=factories.coop(session), **options)
    with store.session() as session:
        assert count(session, Person) == 0
