#!/usr/bin/env python3
"""Generate the Kota Blitar 2020 sample data set in ``data/blitar-2020/``.

Run:  python data/generate_blitar_2020.py   (needs openpyxl for rat.xlsx)

The output is deterministic: every random choice comes from
``random.Random(2020)`` and the XLSX file gets fixed document properties and
fixed ZIP timestamps, so two runs give byte-identical files.

What is real and what is invented
---------------------------------
* Real (from the news report, see shared seed FACTS.md): the six trainings,
  their subjects, dates, the capacity of 40, the audience of training 5, the
  total of 230 participants and 240 seats, the selection rule (coops that hold
  their RAT on time and are rated "sehat"), the mentoring groups.
* Invented: every cooperative, person, mentor, phone number, legal number,
  NIK Koperasi, RAT, health rating, attendance and mentoring record.

Synthetic NIKs
--------------
Person NIKs are structurally valid 16-digit numbers: the region code is the
Kota Blitar kecamatan of the person's (first) cooperative (357201
Kepanjenkidul, 357202 Sukorejo, 357203 Sananwetan), then the birth date as
DDMMYY with 40 added to the day for women, then a 4-digit serial drawn from
9001-9999 -- a range chosen to be unlikely to belong to a real person (real
serials count upwards from 0001 per region and birth date).  NIK Koperasi values are 16-digit
strings "35720K9" + 9 random digits (K = kecamatan 1..3); they are not real
registrations.  All names (people, mentors, cooperatives) are invented
combinations of common Indonesian/Javanese names; names of well-known public
persons are excluded explicitly.  Phone numbers are random and must never be
called or messaged.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import hashlib
import io
import random
import sys
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

D = dt.date
OUT = Path(__file__).resolve().parent / "blitar-2020"
XLSX_TIMESTAMP = dt.datetime(2020, 7, 10, 8, 0, 0)

rng = random.Random(2020)

# ---------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------

KECAMATAN = {
    # name: (NIK region code, kelurahan)
    "Kepanjenkidul": (
        "357201",
        ["Kepanjenkidul", "Kepanjenlor", "Kauman", "Bendo", "Tanggung", "Sentul", "Ngadirejo"],
    ),
    "Sukorejo": (
        "357202",
        ["Sukorejo", "Karangsari", "Tanjungsari", "Pakunden", "Turi", "Blitar", "Tlumpu"],
    ),
    "Sananwetan": (
        "357203",
        ["Sananwetan", "Rembang", "Klampok", "Plosokerep", "Karangtengah", "Gedog", "Bendogerit"],
    ),
}
KEC_INDEX = {"Kepanjenkidul": 1, "Sukorejo": 2, "Sananwetan": 3}

PROGRAM = ("BLITAR-2020", "Pelatihan Perkoperasian Kota Blitar 2020", 2020)


@dataclass
class Session:
    code: str
    title: str
    start: D
    end: D
    audience: str = ""
    requires_business: bool = False
    venue: str = ""
    capacity: int = 40

    @property
    def days(self) -> list[D]:
        n = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=i) for i in range(n)]


AULA_DINAS = "Aula Dinas Koperasi dan Usaha Mikro Kota Blitar"
SESSIONS = [
    Session(
        "BLT20-01",
        "Penyusunan dan Analisa Laporan Keuangan",
        D(2020, 6, 16),
        D(2020, 6, 19),
        venue=AULA_DINAS,
    ),
    Session(
        "BLT20-02",
        "Kerajinan Batok",
        D(2020, 6, 22),
        D(2020, 6, 24),
        venue="Balai Kelurahan Tanjungsari",
    ),
    Session(
        "BLT20-03",
        "Kuliner",
        D(2020, 6, 25),
        D(2020, 6, 27),
        venue="Gedung Serbaguna Kecamatan Sananwetan",
    ),
    Session("BLT20-04", "Kewirausahaan", D(2020, 6, 29), D(2020, 7, 1), venue=AULA_DINAS),
    Session(
        "BLT20-05",
        "Administrasi Keuangan bagi Anggota dan Calon Anggota yang Memiliki Usaha",
        D(2020, 7, 2),
        D(2020, 7, 4),
        audience="anggota,calon_anggota",
        requires_business=True,
        venue=AULA_DINAS,
    ),
    Session(
        "BLT20-06",
        "Manajemen Pemasaran dengan Sistem Online",
        D(2020, 7, 6),
        D(2020, 7, 8),
        venue="Pendopo Kecamatan Kepanjenkidul",
    ),
]
SESSION_BY_CODE = {s.code: s for s in SESSIONS}

# Two mentoring groups per session, each with its narasumber (invented names).
MENTORS = {
    "BLT20-01": ["Dr. Retno Wulandari, S.E., M.Ak.", "Drs. Hariyanto, M.M."],
    "BLT20-02": ["Eko Prasetyo Nugroho, S.Sn.", "Ir. Bambang Suprapto, M.P."],
    "BLT20-03": ["Nanik Setyowati, S.Pd., M.Pd.", "Dra. Endang Sulistyowati, M.Si."],
    "BLT20-04": ["Dr. Ir. Heru Purnomo, M.Si.", "Drs. Hariyanto, M.M."],
    "BLT20-05": ["Sri Rahayu Ningsih, S.E., M.M.", "Dr. Retno Wulandari, S.E., M.Ak."],
    "BLT20-06": ["Yudha Pratama, S.Kom., M.Kom.", "Dimas Ardiansyah, S.E."],
}


@dataclass
class Coop:
    key: str  # short internal id
    name: str
    type: str
    level: str
    kecamatan: str
    kelurahan: str
    has_nik: bool = True
    fiscal_year_end: str = "12-31"
    participants: int = 0  # how many participants to draw from it
    nonparticipants: int = 0
    ineligible: str = ""  # letter (a)-(f) of the designed reason
    nik: str = ""
    legal_number: str = ""
    members: int = 0

    @property
    def women_only(self) -> bool:
        """A koperasi wanita (Kopwan) has only women as members."""
        return self.name.startswith(("Kopwan", "Koperasi Wanita"))

    @property
    def ref(self) -> str:
        """What import files put in a coop_nik / Koperasi column."""
        return self.nik or self.legal_number


# 14 eligible + 6 ineligible cooperatives (all invented names).
# fmt: off
COOPS = [
    Coop("mitra", "KSP Mitra Usaha", "simpan_pinjam", "primer", "Kepanjenkidul", "Kepanjenlor", participants=22, nonparticipants=3),
    Coop("srikandi", "Koperasi Wanita Srikandi", "serba_usaha", "primer", "Sananwetan", "Rembang", participants=24, nonparticipants=3),
    Coop("kpri", "KPRI Guru Sejahtera", "konsumen", "primer", "Sukorejo", "Sukorejo", fiscal_year_end="06-30", participants=20, nonparticipants=3),
    Coop("melati", "Kopwan Melati", "simpan_pinjam", "primer", "Sananwetan", "Klampok", participants=20, nonparticipants=2),
    Coop("batok", "Koperasi Produsen Batok Kreasi Mandiri", "produsen", "primer", "Sukorejo", "Tanjungsari", participants=16, nonparticipants=2),
    Coop("karya", "KSU Karya Bersama", "serba_usaha", "primer", "Kepanjenkidul", "Bendo", participants=18, nonparticipants=3),
    Coop("rejeki", "Koperasi Pemasaran Sumber Rejeki", "pemasaran", "primer", "Sananwetan", "Gedog", participants=14, nonparticipants=2),
    Coop("binawarga", "Koperasi Konsumen Bina Warga", "konsumen", "primer", "Sukorejo", "Pakunden", participants=15, nonparticipants=2),
    Coop("tirta", "Koperasi Jasa Tirta Makmur", "jasa", "primer", "Kepanjenkidul", "Sentul", participants=12, nonparticipants=2),
    Coop("artha", "KSP Artha Mandiri", "simpan_pinjam", "primer", "Sananwetan", "Plosokerep", participants=18, nonparticipants=2),
    Coop("pangan", "Koperasi Produsen Olahan Pangan Berkah", "produsen", "primer", "Kepanjenkidul", "Tanggung", participants=16, nonparticipants=2),
    Coop("puskop", "Puskop Bhakti Praja", "serba_usaha", "sekunder", "Kepanjenkidul", "Kepanjenkidul", participants=5, nonparticipants=1),
    Coop("kartini", "Kopwan Kartini Sejahtera", "simpan_pinjam", "primer", "Sukorejo", "Karangsari", has_nik=False, participants=14, nonparticipants=2),
    Coop("danamulia", "KSP Dana Mulia", "simpan_pinjam", "primer", "Sukorejo", "Turi", participants=16, nonparticipants=1),
    # --- not eligible, one reason each -----------------------------------
    Coop("bumiarta", "KSP Bumi Arta", "simpan_pinjam", "primer", "Kepanjenkidul", "Kauman", nonparticipants=8, ineligible="a"),
    Coop("tunas", "KSU Tunas Harapan", "serba_usaha", "primer", "Sananwetan", "Karangtengah", nonparticipants=7, ineligible="b"),
    Coop("pedagang", "Koperasi Pedagang Maju Jaya", "pemasaran", "primer", "Sukorejo", "Blitar", has_nik=False, nonparticipants=6, ineligible="c"),
    Coop("anggrek", "Kopwan Anggrek", "simpan_pinjam", "primer", "Sukorejo", "Tlumpu", nonparticipants=8, ineligible="d"),
    Coop("sentosa", "KSP Sentosa Abadi", "simpan_pinjam", "primer", "Sananwetan", "Bendogerit", nonparticipants=6, ineligible="e"),
    Coop("rukun", "Koperasi Jasa Angkutan Rukun Makmur", "jasa", "primer", "Kepanjenkidul", "Ngadirejo", nonparticipants=7, ineligible="f"),
]
# fmt: on
COOP_BY_KEY = {c.key: c for c in COOPS}
ELIGIBLE = [c for c in COOPS if not c.ineligible]

INELIGIBLE_REASON = {
    "a": "RAT 2019 held 2020-04-14, 14 days after the deadline 2020-03-31 (late)",
    "b": "RAT 2019 held on time (2020-03-12) but reported 2020-05-01, 50 days after the meeting (report due 2020-04-11)",
    "c": "no RAT for fiscal year 2019 at all (deadline 2020-03-31); only RAT 2018 on file",
    "d": "RAT on time, but health rating 2019 is cukup_sehat (2018 was sehat: the latest rating counts)",
    "e": "RAT on time, but health rating 2019 is dalam_pengawasan (2018: dalam_pengawasan_khusus)",
    "f": "RAT on time, but no health rating recorded at all",
}

# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

# fmt: off
MALE_FIRST = [
    "Agus", "Budi", "Bambang", "Eko", "Joko", "Hadi", "Heru", "Slamet", "Sugeng", "Teguh",
    "Wahyu", "Yudi", "Rudi", "Dedi", "Ahmad", "Muhammad", "Imam", "Arif", "Rizky", "Fajar",
    "Andi", "Hendra", "Ari", "Edi", "Totok", "Didik", "Anang", "Nanang", "Yoyok", "Bayu",
    "Dimas", "Danang", "Hari", "Dwi", "Tri", "Puji", "Wawan", "Rohmad", "Syaiful", "Catur",
    "Mochamad", "Suryo", "Gatot", "Priyo",
]
MALE_LAST = [
    "Prasetyo", "Wibowo", "Susanto", "Hidayat", "Setiawan", "Kurniawan", "Purnomo", "Saputra",
    "Nugroho", "Utomo", "Suprapto", "Hartono", "Wijaya", "Firmansyah", "Hermawan", "Riyanto",
    "Sugiarto", "Supriyanto", "Pramono", "Mulyono", "Haryanto", "Subagyo", "Cahyono",
    "Kuswanto", "Sutrisno", "Yulianto", "Efendi", "Rohman", "Basuki", "Ardiansyah", "Maulana",
    "Fauzi", "Santika", "Widianto", "Priyanto",
]
MALE_SINGLE = [
    "Sukiran", "Paimin", "Suwaji", "Karsono", "Tukiman", "Sarmo", "Misdi", "Suyitno",
]
FEMALE_FIRST = [
    "Sri", "Siti", "Dwi", "Tri", "Endang", "Rina", "Yuli", "Wiwik", "Nanik", "Ninik", "Lilik",
    "Umi", "Eni", "Anik", "Dewi", "Ratna", "Retno", "Rini", "Ika", "Nur", "Indah", "Fitri",
    "Ayu", "Novi", "Dian", "Erna", "Tutik", "Yeni", "Lusi", "Mega", "Winarti", "Kiki", "Puji",
    "Eka", "Atik", "Heni", "Linda", "Susi",
]
FEMALE_LAST = [
    "Wahyuni", "Aminah", "Lestari", "Rahayu", "Handayani", "Susanti", "Suryani", "Wulandari",
    "Rahmawati", "Kurniawati", "Puspitasari", "Sulistyowati", "Hidayati", "Fatimah", "Astuti",
    "Setyowati", "Purwanti", "Indrawati", "Yuliana", "Nurhayati", "Suprihatin", "Ningsih",
    "Widayati", "Sundari", "Marlina", "Nur'aini", "Anggraini", "Safitri", "Maryam",
    "Khoiriyah", "Zubaidah", "Pratiwi", "Mardiyah",
]
FEMALE_SINGLE = [
    "Sumini", "Painah", "Suparmi", "Tumini", "Sumiati", "Kasiyem", "Sulastri", "Warsini",
]
# fmt: on
# Combinations that are (or are too close to) names of well-known public
# persons, plus names from the source article; never generated.
BLOCKED_NAMES = {
    "Sri Mulyani",
    "Joko Widodo",
    "Budi Gunawan",
    "Siti Nurbaya",
    "Susi Pudjiastuti",
    "Tri Rismaharini",
    "Sri Wahyuni",
    "Dewi Sartika",
    "Budi Karya",
    "Agus Harimurti",
    "Siti Fadilah",
    "Siti Zuhro",
    "Budi Hartono",
    "Muhammad Fauzi",
    "Ahmad Fauzi",
    "Bambang Hartono",
    "Budi Santoso",
    "Bambang Susanto",
    "Hendra Setiawan",
    "Eko Yulianto",
    "Ahmad Maulana",
    "Dimas Ardiansyah",
    "Eko Prasetyo",
    "Agus Santika",
    "Rizky Saputra",
    "Budi Setiawan",
    "Ari Wibowo",
    "Wahyu Setiawan",
}


def make_name(gender: str, used: set[str]) -> str:
    while True:
        if gender == "L":
            if rng.random() < 0.06:
                name = rng.choice(MALE_SINGLE)
            else:
                name = f"{rng.choice(MALE_FIRST)} {rng.choice(MALE_LAST)}"
        else:
            if rng.random() < 0.06:
                name = rng.choice(FEMALE_SINGLE)
            else:
                name = f"{rng.choice(FEMALE_FIRST)} {rng.choice(FEMALE_LAST)}"
        if name not in used and name not in BLOCKED_NAMES and "Santoso" not in name:
            used.add(name)
            return name


# ---------------------------------------------------------------------------
# Rules (SPEC §2), used to check that the data meets its design
# ---------------------------------------------------------------------------


def add_months(d: D, months: int) -> D:
    """Add months; a month-end stays a month-end."""
    m0 = d.month - 1 + months
    y, m = d.year + m0 // 12, m0 % 12 + 1
    last = calendar.monthrange(y, m)[1]
    if d.day == calendar.monthrange(d.year, d.month)[1]:
        return D(y, m, last)
    return D(y, m, min(d.day, last))


def fy_end(coop: Coop, fy: int) -> D:
    mm, dd = map(int, coop.fiscal_year_end.split("-"))
    return D(fy, mm, dd)


def rat_deadline(coop: Coop, fy: int) -> D:
    return add_months(fy_end(coop, fy), 3 if coop.level == "primer" else 6)


def eligibility(coop: Coop, on: D, rats: dict, health: dict) -> tuple[bool, list[str]]:
    reasons = []
    fy = on.year + 1
    while rat_deadline(coop, fy) >= on:
        fy -= 1
    nxt = rats.get((coop.key, fy + 1))
    if nxt and nxt["held"] <= on:
        fy += 1
    r = rats.get((coop.key, fy))
    ok = True
    if not r:
        ok = False
        reasons.append(f"no RAT {fy} (due {rat_deadline(coop, fy)})")
    else:
        dl = rat_deadline(coop, fy)
        report_dl = r["held"] + dt.timedelta(days=30)
        if r["held"] > dl:
            ok = False
            reasons.append(
                f"RAT {fy} held {r['held']}, {(r['held'] - dl).days} days after the deadline {dl}"
            )
        if r["reported"] and r["reported"] > report_dl:
            ok = False
            reasons.append(
                f"RAT {fy} reported {r['reported']}, after the report deadline {report_dl}"
            )
        if not r["reported"] and on > report_dl:
            ok = False
            reasons.append(f"RAT {fy} not reported by {report_dl}")
    rated = [
        (h["assessed_on"] or D(h["year"], 12, 31), h)
        for (k, _y), h in health.items()
        if k == coop.key
    ]
    rated = [x for x in rated if x[0] <= on]
    if not rated:
        ok = False
        reasons.append("no health rating")
    else:
        latest = max(rated, key=lambda x: (x[0], x[1]["year"]))[1]
        if latest["rating"] != "sehat":
            ok = False
            reasons.append(f"health rating {latest['year']} is {latest['rating']}")
    return ok, reasons


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def rand_date(a: D, b: D) -> D:
    return a + dt.timedelta(days=rng.randint(0, (b - a).days))


def gen_coops() -> None:
    used_legal, used_nik = set(), set()
    for c in COOPS:
        while True:
            style = rng.random()
            year = rng.randint(1996, 2016)
            if year >= 2013 and style < 0.35:
                legal = f"AHU-{rng.randint(1000, 9999):07d}.AH.01.26.TAHUN {year}"
            elif year <= 2000 and style < 0.5:
                legal = f"{rng.randint(10, 250)}/BH/II/{ROMAN[rng.randint(0, 11)]}/{year}"
            else:
                legal = (
                    f"518.08/{rng.randint(10, 250)}/BH/XIV.10/{ROMAN[rng.randint(0, 11)]}/{year}"
                )
            if legal not in used_legal:
                used_legal.add(legal)
                c.legal_number = legal
                break
        if c.has_nik:
            while True:
                n = f"35720{KEC_INDEX[c.kecamatan]}9{rng.randint(0, 10**9 - 1):09d}"
                if n not in used_nik:
                    used_nik.add(n)
                    c.nik = n
                    break
        if c.level == "sekunder":
            c.members = rng.randint(15, 24)  # member cooperatives
        elif c.key == "kpri":
            c.members = rng.randint(380, 520)
        else:
            c.members = rng.randint(45, 320)


def gen_rat() -> dict:
    """RAT records keyed by (coop key, fiscal year)."""
    rats = {}

    def rec(c, fy, held, report_after, share):
        reported = held + dt.timedelta(days=report_after) if report_after is not None else None
        rats[(c.key, fy)] = {
            "held": held,
            "reported": reported,
            "attendees": max(5, round(c.members * share)),
        }

    for c in COOPS:
        if c.fiscal_year_end == "06-30":
            # books close 30 June: RAT 2018 in Aug 2018, RAT 2019 in Aug 2019
            rec(
                c,
                2018,
                rand_date(D(2018, 8, 1), D(2018, 8, 31)),
                rng.randint(5, 25),
                rng.uniform(0.45, 0.7),
            )
            rec(
                c,
                2019,
                rand_date(D(2019, 8, 1), D(2019, 8, 31)),
                rng.randint(5, 25),
                rng.uniform(0.45, 0.7),
            )
            continue
        # fiscal year 2018: held early 2019, all on time
        if c.level == "sekunder":
            held18 = rand_date(D(2019, 3, 1), D(2019, 3, 30))
        else:
            held18 = rand_date(D(2019, 1, 19), D(2019, 3, 23))
        rec(c, 2018, held18, rng.randint(4, 26), rng.uniform(0.45, 0.8))
        if c.level == "sekunder":
            rec(c, 2019, D(2020, 5, 20), (D(2020, 6, 5) - D(2020, 5, 20)).days, 0.7)
        elif c.ineligible == "a":
            rec(c, 2019, D(2020, 4, 14), 12, rng.uniform(0.3, 0.5))
        elif c.ineligible == "b":
            rec(c, 2019, D(2020, 3, 12), 50, rng.uniform(0.4, 0.6))
        elif c.ineligible == "c":
            pass
        else:
            rec(
                c,
                2019,
                rand_date(D(2020, 2, 1), D(2020, 3, 21)),
                rng.randint(3, 28),
                rng.uniform(0.4, 0.75),
            )
    return rats


RATING_SCORE = {
    "sehat": (80, 95),
    "cukup_sehat": (66, 79.5),
    "dalam_pengawasan": (51, 65.5),
    "dalam_pengawasan_khusus": (35, 50.5),
}


def gen_health() -> dict:
    health = {}

    def rec(c, year, rating, assessed_on):
        lo, hi = RATING_SCORE[rating]
        health[(c.key, year)] = {
            "year": year,
            "rating": rating,
            "score": round(rng.uniform(lo, hi), 2),
            "assessed_on": assessed_on,
        }

    no_date_done = False
    for c in COOPS:
        if c.ineligible == "f":
            continue
        # 2018 ratings for about two thirds of the coops
        if c.ineligible in ("d", "e") or rng.random() < 0.65:
            r18 = {"d": "sehat", "e": "dalam_pengawasan_khusus"}.get(c.ineligible, "sehat")
            if not c.ineligible and c.key == "rejeki":
                r18 = "cukup_sehat"  # improved to sehat for 2019
            if not no_date_done and not c.ineligible and c.key != "rejeki":
                rec(c, 2018, r18, None)  # recorded without assessment date
                no_date_done = True
            else:
                rec(c, 2018, r18, rand_date(D(2019, 1, 14), D(2019, 3, 29)))
        r19 = {"d": "cukup_sehat", "e": "dalam_pengawasan"}.get(c.ineligible, "sehat")
        rec(c, 2019, r19, rand_date(D(2020, 1, 13), D(2020, 3, 27)))
    return health


@dataclass
class Person:
    nik: str
    name: str
    gender: str
    birth: D
    phone: str
    has_business: bool
    memberships: list = field(default_factory=list)  # [(coop key, role)]
    participant: bool = False


def gen_phone(used: set[str]) -> str:
    prefixes = [
        "0812",
        "0813",
        "0821",
        "0822",
        "0823",
        "0852",
        "0853",
        "0856",
        "0857",
        "0858",
        "0877",
        "0878",
        "0881",
        "0895",
        "0896",
    ]
    while True:
        p = rng.choice(prefixes)
        style = rng.random()
        if style < 0.08:
            return ""
        if style < 0.5:
            digits = p + f"{rng.randint(0, 10**8 - 1):08d}"
            out = f"{digits[:4]}-{digits[4:8]}-{digits[8:]}"
        elif style < 0.8:
            digits = p + f"{rng.randint(0, 10**7 - 1):07d}"
            out = digits
        else:
            digits = p + f"{rng.randint(0, 10**8 - 1):08d}"
            out = digits
        if digits not in used:
            used.add(digits)
            return out


def gen_people() -> list[Person]:
    used_names: set[str] = set()
    used_phones: set[str] = set()
    used_niks: set[str] = set()
    people: list[Person] = []

    def new_person(coop: Coop, participant: bool) -> Person:
        gender = "P" if coop.women_only or rng.random() < 0.45 else "L"
        birth = rand_date(D(1960, 1, 1), D(1999, 12, 31))
        region = KECAMATAN[coop.kecamatan][0]
        day = birth.day + (40 if gender == "P" else 0)
        while True:
            nik = f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{rng.randint(9001, 9999):04d}"
            if nik not in used_niks:
                used_niks.add(nik)
                break
        if coop.level == "sekunder":
            role = "pengurus"
        else:
            role = rng.choices(["pengurus", "anggota", "calon_anggota"], [25, 50, 25])[0]
        biz_p = {"pengurus": 0.5, "anggota": 0.65, "calon_anggota": 0.7}[role]
        p = Person(
            nik,
            make_name(gender, used_names),
            gender,
            birth,
            gen_phone(used_phones),
            rng.random() < biz_p,
            [(coop.key, role)],
            participant,
        )
        people.append(p)
        return p

    for c in COOPS:
        for _ in range(c.participants):
            new_person(c, True)
        for _ in range(c.nonparticipants):
            new_person(c, False)

    # second memberships: participants only in eligible coops, others anywhere
    participants = [p for p in people if p.participant]
    nonpart = [p for p in people if not p.participant]
    second_ok = [c for c in COOPS if c.level == "primer"]
    for i, p in enumerate(rng.sample(participants, 4)):
        own = COOP_BY_KEY[p.memberships[0][0]]
        if i == 0:  # the designed cross-kecamatan double seat holder (see assign_seats)
            cands = [
                c
                for c in ELIGIBLE
                if c.level == "primer"
                and c.kecamatan != own.kecamatan
                and (p.gender == "P" or not c.women_only)
            ]
            role = "pengurus"
        else:
            cands = [
                c
                for c in ELIGIBLE
                if c.level == "primer"
                and c.key != own.key
                and (p.gender == "P" or not c.women_only)
            ]
            role = rng.choices(["pengurus", "anggota", "calon_anggota"], [25, 50, 25])[0]
        p.memberships.append((rng.choice(cands).key, role))
    for p in rng.sample(nonpart, 4):
        own = p.memberships[0][0]
        c = rng.choice(
            [c for c in second_ok if c.key != own and (p.gender == "P" or not c.women_only)]
        )
        p.memberships.append(
            (c.key, rng.choices(["pengurus", "anggota", "calon_anggota"], [25, 50, 25])[0])
        )
    return people


def assign_seats(people: list[Person]) -> list[tuple[str, Person, str]]:
    """Return enrollments (session code, person, coop key)."""
    participants = [p for p in people if p.participant]
    rng.shuffle(participants)
    x = next(
        p
        for p in participants
        if len(p.memberships) == 2
        and COOP_BY_KEY[p.memberships[0][0]].kecamatan != COOP_BY_KEY[p.memberships[1][0]].kecamatan
    )

    def s5_coop(p: Person) -> str | None:
        if not p.has_business:
            return None
        for key, role in p.memberships:
            if role in ("anggota", "calon_anggota") and not COOP_BY_KEY[key].ineligible:
                return key
        return None

    s5_people = [p for p in participants if p is not x and s5_coop(p)][:40]
    assert len(s5_people) == 40
    s5_set = {id(p) for p in s5_people}
    others = [p for p in participants if id(p) not in s5_set]
    assert len(others) == 190
    enr: list[tuple[str, Person, str]] = []
    for p in s5_people:
        enr.append(("BLT20-05", p, s5_coop(p)))
    rem = {s.code: s.capacity for s in SESSIONS if s.code != "BLT20-05"}
    # x: session 2 for its first coop, session 6 for its second coop
    enr.append(("BLT20-02", x, x.memberships[0][0]))
    enr.append(("BLT20-06", x, x.memberships[1][0]))
    rem["BLT20-02"] -= 1
    rem["BLT20-06"] -= 1
    other_doubles = [p for p in others if p is not x][:7]
    for p in other_doubles:
        for code in rng.sample(sorted(k for k, v in rem.items() if v > 0), 2):
            enr.append((code, p, p.memberships[0][0]))
            rem[code] -= 1
    for p in s5_people[:2]:
        code = rng.choice(sorted(k for k, v in rem.items() if v > 0))
        enr.append((code, p, p.memberships[0][0]))
        rem[code] -= 1
    singles = [p for p in others if p is not x and p not in other_doubles]
    seats = [code for code in sorted(rem) for _ in range(rem[code])]
    rng.shuffle(seats)
    assert len(seats) == len(singles) == 182, (len(seats), len(singles))
    for code, p in zip(seats, singles, strict=True):
        enr.append((code, p, p.memberships[0][0]))
    enr.sort(key=lambda e: (e[0], e[1].name, e[1].nik))
    return enr


# Mentoring texts ------------------------------------------------------------

OBSTACLES = {
    "BLT20-01": {
        "sdm": [
            "Belum ada pengurus yang khusus menangani pembukuan",
            "Pengurus masih kesulitan menyusun neraca dan laporan SHU",
        ],
        "teknologi": [
            "Belum punya komputer untuk aplikasi akuntansi",
            "Aplikasi pembukuan koperasi belum terpasang",
        ],
        "lainnya": [
            "Bukti transaksi tahun lalu belum lengkap",
            "Rapat pengurus tertunda karena pembatasan kegiatan",
        ],
    },
    "BLT20-02": {
        "bahan_baku": [
            "Batok kelapa tua sulit didapat di pasar",
            "Pasokan batok dari pengepul tidak menentu",
        ],
        "modal": [
            "Modal untuk membeli bahan baku batok kurang",
            "Belum punya mesin gerinda dan bor sendiri",
        ],
        "produksi": [
            "Hasil amplas dan pernis belum halus",
            "Alat pemotong batok masih pinjam tetangga",
        ],
        "pemasaran": [
            "Kerajinan batok belum ada pembeli tetap",
            "Pameran UMKM ditiadakan selama pandemi",
        ],
    },
    "BLT20-03": {
        "perizinan": ["Izin PIRT belum keluar", "Sertifikat halal masih diproses"],
        "pemasaran": ["Penjualan turun selama pandemi", "Belum punya kemasan yang menarik"],
        "bahan_baku": ["Harga bahan baku naik", "Harga gula dan minyak goreng naik turun"],
        "modal": ["Butuh tambahan modal untuk membeli oven"],
        "produksi": ["Daya tahan produk masih pendek", "Rasa produk belum seragam"],
    },
    "BLT20-04": {
        "modal": ["Belum berani pinjam modal usaha", "Pinjaman dari koperasi belum cair"],
        "pemasaran": ["Pelanggan berkurang karena pandemi"],
        "sdm": ["Belum ada tenaga bantu, usaha dijalankan sendiri"],
        "lainnya": ["Masih bingung menentukan jenis usaha", "Waktu terbagi dengan pekerjaan utama"],
    },
    "BLT20-05": {
        "sdm": [
            "Belum terbiasa mencatat kas harian",
            "Uang usaha dan uang rumah tangga masih tercampur",
        ],
        "teknologi": ["Belum bisa memakai aplikasi kasir di HP"],
        "lainnya": ["Buku kas hilang, mulai mencatat ulang"],
        "modal": ["Perputaran modal lambat, stok menumpuk"],
    },
    "BLT20-06": {
        "teknologi": [
            "Belum punya akun marketplace",
            "Sinyal internet di rumah lemah",
            "HP tidak mendukung aplikasi marketplace",
        ],
        "pemasaran": ["Foto produk kurang menarik", "Ongkos kirim mahal untuk pembeli luar kota"],
        "sdm": ["Belum ada yang mengelola media sosial usaha"],
        "modal": ["Belum ada biaya untuk iklan berbayar"],
    },
}
PRACTICING_NOTES = {
    "BLT20-01": [
        "Laporan keuangan bulanan sudah disusun rutin",
        "Neraca koperasi sudah disusun sendiri",
    ],
    "BLT20-02": [
        "Sudah memproduksi gantungan kunci dan mangkuk batok",
        "Produk batok sudah dititipkan di toko oleh-oleh",
    ],
    "BLT20-03": [
        "Sudah menerima pesanan kue kering",
        "Sudah berjualan keripik lewat grup WhatsApp",
    ],
    "BLT20-04": ["Usaha baru sudah berjalan", "Sudah menyusun rencana usaha sederhana"],
    "BLT20-05": [
        "Kas harian sudah dicatat rutin",
        "Uang usaha sudah dipisah dari uang rumah tangga",
    ],
    "BLT20-06": [
        "Sudah berjualan di marketplace",
        "Sudah promosi lewat Instagram dan WhatsApp Business",
    ],
}
OTHER_NOTES = {
    "partly": [
        "Sudah mulai, tetapi belum rutin",
        "Baru sebagian materi dipraktikkan",
        "Dihubungi lewat WhatsApp",
        "Kunjungan ke rumah peserta",
    ],
    "not_yet": [
        "Belum sempat mempraktikkan",
        "Peserta sedang sakit, kunjungan dijadwalkan ulang",
        "Dihubungi lewat telepon",
        "",
    ],
    "stopped": ["Tindak lanjut dihentikan", "Pendampingan dihentikan atas permintaan peserta"],
}
# stopped contacts: (obstacle category, obstacle) giving the reason
STOPPED_REASONS = [
    ("modal", "Usaha tutup sementara karena pandemi, modal habis"),
    ("lainnya", "Peserta pindah kerja ke luar kota"),
    ("sdm", "Peserta sakit berkepanjangan"),
    ("pemasaran", "Pembeli sepi selama pandemi, usaha berhenti"),
]
GROUP_NOTES = [
    "Pertemuan kelompok di balai kelurahan",
    "Pertemuan kelompok di aula Dinas",
    "Pertemuan kelompok lewat Zoom",
]

MENTOR_START, MENTOR_END = D(2020, 7, 20), D(2020, 12, 15)


def gen_mentoring(followups, groups_of):
    """followups: list of (session code, person, group code, mentor)."""
    rows = []

    def obstacle(code, status):
        if status == "practicing" and rng.random() < 0.5:
            return "", ""
        if status == "stopped":
            return rng.choice(STOPPED_REASONS)
        cat = rng.choice(sorted(OBSTACLES[code]))
        return cat, rng.choice(OBSTACLES[code][cat])

    def note(code, status):
        if status == "practicing":
            return rng.choice(PRACTICING_NOTES[code])
        return rng.choice(OTHER_NOTES[status])

    pool = list(followups)
    rng.shuffle(pool)
    for code, p, _grp, mentor in pool:
        if len(rows) >= 144:
            break
        s = SESSION_BY_CODE[code]
        date = max(MENTOR_START, s.end + dt.timedelta(days=30 + rng.randint(-2, 9)))
        window_end = min(MENTOR_END, s.end + dt.timedelta(days=180))
        n = 0
        while date <= window_end:
            weights = [30, 35, 25, 10] if n == 0 else [45, 35, 12, 8]
            status = rng.choices(["practicing", "partly", "not_yet", "stopped"], weights)[0]
            cat, text = obstacle(code, status)
            nxt = None
            if status in ("partly", "not_yet") and rng.random() < 0.6:
                nxt = date + dt.timedelta(days=rng.randint(14, 35))
            rows.append(
                {
                    "nik": p.nik,
                    "group": "",
                    "session": code,
                    "date": date,
                    "mentor": mentor,
                    "status": status,
                    "obstacle_category": cat,
                    "obstacle": text,
                    "next": nxt,
                    "note": note(code, status),
                }
            )
            n += 1
            if status in ("practicing", "stopped") or rng.random() < 0.3:
                break
            date = nxt if nxt else date + dt.timedelta(days=30 + rng.randint(-3, 7))
    # a few contacts with a whole group
    for grp in sorted(groups_of)[::3]:
        code, mentor, _members = groups_of[grp]
        s = SESSION_BY_CODE[code]
        date = max(MENTOR_START, s.end + dt.timedelta(days=30 + rng.randint(0, 6)))
        cat = rng.choice(sorted(OBSTACLES[code]))
        rows.append(
            {
                "nik": "",
                "group": grp,
                "session": code,
                "date": date,
                "mentor": mentor,
                "status": "partly",
                "obstacle_category": cat,
                "obstacle": rng.choice(OBSTACLES[code][cat]),
                "next": date + dt.timedelta(days=30),
                "note": rng.choice(GROUP_NOTES),
            }
        )
    rows.sort(key=lambda r: (r["date"], r["session"], r["group"], r["nik"]))
    return rows


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------


def iso(d: D | None) -> str:
    return d.isoformat() if d else ""


def write_csv(name: str, header: list[str], rows: list[list], *, excel_style: bool = False) -> None:
    path = OUT / name
    if excel_style:
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f, delimiter=";", lineterminator="\r\n")
            w.writerow(header)
            w.writerows(rows)
    else:
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)


def write_rat_xlsx(rats: dict) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    ws = wb.active
    ws.title = "RAT"
    ws.append(["Koperasi", "Tahun Buku", "Tanggal RAT", "Tanggal Lapor", "Jumlah Hadir"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    order = {c.key: i for i, c in enumerate(COOPS)}
    for (key, fy), r in sorted(rats.items(), key=lambda kv: (kv[0][1], order[kv[0][0]])):
        ws.append([COOP_BY_KEY[key].ref, fy, r["held"], r["reported"], r["attendees"]])
    for row in ws.iter_rows(min_row=2):
        row[0].number_format = "@"
        for cell in row[2:4]:
            if cell.value is not None:
                cell.number_format = "DD/MM/YYYY"
    for col, width in zip("ABCDE", (34, 11, 13, 14, 13), strict=True):
        ws.column_dimensions[col].width = width
    wb.properties.creator = "Dinas Koperasi dan Usaha Mikro Kota Blitar (contoh)"
    wb.properties.created = XLSX_TIMESTAMP
    wb.properties.modified = XLSX_TIMESTAMP
    wb.properties.lastModifiedBy = None

    # Write through ExcelWriter (save_workbook would stamp "modified" with the
    # current time), then re-pack the ZIP with fixed entry timestamps.
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2020, 7, 10, 8, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, src.read(info.filename))
    (OUT / "rat.xlsx").write_bytes(out.getvalue())


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

ROLE_ID = {"pengurus": "Pengurus", "anggota": "Anggota", "calon_anggota": "Calon Anggota"}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    gen_coops()
    rats = gen_rat()
    health = gen_health()
    people = gen_people()
    enr = assign_seats(people)

    # --- design checks -----------------------------------------------------
    for c in COOPS:
        for s in SESSIONS:
            ok, why = eligibility(c, s.start, rats, health)
            assert ok == (not c.ineligible), (c.name, s.code, why)
    ineligible_verdicts = {
        c.key: eligibility(c, SESSIONS[0].start, rats, health)[1] for c in COOPS if c.ineligible
    }

    # --- attendance ----------------------------------------------------------
    by_session = defaultdict(list)
    for code, p, ck in enr:
        by_session[code].append((p, ck))
    seat_count = Counter(p.nik for _c, p, _k in enr)
    noshow_sessions = rng.sample([s.code for s in SESSIONS], 3)
    noshows = set()
    for code in sorted(noshow_sessions):
        cands = [p for p, _k in by_session[code] if seat_count[p.nik] == 1]
        noshows.add((code, rng.choice(cands).nik))
    present_seats = [(code, p.nik) for code, p, _k in enr if (code, p.nik) not in noshows]
    missed = dict(
        (seat, rng.choice(SESSION_BY_CODE[seat[0]].days)) for seat in rng.sample(present_seats, 12)
    )
    attendance = []
    for code, p, _k in enr:
        for day in SESSION_BY_CODE[code].days:
            absent = (code, p.nik) in noshows or missed.get((code, p.nik)) == day
            attendance.append([code, p.nik, iso(day), "0" if absent else "1"])

    # --- groups --------------------------------------------------------------
    groups_of = {}
    followups = []
    for s in SESSIONS:
        members = [p for p, _k in by_session[s.code] if (s.code, p.nik) not in noshows]
        rng.shuffle(members)
        half = (len(members) + 1) // 2
        for suffix, chunk, mentor in zip(
            "AB", (members[:half], members[half:]), MENTORS[s.code], strict=True
        ):
            grp = f"KLP-{s.code[-2:]}{suffix}"
            chunk = sorted(chunk, key=lambda p: (p.name, p.nik))
            groups_of[grp] = (s.code, mentor, chunk)
            followups.extend((s.code, p, grp, mentor) for p in chunk)
    mentoring = gen_mentoring(followups, groups_of)

    # --- write files -----------------------------------------------------------
    write_csv("programs.csv", ["code", "name", "year"], [list(PROGRAM)])
    write_csv(
        "sessions.csv",
        [
            "code",
            "program",
            "title",
            "start",
            "end",
            "capacity",
            "audience",
            "requires_business",
            "venue",
        ],
        [
            [
                s.code,
                PROGRAM[0],
                s.title,
                iso(s.start),
                iso(s.end),
                s.capacity,
                s.audience,
                int(s.requires_business),
                s.venue,
            ]
            for s in SESSIONS
        ],
    )
    write_csv(
        "coops.csv",
        [
            "nik",
            "name",
            "type",
            "level",
            "kecamatan",
            "kelurahan",
            "legal_number",
            "fiscal_year_end",
            "members",
        ],
        [
            [
                c.nik,
                c.name,
                c.type,
                c.level,
                c.kecamatan,
                c.kelurahan,
                c.legal_number,
                c.fiscal_year_end,
                c.members,
            ]
            for c in COOPS
        ],
    )
    write_rat_xlsx(rats)
    order = {c.key: i for i, c in enumerate(COOPS)}
    write_csv(
        "health.csv",
        ["coop_nik", "year", "rating", "score", "assessed_on"],
        [
            [COOP_BY_KEY[k].ref, y, h["rating"], f"{h['score']:.2f}", iso(h["assessed_on"])]
            for (k, y), h in sorted(health.items(), key=lambda kv: (kv[0][1], order[kv[0][0]]))
        ],
    )
    prow = []
    for p in people:
        for key, role in p.memberships:
            prow.append(
                (
                    order[key],
                    list(ROLE_ID).index(role),
                    p.name,
                    [
                        p.nik,
                        p.name,
                        "Perempuan" if p.gender == "P" else "Laki-laki",
                        p.birth.strftime("%d/%m/%Y"),
                        p.phone,
                        COOP_BY_KEY[key].ref,
                        ROLE_ID[role],
                        "Ya" if p.has_business else "Tidak",
                    ],
                )
            )
    prow.sort(key=lambda r: r[:3])
    write_csv(
        "people.csv",
        [
            "NIK",
            "Nama",
            "Jenis Kelamin",
            "Tanggal Lahir",
            "Telepon",
            "Koperasi",
            "Jabatan",
            "Punya Usaha",
        ],
        [r[3] for r in prow],
        excel_style=True,
    )
    write_csv(
        "enrollments.csv",
        ["session", "nik", "coop_nik", "override_reason"],
        [[code, p.nik, COOP_BY_KEY[ck].ref, ""] for code, p, ck in enr],
    )
    write_csv("attendance.csv", ["session", "nik", "day", "present"], attendance)
    write_csv(
        "groups.csv",
        ["group", "mentor", "session", "nik"],
        [[g, mentor, code, p.nik] for g, (code, mentor, chunk) in groups_of.items() for p in chunk],
    )
    write_csv(
        "mentoring.csv",
        [
            "nik",
            "group",
            "session",
            "date",
            "mentor",
            "status",
            "obstacle_category",
            "obstacle",
            "next",
            "note",
        ],
        [
            [
                r["nik"],
                r["group"],
                r["session"],
                iso(r["date"]),
                r["mentor"],
                r["status"],
                r["obstacle_category"],
                r["obstacle"],
                iso(r["next"]),
                r["note"],
            ]
            for r in mentoring
        ],
    )

    write_outcomes(enr, noshows, mentoring)

    # --- figures ---------------------------------------------------------------
    fig = compute_figures(people, enr, attendance, noshows, mentoring, groups_of)
    write_readme(fig, rats, health, ineligible_verdicts)
    print_figures(fig)
    return 0


def write_outcomes(enr, noshows, mentoring) -> None:
    """scores.csv, evaluations.csv and indicators.csv (SPEC §12), from blitar_outcomes."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import blitar_outcomes as outcomes

    came = [(code, p.nik) for code, p, _k in enr if (code, p.nik) not in noshows]
    write_csv("scores.csv", ["session", "nik", "pre", "post"], outcomes.scores(came))
    write_csv(
        "evaluations.csv",
        ["session", "nik", "materi", "narasumber", "fasilitas", "manfaat", "saran"],
        outcomes.evaluations(came),
    )
    latest = {}
    for r in mentoring:  # sorted by date: the last one of a person and session wins
        if r["nik"]:
            latest[(r["session"], r["nik"])] = (r["date"], r["status"])
    business = [
        (code, p.nik, SESSION_BY_CODE[code].start)
        for code, p, _k in enr
        if p.has_business and (code, p.nik) not in noshows
    ]
    write_csv(
        "indicators.csv",
        ["nik", "session", "tanggal", "indikator", "nilai"],
        outcomes.indicators(business, latest),
    )


