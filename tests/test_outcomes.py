"""`report outcomes` (SPEC §12): every figure of the JSON worked out by hand on a fixture."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from scipy import stats
from sqlalchemy import text
from sqlmodel import select

from koptrain.models import Coop, Person, Score, Training

import factories as f

D = dt.date
ON = "2020-12-31"


@pytest.fixture
def world(store, koptrain):
    """BLT20-01 (16-18 June 2020) with seat holders A-E and a withdrawn W; BLT20-02
    (1-2 July 2020) where A also sits. Scores, evaluations, contacts and indicator values
    as the comments of each test say."""
    with store.session() as s:
        program = f.program(s)
        coop = f.coop(s)
        t1 = f.training(s, "BLT20-01", program=program)
        t2 = f.training(
            s,
            "BLT20-02",
            start=D(2020, 7, 1),
            end=D(2020, 7, 2),
            title="Pemasaran",
            program=program,
        )
        people = {k: f.person(s, coop, name=f"Peserta {k}") for k in "ABCDEW"}
        for k in "ABCDE":
            f.seat(s, t1, people[k], coop, present_days=3)
        f.seat(s, t1, people["W"], coop, status="withdrawn")
        f.seat(s, t2, people["A"], coop, present_days=2)
        s.add(Score(session_id=t1.id, person_id=people["W"].id, pre=10, post=90))
        nik = {k: p.nik for k, p in people.items()}
    # scores: A 60->80, B 100->90, C 50->75, D 70->70, E pre only
    for k, pre, post in [
        ("A", "60", "80"),
        ("B", "100", "90"),
        ("C", "50", "75,0"),
        ("D", "70", "70"),
    ]:
        koptrain("score", "record", "BLT20-01", nik[k], "--pre", pre, "--post", post)
    koptrain("score", "record", "BLT20-01", nik["E"], "--pre", "40")
    # contacts (all naming BLT20-01): A partly then practicing, B stopped, C not_yet, E partly
    log = ["mentor", "log", "--session", "BLT20-01", "--mentor", "Bu Rina"]
    koptrain(*log, nik["A"], "--date", "2020-07-20", "--status", "partly")
    koptrain(
        *log, nik["A"], "--date", "2020-08-20", "--status", "practicing",
        "--indicator", "omzet=Rp 1.500.000", "--indicator", "pembukuan=ya",
    )  # fmt: skip
    koptrain(
        *log, nik["B"], "--date", "2020-08-01", "--status", "stopped",
        "--indicator", "omzet=1.800.000", "--indicator", "Pembukuan=yes",
    )  # fmt: skip
    koptrain(
        *log, nik["C"], "--date", "2020-07-20", "--status", "not_yet",
        "--indicator", "omzet=3000000", "--indicator", "pembukuan=tidak",
    )  # fmt: skip
    koptrain(
        *log, nik["E"], "--date", "2020-07-25", "--status", "partly", "--indicator", "pembukuan=1"
    )
    base = ["baseline", "record", "--session", "BLT20-01"]
    koptrain(*base, nik["A"], "--date", "2020-01-01", "--indicator", "omzet=500000")
    koptrain(
        *base, nik["A"], "--date", "2020-06-01", "--indicator", "omzet=1000000",
        "--indicator", "pembukuan=tidak",
    )  # fmt: skip
    koptrain(
        *base, nik["B"], "--date", "16/06/2020", "--indicator", "omzet=Rp 2.000.000",
        "--indicator", "pembukuan=ya",
    )  # fmt: skip
    koptrain(*base, nik["C"], "--date", "2020-06-01", "--indicator", "pembukuan=tidak")
    koptrain(*base, nik["D"], "--date", "2020-06-10", "--indicator", "omzet=1000000")
    koptrain(*base, nik["D"], "--date", "2020-06-17", "--indicator", "omzet=5000000")
    koptrain(*base, nik["E"], "--date", "2020-06-01", "--indicator", "pembukuan=no")
    koptrain(*base, nik["A"], "--date", "2021-02-01", "--indicator", "omzet=9000000")
    return {"store": store, "nik": nik}


def report(koptrain, *args):
    return json.loads(koptrain("report", "outcomes", "--on", ON, "--format", "json", *args).stdout)


def add_evaluations(koptrain, tmp_path, nik):
    path = tmp_path / "evaluations.csv"
    path.write_text(
        "session,nik,materi,narasumber,fasilitas,manfaat,saran\n"
        f"BLT20-01,{nik['A']},4,5,3,4,bagus\n"
        "BLT20-01,,5,4,4,5,\n"
        "BLT20-01,,3,,5,4,lebih lama\n"
    )
    koptrain("import", "evaluations", path)
    return path


def test_every_figure_of_a_session(koptrain, world, tmp_path):
    add_evaluations(koptrain, tmp_path, world["nik"])
    out = report(koptrain, "--session", "BLT20-01")
    assert out["scope"] == {"program": None, "session": "BLT20-01"}
    assert out["on"] == ON
    (s,) = out["sessions"]
    assert (s["code"], s["participants"]) == ("BLT20-01", 5)  # W withdrew: not a participant
    # three evaluations, one anonymous without narasumber: means over those who gave a mark
    assert s["evaluation"] == {
        "n": 3, "materi": 4.0, "narasumber": 4.5, "fasilitas": 4.0, "manfaat": 4.33,
    }  # fmt: skip
    # A 60->80, B 100->90, C 50->75, D 70->70 (E has no post-test, W is not a seat holder)
    gains = [20, -10, 25, 0]
    low, high = stats.t.interval(0.95, 3, loc=8.75, scale=stats.sem(gains))
    assert s["scores"] == {
        "n": 4,
        "pre_mean": 70.0,
        "post_mean": 78.75,
        "gain_mean": 8.75,
        "gain_ci95": [round(low, 2), round(high, 2)],
        "normalized_gain": 0.33,  # (20/40 + 25/50 + 0/30) / 3: B at 100 is left out
        "improved": 0.5,
    }
    # by hand: sd of the gains = sqrt(818.75 / 3) = 16.52, t(0.975, 3) = 3.182
    assert s["scores"]["gain_ci95"] == [-17.54, 35.04]
    assert s["practice"] == {
        "practicing": 1, "partly": 1, "not_yet": 1, "stopped": 1, "no_contact": 1,
    }  # fmt: skip
    # omzet: A 1,000,000 (the latest before the first day, not 500,000) -> 1,500,000
    # (not the 9,000,000 after --on); B 2,000,000 (dated on the first day) -> 1,800,000;
    # C has no baseline, D no follow-up (the value during the training is neither)
    omzet = s["indicators"]["omzet"]
    assert omzet["n"] == 2
    assert (omzet["baseline"], omzet["followup"], omzet["change"]) == (1500000, 1650000, 150000)
    assert omzet["improved"] == 0.5
    assert omzet["by_practice"] == {
        "practicing": {"n": 1, "change": 500000.0},
        "partly": {"n": 0, "change": None},
        "not_yet": {"n": 0, "change": None},
        "stopped": {"n": 1, "change": -200000.0},
        "no_contact": {"n": 0, "change": None},
    }
    # pembukuan (yes/no): A no->yes, B yes->yes, C no->no, E no->yes
    books = s["indicators"]["pembukuan"]
    assert (books["n"], books["baseline"], books["followup"]) == (4, 0.25, 0.75)
    assert (books["change"], books["improved"]) == (0.5, 0.5)
    assert {k: v["n"] for k, v in books["by_practice"].items()} == {
        "practicing": 1, "partly": 1, "not_yet": 1, "stopped": 1, "no_contact": 0,
    }  # fmt: skip
    assert books["by_practice"]["partly"]["change"] == 1.0
    assert books["by_practice"]["not_yet"]["change"] == 0.0
    assert books["practising"] == {"n": 2, "change": 1.0}
    assert books["not_practising"] == {"n": 2, "change": 0.0}
    # nobody measured: every figure null, never 0
    assert s["indicators"]["tenaga_kerja"] == {
        "n": 0,
        "baseline": None,
        "followup": None,
        "change": None,
        "improved": None,
        "by_practice": {k: {"n": 0, "change": None} for k in s["practice"]},
        "practising": {"n": 0, "change": None},
        "not_practising": {"n": 0, "change": None},
    }


def test_totals_count_people_once_and_seats_in_each_session(koptrain, world, tmp_path):
    add_evaluations(koptrain, tmp_path, world["nik"])
    out = report(koptrain, "--program", "BLITAR-2020")
    assert [s["code"] for s in out["sessions"]] == ["BLT20-01", "BLT20-02"]
    second = out["sessions"][1]
    # A in BLT20-02: no evaluation, no scores; contacts named BLT20-01 do not count here
    assert second["evaluation"] == {
        "n": 0, "materi": None, "narasumber": None, "fasilitas": None, "manfaat": None,
    }  # fmt: skip
    assert second["scores"]["n"] == 0
    assert second["scores"]["gain_ci95"] is None and second["scores"]["pre_mean"] is None
    assert second["practice"]["no_contact"] == 1
    # ... but A's omzet 1,000,000 before 1 July and 1,500,000 after 2 July count for it
    assert second["indicators"]["omzet"]["change"] == 500000.0
    totals = out["totals"]
    assert (totals["participants"], totals["seats"]) == (5, 6)
    assert totals["scores"] == out["sessions"][0]["scores"]
    assert totals["evaluation"] == out["sessions"][0]["evaluation"]
    assert totals["practice"] == {
        "practicing": 1, "partly": 1, "not_yet": 1, "stopped": 1, "no_contact": 2,
    }  # fmt: skip
    omzet = totals["indicators"]["omzet"]
    assert omzet["n"] == 3
    assert (omzet["baseline"], omzet["followup"]) == (1333333.33, 1600000.0)
    assert (omzet["change"], omzet["improved"]) == (266666.67, 0.67)
    books = totals["indicators"]["pembukuan"]
    assert (books["n"], books["baseline"], books["followup"], books["change"]) == (5, 0.2, 0.8, 0.6)
    assert books["improved"] == 0.6


def test_one_score_pair_has_no_interval(koptrain, world):
    out = report(koptrain, "--session", "BLT20-01")
    assert out["sessions"][0]["scores"]["gain_ci95"] is not None
    with world["store"].session() as s:
        t = s.exec(select(Training).where(Training.code == "BLT20-01")).one()
        for score in s.exec(select(Score).where(Score.session_id == t.id)).all():
            if score.pre != 60:
                score.post = None
    scores = report(koptrain, "--session", "BLT20-01")["sessions"][0]["scores"]
    assert scores["n"] == 1 and scores["gain_mean"] == 20.0
    assert scores["gain_ci95"] is None
    assert scores["normalized_gain"] == 0.5


def test_the_same_figures_before_and_after_a_later_contact(koptrain, world):
    """A contact dated after --on is not counted, whichever way the report reads."""
    before = report(koptrain, "--program", "BLITAR-2020")
    koptrain(
        "mentor", "log", world["nik"]["D"], "--session", "BLT20-01", "--mentor", "Bu Rina",
        "--date", "2021-01-20", "--status", "practicing", "--indicator", "omzet=2000000",
    )  # fmt: skip
    assert report(koptrain, "--program", "BLITAR-2020") == before
    later = json.loads(
        koptrain("report", "outcomes", "--on", "2021-01-31", "--format", "json").stdout
    )
    assert later["sessions"][0]["practice"]["no_contact"] == 0
    assert later["sessions"][0]["indicators"]["omzet"]["n"] == 3


def test_follow_up_values_dated_after_the_report_are_not_counted(koptrain, world):
    """A's omzet follow-ups: 1,500,000 on 2020-08-20, then 7,000,000 (recorded now) on
    2021-01-15 and 9,000,000 on 2021-02-01, both after --on 2020-12-31: as of --on only
    the first counts. The same figures for the programme and for the whole register (the
    derived rows summed per session and per block), and from the source tables."""
    before = report(koptrain, "--program", "BLITAR-2020")
    koptrain(
        "baseline", "record", world["nik"]["A"], "--session", "BLT20-02",
        "--date", "2021-01-15", "--indicator", "omzet=7000000",
    )  # fmt: skip
    assert report(koptrain, "--program", "BLITAR-2020") == before
    whole = report(koptrain)
    assert whole["totals"] == before["totals"]
    assert whole["sessions"] == before["sessions"]
    # as of 20 January the 7,000,000 counts: A's change 1,000,000 -> 7,000,000 in BLT20-02
    later = json.loads(
        koptrain("report", "outcomes", "--on", "2021-01-20", "--format", "json").stdout
    )
    assert later["sessions"][1]["indicators"]["omzet"]["change"] == 6000000.0
    with world["store"].engine.begin() as conn:  # pending: the readers use the source tables
        conn.execute(text("INSERT INTO derived_dirty (kind, ref) VALUES ('p', 0)"))
    assert report(koptrain) == whole
    exact = koptrain("report", "outcomes", "--on", "2021-01-20", "--format", "json").stdout
    assert json.loads(exact) == later


def test_the_whole_register_adds_up_sessions_of_every_block(koptrain, world):
    """The totals of the whole register are read per block of 256 sessions: B's seat in a
    session far from the others (id 600, block 2; scores 20 -> 60) counts in them as in
    the programme's, and the figures are those from the source tables."""
    with world["store"].session() as s:
        first = s.exec(select(Training).where(Training.code == "BLT20-01")).one()
        far = Training(
            id=600, code="BLT20-09", title="Jauh", start=D(2020, 9, 1), end=D(2020, 9, 2),
            capacity=10, program_id=first.program_id,
        )  # fmt: skip
        s.add(far)
        s.flush()
        person = s.exec(select(Person).where(Person.nik == world["nik"]["B"])).one()
        f.seat(s, far, person, s.exec(select(Coop)).one(), present_days=2)
    koptrain("score", "record", "BLT20-09", world["nik"]["B"], "--pre", "20", "--post", "60")
    with world["store"].engine.connect() as conn:
        blocks = conn.execute(text("SELECT DISTINCT block FROM outcome_score_block")).all()
    assert sorted(b for (b,) in blocks) == [0, 2]
    whole = report(koptrain)
    assert whole["totals"] == report(koptrain, "--program", "BLITAR-2020")["totals"]
    assert (whole["totals"]["seats"], whole["totals"]["scores"]["n"]) == (7, 5)
    assert whole["totals"]["scores"]["gain_mean"] == round((20 - 10 + 25 + 0 + 40) / 5, 2)
    with world["store"].engine.begin() as conn:  # pending: the readers use the source tables
        conn.execute(text("INSERT INTO derived_dirty (kind, ref) VALUES ('p', 0)"))
    assert report(koptrain) == whole


