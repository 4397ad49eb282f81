#!/usr/bin/env python3
"""The change journal's budget (issue 16): `import people` with the journal, and its `undo`.

    .venv/bin/python bench/undo_import.py [--rows 1000000] [--runs 3] [--pg URL]

People files of 100,000 and `--rows` rows (synthetic, valid NIKs, into 1,000 coops) are
written under bench/work/undo/. Each round, on fresh copies of one database holding the
coops: the stdlib importer (the baseline of bench/README.md), then `koptrain import
people FILE`, then `koptrain undo` of that import on the same database, which must leave
no person behind. Every figure is a whole process measured as bench/run.py measures one
(wall time, peak RSS of exactly that child); medians of the rounds. The lines:

- import people: ≥ 0.7x the stdlib importer's rows/s, peak RSS ≤ 100 MB (as in run.py,
  now with the journal recording the import);
- undo of that import: ≤ 2x the import's own wall time (same round), and memory flat:
  peak RSS at `--rows` within ±20 % of the peak at 100,000 rows.

The table is printed and written into bench/RESULTS.md under its own heading (replacing
an older one), so run.py's table above it stays as it was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import statistics
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from run import KOPTRAIN, MB, PY, STDLIB_IMPORT, WORK, copy_db, fresh_db, run_once, say  # noqa: E402

HERE = WORK / "undo"
HEADING = "## The change journal: import people and its undo (issue 16)"
COOPS = 1000


def write_files(rows: int) -> tuple[Path, dict[int, Path]]:
    """coops.csv and people_<n>.csv (deterministic), kept between runs."""
    HERE.mkdir(parents=True, exist_ok=True)
    coops = HERE / "coops.csv"
    if not coops.exists():
        with coops.open("w") as out:
            out.write("nik,name,type,level,kecamatan\n")
            for i in range(COOPS):
                out.write(f"3507{i:012d},KSP Bench {i},simpan_pinjam,primer,Kec {i % 17}\n")
    files = {}
    for n in sorted({100_000, rows}):
        path = HERE / f"people_{n}.csv"
        files[n] = path
        if path.exists():
            continue
        rng = random.Random(16)
        first = dt.date(1960, 1, 1)
        with path.open("w") as out:
            out.write("nik,name,gender,birth_date,phone,coop_nik,role,has_business\n")
            for i in range(n):
                born = first + dt.timedelta(days=i % 14_000)
                gender = "P" if rng.random() < 0.5 else "L"
                day = born.day + (40 if gender == "P" else 0)
                serial = i // 14_000
                nik = f"3507{(i // 1_400_000) % 100:02d}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
                out.write(
                    f"{nik},Orang {i},{gender},{born.isoformat()},08{i:09d},"
                    f"3507{rng.randrange(COOPS):012d},anggota,{i % 3 == 0:d}\n"
                )
    return coops, files


def base_db(coops: Path) -> Path:
    db = HERE / "base.sqlite3"
    if not db.exists():
        fresh_db(db)
        sample = run_once([*KOPTRAIN, "--db", str(db), "import", "coops", str(coops)])
        if sample.rc != 0:
            raise SystemExit(f"import coops failed: {sample.stderr}")
    return db


def people_left(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM person").fetchone()[0]
    finally:
        conn.close()


def measure(base: Path, people: Path, n: int, runs: int) -> dict:
    imports, undos, stdlib = [], [], []
    target, stdlib_target = HERE / "import.sqlite3", HERE / "stdlib.sqlite3"
    for i in range(runs):
        copy_db(base, stdlib_target)
        b = run_once([PY, str(STDLIB_IMPORT), str(stdlib_target), str(people)])
        copy_db(base, target)
        a = run_once([*KOPTRAIN, "--db", str(target), "import", "people", str(people)])
        u = run_once([*KOPTRAIN, "--db", str(target), "undo"])
        for what, s in (("stdlib importer", b), ("import people", a), ("undo", u)):
            if s.rc != 0:
                raise SystemExit(f"{what} failed (exit {s.rc}): {s.stderr[-500:]}")
        left = people_left(target)
        if left:
            raise SystemExit(f"undo left {left} people behind")
        say(
            f"  {n:,} rows, run {i + 1}: stdlib {b.wall:.2f} s | import {a.wall:.2f} s "
            f"{a.rss_kb / MB:.0f} MB | undo {u.wall:.2f} s {u.rss_kb / MB:.0f} MB"
        )
        imports.append(a)
        undos.append(u)
        stdlib.append(b)
    for p in (target, stdlib_target):
        for suffix in ("", "-wal", "-shm"):
            Path(str(p) + suffix).unlink(missing_ok=True)
    return {
        "import": statistics.median(s.wall for s in imports),
        "import_rss": max(s.rss_kb for s in imports) / MB,
        "undo": statistics.median(s.wall for s in undos),
        "undo_rss": max(s.rss_kb for s in undos) / MB,
        "stdlib": statistics.median(s.wall for s in stdlib),
    }


def table(figures: dict[int, dict], rows: int) -> tuple[str, bool]:
    big, small = figures[rows], figures[100_000]
    ratio = big["stdlib"] / big["import"]
    undo_ratio = big["undo"] / big["import"]
    growth = big["undo_rss"] / small["undo_rss"] - 1
    checks = [
        (
            f"import people, {rows:,} rows (journaled)",
            f"{big['import']:.2f} s = {rows / big['import']:,.0f} rows/s, {big['import_rss']:.0f} MB",
            f"stdlib importer: {big['stdlib']:.2f} s = {rows / big['stdlib']:,.0f} rows/s",
            f"{ratio:.2f}x rows/s",
            "≥ 0.7x stdlib rows/s; peak RSS ≤ 100 MB",
            ratio >= 0.7 and big["import_rss"] <= 100,
        ),
        (
            f"undo of that import, {rows:,} rows",
            f"{big['undo']:.2f} s, {big['undo_rss']:.0f} MB",
            f"the import: {big['import']:.2f} s",
            f"{undo_ratio:.2f}x",
            "≤ 2x the import's time",
            undo_ratio <= 2,
        ),
        (
            f"undo: peak RSS, {rows:,} vs 100,000 rows",
            f"{big['undo_rss']:.0f} MB vs {small['undo_rss']:.0f} MB",
            "—",
            f"{growth:+.0%}",
            "within ±20%",
            abs(growth) <= 0.2,
        ),
    ]
    lines = [
        "| figure | median wall, peak RSS | baseline (same rounds) | compared | budget | result |",
        "|---|---|---|---|---|---|",
    ]
    for name, measured, base, compared, budget, ok in checks:
        lines.append(
            f"| {name} | {measured} | {base} | {compared} | {budget} | {'PASS' if ok else 'FAIL'} |"
        )
    small_line = (
        f"| import people, 100,000 rows (journaled) | {small['import']:.2f} s, "
        f"{small['import_rss']:.0f} MB | stdlib importer: {small['stdlib']:.2f} s | "
        f"{small['stdlib'] / small['import']:.2f}x rows/s | (info) | info |"
    )
    lines.append(small_line)
    return "\n".join(lines), all(c[-1] for c in checks)


def write_results(text: str, runs: int, load: str) -> None:
    results = BENCH / "RESULTS.md"
    old = results.read_text() if results.exists() else ""
    if HEADING in old:
        old = old[: old.index(HEADING)].rstrip() + "\n"
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    section = (
        f"\n{HEADING}\n\nWritten by `python bench/undo_import.py` on {stamp} (local time), "
        f"{runs} rounds (stdlib importer, `koptrain import people`, `koptrain undo` each "
        "round, on fresh copies of one database of 1,000 coops). Medians; peak RSS is the "
        "largest of the rounds. The undo keeps every row it removes in its own entry (so "
        f"it can be undone too), a chunk of ids at a time. Load average at start / end: "
        f"{load} (other engineers' work shares the machine: the lines are ratios within "
        "the same rounds).\n\n" + text + "\n"
    )
    results.write_text(old + section)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args()
    before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    coops, files = write_files(args.rows)
    base = base_db(coops)
    figures = {n: measure(base, path, n, args.runs) for n, path in files.items()}
    text, ok = table(figures, args.rows)
    print(text)
    if not args.no_write:
        after = " ".join(f"{x:.2f}" for x in os.getloadavg())
        write_results(text, args.runs, f"{before} / {after}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