def compute_figures(people, enr, attendance, noshows, mentoring, groups_of):
    role_of = {(p.nik, k): r for p in people for k, r in p.memberships}
    latest = {}
    for _code, p, ck in sorted(enr, key=lambda e: SESSION_BY_CODE[e[0]].start):
        latest[p.nik] = (p, ck)
    by_role = Counter(role_of[(p.nik, ck)] for p, ck in latest.values())
    by_gender = Counter(p.gender for p, _ck in latest.values())
    by_kec = Counter(COOP_BY_KEY[ck].kecamatan for _p, ck in latest.values())
    present_days = defaultdict(int)
    total_days = defaultdict(int)
    for code, nik, _day, present in attendance:
        total_days[(code, nik)] += 1
        present_days[(code, nik)] += present == "1"
    per_session = []
    for s in SESSIONS:
        seats = [k for k in total_days if k[0] == s.code]
        per_session.append(
            {
                "code": s.code,
                "title": s.title,
                "start": s.start,
                "end": s.end,
                "enrolled": len(seats),
                "attended": sum(1 for k in seats if present_days[k] > 0),
                "completed": sum(1 for k in seats if present_days[k] == total_days[k]),
            }
        )
    # follow-ups as generated: person rows plus group rows for the members
    contacts = defaultdict(list)
    for r in mentoring:
        if r["nik"]:
            contacts[(r["session"], r["nik"])].append(r)
        else:
            for p in groups_of[r["group"]][2]:
                contacts[(r["session"], p.nik)].append(r)
    followups = sum(len(v[2]) for v in groups_of.values())
    last_status = Counter(max(v, key=lambda r: r["date"])["status"] for v in contacts.values())
    return {
        "sessions": len(SESSIONS),
        "seats": sum(s.capacity for s in SESSIONS),
        "enrollments": len(enr),
        "participants": len(latest),
        "double_seat_holders": sum(
            1 for n in Counter(p.nik for _c, p, _k in enr).values() if n == 2
        ),
        "by_role": {r: by_role[r] for r in ("pengurus", "anggota", "calon_anggota")},
        "by_gender": {g: by_gender[g] for g in ("L", "P")},
        "by_kecamatan": {k: by_kec[k] for k in KECAMATAN},
        "cooperatives": len({ck for _c, _p, ck in enr}),
        "coops_total": len(COOPS),
        "coops_eligible": len(ELIGIBLE),
        "people": len(people),
        "people_rows": sum(len(p.memberships) for p in people),
        "people_two_coops": sum(1 for p in people if len(p.memberships) == 2),
        "attended": sum(s["attended"] for s in per_session),
        "completed": sum(s["completed"] for s in per_session),
        "no_shows": len(noshows),
        "missed_one_day": sum(1 for k in total_days if 0 < present_days[k] < total_days[k]),
        "attendance_rows": len(attendance),
        "groups": len(groups_of),
        "group_members": followups,
        "followups": followups,
        "followups_contacted": len(contacts),
        "followups_last_status": {
            s: last_status[s] for s in ("practicing", "partly", "not_yet", "stopped")
        },
        "mentoring_rows": len(mentoring),
        "mentoring_person_rows": sum(1 for r in mentoring if r["nik"]),
        "mentoring_group_rows": sum(1 for r in mentoring if r["group"]),
        "mentoring_first": min(r["date"] for r in mentoring),
        "mentoring_last": max(r["date"] for r in mentoring),
        "per_session": per_session,
    }