def test_screen_answers_the_question(koptrain, world, tmp_path):
    add_evaluations(koptrain, tmp_path, world["nik"])
    text = koptrain("report", "outcomes", "--on", ON, "--session", "BLT20-01").stdout
    assert "post-test +8.8 points (95% CI -17.5 to 35.0, n = 4)" in text
    assert "material 4.0 · trainers 4.5 · facilities 4.0 · usefulness 4.3 out of 5 (n = 3)" in text
    assert "█" in text and "no contact" in text
    assert "omzet (Rp mln)" in text and "+0.15" in text  # 1.5 million before, 1.65 after
    indonesian = koptrain(
        "--lang", "id", "report", "outcomes", "--on", ON, "--session", "BLT20-01"
    ).stdout
    assert "post-test +8,8 poin (IK 95% -17,5 s.d. 35,0, n = 4)" in indonesian
    assert "omzet (Rp jt)" in indonesian and "+0,15" in indonesian


def test_csv_and_xlsx(koptrain, world, tmp_path):
    import csv
    import io

    from openpyxl import load_workbook

    text = koptrain("report", "outcomes", "--on", ON, "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["code"] for r in rows] == ["BLT20-01", "BLT20-02", "total"]
    assert rows[0]["scores_gain_ci95_low"] == "-17.54"
    assert rows[0]["omzet_by_practice_stopped_change"] == "-200000.0"
    assert rows[1]["scores_pre_mean"] == ""  # null, not 0
    target = tmp_path / "outcomes.xlsx"
    koptrain("report", "outcomes", "--on", ON, "--format", "xlsx", "-o", target)
    book = load_workbook(target)
    assert book.sheetnames == ["sessions", "practice", "indicators"]
    assert book["practice"]["F4"].value == 2  # no_contact in the totals
    koptrain("report", "outcomes", "--format", "xlsx", code=2)  # xlsx needs -o


def test_scope_errors(koptrain, world):
    result = koptrain(
        "report", "outcomes", "--program", "BLITAR-2020", "--session", "BLT20-01", code=2
    )
    assert "not both" in result.stderr
    koptrain("report", "outcomes", "--session", "NOPE", code=2)
    koptrain("report", "outcomes", "--format", "pdf", code=2)


def test_a_participant_without_anything_recorded_is_null_not_zero(koptrain, store):
    with store.session() as s:
        coop = f.coop(s)
        t = f.training(s)
        f.seat(s, t, f.person(s, coop), coop)
    out = report(koptrain)
    (s,) = out["sessions"]
    assert s["scores"]["pre_mean"] is None and s["scores"]["improved"] is None
    assert s["scores"]["normalized_gain"] is None
    assert s["evaluation"]["materi"] is None
    assert s["practice"]["no_contact"] == 1


@pytest.mark.slow
def test_the_demo_shows_the_outcomes_of_the_sample(koptrain, db_url):
    result = koptrain("demo", "--db", db_url)
    assert "Outcomes: post-test +15.6 points (95% CI 14.2 to 17.0, n = 227)" in result.stdout
    out = json.loads(
        koptrain(
            "report", "outcomes", "--program", "BLITAR-2020", "--on", ON, "--format", "json"
        ).stdout
    )
    assert [s["code"] for s in out["sessions"]] == [f"BLT20-0{i}" for i in range(1, 7)]
    totals = out["totals"]
    assert (totals["participants"], totals["seats"]) == (230, 240)
    assert totals["evaluation"]["n"] == 214 and totals["scores"]["n"] == 227
    assert all(totals["indicators"][code]["n"] > 0 for code in totals["indicators"])


def pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_print_summary_has_the_outcomes(koptrain, world, tmp_path):
    """SPEC §10: the printed report adds each training's outcomes and the totals."""
    out = tmp_path / "report.pdf"
    koptrain("print", "summary", "--program", "BLITAR-2020", "--on", ON, "-o", out)
    text = pdf_text(out)
    section = text[text.index("Outcomes") :]
    assert "BLT20-01 — " in section and "(5 participants)" in section
    # A 60->80, B 100->90, C 50->75, D 70->70: +8.75 (95% CI -17.54 to 35.04, n = 4)
    assert "Learning: post-test +8.8 points (95% CI -17.5 to 35.0, n = 4)" in section
    assert "practicing 1 · partly 1 · not_yet 1 · stopped 1 · no contact 1" in section
    assert "omzet (Rp mln): 1.50 → 1.65 (+0.15; n = 2)" in section
    assert "pembukuan: 25% → 75% (+50%; n = 4)" in section
    assert "tenaga_kerja" not in section  # nobody measured
    assert "All trainings (5 participants)" in section  # A sits in both: once
    koptrain("--lang", "id", "print", "summary", "--on", ON, "-o", out, "--force")
    text = pdf_text(out)
    assert "Hasil pelatihan" in text and "Pembelajaran: " in text


def test_print_summary_without_outcomes_has_no_outcome_section(koptrain, store, tmp_path):
    with store.session() as s:
        coop = f.coop(s)
        t = f.training(s)
        f.seat(s, t, f.person(s, coop), coop)
    out = tmp_path / "report.pdf"
    koptrain("print", "summary", "-o", out)
    text = pdf_text(out)
    assert "Mentoring" in text and "Outcomes" not in text


def test_every_session_worked_out_a_chunk_at_a_time_gives_the_same_report(
    koptrain, world, monkeypatch
):
    """The files read every session a chunk at a time (a province's at once held ~900 MB):
    in chunks of one session, the JSON is the one-pass report's, byte for byte."""
    from koptrain.services.outcomes import report as outcomes_report

    args = ("report", "outcomes", "--on", ON, "--format", "json")
    whole = koptrain(*args).stdout
    monkeypatch.setattr(outcomes_report, "CHUNK", 1)
    chunked = koptrain(*args).stdout
    assert chunked == whole
    assert len(json.loads(chunked)["sessions"]) > 1
