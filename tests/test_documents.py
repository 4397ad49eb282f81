"""`print sign-in` and `print summary`: A4 PDFs read back with pypdf (SPEC §10)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

import factories as f

D = dt.date
# Seat holders in the order they took their seats; a Unicode name must print as typed.
SEATED = [
    ("Sri Wahyuni", "completed"),
    ("Łucja Núñez-Çelik", "completed"),
    ("Budi Santoso", "not_completed"),
    ("Ani Lestari", "enrolled"),
    ("Dewi Kartika", "completed"),
]
NOT_SEATED = [("Joko Susilo", "withdrawn"), ("Eko Prasetyo", "waitlisted")]


@pytest.fixture
def session_s1(store):
    """S1, 16–18 June 2020, in programme BLITAR-2020: five seat holders, one withdrawn and
    one waitlisted (taken between the seats, so that seat order is not insertion luck)."""
    with store.session() as s:
        program = f.program(s)
        coop = f.coop(s, "KSP Sejahtera Bersama")
        training = f.training(s, "S1", program=program, title="Akuntansi [/b] dasar")
        training.venue = "Aula Dinas"
        people = [*SEATED[:2], NOT_SEATED[0], *SEATED[2:4], NOT_SEATED[1], SEATED[4]]
        for name, status in people:
            person = f.person(s, coop, name=name)
            f.seat(s, training, person, coop, status=status, present_days=3)


def pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_sign_in_has_a_sheet_per_day_with_the_seat_holders_in_seat_order(
    koptrain, session_s1, tmp_path
):
    out = tmp_path / "hadir.pdf"
    result = koptrain("print", "sign-in", "S1", "-o", out)
    assert str(out) in result.stdout
    texts = pages(out)
    assert len(texts) == 3  # 16, 17 and 18 June
    for text, day in zip(texts, ("16 June 2020", "17 June 2020", "18 June 2020"), strict=True):
        assert "ATTENDANCE LIST" in text
        assert day in text
        assert "Akuntansi [/b] dasar (S1)" in text
        assert "Aula Dinas" in text
        assert "The committee" in text
        found = [text.index(name) for name, _status in SEATED]
        assert found == sorted(found)  # seat order
        for name, _status in NOT_SEATED:
            assert name not in text
        assert re.search(r"5\.\s*Dewi Kartika", text)


def test_sign_in_of_one_day_and_a_day_outside_the_session(koptrain, session_s1, tmp_path):
    out = tmp_path / "day.pdf"
    koptrain("print", "sign-in", "S1", "--day", "17/06/2020", "-o", out)
    texts = pages(out)
    assert len(texts) == 1 and "17 June 2020" in texts[0]
    result = koptrain(
        "print", "sign-in", "S1", "--day", "2020-06-20", "-o", tmp_path / "x.pdf", code=2
    )
    assert "not a day of S1" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_signature_boxes_alternate_odd_left_even_right(koptrain, session_s1, tmp_path):
    out = tmp_path / "hadir.pdf"
    koptrain("print", "sign-in", "S1", "--day", "2020-06-16", "-o", out)
    where: dict[str, float] = {}

    def visit(text, _cm, tm, _font, _size):
        if re.fullmatch(r"\d\.", text.strip()) and tm[4] > 400:  # right of the role column
            where[text.strip()] = tm[4]

    PdfReader(out).pages[0].extract_text(visitor_text=visit)
    assert set(where) == {"1.", "2.", "3.", "4.", "5."}
    assert where["1."] == where["3."] == where["5."]
    assert where["2."] == where["4."] > where["1."] + 40  # points: the right half


def test_forty_seats_run_over_two_pages_and_end_with_the_committee(koptrain, store, tmp_path):
    with store.session() as s:
        coop = f.coop(s)
        training = f.training(s, "BIG", start=D(2020, 7, 1), end=D(2020, 7, 1))
        for i in range(40):
            f.seat(s, training, f.person(s, coop, name=f"Peserta {i + 1:02d}"), coop)
    out = tmp_path / "big.pdf"
    koptrain("print", "sign-in", "BIG", "-o", out)
    texts = pages(out)
    assert len(texts) == 2
    everything = "\n".join(texts)
    assert all(f"Peserta {i:02d}" in everything for i in range(1, 41))
    assert "The committee" in texts[-1] and "The committee" not in texts[0]
    assert "Page 1 of 2" in texts[0]


def test_letterhead_comes_from_the_office_settings(koptrain, session_s1, tmp_path):
    koptrain("policy", "set", "office.name", "Dinas Koperasi dan Usaha Mikro Kota Blitar")
    koptrain("policy", "set", "office.address", "Jl. Sudanco Supriyadi No. 22")
    koptrain("policy", "set", "office.city", "Blitar")
    out = tmp_path / "hadir.pdf"
    koptrain("print", "sign-in", "S1", "--day", "2020-06-16", "-o", out)
    text = pages(out)[0]
    assert "DINAS KOPERASI DAN USAHA MIKRO KOTA BLITAR" in text
    assert "Jl. Sudanco Supriyadi No. 22" in text
    assert "Blitar, 16 June 2020" in text


def test_a_logo_that_is_not_a_file_is_refused(koptrain, tmp_path):
    result = koptrain("policy", "set", "office.logo", tmp_path / "nope.png", code=2)
    assert "office.logo" in result.stderr


def test_indonesian_documents(koptrain, session_s1, tmp_path):
    out = tmp_path / "hadir.pdf"
    koptrain("--lang", "id", "print", "sign-in", "S1", "--day", "2020-06-16", "-o", out)
    text = pages(out)[0]
    assert "DAFTAR HADIR" in text and "Selasa, 16 Juni 2020" in text
    assert "Tanda tangan" in text and "Panitia" in text
    assert "ATTENDANCE" not in text and "Signature" not in text


def test_default_file_name_and_no_overwrite_without_force(
    koptrain, session_s1, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    koptrain("print", "sign-in", "S1")
    made = tmp_path / "sign-in-S1.pdf"
    assert len(pages(made)) == 3
    made.write_bytes(b"keep me")
    result = koptrain("print", "sign-in", "S1", code=2)
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert made.read_bytes() == b"keep me"
    koptrain("print", "sign-in", "S1", "--force")
    assert len(pages(made)) == 3
    koptrain("print", "sign-in", "S1", "-o", tmp_path / "missing" / "x.pdf", code=2)


def test_unknown_session_is_one_sentence_and_no_file(koptrain, session_s1, tmp_path):
    result = koptrain("print", "sign-in", "NOPE", "-o", tmp_path / "x.pdf", code=2)
    assert "NOPE" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_summary_document_has_the_figures_of_report_summary(koptrain, session_s1, tmp_path):
    figures = json.loads(
        koptrain("report", "summary", "--program", "BLITAR-2020", "--format", "json").stdout
    )
    out = tmp_path / "report.pdf"
    koptrain("print", "summary", "--program", "BLITAR-2020", "--on", "2020-08-10", "-o", out)
    text = "\n".join(pages(out))
    assert "TRAINING PROGRAMME REPORT" in text and "10 August 2020" in text
    assert "BLITAR-2020" in text
    t = figures["totals"]
    assert re.search(rf"Seats taken\s*{t['enrollments']}", text)
    assert re.search(rf"Participants\s*{t['participants']}", text)
    assert re.search(rf"Completed\s*{t['completed']}", text)
    assert "Seats, attendance and completion per session" in text
    for title in ("By role", "By gender", "By kecamatan", "Mentoring"):
        assert title in text
    assert "Female (P)" in text


def test_documents_of_the_demo(koptrain, db_url, tmp_path):
    koptrain("demo", "--db", db_url)
    out = tmp_path / "hadir.pdf"
    koptrain("print", "sign-in", "BLT20-05", "-o", out)
    texts = pages(out)
    assert len(texts) == 6  # three days, forty seats each: two pages a day
    assert sum("Day, date" in t for t in texts) == 3
    assert [t.count("ATTENDANCE LIST · BLT20-05 · 2 July 2020") for t in texts[:2]] == [1, 1]
    assert all("DINAS KOPERASI DAN USAHA MIKRO KOTA BLITAR" in t for t in texts[::2])  # each day
    out = tmp_path / "report.pdf"
    koptrain("print", "summary", "--program", "BLITAR-2020", "--on", "2020-12-31", "-o", out)
    text = "\n".join(pages(out))
    assert all(f"BLT20-0{i}" in text for i in range(1, 7))
    assert re.search(r"Participants\s*230", text)


def test_summary_of_every_programme_to_the_default_file(
    koptrain, session_s1, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    result = koptrain("--lang", "id", "print", "summary", "--on", "2020-08-10")
    made = tmp_path / "laporan.pdf"
    assert str(made) in result.stdout
    text = "\n".join(pages(made))
    assert "LAPORAN PROGRAM PELATIHAN" in text and "Semua program" in text
    assert "10 Agustus 2020" in text and "S1" in text
    koptrain("print", "summary", "--program", "NOPE", "-o", tmp_path / "x.pdf", code=2)
    assert not (tmp_path / "x.pdf").exists()


def test_logo_and_long_texts_fit_the_page(koptrain, store, tmp_path):
    """The logo prints; a long name wraps in its cell and a long title wraps in the heading,
    with every word still on the page."""
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 48), (20, 90, 160)).save(logo)
    koptrain("policy", "set", "office.logo", logo)
    name = "Raden Mas Muhammad Abdurrahman Wicaksono Hadiningrat Kusumawardhana"
    title = "Penyusunan Rencana Kerja dan Rencana Anggaran Pendapatan dan Belanja " * 3
    with store.session() as s:
        coop = f.coop(s)
        training = f.training(s, "LONG", start=D(2020, 7, 1), end=D(2020, 7, 1), title=title)
        f.seat(s, training, f.person(s, coop, name=name), coop, status="completed")
    out = tmp_path / "long.pdf"
    koptrain("print", "sign-in", "LONG", "-o", out)
    page = PdfReader(out).pages[0]
    assert len(page.images) == 1
    words = page.extract_text().split()
    assert all(word in words for word in name.split())
    assert words.count("Anggaran") == 3
    out = tmp_path / "cert.pdf"
    koptrain("print", "certificates", "LONG", "-o", out)
    words = PdfReader(out).pages[0].extract_text().split()
    assert all(word in words for word in name.split()) and words.count("Anggaran") == 3
