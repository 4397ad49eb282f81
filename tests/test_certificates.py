"""`print certificates`, `certificate verify|list`: numbers and codes given once (SPEC §10)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from pypdf import PdfReader
from sqlmodel import select

from koptrain.models import Certificate, Enrollment, Person
from koptrain.services.certificates import ALPHABET

import factories as f

D = dt.date
LOOK_ALIKES = set("0O1IL")


@pytest.fixture
def s1(store):
    """S1: Sri, Łucja and Dewi completed; Budi not_completed; Ani only enrolled; Joko
    waitlisted. Returns the NIKs by first name."""
    with store.session() as s:
        coop = f.coop(s, "KSP Sejahtera Bersama")
        training = f.training(s, "S1", title="Akuntansi dasar")
        niks = {}
        for name, status in [
            ("Sri Wahyuni", "completed"),
            ("Budi Santoso", "not_completed"),
            ("Łucja Núñez", "completed"),
            ("Ani Lestari", "enrolled"),
            ("Joko Susilo", "waitlisted"),
            ("Dewi Kartika", "completed"),
        ]:
            person = f.person(s, coop, name=name)
            f.seat(s, training, person, coop, status=status)
            niks[name.split()[0]] = person.nik
    return niks


def pages(path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def listed(koptrain, *args) -> list[dict]:
    return json.loads(koptrain("certificate", "list", *args, "--format", "json").stdout)


def test_a_page_for_each_completed_seat_holder(koptrain, s1, tmp_path):
    out = tmp_path / "sert.pdf"
    result = koptrain("print", "certificates", "S1", "-o", out)
    texts = pages(out)
    assert len(texts) == 3
    rows = listed(koptrain)
    assert [r["name"] for r in rows] == ["Sri Wahyuni", "Łucja Núñez", "Dewi Kartika"]
    assert [r["number"] for r in rows] == ["001/S1/2020", "002/S1/2020", "003/S1/2020"]
    for text, row in zip(texts, rows, strict=True):
        assert "CERTIFICATE" in text and row["name"] in text
        assert f"Number: {row['number']}" in text
        assert row["code"][:5] + "-" + row["code"][5:] in text
        assert "Akuntansi dasar" in text and "16 June 2020 – 18 June 2020" in text
    # The others are named on stderr, with masked NIKs, and left out.
    assert "Budi Santoso" in result.stderr and "Ani Lestari" in result.stderr
    assert "Joko" not in result.stderr  # waitlisted: no seat, not a candidate
    assert s1["Budi"] not in result.stderr and "**********" in result.stderr


def test_codes_are_long_random_unique_and_without_look_alikes(koptrain, s1, tmp_path):
    koptrain("print", "certificates", "S1", "-o", tmp_path / "a.pdf")
    codes = [r["code"] for r in listed(koptrain)]
    assert len(set(codes)) == len(codes) == 3
    for code in codes:
        assert len(code) >= 8
        assert set(code) <= set(ALPHABET) and not set(code) & LOOK_ALIKES
    assert not set(ALPHABET) & LOOK_ALIKES


def test_a_reprint_keeps_numbers_and_codes_and_a_new_completion_gets_the_next(
    koptrain, s1, store, tmp_path
):
    out = tmp_path / "a.pdf"
    koptrain("print", "certificates", "S1", "-o", out)
    first = listed(koptrain, "--session", "S1")
    first_text = pages(out)
    koptrain("print", "certificates", "S1", "-o", out, code=2)  # no overwrite without --force
    koptrain("print", "certificates", "S1", "-o", out, "--force")
    assert listed(koptrain, "--session", "S1") == first
    assert pages(out) == first_text
    with store.session() as s:  # Budi completes after all (attendance corrected)
        budi = s.exec(select(Enrollment).join(Person).where(Person.nik == s1["Budi"])).one()
        budi.status = "completed"
    koptrain("print", "certificates", "S1", "-o", out, "--force")
    after = listed(koptrain, "--session", "S1")
    assert after[:3] == first
    assert after[3]["name"] == "Budi Santoso" and after[3]["number"] == "004/S1/2020"


def test_certificates_for_named_people_only(koptrain, s1, tmp_path):
    out = tmp_path / "one.pdf"
    result = koptrain("print", "certificates", "S1", s1["Dewi"], s1["Joko"], "-o", out)
    texts = pages(out)
    assert len(texts) == 1 and "Dewi Kartika" in texts[0]
    assert "Joko Susilo" in result.stderr  # waitlisted: holds no seat
    assert [r["number"] for r in listed(koptrain)] == ["001/S1/2020"]


def test_nobody_left_exits_1_and_writes_nothing(koptrain, s1, store, tmp_path):
    out = tmp_path / "none.pdf"
    result = koptrain("print", "certificates", "S1", s1["Budi"], s1["Ani"], "-o", out, code=1)
    assert "no certificate to print" in result.stderr
    assert not out.exists()
    with store.session() as s:
        assert s.exec(select(Certificate)).first() is None


def test_existing_file_refused_before_any_number_is_given(koptrain, s1, store, tmp_path):
    out = tmp_path / "taken.pdf"
    out.write_text("keep")
    koptrain("print", "certificates", "S1", "-o", out, code=2)
    assert out.read_text() == "keep"
    assert listed(koptrain) == []


def test_verify_a_code(koptrain, s1, tmp_path):
    koptrain("print", "certificates", "S1", "-o", tmp_path / "a.pdf")
    row = listed(koptrain)[1]
    code = row["code"]
    shown = koptrain("certificate", "verify", code.lower()[:5] + "-" + code.lower()[5:])
    assert "Łucja Núñez" in shown.stdout and "002/S1/2020" in shown.stdout
    assert "Akuntansi dasar" in shown.stdout
    data = json.loads(koptrain("certificate", "verify", code, "--format", "json").stdout)
    assert set(data) == {
        "code", "number", "name", "nik", "session", "title", "start", "end", "issued"
    }  # fmt: skip
    assert data["session"] == "S1" and data["start"] == "2020-06-16" and data["end"] == "2020-06-18"
    assert data["issued"] == dt.date.today().isoformat()
    assert data["nik"] != s1["Łucja"] and data["nik"].endswith(s1["Łucja"][-2:])
    assert re.fullmatch(r"3572\*{10}\d\d", data["nik"])
    revealed = json.loads(
        koptrain("--reveal-nik", "certificate", "verify", code, "--format", "json").stdout
    )
    assert revealed["nik"] == s1["Łucja"]


def test_an_unknown_code_exits_1(koptrain, s1):
    result = koptrain("certificate", "verify", "AAAAA-AAAAA", code=1)
    assert "AAAAA-AAAAA" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_number_format_from_the_policy(koptrain, s1, tmp_path):
    koptrain("policy", "set", "certificate.number_format", "SERT-{year}/{session}/{seq:04d}")
    koptrain("print", "certificates", "S1", "-o", tmp_path / "a.pdf")
    assert listed(koptrain)[0]["number"] == "SERT-2020/S1/0001"
    for bad in ("{session}/{year}", "{seq}/{name}", "{seq"):
        result = koptrain("policy", "set", "certificate.number_format", bad, code=2)
        assert "certificate.number_format" in result.stderr


def test_numbers_without_the_session_run_on_over_the_year(koptrain, s1, store, tmp_path):
    koptrain("policy", "set", "certificate.number_format", "{seq:03d}/DINKOP/{year}")
    with store.session() as s:
        coop = f.coop(s, "Kopwan Melati")
        s2 = f.training(s, "S2", start=D(2020, 7, 1), end=D(2020, 7, 2))
        f.seat(s, s2, f.person(s, coop, name="Rina Marlina"), coop, status="completed")
    koptrain("print", "certificates", "S1", "-o", tmp_path / "a.pdf")
    koptrain("print", "certificates", "S2", "-o", tmp_path / "b.pdf")
    numbers = [r["number"] for r in listed(koptrain)]
    assert numbers == ["001/DINKOP/2020", "002/DINKOP/2020", "003/DINKOP/2020", "004/DINKOP/2020"]


def test_certificate_page_carries_the_signatory(koptrain, s1, tmp_path):
    koptrain("policy", "set", "office.city", "Blitar")
    koptrain("policy", "set", "office.head_name", "Drs. Hadi Santoso, M.Si.")
    koptrain("policy", "set", "office.head_title", "Kepala Dinas")
    koptrain("policy", "set", "office.head_nip", "19650312 199003 1 007")
    out = tmp_path / "a.pdf"
    koptrain("print", "certificates", "S1", s1["Sri"], "-o", out)
    text = pages(out)[0]
    assert "Drs. Hadi Santoso, M.Si." in text and "Kepala Dinas" in text
    assert "NIP. 19650312 199003 1 007" in text
    assert f"Blitar, {dt.date.today().day} " in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils' pdftoppm")
def test_the_qr_code_on_the_page_is_the_verification_code(koptrain, s1, tmp_path):
    """Rendered as a printer would, the QR code's modules are segno's encoding of the code."""
    import segno
    from PIL import Image

    from koptrain.services.documents.certificate import QR_SIZE
    from koptrain.services.documents.pdf import MARGIN

    out = tmp_path / "a.pdf"
    koptrain("print", "certificates", "S1", s1["Sri"], "-o", out)
    code = listed(koptrain)[0]["code"]
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", out, tmp_path / "p"], check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    modules = list(segno.make(code, error="m", micro=False).matrix_iter(scale=1, border=0))
    size = QR_SIZE / len(modules)
    left, top = MARGIN + 5, 210 - 16 - QR_SIZE - 6  # landscape A4: 210 mm high
    dots = 300 / 25.4
    seen = [
        [
            image.getpixel(
                (int((left + (c + 0.5) * size) * dots), int((top + (r + 0.5) * size) * dots))
            )
            < 128
            for c in range(len(modules))
        ]
        for r in range(len(modules))
    ]
    assert seen == [[bool(m) for m in row] for row in modules]


def test_indonesian_certificate(koptrain, s1, tmp_path):
    out = tmp_path / "a.pdf"
    result = koptrain(
        "--lang", "id", "print", "certificates", "S1", s1["Sri"], s1["Budi"], "-o", out
    )
    text = pages(out)[0]
    assert "SERTIFIKAT" in text and "diberikan kepada" in text and "Kode verifikasi" in text
    assert "16 Juni 2020 – 18 Juni 2020" in text
    assert "Budi Santoso" in result.stderr and "tidak lulus" in result.stderr
    assert "not_completed" not in result.stderr


KOPTRAIN = [sys.executable, "-m", "koptrain"]


@pytest.mark.slow
def test_two_printers_at_once_give_each_certificate_one_number(koptrain, s1, db_url, tmp_path):
    env = {**os.environ, "KOPTRAIN_LANG": "en", "NO_COLOR": "1"}
    env.pop("KOPTRAIN_DB", None)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "koptrain",
                "--db",
                db_url,
                "print",
                "certificates",
                "S1",
                "-o",
                tmp_path / f"{i}.pdf",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(3)
    ]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.communicate()[1]
    rows = listed(koptrain)
    assert [r["number"] for r in rows] == ["001/S1/2020", "002/S1/2020", "003/S1/2020"]
    assert pages(tmp_path / "0.pdf") == pages(tmp_path / "1.pdf") == pages(tmp_path / "2.pdf")
