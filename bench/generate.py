#!/usr/bin/env python3
"""Deterministic synthetic data for the benchmark, as files in koptrain's import formats.

    python bench/generate.py [--scale province|tiny] [--out DIR]

Writes, into DIR (default bench/work/<scale>/data), plain UTF-8 CSV files with the
English column names of SPEC §4:

    programs.csv      code,name,year                       (`program add`)
    coops.csv         import coops
    rat.csv           import rat
    health.csv        import health
    people.csv        import people (all people);  people_<N>.csv: the first N rows
    sessions.csv      import sessions
    enrollments.csv   import enrollments, in session-start order
    withdrawals.csv   session,nik                           (`withdraw`, after the enrollments)
    attendance.csv    import attendance
    closures.csv      session,status (closed|cancelled)     (`session close` / `session cancel`)
    groups.csv        group,mentor,session,nik              (`group create` + `group add`)
    mentoring.csv     import mentoring (person rows)
    targets.json      the sessions and people reserved for the `enroll` benchmark
    manifest.json     parameters and row counts

Everything comes from random.Random(SEED) and a fixed "today" (TODAY), so two runs
give byte-identical files.  The data obey koptrain's rules, so that `koptrain import`
would accept every row: coops whose members are enrolled hold every RAT on time and are
rated sehat; nobody is enrolled twice in a session or in two sessions whose days
overlap; audiences and "requires business" are respected; seat holders never exceed
capacity (the rest are waitlisted, in file order, and move up when someone withdraws).

NIKs are synthetic and structurally valid (East Java region codes, birth date with
+40 for women, serial 9000-9999); names and phone numbers are invented.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import sys
import time
from array import array
from pathlib import Path

GENERATOR_VERSION = 2
SEED = 2026
TODAY = dt.date(2026, 11, 28)  # the benchmark's "today": reports run with --on TODAY
FIRST_SESSION = dt.date(2016, 1, 4)
LAST_SESSION = dt.date(2027, 2, 26)

SCALES = {
    "province": {
        "coops": 10_000,
        "people": 1_000_000,
        "sessions": 50_000,
        "enrollments": 2_000_000,
        "people_subsets": [100_000],
        "targets": 20,
        "target_people": 400,
        "regions": 38,
    },
    # Small enough to load through `koptrain import` row by row, to check that the
    # bulk loader writes exactly what koptrain writes (bench/bulkload.py --verify).
    "tiny": {
        "coops": 60,
        "people": 6_000,
        "sessions": 240,
        "enrollments": 9_600,
        "people_subsets": [1_000],
        "targets": 2,
        "target_people": 10,
        "regions": 2,
    },
}

# East Java (Jawa Timur): 29 kabupaten and 9 kota.
REGIONS = [f"35{i:02d}" for i in range(1, 30)] + [f"35{i:02d}" for i in range(71, 80)]
COOP_TYPES = ("simpan_pinjam", "konsumen", "produsen", "pemasaran", "jasa", "serba_usaha")
TYPE_WEIGHTS = (30, 20, 15, 10, 10, 15)
TYPE_PREFIX = {
    "simpan_pinjam": "KSP",
    "konsumen": "Koperasi Konsumen",
    "produsen": "Koperasi Produsen",
    "pemasaran": "Koperasi Pemasaran",
    "jasa": "Koperasi Jasa",
    "serba_usaha": "KSU",
}
PREFIXES = [
    "Sumber",
    "Karang",
    "Tanjung",
    "Sido",
    "Purwo",
    "Wono",
    "Ngadi",
    "Banyu",
    "Kali",
    "Gunung",
    "Rejo",
    "Jati",
    "Tegal",
    "Sari",
    "Kebon",
    "Manggis",
    "Bendo",
    "Sukor",
    "Pandan",
    "Wates",
    "Kedung",
    "Ngrowo",
]
SUFFIXES = [
    "rejo",
    "sari",
    "mulyo",
    "agung",
    "harjo",
    "asri",
    "jaya",
    "makmur",
    "wetan",
    "kulon",
    "lor",
    "kidul",
    "dadi",
]
WORDS = [
    "Maju",
    "Makmur",
    "Sejahtera",
    "Sentosa",
    "Abadi",
    "Mandiri",
    "Bersama",
    "Harapan",
    "Mulia",
    "Rukun",
    "Sakti",
    "Tunas",
    "Karya",
    "Usaha",
    "Jaya",
    "Bhakti",
    "Arta",
    "Mitra",
    "Sumber",
    "Rejeki",
    "Barokah",
    "Amanah",
]
MALE = [
    "Agus",
    "Budi",
    "Joko",
    "Slamet",
    "Bambang",
    "Hadi",
    "Eko",
    "Heru",
    "Wahyu",
    "Teguh",
    "Rudi",
    "Dwi",
    "Sugeng",
    "Bayu",
    "Arif",
    "Fajar",
    "Imam",
    "Yusuf",
    "Hendra",
    "Rahmat",
    "Supriyadi",
    "Suharto",
    "Mulyono",
    "Sutrisno",
    "Andik",
    "Danang",
]
FEMALE = [
    "Sri",
    "Siti",
    "Endang",
    "Dewi",
    "Rina",
    "Yuni",
    "Wulan",
    "Lestari",
    "Ratna",
    "Indah",
    "Nur",
    "Ani",
    "Sulastri",
    "Tutik",
    "Yuliana",
    "Retno",
    "Wahyuni",
    "Kartika",
    "Fitri",
    "Ayu",
    "Puji",
    "Umi",
    "Erna",
    "Heni",
    "Susanti",
    "Dian",
]
FAMILY = [
    "Santoso",
    "Wibowo",
    "Pratama",
    "Susanto",
    "Hidayat",
    "Saputra",
    "Wijaya",
    "Setiawan",
    "Kurniawan",
    "Nugroho",
    "Rahayu",
    "Purnomo",
    "Hartono",
    "Prasetyo",
    "Gunawan",
    "Utomo",
    "Suryani",
    "Handayani",
    "Anggraini",
    "Wardani",
]
TITLES = (
    "Penyusunan Laporan Keuangan Koperasi",
    "Kewirausahaan",
    "Manajemen Pemasaran Online",
    "Kuliner",
    "Kerajinan Tangan",
    "Tata Kelola Koperasi",
    "Akuntansi Simpan Pinjam",
    "Pengemasan Produk",
    "Perizinan Usaha Mikro",
    "Pengawasan Koperasi",
)
OBSTACLES = {
    "modal": "Belum ada modal untuk membeli peralatan",
    "pemasaran": "Pasar masih terbatas di lingkungan sendiri",
    "bahan_baku": "Bahan baku sulit didapat dan mahal",
    "produksi": "Kapasitas produksi masih kecil",
    "perizinan": "Izin PIRT belum selesai",
    "sdm": "Belum ada pengurus yang khusus menangani",
    "teknologi": "Belum bisa memakai aplikasi pembukuan",
    "lainnya": "Kesibukan keluarga",
}
NOTES = (
    "Sudah mulai menerapkan",
    "Perlu pendampingan lanjutan",
    "Produk sudah dijual di pasar desa",
    "Pembukuan sudah rapi",
)
AUDIENCES = ("", "pengurus,anggota", "anggota,calon_anggota", "pengurus")
AUDIENCE_WEIGHTS = (75, 12, 8, 5)
ROLES = ("pengurus", "anggota", "calon_anggota")
ROLE_WEIGHTS = (10, 70, 20)
AUDIENCE_ROLES = {a: (set(a.split(",")) if a else set(ROLES)) for a in AUDIENCES}


def _iso_table(first: dt.date, last: dt.date) -> tuple[int, list[str]]:
    base = first.toordinal()
    return base, [dt.date.fromordinal(o).isoformat() for o in range(base, last.toordinal() + 1)]


def _writer(path: Path, header: list[str]):
    handle = path.open("w", newline="", encoding="utf-8")
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(header)
    return handle, writer


def simulate(capacity: int, n_rows: int, withdrawn_positions: set[int]) -> list[str]:
    """Final status of each enrollment row of one session, as koptrain decides it.

    The rows are enrolled in file order (a seat while one is free, else the waitlist);
    then the withdrawals are applied in order, and each moves the first waitlisted
    person up.  Returns 'seat' | 'waitlisted' | 'withdrawn' per row.
    """
    status = ["seat" if i < capacity else "waitlisted" for i in range(n_rows)]
    queue = list(range(capacity, n_rows))
    for pos in sorted(withdrawn_positions):
        status[pos] = "withdrawn"
        if queue:
            status[queue.pop(0)] = "seat"
    return status


def generate(scale: str, out: Path, *, quiet: bool = False) -> dict:
    params = SCALES[scale]
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    rand = rng.random
    randint = rng.randint
    choice = rng.choice
    started = time.perf_counter()

    def say(msg: str) -> None:
        if not quiet:
            print(f"  [{time.perf_counter() - started:6.1f}s] {msg}", file=sys.stderr)

    base, iso = _iso_table(dt.date(1955, 1, 1), dt.date(2028, 12, 31))
    counts: dict[str, int] = {}

    # ---- regions and kecamatan ------------------------------------------------------
    regions = []
    for code in REGIONS[: params["regions"]]:
        names = rng.sample([p + s for p in PREFIXES for s in SUFFIXES], randint(12, 24))
        regions.append({"code": code, "kec": names, "weight": 0.5 + rand()})

    # ---- coops, RAT, health -----------------------------------------------------------
    n_coops = params["coops"]
    coop_region = array("i")
    coop_kec = array("i")
    coop_good = bytearray()
    coop_key: list[str] = []
    weights = [r["weight"] for r in regions]
    region_indices = list(range(len(regions)))
    h1, coops_w = _writer(
        out / "coops.csv",
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
    )
    h2, rat_w = _writer(
        out / "rat.csv", ["coop_nik", "fiscal_year", "held_on", "reported_on", "attendees"]
    )
    h3, health_w = _writer(
        out / "health.csv", ["coop_nik", "year", "rating", "score", "assessed_on"]
    )
    region_of = rng.choices(region_indices, weights, k=n_coops)
    n_rat = n_health = 0
    problems = {"late": 0, "missing": 0, "report_late": 0, "health": 0}
    for c in range(n_coops):
        r = region_of[c]
        region = regions[r]
        k = randint(0, len(region["kec"]) - 1)
        kec_name = region["kec"][k]
        ctype = rng.choices(COOP_TYPES, TYPE_WEIGHTS)[0]
        level = "sekunder" if rand() < 0.03 else "primer"
        fye = "06-30" if rand() < 0.05 else "12-31"
        year = randint(1975, 2020)
        legal = f"518.{region['code']}/{c + 1}/BH/XIV.{k + 1}/{year}"
        nik = "" if rand() < 0.03 else f"{region['code']}{k + 1:02d}9{c + 1:09d}"
        key = nik or legal
        members = randint(20, 900)
        name = f"{TYPE_PREFIX[ctype]} {choice(WORDS)} {choice(WORDS)} {c + 1}"
        coops_w.writerow(
            [nik, name, ctype, level, kec_name, choice(region["kec"]), legal, fye, members]
        )
        coop_region.append(r)
        coop_kec.append(k)
        coop_key.append(key)
        good = rand() >= 0.12
        coop_good.append(1 if good else 0)
        problem = None if good else rng.choice(tuple(problems))
        if problem:
            problems[problem] += 1
        # RAT for every fiscal year from 2014 to the latest one due before TODAY.
        months = 6 if level == "sekunder" else 3
        last_fy = 2026 if fye == "06-30" else 2025
        bad_year = randint(2016, last_fy)
        for fy in range(2014, last_fy + 1):
            end = dt.date(fy, int(fye[:2]), int(fye[3:]))
            deadline = _add_months(end, months)
            if problem == "missing" and fy == last_fy:
                continue
            held = end + dt.timedelta(days=randint(20, (deadline - end).days - 1))
            if problem == "late" and fy >= bad_year:
                held = deadline + dt.timedelta(days=randint(1, 60))
            reported = held + dt.timedelta(days=randint(1, 29))
            if problem == "report_late" and fy >= bad_year:
                reported = held + dt.timedelta(days=randint(35, 90))
            reported_s = "" if reported > TODAY else iso[reported.toordinal() - base]
            rat_w.writerow(
                [key, fy, iso[held.toordinal() - base], reported_s, randint(10, members)]
            )
            n_rat += 1
        for year in range(2014, 2026):
            rating = "sehat"
            if problem == "health" and year >= bad_year - 1:
                rating = rng.choice(("cukup_sehat", "dalam_pengawasan"))
            assessed = dt.date(year + 1, randint(2, 4), randint(1, 28))
            score = f"{randint(8000, 9800) / 100:.2f}" if rating == "sehat" else "72.50"
            health_w.writerow([key, year, rating, score, iso[assessed.toordinal() - base]])
            n_health += 1
    for h in (h1, h2, h3):
        h.close()
    counts.update(coops=n_coops, rat=n_rat, health=n_health)
    say(f"{n_coops} coops, {n_rat} RATs, {n_health} health ratings")

    # ---- people ---------------------------------------------------------------------------
    n_people = params["people"]
    person_role = bytearray(n_people)
    person_business = bytearray(n_people)
    person_coop = array("i", bytes(4 * n_people))
    person_nik: list[str] = [""] * n_people
    coop_weights = [0.2 + rand() * 1.8 for _ in range(n_coops)]
    total_weight = sum(coop_weights)
    sizes = [int(w / total_weight * n_people) for w in coop_weights]
    for i in range(n_people - sum(sizes)):
        sizes[i % n_coops] += 1
    seen: set[str] = set()
    h4, people_w = _writer(
        out / "people.csv",
        ["nik", "name", "gender", "birth_date", "phone", "coop_nik", "role", "has_business"],
    )
    subsets = {
        n: _writer(
            out / f"people_{n}.csv",
            ["nik", "name", "gender", "birth_date", "phone", "coop_nik", "role", "has_business"],
        )
        for n in params["people_subsets"]
    }
    roles = rng.choices(range(3), ROLE_WEIGHTS, k=n_people)
    birth_lo = dt.date(1956, 1, 1).toordinal()
    birth_hi = dt.date(2003, 12, 31).toordinal()
    p = 0
    for c in range(n_coops):
        region_code = regions[coop_region[c]]["code"]
        prefix = f"{region_code}{coop_kec[c] + 1:02d}"
        key = coop_key[c]
        for _ in range(sizes[c]):
            female = rand() < 0.55
            birth = dt.date.fromordinal(randint(birth_lo, birth_hi))
            day = birth.day + 40 if female else birth.day
            stem = f"{prefix}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
            nik = f"{stem}{randint(9000, 9999)}"
            while nik in seen:
                nik = f"{stem}{randint(9000, 9999)}"
            seen.add(nik)
            name = f"{choice(FEMALE if female else MALE)} {choice(FAMILY)}"
            phone = "" if rand() < 0.2 else f"08{randint(100000000, 9999999999)}"
            business = 1 if rand() < 0.6 else 0
            role = roles[p]
            row = [
                nik,
                name,
                "P" if female else "L",
                iso[birth.toordinal() - base],
                phone,
                key,
                ROLES[role],
                business,
            ]
            people_w.writerow(row)
            for n, (_h, w) in subsets.items():
                if p < n:
                    w.writerow(row)
            person_role[p] = role
            person_business[p] = business
            person_coop[p] = c
            person_nik[p] = nik
            p += 1
    h4.close()
    for h, _w in subsets.values():
        h.close()
    del seen
    counts["people"] = n_people
    say(f"{n_people} people")

    # ---- sessions, enrollments, attendance, groups, mentoring ---------------------------------
    n_sessions = params["sessions"]
    first_o, last_o = FIRST_SESSION.toordinal(), LAST_SESSION.toordinal()
    today_o = TODAY.toordinal()
    starts = sorted(randint(first_o, last_o) for _ in range(n_sessions))
    session_region = rng.choices(region_indices, weights, k=n_sessions)
    # Reserved for the enroll benchmark: future sessions with no enrollment, in region 0,
    # and people of good coops in region 0 who are enrolled nowhere.
    n_targets = params["targets"]
    future = [i for i in range(n_sessions) if starts[i] > today_o + 14]
    spacing = max(1, len(future) // (n_targets + 1))
    target_sessions = set(future[spacing::spacing][:n_targets])
    for i in target_sessions:
        session_region[i] = 0
    pools: list[list[int]] = [[] for _ in regions]
    reserved: list[int] = []
    for person in range(n_people):
        c = person_coop[person]
        if not coop_good[c]:
            continue
        r = coop_region[c]
        if (
            r == 0
            and len(reserved) < params["target_people"]
            and person_role[person] == 1
            and coop_nik_is_nik(coop_key[c])
        ):
            reserved.append(person)
            continue
        pools[r].append(person)

    # Enrollment rows per session: about `enrollments` in all.
    capacity = [rng.choices((40, 30, 50, 25), (70, 10, 15, 5))[0] for _ in range(n_sessions)]
    cancelled = [rand() < 0.005 and i not in target_sessions for i in range(n_sessions)]
    wanted = []
    for i in range(n_sessions):
        if cancelled[i] or i in target_sessions:
            wanted.append(0)
        elif starts[i] > today_o:
            wanted.append(int(capacity[i] * (0.3 + 0.8 * rand())))
        else:
            wanted.append(capacity[i] - randint(0, 4) + randint(0, 6))
    diff = params["enrollments"] - sum(wanted)
    step = 1 if diff > 0 else -1
    i = 0
    while diff:
        j = i % n_sessions
        i += 1
        if wanted[j] == 0 or (step > 0 and wanted[j] >= capacity[j] + 8) or wanted[j] <= 5:
            continue
        wanted[j] += step
        diff -= step

    last_end = array("i", bytes(4 * n_people))  # ordinal of the last day of any enrollment
    mentors = [f"{choice(MALE + FEMALE)} {choice(FAMILY)}, S.E." for _ in range(800)]

    files = {
        "programs": ["code", "name", "year"],
        "sessions": [
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
        "enrollments": ["session", "nik", "coop_nik", "override_reason"],
        "withdrawals": ["session", "nik"],
        "attendance": ["session", "nik", "day", "present"],
        "closures": ["session", "status"],
        "groups": ["group", "mentor", "session", "nik"],
        "mentoring": [
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
    }
    handles = {}
    w = {}
    for name, header in files.items():
        handles[name], w[name] = _writer(out / f"{name}.csv", header)
    programs_seen = set()
    seq_in_program: dict[str, int] = {}
    n = dict.fromkeys(files, 0)
    n["obstacles"] = n["seat_holders"] = n["waitlisted"] = n["withdrawn"] = 0
    n["followups"] = n["followups_in_window"] = n["mentoring_in_window"] = 0
    statuses = ("practicing", "partly", "not_yet", "stopped")
    status_weights = (33, 40, 20, 7)
    categories = tuple(OBSTACLES)
    targets_out = []
    skipped = 0
    for s in range(n_sessions):
        r = session_region[s]
        region = regions[r]
        start_o = starts[s]
        start = dt.date.fromordinal(start_o)
        days = randint(2, 4)
        end_o = start_o + days - 1
        program = f"DK-{region['code']}-{start.year}"
        if program not in programs_seen:
            programs_seen.add(program)
            w["programs"].writerow(
                [program, f"Pelatihan Perkoperasian {region['code']} {start.year}", start.year]
            )
            n["programs"] += 1
        seq = seq_in_program.get(program, 0) + 1
        seq_in_program[program] = seq
        code = (
            f"BENCH-{len(targets_out) + 1:02d}"
            if s in target_sessions
            else f"{program[3:]}-{seq:03d}"
        )
        audience = "" if s in target_sessions else rng.choices(AUDIENCES, AUDIENCE_WEIGHTS)[0]
        requires_business = 0 if s in target_sessions else (1 if rand() < 0.12 else 0)
        allowed = [ro for ro in range(3) if ROLES[ro] in AUDIENCE_ROLES[audience]]
        w["sessions"].writerow(
            [
                code,
                program,
                choice(TITLES),
                iso[start_o - base],
                iso[end_o - base],
                capacity[s],
                audience,
                requires_business,
                f"Aula Dinas Koperasi {region['code']} / {choice(region['kec'])}",
            ]
        )
        n["sessions"] += 1
        if s in target_sessions:
            targets_out.append({"session": code, "start": iso[start_o - base]})
        closed = end_o < today_o and not cancelled[s]
        if cancelled[s] or closed:
            w["closures"].writerow([code, "cancelled" if cancelled[s] else "closed"])
            n["closures"] += 1
        # Choose the people: eligible, allowed, not overlapping any earlier enrollment.
        pool = pools[r]
        chosen: list[int] = []
        tries = 0
        while len(chosen) < wanted[s] and tries < wanted[s] * 30:
            tries += 1
            person = pool[randint(0, len(pool) - 1)]
            if person_role[person] not in allowed:
                continue
            if requires_business and not person_business[person]:
                continue
            if last_end[person] >= start_o:
                continue
            chosen.append(person)
            last_end[person] = end_o
        skipped += wanted[s] - len(chosen)
        rows = len(chosen)
        withdrawn_at: set[int] = set()
        if rows and start_o <= today_o + 30:
            for pos in range(min(rows, capacity[s])):
                if rand() < 0.02:
                    withdrawn_at.add(pos)
        final = simulate(capacity[s], rows, withdrawn_at)
        for person in chosen:
            w["enrollments"].writerow([code, person_nik[person], coop_key[person_coop[person]], ""])
        for pos in sorted(withdrawn_at):
            w["withdrawals"].writerow([code, person_nik[chosen[pos]]])
        n["enrollments"] += rows
        n["withdrawals"] += len(withdrawn_at)
        n["withdrawn"] += len(withdrawn_at)
        seats = [chosen[i] for i in range(rows) if final[i] == "seat"]
        n["seat_holders"] += len(seats)
        n["waitlisted"] += rows - len(seats) - len(withdrawn_at)
        if not closed or not seats:
            continue
        group = f"G-{code}"
        mentor = choice(mentors)
        # Attendance: most attend every day; some miss a day; a few never come.
        day_isos = [iso[o - base] for o in range(start_o, end_o + 1)]
        last_day_window = end_o + 180
        for person in seats:
            nik = person_nik[person]
            u = rand()
            if u < 0.01:
                absent = set(range(days))
            elif u < 0.08:
                absent = {randint(0, days - 1)}
            else:
                absent = ()
            for d, day_iso in enumerate(day_isos):
                w["attendance"].writerow([code, nik, day_iso, 0 if d in absent else 1])
            n["attendance"] += days
            if len(absent) == days:
                continue  # a no-show is not followed up and is in no group
            w["groups"].writerow([group, mentor, code, nik])
            n["groups"] += 1
            n["followups"] += 1
            if end_o + 180 >= today_o:
                n["followups_in_window"] += 1
            # Mentoring contacts for this follow-up.
            if rand() < 0.08:
                continue
            date_o = end_o + 30 + randint(-5, 10)
            while date_o <= last_day_window and date_o < today_o:
                status = rng.choices(statuses, status_weights)[0]
                category = text = nxt = note = ""
                if status != "practicing" and rand() < 0.5:
                    category = choice(categories)
                    text = OBSTACLES[category]
                    n["obstacles"] += 1
                if rand() < 0.3:
                    nxt_o = date_o + randint(14, 45)
                    nxt = iso[nxt_o - base]
                else:
                    nxt_o = date_o + 30 + randint(-5, 10)
                if rand() < 0.15:
                    note = choice(NOTES)
                w["mentoring"].writerow(
                    [nik, "", code, iso[date_o - base], mentor, status, category, text, nxt, note]
                )
                n["mentoring"] += 1
                if date_o >= today_o - 180:
                    n["mentoring_in_window"] += 1
                if status in ("practicing", "stopped") or rand() < 0.25:
                    break
                date_o = nxt_o
        if s % 5000 == 0 and s:
            say(f"{s} sessions, {n['enrollments']} enrollments, {n['mentoring']} mentoring logs")
    for h in handles.values():
        h.close()
    del n["withdrawals"]
    counts.update(n)
    counts["enrollment_rows_not_placed"] = skipped
    targets = {
        "sessions": targets_out,
        "people": [{"nik": person_nik[p], "coop_nik": coop_key[person_coop[p]]} for p in reserved],
    }
    (out / "targets.json").write_text(json.dumps(targets, indent=1) + "\n")
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "scale": scale,
        "seed": SEED,
        "today": TODAY.isoformat(),
        "params": params,
        "counts": counts,
        "coop_problems": problems,
        "seconds": round(time.perf_counter() - started, 1),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    say(f"done: {json.dumps(counts)}")
    return manifest


def coop_nik_is_nik(key: str) -> bool:
    return key.isdigit()


def _add_months(day: dt.date, months: int) -> dt.date:
    """SPEC's rule: a month-end stays a month-end (30 June + 3 months = 30 September)."""
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    at_month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return dt.date(year, month, last if at_month_end else min(day.day, last))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="province")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    out = args.out or Path(__file__).resolve().parent / "work" / args.scale / "data"
    manifest = generate(args.scale, out)
    print(json.dumps(manifest["counts"], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
