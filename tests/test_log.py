"""`log`: numbered entries in local time, old and new values, filters, NIKs masked."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import factories as f


@pytest.fixture
def niks(store) -> dict[str, str]:
    with store.session() as s:
        good = f.coop(s, "KSP Sejahtera", nik="3572010000000001")
        other = f.coop(s, "KSP Lain", nik="3572010000000002")
        f.training(s, "S1", capacity=2)
        f.training(s, "S2", start=dt.date(2020, 7, 1), end=dt.date(2020, 7, 2))
        people = {
            "Sri": f.person(s, good, name="Sri Wahyuni"),
            "Budi": f.person(s, other, name="Budi Santoso", gender="L"),
        }
        return {k: p.nik for k, p in people.items()}


def entries(koptrain, *options: str) -> list[dict]:
    return json.loads(koptrain("log", "--format", "json", *options).stdout)


def test_each_entry_has_a_number_and_old_and_new_values(koptrain, niks):
    koptrain("person", "edit", niks["Budi"], "--name", "Budi S.", "--phone", "0812")
    entry = entries(koptrain, "--limit", "1")[0]
    assert entry["command"].startswith("koptrain person edit 3572**********")
    update = next(c for c in entry["changes"] if c["table"] == "person")
    assert update["op"] == "update"
    assert update["old"] == {"name": "Budi Santoso", "phone": None}
    assert update["new"] == {"name": "Budi S.", "phone": "0812"}
    table = koptrain("log", "--limit", "1").stdout
    assert str(entry["entry"]) in table and "Budi S." in table


def test_niks_never_shown_whole(koptrain, niks):
    koptrain("person", "edit", niks["Budi"], "--nik", "3572011212900002")
    out = koptrain("log", "--format", "json").stdout
    assert niks["Budi"] not in out and "3572011212900002" not in out
    assert "3572**********02" in out


def test_filters_by_person_coop_session_and_dates(koptrain, niks):
    koptrain("enroll", "S1", niks["Sri"])
    koptrain("enroll", "S2", niks["Budi"])
    koptrain("coop", "edit", "KSP Lain", "--kecamatan", "Sukorejo")
    by_person = entries(koptrain, "--person", niks["Sri"])
    assert by_person[0]["command"].split()[1:3] == ["enroll", "S1"]
    assert all("S2" not in e["command"] for e in by_person)
    by_session = entries(koptrain, "--session", "S2")
    assert by_session[0]["command"].startswith("koptrain enroll S2")
    by_coop = [e["command"] for e in entries(koptrain, "--coop", "KSP Lain")]
    assert by_coop[0] == "koptrain coop edit 'KSP Lain' --kecamatan Sukorejo"
    assert not any("S1" in c for c in by_coop)
    today = dt.date.today()
    assert entries(koptrain, "--since", today.isoformat(), "--limit", "1")
    assert entries(koptrain, "--until", (today - dt.timedelta(days=1)).isoformat()) == []


def test_an_undone_entry_says_so(koptrain, niks):
    koptrain("person", "edit", niks["Sri"], "--name", "X")
    koptrain("undo")
    latest, undone = entries(koptrain, "--limit", "2")
    assert latest["undoes"] == undone["entry"]
    assert undone["undone_by"] == latest["entry"]
    assert f"(undone by entry {latest['entry']})" in undone["what"]


def test_bad_filter_values_are_usage_errors(koptrain, niks):
    koptrain("log", "--since", "kemarin", code=2)
    koptrain("log", "--limit", "0", code=2)
    koptrain("log", "--person", "9999", code=2)


def test_an_import_shows_the_fields_it_updated_old_to_new(koptrain, niks, tmp_path):
    data = tmp_path / "people.csv"
    data.write_text(
        f"nik,name,gender,coop_nik,role\n{niks['Sri']},Sri Salah,P,3572010000000001,pengurus\n"
    )
    koptrain("import", "people", str(data))
    entry = entries(koptrain, "--limit", "1")[0]
    assert "person id=" in entry["what"] and "name: Sri Wahyuni → Sri Salah" in entry["what"]
    assert "role: anggota → pengurus" in entry["what"]


def test_fields_are_named_in_the_interface_language(koptrain, niks):
    koptrain("person", "edit", niks["Sri"], "--phone", "0812")
    cleared = koptrain("person", "edit", niks["Sri"], "--phone", "").stdout
    assert "phone: 0812 → -" in cleared and "None" not in cleared
    assert "phone: – → 0812" in entries(koptrain, "--limit", "2")[1]["what"]
    said = koptrain("--lang", "id", "person", "edit", niks["Sri"], "--phone", "0813").stdout
    assert "telepon: - → 0813" in said  # in-process, the language stays Indonesian from here
    entry = json.loads(koptrain("log", "--format", "json", "--limit", "3").stdout)
    assert "telepon: – → 0812" in entry[2]["what"]
