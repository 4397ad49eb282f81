"""Recording outcomes (SPEC §12): scores, indicators, baselines, values at contacts, the
three import kinds and their exports; bad input refused with one sentence, nothing written."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from sqlmodel import func, select

from koptrain.models import Audit, Evaluation, IndicatorValue, MentoringLog, Score

import factories as f

D = dt.date


@pytest.fixture
def world(store):
    with store.session() as s:
        coop = f.coop(s)
        t = f.training(s, "BLT20-01")
        f.training(s, "BLT20-02", start=D(2020, 7, 1), end=D(2020, 7, 2))
        seated = f.person(s, coop, name="Sri Wahyuni")
        other = f.person(s, coop, name="Budi Santoso", gender="L")
        f.seat(s, t, seated, coop)
        return {"store": store, "sri": seated.nik, "budi": other.nik}


def count(store, model) -> int:
    with store.session() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_score_record_accepts_a_decimal_comma_and_keeps_the_other_score(koptrain, world, store):
    koptrain("score", "record", "BLT20-01", world["sri"], "--pre", "62,5")
    result = koptrain("score", "record", "BLT20-01", world["sri"], "--post", "87.5")
    assert "pre 62.5, post 87.5" in result.stdout
    with store.session() as s:
        score = s.exec(select(Score)).one()
        assert (score.pre, score.post) == (62.5, 87.5)
        assert s.exec(select(func.count()).select_from(Audit).where(Audit.entity == "score")).one()


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--pre", "101"], 2, "outside 0 to 100"),
        (["--pre", "-1"], 2, "outside 0 to 100"),
        (["--post", "abc"], 2, "is not a number"),
        ([], 2, "pre-test score, a post-test score or both"),
    ],
)
def test_score_record_refuses_bad_scores(koptrain, world, store, args, code, words):
    result = koptrain("score", "record", "BLT20-01", world["sri"], *args, code=code)
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert count(store, Score) == 0


def test_scores_only_for_seat_holders(koptrain, world, store):
    result = koptrain("score", "record", "BLT20-01", world["budi"], "--pre", "50", code=1)
    assert "holds no seat in BLT20-01" in result.stderr
    koptrain("score", "record", "BLT20-02", world["sri"], "--pre", "50", code=1)
    assert count(store, Score) == 0


def test_indicators_list_and_add(koptrain, world):
    listing = json.loads(koptrain("indicator", "list", "--format", "json").stdout)
    assert [(i["code"], i["kind"]) for i in listing] == [
        ("omzet", "money"),
        ("tenaga_kerja", "count"),
        ("pembukuan", "yes_no"),
        ("jualan_online", "yes_no"),
    ]
    koptrain("indicator", "add", "Pelanggan", "--name", "Jumlah pelanggan", "--kind", "count")
    assert "pelanggan" in koptrain("indicator", "list").stdout
    assert (
        "already exists"
        in koptrain(
            "indicator", "add", "pelanggan", "--name", "x", "--kind", "count", code=1
        ).stderr
    )
    assert (
        "money, count, number, yes_no"
        in koptrain("indicator", "add", "aset", "--name", "Aset", "--kind", "rupiah", code=2).stderr
    )


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("omzet=banyak", "is not an amount of money"),
        ("pembukuan=mungkin", "is not yes or no"),
        ("tenaga_kerja=2,5", "is not a whole number"),
        ("tenaga_kerja=-1", "must not be negative"),
        ("laba=100", "No indicator has the code 'laba'"),
        ("omzet", "is not CODE=VALUE"),
    ],
)
def test_baseline_refuses_bad_values_and_writes_nothing(koptrain, world, store, value, words):
    result = koptrain(
        "baseline", "record", world["sri"], "--session", "BLT20-01", "--date", "2020-06-01",
        "--indicator", "jualan_online=ya", "--indicator", value, code=2,
    )  # fmt: skip
    assert words in result.stderr
    assert count(store, IndicatorValue) == 0


def test_baseline_values_of_each_kind(koptrain, world, store):
    koptrain(
        "baseline", "record", world["sri"], "--session", "BLT20-01", "--date", "1 Juni 2020",
        "--indicator", "omzet=Rp 2.500.000,50", "--indicator", "tenaga_kerja=1.250",
        "--indicator", "pembukuan=Tidak", "--indicator", "jualan_online=1",
    )  # fmt: skip
    with store.session() as s:
        values = sorted(v.value for v in s.exec(select(IndicatorValue)).all())
    assert values == [0.0, 1.0, 1250.0, 2500000.5]
    result = koptrain(
        "baseline", "record", world["budi"], "--session", "BLT20-01", "--date", "2020-06-01",
        "--indicator", "omzet=1", code=1,
    )  # fmt: skip
    assert "holds no seat" in result.stderr


def test_mentor_log_with_a_bad_indicator_logs_no_contact(koptrain, world, store):
    log = ["mentor", "log", world["sri"], "--date", "2020-07-20", "--mentor", "Bu Rina"]
    koptrain(*log, "--status", "partly", "--indicator", "omzet=Rp x", code=2)
    assert count(store, MentoringLog) == 0
    koptrain(*log, "--status", "partly", "--indicator", "omzet=Rp 3.000.000")
    with store.session() as s:
        value = s.exec(select(IndicatorValue)).one()
        contact = s.exec(select(MentoringLog)).one()
        assert (value.value, value.log_id, value.date) == (3000000.0, contact.id, D(2020, 7, 20))


def test_import_then_export_round_trip(koptrain, world, store, tmp_path):
    files = {
        "scores": f'session,nik,pre,post\nBLT20-01,{world["sri"]},"62,5",90\n',
        "evaluations": (
            "kode_pelatihan;nik;materi;narasumber;fasilitas;manfaat;saran\n"
            f"BLT20-01;{world['sri']};4;5;3;4;=bagus\n"
            "BLT20-01;;5;4;4;5;\n"
            "BLT20-01;;5;4;4;5;\n"
        ),
        "indicators": (
            "nik,session,tanggal,indikator,nilai\n"
            f"{world['sri']},BLT20-01,2020-06-01,omzet,Rp 2.500.000\n"
            f"{world['sri']},BLT20-01,2020-09-01,pembukuan,ya\n"
        ),
    }
    for kind, text in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        first = json.loads(koptrain("import", kind, path, "--format", "json").stdout)
        assert first["inserted"] == first["rows"] > 0, (kind, first)
        again = json.loads(koptrain("import", kind, path, "--format", "json").stdout)
        assert again["unchanged"] == again["rows"], (kind, again)
        exported = tmp_path / f"{kind}-export.csv"
        koptrain("export", kind, "-o", exported)
        back = json.loads(koptrain("import", kind, exported, "--format", "json").stdout)
        assert back["unchanged"] == back["rows"] == first["rows"], (kind, back)
    assert count(store, Evaluation) == 3  # the two identical anonymous rows are two
    rows = list(csv.DictReader(io.StringIO((tmp_path / "indicators-export.csv").read_text())))
    assert [(r["indicator"], r["value"]) for r in rows] == [
        ("omzet", "2500000"),
        ("pembukuan", "1"),
    ]
    scores = (tmp_path / "scores-export.csv").read_text()
    assert "62.5,90" in scores
    evaluations = (tmp_path / "evaluations-export.csv").read_text()
    assert "'=bagus" in evaluations  # a formula neutralised, and exact again on import


def test_a_bad_row_rejects_the_whole_file(koptrain, world, store, tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text(
        f"session,nik,pre,post\nBLT20-01,{world['sri']},60,80\nBLT20-01,{world['budi']},50,70\n"
        f"BLT20-01,{world['sri']},60,180\n"
    )
    result = koptrain("import", "scores", path, code=2)
    assert f"{path}:3: nik: Budi Santoso" in result.stderr
    assert f"{path}:4: post: post-test score 180 is outside 0 to 100." in result.stderr
    assert count(store, Score) == 0
    bad = tmp_path / "evaluations.csv"
    bad.write_text("session,nik,materi,narasumber,fasilitas,manfaat\nBLT20-01,,6,4,4,4\n")
    assert (
        "materi '6' is not a mark from 1 to 5"
        in koptrain("import", "evaluations", bad, code=2).stderr
    )
    wrong = tmp_path / "indicators.csv"
    wrong.write_text(
        f"nik,session,date,indicator,value\n{world['sri']},BLT20-01,2020-06-01,pembukuan,kadang\n"
    )
    assert (
        "pembukuan 'kadang' is not yes or no"
        in koptrain("import", "indicators", wrong, code=2).stderr
    )
    assert count(store, Evaluation) == count(store, IndicatorValue) == 0
