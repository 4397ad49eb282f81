"""Reports on a fixture database whose every figure is known (SPEC §3 JSON shapes)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from koptrain.models import Coop, Person

import factories as f

D = dt.date
ON = "2020-08-10"


@pytest.fixture
def programme(store):
    """Programme BLITAR-2020 with two sessions (plus a cancelled one) and sessions outside it.

    S1 16-18 June, capacity 3: Sri completed (3 days), Budi not_completed (1 day),
       Ani not_completed and absent every day (a no-show), Joko withdrawn, Dewi waitlisted.
    S2 10-11 July, capacity 2: Sri again (for another coop, as pengurus; 2 days), Eko enrolled
       with no attendance recorded.
    Contacts: Budi practicing on 20 July (no session named: counts for S1); Sri partly on
    10 August about S2, next visit 20 August.
    """
    with store.session() as s:
        program = f.program(s)
        k1 = f.coop(s, "KSP Sejahtera", kecamatan="Kepanjenkidul")
        k2 = f.coop(s, "Kopwan Mawar", kecamatan="Sukorejo")
        k3 = f.coop(s, "KSU Tani Makmur", kecamatan="Sananwetan", rat_held=None)  # RAT missing
        f.coop(s, "Koperasi Telat", kecamatan="Sananwetan", rat_held=D(2020, 4, 14))  # late
        s1 = f.training(s, "S1", capacity=3, program=program)
        s2 = f.training(
            s, "S2", start=D(2020, 7, 10), end=D(2020, 7, 11), capacity=2, program=program
        )
        cancelled = f.training(s, "S3", start=D(2020, 7, 20), end=D(2020, 7, 21), program=program)
        cancelled.status = "cancelled"
        other = f.training(s, "OTHER", start=D(2020, 5, 1), end=D(2020, 5, 1))
        sri = f.person(s, k1, name="Sri Wahyuni", gender="P")
        budi = f.person(s, k1, name="Budi Santoso", gender="L")
        ani = f.person(s, k1, name="Ani Lestari", gender="P")
        joko = f.person(s, k2, name="Joko Susilo", gender="L")
        dewi = f.person(s, k3, name="Dewi Kartika", gender="P")
        eko = f.person(s, k2, name="Eko Prasetyo", gender="L")
        f.seat(s, s1, sri, k1, status="completed", present_days=3)
        f.seat(s, s1, budi, k1, status="not_completed", present_days=1)
        f.seat(s, s1, ani, k1, status="not_completed", present_days=0)
        f.seat(s, s1, joko, k2, status="withdrawn")
        f.seat(s, s1, dewi, k3, status="waitlisted")
        f.seat(s, s2, sri, k2, status="completed", role="pengurus", present_days=2)
        f.seat(s, s2, eko, k2)
        f.seat(s, cancelled, eko, k2, status="withdrawn")
        f.seat(s, other, joko, k2, status="completed", present_days=1)
        people = {p.name.split()[0].lower(): (p.id, p.nik) for p in (sri, budi, ani, eko)}
    return people


@pytest.fixture
def contacts(programme, koptrain):
    koptrain("mentor", "log", programme["budi"][1], "--date", "2020-07-20",
             "--mentor", "Pak Hadi", "--status", "practicing")  # fmt: skip
    koptrain("mentor", "log", programme["sri"][1], "--date", ON, "--mentor", "Bu Rina",
             "--status", "partly", "--session", "S2", "--next", "2020-08-20",
             "--obstacle", "modal:Kurang modal", "--obstacle", "pemasaran:Pasar sepi")  # fmt: skip
    return programme


EXPECTED_SESSIONS = [
    {"code": "S1", "start": "2020-06-16", "end": "2020-06-18", "capacity": 3, "enrolled": 3,
     "waitlisted": 1, "withdrawn": 1, "attended": 2, "completed": 1, "cooperatives": 1},
    {"code": "S2", "start": "2020-07-10", "end": "2020-07-11", "capacity": 2, "enrolled": 2,
     "waitlisted": 0, "withdrawn": 0, "attended": 1, "completed": 1, "cooperatives": 1},
]  # fmt: skip


def test_summary_json_has_every_known_figure(contacts, koptrain):
    data = json.loads(
        koptrain(
            "report", "summary", "--program", "blitar-2020", "--on", ON, "--format", "json"
        ).stdout
    )
    assert data["program"] == "BLITAR-2020"
    sessions = [{k: v for k, v in s.items() if k != "title"} for s in data["sessions"]]
    assert sessions == EXPECTED_SESSIONS
    totals = {k: data["totals"][k] for k in
              ("sessions", "capacity", "enrollments", "participants", "attended", "completed",
               "cooperatives")}  # fmt: skip
    assert totals == {
        "sessions": 2,
        "capacity": 5,
        "enrollments": 5,  # Sri holds two seats
        "participants": 4,  # Sri, Budi, Ani, Eko
        "attended": 3,  # Ani never came; Eko has no attendance recorded
        "completed": 2,
        "cooperatives": 2,  # Dewi's coop only waitlisted, Joko withdrew
    }
    # Sri counted once, by her latest enrollment (S2: pengurus, Kopwan Mawar in Sukorejo).
    assert data["by_role"] == {"anggota": 3, "pengurus": 1}
    assert data["by_gender"] == {"L": 2, "P": 2}
    assert data["by_kecamatan"] == {"Kepanjenkidul": 2, "Sukorejo": 2}
    # Follow-ups on 10 August: Sri/S1 due 18 July (overdue), Eko/S2 due today, Sri/S2 next
    # 20 August, Budi/S1 ended practicing, Ani excluded (absent every day).
    assert data["mentoring"] == {"due": 2, "overdue": 1, "followed_up": 2, "practicing": 1}


def test_summary_without_program_covers_every_session(contacts, koptrain):
    data = json.loads(koptrain("report", "summary", "--on", ON, "--format", "json").stdout)
    assert data["program"] is None
    assert [s["code"] for s in data["sessions"]] == ["OTHER", "S1", "S2"]
    assert data["totals"]["participants"] == 5  # Joko completed OTHER
    assert sum(data["by_role"].values()) == sum(data["by_kecamatan"].values()) == 5


def test_summary_csv_is_one_row_per_session_then_totals(contacts, koptrain):
    out = koptrain("report", "summary", "--program", "BLITAR-2020", "--on", ON, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["code"] for r in rows] == ["S1", "S2", "TOTAL"]
    assert rows[2]["capacity"] == "5" and rows[2]["enrolled"] == "5"
    assert rows[2]["participants"] == "4" and rows[2]["cooperatives"] == "2"


def test_summary_table_explains_seats_versus_people(contacts, koptrain):
    out = koptrain("report", "summary", "--program", "BLITAR-2020", "--on", ON).stdout
    assert "Seats offered" in out and "Participants" in out
    assert "1 seats are taken by people who sit in more than one session" in out
    assert "█" in out and "3/3" in out and "2/2" in out
    assert "Kepanjenkidul" in out and "Female (P)" in out


def test_summary_of_an_unknown_programme_is_an_error(programme, koptrain):
    done = koptrain("report", "summary", "--program", "NOPE", code=2)
    assert done.stderr.startswith("koptrain: ") and "NOPE" in done.stderr


def test_reminders_json_lists_each_kind(contacts, koptrain, store):
    with store.session() as s:
        k1 = s.get(Coop, 1)
        eko = s.get(Person, contacts["eko"][0])
        soon = f.training(s, "SOON", start=D(2020, 8, 14), end=D(2020, 8, 14), capacity=2)
        f.seat(s, soon, eko, k1)  # one free seat
        full = f.training(s, "FULL", start=D(2020, 8, 12), end=D(2020, 8, 12), capacity=1)
        f.seat(s, full, eko, k1)
        f.seat(s, full, s.get(Person, contacts["budi"][0]), k1, status="waitlisted")
        packed = f.training(s, "PACKED", start=D(2020, 8, 13), end=D(2020, 8, 13), capacity=1)
        f.seat(s, packed, s.get(Person, contacts["ani"][0]), k1)  # full, no waitlist
        f.training(s, "LATER", start=D(2020, 8, 20), end=D(2020, 8, 20))  # beyond 7 days
    done = koptrain("report", "reminders", "--on", ON, "--format", "json", "--fail-if-any", code=1)
    data = json.loads(done.stdout)
    assert data["as_of"] == ON
    sri_nik, eko_nik = contacts["sri"][1], contacts["eko"][1]
    joko_nik = data["followups"][0]["nik"]
    assert data["followups"] == [
        {"person_id": data["followups"][0]["person_id"], "nik": joko_nik, "name": "Joko Susilo",
         "session": "OTHER", "group": None, "mentor": None, "due": "2020-05-31",
         "days_overdue": 71},
        {"person_id": contacts["sri"][0], "nik": sri_nik[:4] + "*" * 10 + sri_nik[-2:],
         "name": "Sri Wahyuni", "session": "S1", "group": None, "mentor": None,
         "due": "2020-07-18", "days_overdue": 23},
        {"person_id": contacts["eko"][0], "nik": eko_nik[:4] + "*" * 10 + eko_nik[-2:],
         "name": "Eko Prasetyo", "session": "S2", "group": None, "mentor": None,
         "due": "2020-08-10", "days_overdue": 0},
    ]  # fmt: skip
    assert data["sessions"] == [
        {"code": "FULL", "start": "2020-08-12", "free_seats": 0, "waitlisted": 1},
        {"code": "SOON", "start": "2020-08-14", "free_seats": 1, "waitlisted": 0},
    ]
    assert [(r["coop"], r["fiscal_year"], r["deadline"], r["status"]) for r in data["rat"]] == [
        ("KSU Tani Makmur", 2019, "2020-03-31", "missing"),
        ("Koperasi Telat", 2019, "2020-03-31", "late"),
    ]
    assert all(r["coop_nik"] for r in data["rat"])
    revealed = koptrain("--reveal-nik", "report", "reminders", "--on", ON, "--format", "json")
    assert sri_nik in revealed.stdout


def test_reminders_plain_text_for_mail(contacts, koptrain, tmp_path):
    out = koptrain("report", "reminders", "--on", ON).stdout
    assert out.startswith("koptrain reminders for 10 August 2020\n")
    assert "Follow-ups due (3):" in out and "23 days overdue" in out
    assert "Cooperatives whose latest RAT is not on time (2):" in out
    assert "│" not in out and "\x1b" not in out  # no table borders or colours in a mail
    assert contacts["sri"][1] not in out
    target = tmp_path / "reminders.txt"
    koptrain("report", "reminders", "--on", ON, "-o", target)
    assert target.read_text(encoding="utf-8") == out


def test_reminders_quiet_prints_exactly_nothing_when_nothing_is_due(koptrain, store, tmp_path):
    with store.session() as s:
        f.coop(s)  # on time for 2019, eligible
    done = koptrain("report", "reminders", "--on", ON, "--quiet", "--fail-if-any")
    assert done.stdout == "" and done.stderr == ""
    for fmt in ("json", "csv", "table"):
        assert koptrain("report", "reminders", "--on", ON, "--quiet", "--format", fmt).stdout == ""
    target = tmp_path / "r.txt"
    koptrain("report", "reminders", "--on", ON, "--quiet", "-o", target)
    assert not target.exists()
    loud = koptrain("report", "reminders", "--on", ON)
    assert "Nothing is due." in loud.stdout
    empty = json.loads(koptrain("report", "reminders", "--on", ON, "--format", "json").stdout)
    assert empty == {"as_of": ON, "followups": [], "sessions": [], "rat": []}


def test_reminders_fail_if_any_exit_status(contacts, koptrain):
    koptrain("report", "reminders", "--on", ON, "--quiet", code=0)
    koptrain("report", "reminders", "--on", ON, "--quiet", "--fail-if-any", code=1)
    koptrain("report", "reminders", "--on", "not-a-date", code=2)


def test_mentoring_report(contacts, koptrain):
    data = json.loads(
        koptrain(
            "report", "mentoring", "--program", "BLITAR-2020", "--on", ON, "--format", "json"
        ).stdout
    )
    s1, s2 = data["sessions"]
    assert (s1["code"], s1["followups"], s1["contacted"], s1["practicing"], s1["ended"]) == (
        "S1", 2, 1, 1, 1
    )  # fmt: skip
    assert (s2["code"], s2["followups"], s2["first_due"], s2["contacted"], s2["partly"]) == (
        "S2", 2, 2, 1, 1
    )  # fmt: skip
    assert data["coverage"] == {"followed_up": 2, "due": 4, "share": 0.5}
    assert data["obstacles"] == [{"category": "modal", "count": 1},
                                 {"category": "pemasaran", "count": 1}]  # fmt: skip
    later = json.loads(
        koptrain("report", "mentoring", "--on", "2021-03-01", "--format", "json").stdout
    )
    assert later["totals"]["lapsed"] == 4  # Sri/S1, Sri/S2, Eko/S2, Joko/OTHER never ended
    table = koptrain("report", "mentoring", "--on", ON).stdout
    assert "Obstacles by category" in table and "pemasaran" in table


def test_rat_report_for_a_year_with_deadlines(programme, koptrain):
    rows = json.loads(koptrain("report", "rat", "--year", "2019", "--on", ON, "--format", "json")
                      .stdout)  # fmt: skip
    by_coop = {r["coop"]: r for r in rows}
    assert by_coop["KSP Sejahtera"]["status"] == "on_time"
    assert by_coop["KSP Sejahtera"]["deadline"] == "2020-03-31"
    assert by_coop["KSP Sejahtera"]["report_deadline"] == "2020-04-13"
    assert by_coop["KSU Tani Makmur"]["status"] == "missing"
    assert by_coop["Koperasi Telat"]["status"] == "late"
    assert "14 days after the deadline" in by_coop["Koperasi Telat"]["reason"]
    table = koptrain("report", "rat", "--year", "2019", "--on", ON).stdout
    assert "31 March 2020" in table


def test_roster_masks_niks(programme, koptrain):
    out = koptrain("report", "roster", "S1").stdout
    assert "Sri Wahyuni" in out and programme["sri"][1] not in out
    rows = json.loads(koptrain("report", "roster", "S1", "--format", "json").stdout)
    assert {r["status"] for r in rows} >= {"completed", "withdrawn", "waitlisted"}
    assert all("*" in r["nik"] for r in rows)
    koptrain("report", "roster", "NOPE", code=2)


def test_json_output_is_exactly_what_json_dump_would_write():
    from koptrain.io.output import jsonable, write_json

    rows = [{"code": f"S{i}", "title": 'a "}\n{" b', "start": D(2020, 6, i + 1), "n": i,
             "share": i / 3, "none": None, "ok": True} for i in range(3)]  # fmt: skip
    report = {"as_of": D(2020, 8, 10), "sessions": rows, "empty": [], "none": {},
              "nested": [{"x": [1, {"y": "ü"}]}, {}], "totals": {"a": 1, 2: "b"}}  # fmt: skip
    odd = [float("nan"), float("inf"), -float("inf"), -0.0, 1e300, 10**30, True, False,
           "\x00\u2028ü[b]", D(2020, 1, 2), dt.datetime(2020, 1, 2, 3, 4), None]  # fmt: skip
    scalars = {
        "odd": odd,
        "each": [[v] for v in odd],
        "keys": {str(i): v for i, v in enumerate(odd)},
    }
    for value in (report, {"sessions": []}, rows, [], "x", scalars, *odd):
        got = io.StringIO()
        write_json(value, got)
        assert got.getvalue() == json.dumps(jsonable(value), ensure_ascii=False, indent=2) + "\n"


class Lazy:
    """A sequence worked out as it is read (as report outcomes' sessions are)."""

    def __init__(self, items):
        self.items, self.read = items, 0

    def __iter__(self):
        for item in self.items:
            self.read += 1
            yield item


class Watched(io.StringIO):
    """An output that notes how many items of `lazy` had been read at each write."""

    def __init__(self, lazy: Lazy) -> None:
        super().__init__()
        self.lazy, self.read_at = lazy, []

    def write(self, text):
        self.read_at.append(self.lazy.read)
        return super().write(text)


def test_a_lazy_sequence_in_a_report_is_streamed_as_the_list_would_be_written():
    from koptrain.io.output import jsonable, write_json

    sessions = [
        {"code": f"S{i}", "scores": {"n": i, "ci": [i, i + 1.5]}, "t": "é"} for i in range(1203)
    ]
    for items in (sessions, [], sessions[:1]):
        lazy = Lazy(items)
        report = {"scope": {"program": None}, "sessions": lazy, "totals": {"n": len(items)}}
        got = Watched(lazy)
        write_json(report, got)
        expected = {**report, "sessions": items}
        assert got.getvalue() == json.dumps(jsonable(expected), ensure_ascii=False, indent=2) + "\n"
        assert lazy.read == len(items)
        if len(items) > 1000:  # written while it was read, not after
            assert min(n for n in got.read_at if n) < len(items)


def test_summary_table_of_many_sessions_shows_the_first_and_last(store, koptrain):
    with store.session() as s:
        for i in range(75):
            day = D(2020, 1, 1) + dt.timedelta(days=i)
            f.training(s, f"K{i:03d}", start=day, end=day, title=f"Kelas {i}")
    out = koptrain("report", "summary", "--on", ON).stdout
    assert "K000" in out and "K029" in out and "K045" in out and "K074" in out
    assert "K030" not in out and "K044" not in out
    assert "… 15 more sessions" in out
    assert "60 of 75 sessions shown" in out and "Seats offered" in out
    data = json.loads(koptrain("report", "summary", "--on", ON, "--format", "json").stdout)
    assert len(data["sessions"]) == 75 and data["totals"]["sessions"] == 75
    rows = list(
        csv.DictReader(io.StringIO(koptrain("report", "summary", "--format", "csv").stdout))
    )
    assert len(rows) == 76  # every session, then the totals row


def test_mentoring_table_of_many_sessions_shows_the_first_and_last(store, koptrain):
    with store.session() as s:
        coop = f.coop(s)
        person = f.person(s, coop)
        for i in range(75):
            day = D(2020, 1, 1) + dt.timedelta(days=i)
            t = f.training(s, f"K{i:03d}", start=day, end=day, title=f"Kelas {i}")
            f.seat(s, t, person, coop)
    out = koptrain("report", "mentoring", "--on", ON).stdout
    assert "K000" in out and "K029" in out and "K045" in out and "K074" in out
    assert "K030" not in out and "K044" not in out
    assert "… 15 more sessions" in out and "60 of 75 sessions shown" in out
    data = json.loads(koptrain("report", "mentoring", "--on", ON, "--format", "json").stdout)
    assert len(data["sessions"]) == 75
