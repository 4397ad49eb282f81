#!/usr/bin/env python3
"""The documents' budget (issue 18): 40 certificates, and the sign-in sheets of the demo's
first training, each ≤ 1 s beyond `python -c 'import typer, sqlmodel'` in the same run.

    python bench/documents.py [--runs N]

Measured like bench/run.py (whole processes, alternating with the baseline, medians, peak
RSS of exactly the child); prints the table. The demo database is built under bench/work/.
Every certificate run starts from a copy in which no certificate was issued yet, so each
run numbers and codes all 40 (the first print, the slower case).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (
    FLOOR_STORE,
    KOPTRAIN,
    WORK,
    build_small,
    compare,
    copy_db,
    line_for,
    render_table,
)

TRAINING = "BLT20-01"  # the demo's first training: four days, forty seats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    base = WORK / "documents" / "demo.sqlite3"
    build_small(base)
    # Forty completed seat holders: the demo's first training marks 36 completed; the
    # other four are made completed here so that one session gives 40 certificates.
    with sqlite3.connect(base) as conn:
        conn.execute(
            "UPDATE enrollment SET status = 'completed' WHERE status = 'not_completed' "
            "AND session_id = (SELECT id FROM training WHERE code = ?)",
            (TRAINING,),
        )
    run_db = WORK / "documents" / "run.sqlite3"
    out = WORK / "documents"
    certificates = compare(
        "print certificates (40, first print)",
        [*KOPTRAIN, "--db", str(run_db), "print", "certificates", TRAINING, "--force",
         "-o", str(out / "certificates.pdf")],
        FLOOR_STORE,
        args.runs,
        prepare=lambda _i: copy_db(base, run_db),
    )  # fmt: skip
    sign_in = compare(
        f"print sign-in {TRAINING} (every day)",
        [*KOPTRAIN, "--db", str(base), "print", "sign-in", TRAINING, "--force",
         "-o", str(out / "sign-in.pdf")],
        FLOOR_STORE,
        args.runs,
    )  # fmt: skip
    lines = [line_for(f, "≤ floor + 1 s", delta_max=1.0) for f in (certificates, sign_in)]
    print(render_table(lines))
    return 0 if all(line.result == "PASS" for line in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
