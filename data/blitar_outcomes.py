"""Outcomes of the Kota Blitar 2020 sample (SPEC §12): synthetic, deterministic test scores,
evaluations and business indicator values, written by generate_blitar_2020.py.

Its own ``random.Random(2021)``, drawn only after every other file is generated, so adding
the outcomes changed none of the other files. Everything here is invented: the scores,
the marks, the suggestions and the businesses' figures.
"""

from __future__ import annotations

import datetime as dt
import random

rng = random.Random(2021)

SARAN = [
    "Waktu pelatihan ditambah",
    "Materi praktik diperbanyak",
    "Modul dibagikan sebelum pelatihan",
    "Ruangan kurang sejuk",
    "Narasumber sangat jelas",
    "Ada pelatihan lanjutan",
    "Kunjungan ke usaha yang sudah berhasil",
]
# status of the latest contact -> (mean monthly change of omzet, chance to start books,
# chance to start selling online, chance of one more worker)
EFFECT = {
    "practicing": (0.22, 0.55, 0.45, 0.30),
    "partly": (0.10, 0.30, 0.25, 0.15),
    "not_yet": (0.02, 0.08, 0.08, 0.05),
    "stopped": (-0.05, 0.02, 0.02, 0.0),
}


def _score_text(value: float) -> str:
    """Scores as typed in Excel by the committee: whole numbers, some with `,5`."""
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")


def _money(value: int) -> str:
    return "Rp " + f"{value:,}".replace(",", ".")


def scores(seats) -> list[list[str]]:
    """seats: (session, nik) of every seat holder who came. Most have both tests; a few
    left before the post-test; a few had full marks already on the pre-test."""
    rows = []
    for code, nik in seats:
        pre = min(100.0, max(20.0, round(rng.gauss(58, 13) * 2) / 2))
        if rng.random() < 0.02:
            pre = 100.0
        gain = rng.gauss(17, 11)
        post = min(100.0, max(0.0, round((pre + gain) * 2) / 2))
        missing_post = rng.random() < 0.05
        rows.append([code, nik, _score_text(pre), "" if missing_post else _score_text(post)])
    return rows


def evaluations(seats) -> list[list[str]]:
    """Most who came hand in the form; a third of them without their NIK (anonymous)."""
    rows = []
    for code, nik in seats:
        if rng.random() < 0.12:
            continue
        marks = [
            rng.choices([2, 3, 4, 5], weights)[0]
            for weights in ([3, 20, 50, 27], [2, 12, 46, 40], [8, 30, 42, 20], [2, 10, 40, 48])
        ]
        if rng.random() < 0.04:
            marks[rng.randrange(4)] = ""  # an item left blank
        saran = rng.choice(SARAN) if rng.random() < 0.35 else ""
        anonymous = rng.random() < 0.33
        rows.append([code, "" if anonymous else nik, *marks, saran])
    return rows


def indicators(business_seats, latest_contact) -> list[list[str]]:
    """A baseline a week before the first day for every seat holder who owns a business
    (omzet, workers, books, online sales), and the same four at their latest visit.

    business_seats: (session, nik, first day); latest_contact: (session, nik) -> (date,
    status) of the latest person contact."""
    rows = []
    business: dict[str, tuple] = {}
    for code, nik, start in business_seats:
        if nik not in business:  # a person in two trainings: one baseline, before the first
            business[nik] = (
                rng.choice(range(8, 120)) * 250_000,
                rng.choices([0, 1, 2, 3, 4, 6], [20, 35, 22, 12, 7, 4])[0],
                rng.random() < 0.3,
                rng.random() < 0.25,
            )
            omzet, workers, books, online = business[nik]
            day = (start - dt.timedelta(days=7)).isoformat()
            rows += [
                [nik, code, day, "omzet", _money(omzet)],
                [nik, code, day, "tenaga_kerja", str(workers)],
                [nik, code, day, "pembukuan", "ya" if books else "tidak"],
                [nik, code, day, "jualan_online", "ya" if online else "tidak"],
            ]
        omzet, workers, books, online = business[nik]
        contact = latest_contact.get((code, nik))
        if contact is None:
            continue
        date, status = contact
        growth, p_books, p_online, p_worker = EFFECT[status]
        after = int(omzet * (1 + rng.gauss(growth, 0.12)) / 50_000) * 50_000
        rows += [
            [nik, code, date.isoformat(), "omzet", _money(max(after, 0))],
            [nik, code, date.isoformat(), "tenaga_kerja", str(workers + (rng.random() < p_worker))],
            [
                nik,
                code,
                date.isoformat(),
                "pembukuan",
                "ya" if books or rng.random() < p_books else "tidak",
            ],
            [
                nik,
                code,
                date.isoformat(),
                "jualan_online",
                "ya" if online or rng.random() < p_online else "tidak",
            ],
        ]
    return rows
