#!/usr/bin/env python3
"""Run one koptrain command in-process and say where its time goes: SQL and Python.

    python bench/sqlprofile.py [--top N] -- --db DB report summary --on 2026-11-28

Prints every SQL statement the command executes with its wall time (slowest first),
then cProfile's top functions by cumulative and own time; on PostgreSQL (`--db URL`) also
the server's EXPLAIN (ANALYZE, BUFFERS) of each statement that took over 50 ms, run again
afterwards on a connection of its own.  The command's own output goes to
bench/work/sqlprofile.out.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import re
import sys
import time
from pathlib import Path

WORK = Path(__file__).resolve().parent / "work"


def main(argv: list[str]) -> int:
    top = 25
    if argv and argv[0] == "--top":
        top, argv = int(argv[1]), argv[2:]
    if argv and argv[0] == "--":
        argv = argv[1:]
    os.environ.setdefault("KOPTRAIN_LANG", "en")
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    timings: list[tuple[float, str, object, object]] = []

    @event.listens_for(Engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("bench_start", []).append(time.perf_counter())

    @event.listens_for(Engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        start = conn.info["bench_start"].pop()
        timings.append((time.perf_counter() - start, statement, parameters, conn))

    from koptrain.i18n import setup

    setup("en")
    from koptrain.cli.main import app

    WORK.mkdir(exist_ok=True)
    out_path = WORK / "sqlprofile.out"
    profiler = cProfile.Profile()
    started = time.perf_counter()
    real_stdout = sys.stdout
    with out_path.open("w") as out:
        sys.stdout = out
        profiler.enable()
        try:
            app(argv, prog_name="koptrain", standalone_mode=False)
        except SystemExit:
            pass
        finally:
            profiler.disable()
            sys.stdout = real_stdout
    total = time.perf_counter() - started
    sql_total = sum(t for t, *_ in timings)
    print(f"command: koptrain {' '.join(argv)}")
    print(
        f"total {total:.3f} s in-process; {len(timings)} SQL statements, {sql_total:.3f} s in SQL"
    )
    print()
    for seconds, statement, params, _conn in sorted(timings, key=lambda t: -t[0])[:10]:
        text = re.sub(r"(\?, ){8,}\?", "?, ... ?", " ".join(statement.split()))
        print(f"--- {seconds:.3f} s  params={str(params)[:200]}")
        print(text[:3000])
        print()
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(15)
    print(buffer.getvalue())
    url = argv[argv.index("--db") + 1] if "--db" in argv else ""
    if url.startswith("postgresql"):
        explain_slow(url, [t for t in timings if t[0] > 0.05])
    return 0


def explain_slow(url: str, slow: list) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each slow statement, as the command sent it, with
    koptrain's connection settings (koptrain.db.create_engine: JIT off)."""
    import psycopg

    with psycopg.connect("postgresql://" + url.split("://", 1)[1], options="-c jit=off") as conn:
        for seconds, statement, params, _conn in sorted(slow, key=lambda t: -t[0]):
            print(f"=== EXPLAIN (ANALYZE, BUFFERS) of the {seconds:.3f} s statement")
            rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).fetchall()
            print("\n".join(r[0] for r in rows))
            print()
            conn.rollback()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
