#!/usr/bin/env python3
"""The province times N on one PostgreSQL server: how the reports grow (issue 22).

    python bench/scale_pg.py ADMIN_URL [--times 2] [--runs 3] [--source DB] [--keep]

Copies the province database that `bench/run.py --pg` built (`koptrain_bench_province`,
not changed) to `koptrain_bench_province_xN` and adds N-1 shifted copies of every row:
each copy's ids moved past the largest id of its table (the session ids by a multiple of
256, so the outcome sums' blocks of 256 sessions map to new blocks), NIKs and NIK Koperasi
in another province (the first two digits + k), legal numbers, session, group,
programme and certificate codes with a `-k` suffix; derived rows copied the same way
(a derived row is a function of its keys' source rows, so the shifted copy is the
derived row of the shifted sources; `koptrain db check` then samples them against a
rebuild). Indicators, policy, the journal and the audit trail are not copied. The copy
runs in one transaction with `session_replication_role = replica` (a superuser's
bulk load: no trigger marks rows to refresh, no foreign key is checked per row), then
`VACUUM (ANALYZE)`.

Then each province report runs `--runs` times, alternating with `python -c "import
typer, sqlmodel"` (as run.py measures them), on the province (1x) and on the copy (Nx),
in the same rounds, and the table is printed: wall time beyond the floor, peak RSS of the
client, and the growth from 1x to Nx.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # bench/run.py: the same measuring as the budget
from bulkload import libpq_url, pg_admin, pg_fresh_database, pg_url

BLOCK = 256  # koptrain.storage.outcome_sums.BLOCK
# Which table an id column points into (None: not copied, kept as is).
POINTS_TO = {
    "person_id": "person",
    "session_id": "training",
    "coop_id": "coop",
    "enrollment_id": "enrollment",
    "group_id": "mentor_group",
    "program_id": "program",
    "log_id": "mentoring_log",
    "last_id": "mentoring_log",
    "indicator_id": None,
}
ID_TABLES = [
    "program",
    "coop",
    "rat",
    "health_rating",
    "person",
    "membership",
    "training",
    "enrollment",
    "attendance",
    "mentor_group",
    "mentoring_log",
    "obstacle",
    "score",
    "evaluation",
    "indicator_value",
    "certificate",
]
KEYED_TABLES = [
    "group_member",
    "followup",
    "participant",
    "scope_coop",
    "session_stats",
    "outcome_score",
    "outcome_indicator",
    "outcome_value",
    "outcome_score_block",
    "outcome_indicator_block",
]
NIKS = {("person", "nik"), ("coop", "nik")}
SUFFIXED = {
    ("coop", "legal_number"),
    ("training", "code"),
    ("mentor_group", "code"),
    ("program", "code"),
    ("certificate", "code"),
}
REPORTS = (
    ("report summary", ["report", "summary", "--on", run.TODAY]),
    ("report reminders", ["report", "reminders", "--on", run.TODAY]),
    ("report mentoring", ["report", "mentoring"]),
    ("report outcomes", ["report", "outcomes", "--on", run.TODAY]),
)


def shifted(table: str, column: str, k: int, span: dict[str, int]) -> str:
    """The SQL of copy k's value of table.column."""
    q = f'"{column}"'
    if column == "id" and table in span:
        return f"{q} + {k * span[table]}"
    if column in POINTS_TO:
        target = POINTS_TO[column]
        return q if target is None else f"{q} + {k * span[target]}"
    if column == "scope_id":  # 0: every programme, else a programme's id
        return f"CASE WHEN {q} = 0 THEN 0 ELSE {q} + {k * span['program']} END"
    if column == "block":
        return f"{q} + {k * span['training'] // BLOCK}"
    if (table, column) in NIKS:
        return f"lpad((left({q}, 2)::int + {k})::text, 2, '0') || substr({q}, 3)"
    if (table, column) in SUFFIXED:
        return f"{q} || '-{k}'"
    return q


