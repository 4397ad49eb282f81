"""Edits and deletes as a user runs them: the rules of creation, old → new, refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from koptrain.models import (
    Coop,
    Enrollment,
    GroupMember,
    HealthRating,
    MentoringLog,
    Obstacle,
    Person,
    Policy,
    Rat,
    Training,
)

import factories as f


@pytest.fixture
def niks(store) -> dict[str, str]:
    """KSP Sejahtera (RAT and rating 2019) with Sri (seat in S1), Budi and Siti; S1 16-18 June
    2020 with 2 seats; programme P1 with session S2; an empty coop KSP Kosong."""
    with store.session() as s:
        good = f.coop(s, "KSP Sejahtera", nik="3572010000000001")
        f.coop(s, "KSP Kosong", nik="3572010000000002", healthy_for=None)
        program = f.program(s, "P1")
        s1 = f.training(s, "S1", capacity=2)
        f.training(s, "S2", program=program, start=dt.date(2020, 8, 1), end=dt.date(2020, 8, 2))
        people = {
            "Sri": f.person(s, good, name="Sri Wahyuni"),
            "Budi": f.person(s, good, name="Budi Santoso", gender="L"),
            "Siti": f.person(s, good, name="Siti Aminah"),
        }
        f.seat(s, s1, people["Sri"], good, present_days=3)
        return {k: p.nik for k, p in people.items()}


def one(store, query):
    """The first row, readable after the transaction (kept out of the session's expiry)."""
    with store.session() as s:
        row = s.exec(query).first()
        if hasattr(row, "_sa_instance_state"):
            s.expunge(row)
        return row


def test_coop_edit_changes_only_what_is_given_and_says_old_to_new(koptrain, store, niks):
    result = koptrain("coop", "edit", "KSP Sejahtera", "--kecamatan", "Sukorejo", "--type", "jasa")
    assert "kecamatan: Kepanjenkidul → Sukorejo" in result.stdout
    assert "type: simpan_pinjam → jasa" in result.stdout
    coop = one(store, select(Coop).where(Coop.nik == "3572010000000001"))
    assert (coop.name, coop.kecamatan, coop.type) == ("KSP Sejahtera", "Sukorejo", "jasa")
    assert "nothing changed" in koptrain("coop", "edit", "KSP Sejahtera", "--type", "jasa").stdout


def test_coop_edit_refuses_a_key_of_another_coop_and_bad_values(koptrain, store, niks):
    result = koptrain("coop", "edit", "KSP Kosong", "--nik", "3572010000000001", code=1)
    assert "KSP Sejahtera" in result.stderr
    koptrain("coop", "edit", "KSP Kosong", "--type", "bank", code=2)
    koptrain("coop", "edit", "KSP Kosong", "--fiscal-year-end", "13-45", code=2)
    coop = one(store, select(Coop).where(Coop.name == "KSP Kosong"))
    assert (coop.nik, coop.type, coop.fiscal_year_end) == (
        "3572010000000002",
        "simpan_pinjam",
        "12-31",
    )


def test_person_edit_checks_the_nik_and_refuses_someone_elses(koptrain, store, niks):
    result = koptrain("person", "edit", niks["Budi"], "--nik", niks["Siti"], code=1)
    assert "Siti Aminah" in result.stderr and niks["Siti"] not in result.stderr
    koptrain("person", "edit", niks["Budi"], "--nik", "3572019999999999", code=2)
    koptrain("person", "edit", niks["Budi"], "--gender", "X", code=2)
    result = koptrain("person", "edit", niks["Budi"], "--name", "Budi S", "--phone", "0812")
    assert "name: Budi Santoso → Budi S" in result.stdout
    budi = one(store, select(Person).where(Person.nik == niks["Budi"]))
    assert (budi.name, budi.phone, budi.gender) == ("Budi S", "0812", "L")


def test_person_role_and_leave(koptrain, store, niks):
    result = koptrain(
        "person",
        "role",
        niks["Budi"],
        "--coop",
        "KSP Sejahtera",
        "--role",
        "pengurus",
        "--has-business",
    )
    assert "role: anggota → pengurus" in result.stdout
    assert "has_business: False → True" in result.stdout
    koptrain("person", "role", niks["Budi"], "--coop", "KSP Kosong", "--role", "anggota", code=2)
    koptrain("person", "role", niks["Budi"], "--coop", "KSP Sejahtera", "--role", "raja", code=2)
    result = koptrain("person", "leave", niks["Sri"], "--coop", "KSP Sejahtera", code=1)
    assert "1 enrollment" in result.stderr
    koptrain("person", "leave", niks["Budi"], "--coop", "KSP Sejahtera")
    koptrain("person", "leave", niks["Budi"], "--coop", "KSP Sejahtera", code=2)


def test_session_capacity_rules_and_promotion_from_the_waitlist(koptrain, store, niks):
    koptrain("enroll", "S1", niks["Budi"], niks["Siti"])  # Budi the second seat, Siti waits
    result = koptrain("session", "edit", "S1", "--capacity", "1", code=1)
    assert "already has 2 seat holders, more than 1" in result.stderr
    koptrain("session", "edit", "S1", "--capacity", "0", code=2)
    result = koptrain("session", "edit", "S1", "--capacity", "3")
    assert "capacity: 2 → 3" in result.stdout
    assert "Siti Aminah moved up from the waitlist." in result.stdout
    with store.session() as s:
        statuses = set(s.exec(select(Enrollment.status)).all())
    assert statuses == {"enrolled"}


def test_session_dates_cannot_leave_attendance_outside(koptrain, store, niks):
    result = koptrain("session", "edit", "S1", "--start", "2020-06-17", code=1)
    assert "16 June 2020" in result.stderr  # dates on screen as tables write them
    koptrain("session", "edit", "S1", "--start", "2020-06-20", code=2)  # after its end
    koptrain("session", "edit", "S1", "--end", "2020-06-19", "--venue", "Aula")
    training = one(store, select(Training).where(Training.code == "S1"))
    assert (training.start, training.end, training.venue) == (
        dt.date(2020, 6, 16),
        dt.date(2020, 6, 19),
        "Aula",
    )


def test_session_reopen_takes_completed_seats_back(koptrain, store, niks):
    koptrain("session", "reopen", "S1", code=1)  # open already
    koptrain("session", "close", "S1")
    result = koptrain("session", "reopen", "S1")
    assert "1 seats enrolled again" in result.stdout
    assert one(store, select(Enrollment.status)) == "enrolled"
    assert one(store, select(Training.status).where(Training.code == "S1")) == "open"


def test_deletes_are_refused_naming_what_refers_to_the_row(koptrain, store, niks):
    result = koptrain("coop", "delete", "KSP Sejahtera", code=1)
    assert result.stderr.strip() == (
        "koptrain: KSP Sejahtera has 3 people, 1 RAT, 1 health rating and 1 enrollment; "
        "it cannot be deleted while they refer to it."
    )
    assert "1 enrollment" in koptrain("session", "delete", "S1", code=1).stderr
    assert "1 session" in koptrain("program", "delete", "P1", code=1).stderr
    assert "1 enrollment" in koptrain("person", "delete", niks["Sri"], code=1).stderr
    koptrain("coop", "delete", "KSP Kosong")
    koptrain("session", "delete", "S2")
    koptrain("program", "delete", "P1")
    koptrain("person", "delete", niks["Budi"])
    assert one(store, select(Person).where(Person.nik == niks["Budi"])) is None
    assert one(store, select(Coop).where(Coop.name == "KSP Kosong")) is None


def test_rat_and_health_delete(koptrain, store, niks):
    koptrain("rat", "delete", "KSP Sejahtera", "--year", "2018", code=2)
    koptrain("rat", "delete", "KSP Sejahtera", "--year", "2019")
    koptrain("coop", "health", "KSP Sejahtera", "--year", "2019", "--delete")
    assert one(store, select(Rat)) is None and one(store, select(HealthRating)) is None
    koptrain("coop", "health", "KSP Sejahtera", "--year", "2019", code=2)  # no --rating


def test_groups_edit_remove_delete(koptrain, store, niks):
    koptrain("group", "create", "G1", "--mentor", "Bu Rina", "--session", "S1")
    koptrain("group", "add", "G1", niks["Sri"])
    assert (
        "mentor: Bu Rina → Pak Joko"
        in koptrain("group", "edit", "G1", "--mentor", "Pak Joko").stdout
    )
    koptrain("group", "edit", "G1", "--mentor", " ", code=2)
    assert "1 member" in koptrain("group", "delete", "G1", code=1).stderr
    koptrain("group", "remove", "G1", niks["Budi"], code=1)  # not in it
    koptrain("group", "remove", "G1", niks["Sri"])
    assert one(store, select(GroupMember)) is None
    koptrain("group", "delete", "G1")


def test_mentor_list_edit_delete(koptrain, store, niks):
    koptrain(
        "mentor",
        "log",
        niks["Sri"],
        "--date",
        "2020-07-20",
        "--mentor",
        "Bu Rina",
        "--status",
        "partly",
        "--obstacle",
        "modal:kurang",
    )
    koptrain(
        "mentor",
        "log",
        niks["Sri"],
        "--date",
        "2020-07-20",
        "--mentor",
        "Bu Rina",
        "--status",
        "partly",
    )  # logged twice by mistake
    listing = koptrain("mentor", "list", niks["Sri"], "--format", "json").stdout
    import json

    logs = json.loads(listing)
    assert [row["log"] for row in logs] == sorted(row["log"] for row in logs)
    first, second = logs[0]["log"], logs[1]["log"]
    koptrain("mentor", "list", code=2)
    koptrain("mentor", "edit", str(first), "--status", "bogus", code=2)
    koptrain(
        "mentor", "edit", str(first), "--date", "2020-06-01", code=1
    )  # before the session ended
    koptrain("mentor", "edit", str(first), "--next", "2020-07-01", code=2)  # before the contact
    result = koptrain(
        "mentor", "edit", str(first), "--status", "practicing", "--obstacle", "pemasaran:sepi"
    )
    assert "status: partly → practicing" in result.stdout
    log = one(store, select(MentoringLog).where(MentoringLog.id == first))
    assert log.status == "practicing"
    assert one(store, select(Obstacle.category)) == "pemasaran"
    koptrain("mentor", "delete", str(second))
    koptrain("mentor", "delete", str(second), code=2)
    assert one(store, select(MentoringLog).where(MentoringLog.id == second)) is None


def test_policy_unset(koptrain, store, niks):
    koptrain("policy", "set", "rat.extension.2019", "2020-06-30")
    koptrain("policy", "unset", "rat.extension.2019")
    assert one(store, select(Policy)) is None
    koptrain("policy", "unset", "rat.extension.2019", code=1)
    koptrain("policy", "unset", "no.such.key", code=2)


def test_person_find_by_name_without_case_or_accents_nik_ending_and_phone(koptrain, niks):
    koptrain(
        "person", "edit", niks["Siti"], "--name", "Siti Ḥasanah Aminah", "--phone", "0812-3456"
    )
    import json

    def found(text: str) -> list[str]:
        return [
            r["name"]
            for r in json.loads(koptrain("person", "find", text, "--format", "json").stdout)
        ]

    assert found("siti hasanah") == ["Siti Ḥasanah Aminah"]
    assert found("SRI") == ["Sri Wahyuni"]
    assert found(niks["Budi"][-4:]) == ["Budi Santoso"]
    assert found("08123456") == ["Siti Ḥasanah Aminah"]
    assert found("nobody") == []
    rows = json.loads(koptrain("person", "find", "sri", "--format", "json").stdout)
    assert rows[0]["coops"] == ["KSP Sejahtera"] and rows[0]["trainings"] == ["S1 (enrolled)"]
    assert rows[0]["nik"] != niks["Sri"]  # masked
    koptrain("person", "find", " ", code=2)


def test_person_show_gives_the_whole_history(koptrain, niks):
    import json

    koptrain("group", "create", "G1", "--mentor", "Bu Rina", "--session", "S1")
    koptrain("group", "add", "G1", niks["Sri"])
    koptrain(
        "mentor",
        "log",
        niks["Sri"],
        "--date",
        "2020-07-20",
        "--mentor",
        "Bu Rina",
        "--status",
        "partly",
        "--obstacle",
        "modal:kurang",
    )
    report = json.loads(koptrain("person", "show", niks["Sri"], "--format", "json").stdout)
    assert report["attendance"]["S1"]["present"] == ["2020-06-16", "2020-06-17", "2020-06-18"]
    assert report["groups"] == [{"group": "G1", "mentor": "Bu Rina"}]
    assert [(c["date"], c["status"], c["obstacles"]) for c in report["contacts"]] == [
        ("2020-07-20", "partly", ["modal:kurang"])
    ]
    table = koptrain("person", "show", niks["Sri"]).stdout
    assert "Mentoring contacts" in table and "G1" in table
