"""Mentoring groups, contact logs and the follow-up schedule of SPEC §2."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import select

from koptrain.models import GroupMember, MentoringLog, Obstacle
from koptrain.services import mentoring

import factories as f

D = dt.date
END = D(2020, 6, 18)  # the last day of BLT20-01 (16-18 June 2020)


@pytest.fixture
def world(store):
    """One coop, session BLT20-01 (16-18 June 2020) and BLT20-02 (1-2 July 2020), people."""
    with store.session() as s:
        coop = f.coop(s)
        t1 = f.training(s, "BLT20-01")
        t2 = f.training(s, "BLT20-02", start=D(2020, 7, 1), end=D(2020, 7, 2), title="Pemasaran")
        people = {}
        for key, name, gender in [
            ("sri", "Sri Wahyuni", "P"),
            ("budi", "Budi Santoso", "L"),
            ("ani", "Ani Lestari", "P"),
            ("joko", "Joko Susilo", "L"),
        ]:
            people[key] = f.person(s, coop, name=name, gender=gender)
        ids = {k: (p.id, p.nik) for k, p in people.items()}
        return {"store": store, "coop": coop.id, "t1": t1.id, "t2": t2.id, "people": ids}


def seat(world, key, training="t1", **kw):
    from koptrain.models import Coop, Person, Training

    with world["store"].session() as s:
        f.seat(
            s,
            s.get(Training, world[training]),
            s.get(Person, world["people"][key][0]),
            s.get(Coop, world["coop"]),
            **kw,
        )


def nik(world, key):
    return world["people"][key][1]


def due_on(store, on):
    with store.session() as s:
        return [(d.name, d.session, d.due, d.days_overdue) for d in mentoring.due_followups(s, on)]


def log(koptrain, *args, code=0):
    return koptrain("mentor", "log", *args, code=code)


def test_first_contact_is_due_first_days_after_the_last_day(world, koptrain):
    seat(world, "sri", present_days=3)
    assert due_on(world["store"], END + dt.timedelta(days=29)) == []
    assert due_on(world["store"], D(2020, 7, 18)) == [
        ("Sri Wahyuni", "BLT20-01", D(2020, 7, 18), 0)
    ]
    assert due_on(world["store"], D(2020, 7, 21))[0][3] == 3


def test_the_policy_moves_the_first_due_date(world, koptrain):
    seat(world, "sri", present_days=3)
    koptrain("policy", "set", "followup.first_days", "14")
    assert due_on(world["store"], D(2020, 7, 2)) == [("Sri Wahyuni", "BLT20-01", D(2020, 7, 2), 0)]


def test_next_contact_due_on_the_next_date_given(world, koptrain):
    seat(world, "sri", present_days=3)
    log(koptrain, nik(world, "sri"), "--date", "2020-07-20", "--mentor", "Bu Rina",
        "--status", "partly", "--next", "05/08/2020")  # fmt: skip
    assert due_on(world["store"], D(2020, 8, 4)) == []
    assert due_on(world["store"], D(2020, 8, 5)) == [("Sri Wahyuni", "BLT20-01", D(2020, 8, 5), 0)]


def test_next_contact_due_an_interval_after_a_contact_without_next(world, koptrain):
    seat(world, "sri", present_days=3)
    log(koptrain, nik(world, "sri"), "--date", "2020-07-20", "--mentor", "Bu Rina",
        "--status", "not-yet")  # fmt: skip
    assert due_on(world["store"], D(2020, 8, 18)) == []
    assert due_on(world["store"], D(2020, 8, 19)) == [
        ("Sri Wahyuni", "BLT20-01", D(2020, 8, 19), 0)
    ]
    koptrain("policy", "set", "followup.interval_days", "10")
    assert due_on(world["store"], D(2020, 7, 30))[0][2] == D(2020, 7, 30)


@pytest.mark.parametrize("status", ["practicing", "Stopped"])
def test_follow_up_ends_on_practicing_or_stopped(world, koptrain, status):
    seat(world, "sri", present_days=3)
    log(koptrain, nik(world, "sri"), "--date", "2020-07-20", "--mentor", "Bu Rina",
        "--status", status)  # fmt: skip
    for day in (D(2020, 7, 19), D(2020, 8, 30), D(2020, 12, 1)):
        found = due_on(world["store"], day)
        assert found == ([("Sri Wahyuni", "BLT20-01", D(2020, 7, 18), 1)] if day.day == 19 else [])


def test_follow_up_ends_at_the_window_and_is_lapsed(world, koptrain):
    seat(world, "sri", present_days=3)
    window_end = END + dt.timedelta(days=180)  # 15 December 2020
    assert due_on(world["store"], window_end)[0][3] == (window_end - D(2020, 7, 18)).days
    assert due_on(world["store"], window_end + dt.timedelta(days=1)) == []
    with world["store"].session() as s:
        (row,) = mentoring.outcomes_by_session(s, D(2021, 1, 1))
    assert (row["followups"], row["lapsed"], row["open"], row["contacted"]) == (1, 1, 0, 0)


def test_people_absent_on_every_day_are_not_followed_up(world):
    seat(world, "sri", present_days=0)  # recorded absent on all three days: a no-show
    seat(world, "budi", present_days=1)  # came one day
    seat(world, "ani")  # no attendance recorded at all
    names = [d[0] for d in due_on(world["store"], D(2020, 7, 20))]
    assert sorted(names) == ["Ani Lestari", "Budi Santoso"]


def test_withdrawn_and_waitlisted_people_are_never_followed_up(world):
    seat(world, "sri", status="withdrawn")
    seat(world, "budi", status="waitlisted")
    seat(world, "ani", status="completed", present_days=3)
    seat(world, "joko", status="not_completed", present_days=1)
    names = [d[0] for d in due_on(world["store"], D(2020, 8, 1))]
    assert sorted(names) == ["Ani Lestari", "Joko Susilo"]


def test_a_session_not_yet_over_has_no_follow_up(world):
    seat(world, "sri", present_days=3)
    assert due_on(world["store"], D(2020, 6, 18)) == []


def test_a_contact_counts_for_the_named_session_or_every_earlier_one(world, koptrain):
    seat(world, "sri", present_days=3)
    seat(world, "sri", training="t2", present_days=2)  # last day 2 July: first due 1 August
    # Named session: counts for BLT20-02 only.
    log(koptrain, nik(world, "sri"), "--date", "2020-08-01", "--mentor", "Bu Rina",
        "--status", "practicing", "--session", "BLT20-02")  # fmt: skip
    assert due_on(world["store"], D(2020, 8, 2)) == [
        ("Sri Wahyuni", "BLT20-01", D(2020, 7, 18), 15)
    ]
    # No session named: counts for both sessions that ended before it.
    log(koptrain, nik(world, "sri"), "--date", "2020-08-03", "--mentor", "Bu Rina",
        "--status", "partly", "--next", "2020-08-20")  # fmt: skip
    assert due_on(world["store"], D(2020, 8, 19)) == []
    assert due_on(world["store"], D(2020, 8, 20)) == [
        ("Sri Wahyuni", "BLT20-01", D(2020, 8, 20), 0)
    ]


def test_a_contact_before_a_session_ends_does_not_count_for_it(world, koptrain):
    seat(world, "sri", present_days=3)
    seat(world, "sri", training="t2", present_days=2)
    log(koptrain, nik(world, "sri"), "--date", "2020-06-25", "--mentor", "Bu Rina",
        "--status", "practicing")  # fmt: skip
    assert due_on(world["store"], D(2020, 8, 1)) == [("Sri Wahyuni", "BLT20-02", D(2020, 8, 1), 0)]


def test_a_group_log_reaches_each_member(world, koptrain):
    for key in ("sri", "budi", "ani"):
        seat(world, key, present_days=3)
    koptrain("group", "create", "KLP-A", "--mentor", "Bu Rina", "--session", "BLT20-01")
    koptrain("group", "add", "KLP-A", nik(world, "sri"), nik(world, "budi"))
    done = log(koptrain, "--group", "KLP-A", "--date", "2020-07-20", "--mentor", "Bu Rina",
               "--status", "partly", "--obstacle", "Bahan Baku:Harga kedelai naik",
               "--obstacle", "modal")  # fmt: skip
    assert "2 contact(s)" in done.stdout
    with world["store"].session() as s:
        logs = s.exec(select(MentoringLog)).all()
        assert sorted(log.person_id for log in logs) == sorted(
            [world["people"]["sri"][0], world["people"]["budi"][0]]
        )
        assert {log.group_id for log in logs} != {None}
        assert {log.session_id for log in logs} == {world["t1"]}
        obstacles = s.exec(select(Obstacle).order_by(Obstacle.id)).all()
        assert [(o.category, o.text) for o in obstacles] == [
            ("bahan_baku", "Harga kedelai naik"),
            ("modal", None),
        ] * 2
    # Ani (not in the group) is still due; the members are next due 30 days later.
    assert due_on(world["store"], D(2020, 7, 21)) == [
        ("Ani Lestari", "BLT20-01", END + dt.timedelta(days=30), 3)
    ]


def test_group_add_refuses_someone_without_a_seat_and_writes_nothing(world, koptrain):
    seat(world, "sri", present_days=3)
    seat(world, "budi", training="t2")
    koptrain("group", "create", "KLP-A", "--mentor", "Bu Rina", "--session", "BLT20-01")
    done = koptrain("group", "add", "KLP-A", nik(world, "sri"), nik(world, "budi"), code=1)
    assert "holds no seat in BLT20-01" in done.stderr
    assert nik(world, "budi") not in done.stderr  # masked
    with world["store"].session() as s:
        assert s.exec(select(GroupMember)).all() == []
    koptrain("group", "add", "KLP-A", nik(world, "sri"))
    again = koptrain("group", "add", "KLP-A", nik(world, "sri"))
    assert "Already in KLP-A" in again.stdout


def test_group_create_refuses_a_known_code_and_unknown_session(world, koptrain):
    koptrain("group", "create", "KLP-A", "--mentor", "Bu Rina")
    assert "exists already" in koptrain("group", "create", "klp-a", "--mentor", "X", code=1).stderr
    koptrain("group", "create", "KLP-B", "--mentor", "X", "--session", "NOPE", code=2)


def test_group_list_and_show_mask_niks(world, koptrain):
    seat(world, "sri", present_days=3)
    koptrain("group", "create", "KLP-A", "--mentor", "Bu Rina", "--session", "BLT20-01")
    koptrain("group", "add", "KLP-A", nik(world, "sri"))
    listed = json.loads(koptrain("group", "list", "--format", "json").stdout)
    assert listed == [{"code": "KLP-A", "mentor": "Bu Rina", "session": "BLT20-01", "members": 1}]
    shown = koptrain("group", "show", "KLP-A").stdout
    assert "Sri Wahyuni" in shown and nik(world, "sri") not in shown
    assert nik(world, "sri")[-2:] in shown
    data = json.loads(koptrain("group", "show", "KLP-A", "--format", "json").stdout)
    assert data["members"][0]["nik"] == nik(world, "sri")[:4] + "*" * 10 + nik(world, "sri")[-2:]


def test_obstacle_category_is_validated_and_text_kept_as_typed(world, koptrain):
    seat(world, "sri", present_days=3)
    bad = log(koptrain, nik(world, "sri"), "--date", "2020-07-20", "--mentor", "Bu Rina",
              "--status", "partly", "--obstacle", "cuaca:Hujan terus", code=2)  # fmt: skip
    assert "cuaca" in bad.stderr and "bahan_baku" in bad.stderr
    typed = "PEMASARAN:  Sulit jual ke luar kota, pakai: WA "
    log(koptrain, nik(world, "sri"), "--date", "2020-07-20", "--mentor", "Bu Rina",
        "--status", "partly", "--obstacle", typed)  # fmt: skip
    with world["store"].session() as s:
        (o,) = s.exec(select(Obstacle)).all()
        assert (o.category, o.text) == ("pemasaran", "Sulit jual ke luar kota, pakai: WA")


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("--status", "maybe"), 2, "maybe"),
        (("--status", "partly", "--date", "2020-13-40"), 2, "date"),
        (("--status", "partly", "--next", "2020-07-01"), 2, "after"),
        (("--status", "partly", "--session", "BLT20-02"), 1, "no seat in BLT20-02"),
    ],
)
def test_bad_logs_are_refused_and_write_nothing(world, koptrain, args, code, words):
    seat(world, "sri", present_days=3)
    base = ["--mentor", "Bu Rina"]
    if "--date" not in args:
        base += ["--date", "2020-07-20"]
    done = log(koptrain, nik(world, "sri"), *base, *args, code=code)
    assert words in done.stderr
    assert done.stderr.startswith("koptrain: ") and done.stderr.count("\n") == 1
    with world["store"].session() as s:
        assert s.exec(select(MentoringLog)).all() == []


def test_logging_for_someone_never_trained_is_refused(world, koptrain):
    done = log(koptrain, nik(world, "joko"), "--date", "2020-07-20", "--mentor", "Bu Rina",
               "--status", "partly", code=1)  # fmt: skip
    assert "holds no seat" in done.stderr


def test_mentor_due_groups_by_mentor_and_group(world, koptrain):
    for key in ("sri", "budi", "ani", "joko"):
        seat(world, key, present_days=3)
    koptrain("group", "create", "KLP-A", "--mentor", "Bu Rina", "--session", "BLT20-01")
    koptrain("group", "create", "KLP-B", "--mentor", "Pak Hadi")
    koptrain("group", "add", "KLP-A", nik(world, "sri"), nik(world, "budi"))
    koptrain("group", "add", "KLP-B", nik(world, "ani"))
    log(koptrain, nik(world, "budi"), "--date", "2020-07-20", "--mentor", "Bu Rina",
        "--status", "partly", "--next", "2020-07-25")  # fmt: skip
    rows = json.loads(koptrain("mentor", "due", "--on", "2020-07-28", "--format", "json").stdout)
    assert [(r["mentor"], r["group"], r["name"], r["due"], r["days_overdue"]) for r in rows] == [
        ("Bu Rina", "KLP-A", "Sri Wahyuni", "2020-07-18", 10),
        ("Bu Rina", "KLP-A", "Budi Santoso", "2020-07-25", 3),
        ("Pak Hadi", "KLP-B", "Ani Lestari", "2020-07-18", 10),
        (None, None, "Joko Susilo", "2020-07-18", 10),
    ]
    assert all("*" in r["nik"] for r in rows)
    table = koptrain("mentor", "due", "--on", "28/07/2020").stdout
    assert "Mentor: Bu Rina — group KLP-A (2)" in table
    assert "Mentor: none assigned — group none (1)" in table
    assert nik(world, "sri") not in table
    empty = koptrain("mentor", "due", "--on", "2020-07-01").stdout
    assert "No follow-up is due" in empty


def test_mentor_due_names_the_latest_contacts_mentor_for_someone_in_no_group(world, koptrain):
    seat(world, "joko", present_days=3)
    log(koptrain, nik(world, "joko"), "--date", "2020-07-10", "--mentor", "Pak Hadi",
        "--status", "partly", "--next", "2020-07-15")  # fmt: skip
    log(koptrain, nik(world, "joko"), "--date", "2020-07-20", "--mentor", "Bu Rina",
        "--status", "partly", "--next", "2020-07-25")  # fmt: skip
    rows = json.loads(koptrain("mentor", "due", "--on", "2020-07-28", "--format", "json").stdout)
    assert [(r["mentor"], r["group"], r["name"], r["due"]) for r in rows] == [
        ("Bu Rina", None, "Joko Susilo", "2020-07-25")
    ]