def build(admin: str, source: str, target: str, times: int) -> str:
    import psycopg

    run.say(f"copying {source} to {target}")
    url = pg_fresh_database(admin, target, template=source, file_copy=True)
    started = time.perf_counter()
    with psycopg.connect(libpq_url(url)) as conn:
        conn.execute("SET session_replication_role = replica")
        span = {}
        for table in ID_TABLES:
            top = conn.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"').fetchone()[0]
            span[table] = (top // BLOCK + 1) * BLOCK  # a multiple of 256 past the largest
        for table in ID_TABLES + KEYED_TABLES:
            columns = [
                r[0]
                for r in conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE "
                    "table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
                    (table,),
                )
            ]
            names = ", ".join(f'"{c}"' for c in columns)
            for k in range(1, times):
                values = ", ".join(shifted(table, c, k, span) for c in columns)
                t0 = time.perf_counter()
                conn.execute(
                    f'INSERT INTO "{table}" ({names}) SELECT {values} FROM "{table}" '
                    f"WHERE {_originals(table, columns, span)}"
                )
                run.say(f"  {table} copy {k}: {time.perf_counter() - t0:.0f} s")
        for table in ID_TABLES:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f'(SELECT max(id) FROM "{table}"))'
            )
    run.say(f"copied in {(time.perf_counter() - started) / 60:.1f} min; VACUUM (ANALYZE)")
    pg_admin(url, "VACUUM (ANALYZE)")
    return url


def _originals(table: str, columns: list[str], span: dict[str, int]) -> str:
    """Only the rows of the original province: a copy is never copied again."""
    if "id" in columns and table in span:
        return f'"id" < {span[table]}'
    for column in ("enrollment_id", "session_id", "person_id", "group_id", "coop_id"):
        if column in columns:
            return f'"{column}" < {span[POINTS_TO[column]]}'
    if "block" in columns:
        return f'"block" < {span["training"] // BLOCK}'
    raise ValueError(f"no key to tell the original rows of {table}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("admin", help="a PostgreSQL admin URL (postgresql+psycopg://...)")
    parser.add_argument("--times", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--source", default=run.PgProvince.db_name)
    parser.add_argument("--keep", action="store_true", help="reuse the copy if it exists")
    args = parser.parse_args(argv)
    target = f"{args.source}_x{args.times}"
    source_url = pg_url(args.admin, args.source)
    if args.keep and run.pg_database_exists(args.admin, target):
        target_url = pg_url(args.admin, target)
    else:
        target_url = build(args.admin, args.source, target, args.times)
    check = subprocess.run(
        [*run.KOPTRAIN, "--db", target_url, "db", "check"],
        capture_output=True,
        text=True,
        env=run.ENV,
    )
    said = (check.stdout + check.stderr).strip().splitlines()
    run.say(f"db check on the copy: exit {check.returncode}: {said[-1] if said else ''}")
    counts = {db: run.db_counts(db) for db in (source_url, target_url)}
    rows = [
        "| figure | 1x: beyond the floor, peak RSS | "
        f"{args.times}x: beyond the floor, peak RSS | growth of the time beyond the floor |",
        "|---|---|---|---|",
    ]
    for name, words in REPORTS:
        variant = run.Variant(
            f"{name} ({args.times}x)", [*run.KOPTRAIN, "--db", target_url, *words]
        )
        one = run.compare(
            f"{name} (1x)",
            [*run.KOPTRAIN, "--db", source_url, *words],
            run.FLOOR_STORE,
            args.runs,
            also=[variant],
            give_up_after=120,
        )
        cells = [name]
        deltas = []
        for f in (one, variant.figure):
            if not f.ok:
                cells.append(f"ERROR: {f.error}")
                continue
            t, b = run.med(f.samples), run.med(f.base_samples)
            deltas.append(t - b)
            rss = max(s.rss_kb for s in f.samples)
            cells.append(f"+{t - b:.2f} s ({run.fmt_s(t)}), {run.fmt_mb(rss)}")
        cells.append(f"{deltas[1] / deltas[0]:.2f}x" if len(deltas) == 2 else "—")
        rows.append("| " + " | ".join(cells) + " |")
    print()
    print(
        f"rows: {', '.join(f'{t} {n:,} -> {counts[target_url].get(t, 0):,}' for t, n in counts[source_url].items())}"
    )
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
