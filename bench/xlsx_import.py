#!/usr/bin/env python3
"""The spreadsheet line of the budget (issue 15): the same 100,000 people imported from
.xlsx and from CSV, alternately, each into a fresh copy of one database; the .xlsx import
must reach ≥ 0.5× the CSV import's rows/s, with peak RSS ≤ 150 MB.

    python bench/xlsx_import.py [--runs N] [--rows N]      # or: bench/run.py --only xlsx

The files are generated here (deterministic), the way an office makes them: a title row
and a blank row above the table, NIKs as text cells, phones as number cells, a signature
under the table. They live under bench/work/xlsx/ and are reused while ROWS and
XLSX_VERSION stay the same.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import shutil
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run as bench  # noqa: E402

ROWS = 100_000
XLSX_VERSION = 1
COOPS = 200
HEADER = ["No", "NIK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "No HP", "Koperasi", "Jabatan"]
ROLES = ["anggota"] * 8 + ["Ketua", "Bendahara", "pengawas", "calon anggota"]


def _people(rows: int):
    rng = random.Random(2026)
    for i in range(rows):
        gender = rng.choice("LP")
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 40))
        day = birth.day + (40 if gender == "P" else 0)
        nik = f"357201{day:02d}{birth.month:02d}{birth.year % 100:02d}{i % 10000:04d}"
        yield [
            i + 1,
            nik,
            f"Peserta {i:06d}",
            gender,
            birth.isoformat(),
            8_120_000_000 + i,
            f"35720100{rng.randrange(COOPS):08d}",
            rng.choice(ROLES),
        ]


def ensure_files(folder: Path, rows: int) -> tuple[Path, Path, Path]:
    """The base database (schema and coops), the CSV and the .xlsx of the same rows."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / "stamp.json"
    key = {"rows": rows, "version": XLSX_VERSION}
    base, csv_path, xlsx_path = (
        folder / "base.sqlite3",
        folder / "people.csv",
        folder / "people.xlsx",
    )
    if stamp.exists() and json.loads(stamp.read_text()) == key and xlsx_path.exists():
        return base, csv_path, xlsx_path
    bench.say(f"generating {rows:,} people as CSV and .xlsx under {folder}")
    coops = folder / "coops.csv"
    with coops.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["nik", "name"])
        for c in range(COOPS):
            writer.writerow([f"35720100{c:08d}", f"Koperasi {c:03d}"])
    base.unlink(missing_ok=True)
    bench.must(bench.koptrain(base, "import", "coops", str(coops)), "import coops")
    with csv_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for row in _people(rows):
            writer.writerow([*row[:5], f"0{row[5]}", *row[6:]])
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Peserta")
    sheet.append(["DAFTAR PESERTA PELATIHAN"])
    sheet.append([])
    sheet.append(HEADER)
    for row in _people(rows):
        sheet.append(row)  # NIK a text cell, phone a number cell (its 0 is given back)
    sheet.append([])
    sheet.append([None, None, None, None, None, None, None, "Kepala Dinas"])
    workbook.save(xlsx_path)
    stamp.write_text(json.dumps(key))
    return base, csv_path, xlsx_path


def measure(runs: int, rows: int = ROWS) -> tuple[list, dict]:
    folder = bench.WORK / "xlsx"
    base, csv_path, xlsx_path = ensure_files(folder, rows)
    target, csv_target = folder / "import_xlsx.sqlite3", folder / "import_csv.sqlite3"

    def check(out: Path | None) -> str | None:
        try:
            report = json.loads(out.read_text())
        except (OSError, ValueError):
            return "import people --format json printed no JSON"
        if report.get("inserted") != rows:
            return f"import people inserted {report.get('inserted')} of {rows} rows"
        return None

    f = bench.compare(
        f"import people, {rows:,} rows from .xlsx",
        [
            *bench.KOPTRAIN,
            "--db",
            str(target),
            "import",
            "people",
            str(xlsx_path),
            "--format",
            "json",
        ],
        (
            "the same rows from CSV",
            [*bench.KOPTRAIN, "--db", str(csv_target), "import", "people", str(csv_path)],
        ),
        runs,
        prepare=lambda _i: shutil.copyfile(base, target),
        prepare_base=lambda _i: shutil.copyfile(base, csv_target),
        out=folder / "import_xlsx.json",
        check=check,
        warmup=False,
        give_up_after=float("inf"),
    )
    f.rows = rows
    return [line(f)], {"import_xlsx": f}


def line(f) -> bench.Line:
    budget = "≥ 0.5x the CSV import's rows/s; peak RSS ≤ 150 MB"
    if not f.ok:
        return bench.Line(f.name, "—", f.baseline, "—", budget, f"ERROR: {f.error}")
    t, b = bench.med(f.samples), bench.med(f.base_samples)
    rss = max(s.rss_kb for s in f.samples)
    ratio = b / t
    return bench.Line(
        f.name,
        f"{bench.fmt_s(t)} = {f.rows / t:,.0f} rows/s, {bench.fmt_mb(rss)}",
        f"{f.baseline}: {bench.fmt_s(b)} = {f.rows / b:,.0f} rows/s, "
        f"{bench.fmt_mb(max(s.rss_kb for s in f.base_samples))}",
        f"{ratio:.2f}x rows/s",
        budget,
        "PASS" if ratio >= 0.5 and rss <= 150 * bench.MB else "FAIL",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=ROWS)
    args = parser.parse_args(argv)
    lines, _figures = measure(args.runs, args.rows)
    print(bench.render_table(lines))
    return 0 if all(ln.result == "PASS" for ln in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