def print_figures(fig) -> None:
    print("Kota Blitar 2020 sample data written to", OUT)
    for k, v in fig.items():
        if k == "per_session":
            for s in v:
                print(
                    f"  {s['code']} {s['start']}..{s['end']} enrolled={s['enrolled']} "
                    f"attended={s['attended']} completed={s['completed']}  {s['title']}"
                )
        else:
            print(f"{k}: {v}")
    for f in sorted(OUT.iterdir()):
        print(f"  {hashlib.sha256(f.read_bytes()).hexdigest()[:16]}  {f.name}")


def write_readme(fig, rats, health, verdicts) -> None:
    L = []
    a = L.append
    a("# Kota Blitar 2020 — sample data")
    a("")
    a("Importable files for the 2020 training programme of the Dinas Koperasi dan Usaha Mikro")
    a("of Kota Blitar (six trainings, 16 June – 8 July 2020, 240 seats, 230 participants).")
    a("`koptrain demo` loads them into a new database and prints the summary.")
    a("")
    a("**Generated — do not edit by hand.** Every file here (this README included) is written")
    a("by `data/generate_blitar_2020.py` from `random.Random(2020)`; rerunning it gives")
    a("byte-identical files. Change the generator and rerun it instead:")
    a("")
    a("    python data/generate_blitar_2020.py      # needs openpyxl for rat.xlsx")
    a("")
    a("## What is real, what is invented")
    a("")
    a("Real, from the news report: the six trainings (titles, dates, capacity 40, the audience")
    a("of training 5), 230 participants in 240 seats, the selection rule (cooperatives that hold")
    a("their RAT on time and are rated *sehat*) and the mentoring groups. **Everything else is")
    a("invented**: cooperatives, people, mentors (narasumber), venue choices, phone numbers,")
    a("legal numbers, NIK Koperasi, RATs, health ratings, attendance and mentoring records.")
    a("")
    a("- **Person NIKs are synthetic**: 16 digits, structurally valid (they pass")
    a("  `stdnum.id.nik.validate`): the Kota Blitar region code of the person's (first)")
    a("  cooperative's kecamatan (357201 Kepanjenkidul, 357202 Sukorejo, 357203 Sananwetan),")
    a("  the birth date as DDMMYY with 40 added to the day for women, and a serial from the")
    a("  range 9001–9999, chosen to be unlikely to belong to a real person (real serials count")
    a(
        "  upwards from 0001 per region and birth date). Birth dates are 1960–1999, so the two-digit year is"
    )
    a("  unambiguous.")
    a("- **NIK Koperasi** values are 16-digit strings `35720K9…` (K = kecamatan 1–3) that are")
    a("  not real registrations; two cooperatives have none and are known by legal number.")
    a("- **All names are invented** combinations of common Javanese/Indonesian names;")
    a("  names of well-known public persons (and of the people in the news report) are")
    a("  excluded explicitly. Any resemblance to a real person is coincidental.")
    a("- **Phone numbers are random.** Never call or message them.")
    a("")
    a("## Files and the formats they demonstrate")
    a("")
    a("| file | import kind | rows | format |")
    a("|---|---|---|---|")

    def nrows(name):
        text = (OUT / name).read_text(encoding="utf-8-sig")
        return (
            sum(
                1
                for _ in csv.reader(
                    io.StringIO(text), delimiter=";" if name == "people.csv" else ","
                )
            )
            - 1
        )

    a(
        f"| `programs.csv` | — (`program add`) | {nrows('programs.csv')} | plain CSV: `code,name,year` |"
    )
    a(
        f"| `coops.csv` | `coops` | {nrows('coops.csv')} | plain CSV; `nik` empty for the two coops without a NIK Koperasi |"
    )
    a(
        f"| `rat.xlsx` | `rat` | {len(rats)} | **XLSX**, first sheet, Indonesian headers `Koperasi, Tahun Buku, Tanggal RAT, Tanggal Lapor, Jumlah Hadir`; dates are real Excel dates |"
    )
    a(
        f"| `health.csv` | `health` | {len(health)} | plain CSV; one 2018 rating has no `assessed_on` (counts from 31 December) |"
    )
    a(
        f"| `people.csv` | `people` | {fig['people_rows']} | **what an Excel user sends**: UTF-8 with BOM, `;` delimiter, CRLF, Indonesian headers `NIK;Nama;Jenis Kelamin;Tanggal Lahir;Telepon;Koperasi;Jabatan;Punya Usaha`, dates DD/MM/YYYY, `Laki-laki`/`Perempuan`, `Pengurus`/`Anggota`/`Calon Anggota`, `Ya`/`Tidak`, phones with and without dashes (some empty) |"
    )
    a(
        f"| `sessions.csv` | `sessions` | {nrows('sessions.csv')} | plain CSV, ISO dates; `audience` empty = all roles |"
    )
    a(f"| `enrollments.csv` | `enrollments` | {nrows('enrollments.csv')} | plain CSV |")
    a(
        f"| `attendance.csv` | `attendance` | {nrows('attendance.csv')} | plain CSV, one row per seat holder per day, `present` 1/0 |"
    )
    a(
        f"| `groups.csv` | — (`group create` + `group add`) | {nrows('groups.csv')} | plain CSV: `group,mentor,session,nik`, one row per member |"
    )
    a(
        f"| `mentoring.csv` | `mentoring` | {nrows('mentoring.csv')} | plain CSV; person rows (`nik`) and a few whole-group rows (`group`, `nik` empty) |"
    )
    a(
        f"| `scores.csv` | `scores` | {nrows('scores.csv')} | plain CSV; pre- and post-test 0-100 as typed in Excel (`62,5`); a few post-tests blank, a few pre-tests at 100 |"
    )
    a(
        f"| `evaluations.csv` | `evaluations` | {nrows('evaluations.csv')} | plain CSV; marks 1-5, a third without `nik` (anonymous), some with a `saran` |"
    )
    a(
        f"| `indicators.csv` | `indicators` | {nrows('indicators.csv')} | Indonesian headers `tanggal,indikator,nilai`; omzet as `Rp 2.500.000`, `ya`/`tidak`; a baseline a week before the training for each business owner, and the values at their latest visit |"
    )
    a("")
    a("In every file a cooperative is referred to by its NIK Koperasi, or by its legal number")
    a("when it has none (the `coop_nik` / `Koperasi` column).")
    a("")
    a("## Import order")
    a("")
    a(
        "programs, coops, rat, health, people, sessions, enrollments, attendance, groups, mentoring,"
        " scores, evaluations, indicators"
    )
    a("")
    a("(SPEC §4 has no `import` kind for programs or groups; the demo loader creates them from")
    a(
        "`programs.csv` and `groups.csv`, by hand it is `program add` and `group create`/`group add`.)"
    )
    a("")
    a("## Cooperatives and eligibility")
    a("")
    a(f"{fig['coops_total']} cooperatives, {fig['coops_eligible']} of them eligible on every")
    a(
        "training's first day (RAT 2019 on time and health rating 2019 `sehat`). Notable eligible ones:"
    )
    a("")
    sek = next(c for c in COOPS if c.level == "sekunder")
    nonik = next(c for c in ELIGIBLE if not c.nik)
    fy = next(c for c in COOPS if c.fiscal_year_end != "12-31")
    a(f"- **{sek.name}** is *sekunder*: RAT 2019 held 2020-05-20 and reported 2020-06-05 — on")
    a("  time, because a secondary coop's deadline is 30 June 2020. It is judged on that meeting")
    a("  from its date on.")
    a(f"- **{nonik.name}** has no NIK Koperasi; every file refers to it by legal number")
    a(f"  `{nonik.legal_number}`.")
    a(f"- **{fy.name}** closes its books on 30 June (`fiscal_year_end` {fy.fiscal_year_end}):")
    a("  fiscal year 2019 ended 2019-06-30, its RAT was due by 2019-09-30 and was held in")
    a("  August 2019; fiscal year 2020 is not due until 2020-09-30.")
    a("- One eligible coop was rated `cukup_sehat` for 2018 and `sehat` for 2019: the latest")
    a("  rating counts.")
    a("")
    a("Not eligible (each for a different reason; none of their members is enrolled):")
    a("")
    a("| | cooperative | key in files | kecamatan | reason | verdict computed by the generator |")
    a("|---|---|---|---|---|---|")
    for c in COOPS:
        if c.ineligible:
            a(
                f"| ({c.ineligible}) | {c.name} | `{c.ref}` | {c.kecamatan} | {INELIGIBLE_REASON[c.ineligible]} | {'; '.join(verdicts[c.key])} |"
            )
    a("")
    a("## Expected figures")
    a("")
    a("Computed by the generator from the files it writes (it prints them too).")
    a("")
    a(
        f"- sessions: {fig['sessions']}; seats (capacity): {fig['seats']}; enrollments (seat holders): {fig['enrollments']}"
    )
    a(
        f"- participants (distinct people): **{fig['participants']}** — {fig['double_seat_holders']} people hold seats in two"
    )
    a(
        "  (never overlapping) trainings; one of them holds its two seats for two different cooperatives"
    )
    a(f"- cooperatives that seat holders were enrolled for: {fig['cooperatives']}")
    a(
        f"- people in `people.csv`: {fig['people']} ({fig['people_rows']} rows; {fig['people_two_coops']} people belong to two coops)"
    )
    a("- participants by role, gender and kecamatan — each counted once, by the role in and the")
    a("  coop of their latest enrollment (by session start):")
    a("  - by role: " + ", ".join(f"{k} {v}" for k, v in fig["by_role"].items()))
    a("  - by gender: " + ", ".join(f"{k} {v}" for k, v in fig["by_gender"].items()))
    a("  - by kecamatan: " + ", ".join(f"{k} {v}" for k, v in fig["by_kecamatan"].items()))
    a(
        f"- attendance rows: {fig['attendance_rows']}; seat holders present on at least one day: {fig['attended']};"
    )
    a(f"  no-shows (absent every day, each in a different training): {fig['no_shows']};")
    a(f"  seat holders who missed exactly one day: {fig['missed_one_day']};")
    a(f"  present on every day (`completed` at the default minimum share): {fig['completed']}")
    a(
        f"- mentoring groups: {fig['groups']} (two per training), {fig['group_members']} group memberships"
    )
    a("  = follow-ups (every seat holder except the no-shows)")
    a(
        f"- mentoring rows: **{fig['mentoring_rows']}** ({fig['mentoring_person_rows']} with a person,"
    )
    a(
        f"  {fig['mentoring_group_rows']} with a whole group), dated {fig['mentoring_first']} to {fig['mentoring_last']};"
    )
    a(
        f"  follow-ups with at least one contact (group contacts count for each member): {fig['followups_contacted']};"
    )
    a(
        "  their latest status: "
        + ", ".join(f"{k} {v}" for k, v in fig["followups_last_status"].items())
    )
    a("")
    a("| session | dates | title | enrolled | attended | completed |")
    a("|---|---|---|---|---|---|")
    for s in fig["per_session"]:
        a(
            f"| {s['code']} | {s['start']} – {s['end']} | {s['title']} | {s['enrolled']} | {s['attended']} | {s['completed']} |"
        )
    a("")
    (OUT / "README.md").write_text("\n".join(L), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
