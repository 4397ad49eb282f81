#!/usr/bin/env python3
"""koptrain's benchmark and performance budget (issue 9): one command, both scales.

    python bench/run.py [--scale small|province|both] [--runs N] [--import-runs M]
                        [--rebuild] [--profile] [--only WORD] [--pg ADMIN_URL]

Every figure is a whole process (`koptrain ...` as a user runs it), timed wall-clock and
with the child's peak RSS from os.wait4's rusage; each is run several times, alternating
with its baseline, and the medians are compared as a ratio: other work on the machine
slows both alike.  The table is printed and written to bench/RESULTS.md.  See
bench/README.md for what each figure means and how the province database is built.

With --pg (an admin URL of a PostgreSQL server, e.g.
postgresql+psycopg://koptrain@127.0.0.1:54329/postgres) the province's import and report
figures are also measured on PostgreSQL, in the same runs (baseline, SQLite, PostgreSQL,
baseline, ...), on a database built the same way with the same data.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "work"
PY = sys.executable
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
from baselines import pg_copy  # noqa: E402
from bulkload import (  # noqa: E402
    is_pg,
    pg_admin,
    pg_database_exists,
    pg_fresh_database,
    pg_url,
    sink_for,
)

_script = Path(PY).parent / "koptrain"
KOPTRAIN = [str(_script)] if _script.exists() else [PY, "-m", "koptrain"]
BARE_APP = BENCH / "baselines" / "bare_typer_app.py"
STDLIB_IMPORT = BENCH / "baselines" / "stdlib_import.py"
TODAY = generate.TODAY.isoformat()
PROGRAM = "DK-3507-2026"  # one province programme (region 3507, 2026) for the scoped figures
MB = 1024  # ru_maxrss is in KiB on Linux

FLOOR_SQLITE = ("python -c 'import sqlite3'", [PY, "-c", "import sqlite3"])
FLOOR_STORE = ("python -c 'import typer, sqlmodel'", [PY, "-c", "import typer, sqlmodel"])
BARE_HELP = ("bare Typer app --help", [PY, str(BARE_APP), "--help"])
# The same floor with the PostgreSQL driver and SQLAlchemy's dialect for it, which any
# command on a PostgreSQL store imports (psycopg imports asyncio): measured in the enroll
# rounds, beside FLOOR_STORE, to judge enroll on PostgreSQL (README, "The budget").
FLOOR_STORE_PG = (
    "python -c 'import typer, sqlmodel, psycopg, sqlalchemy.dialects.postgresql.psycopg'",
    [PY, "-c", "import typer, sqlmodel, psycopg, sqlalchemy.dialects.postgresql.psycopg"],
)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("KOPTRAIN_DB", None)
    env.update(KOPTRAIN_LANG="en", LANG="C.UTF-8", COLUMNS="120", PYTHONDONTWRITEBYTECODE="")
    env.pop("PYTHONDONTWRITEBYTECODE")
    return env


ENV = child_env()


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# Measuring one process
# ---------------------------------------------------------------------------------------


@dataclass
class Sample:
    wall: float
    rss_kb: int
    rc: int
    stderr: str = ""


# A tiny launcher (python -I -S, ~9 MB): on Linux a child's ru_maxrss starts at the RSS of
# the process that forked or vforked it, so the measured command must not be started by
# this (larger) process.  The launcher posix_spawns the command, waits with os.wait4 and
# prints wall seconds, ru_maxrss (KiB) and the exit status.
LAUNCHER = r"""
import os, signal, sys, time
out, err, timeout, *cmd = sys.argv[1:]
actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
           (os.POSIX_SPAWN_OPEN, 1, out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
           (os.POSIX_SPAWN_OPEN, 2, err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)]
start = time.perf_counter()
pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=actions)
signal.signal(signal.SIGALRM, lambda *_: os.kill(pid, signal.SIGKILL))
signal.alarm(int(float(timeout)))
_pid, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
print(wall, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def run_once(cmd: list[str], *, out: Path | None = None, timeout: float = 3600) -> Sample:
    """Run `cmd` to completion: wall time and the peak RSS of exactly this child."""
    WORK.mkdir(parents=True, exist_ok=True)
    err_path = WORK / "last_stderr.txt"
    result = subprocess.run(
        [PY, "-I", "-S", "-c", LAUNCHER, str(out or os.devnull), str(err_path), str(timeout), *cmd],
        capture_output=True,
        text=True,
        env=ENV,
    )
    if result.returncode != 0:
        raise RuntimeError(f"launcher failed: {result.stderr[-500:]}")
    wall, rss, rc = result.stdout.split()
    text = err_path.read_text(errors="replace").strip()
    return Sample(float(wall), int(rss), int(rc), text[-2000:])


def med(samples: list[Sample], attr: str = "wall") -> float:
    return statistics.median(getattr(s, attr) for s in samples)


@dataclass
class Figure:
    """One measured command beside its baseline."""

    name: str
    samples: list[Sample] = field(default_factory=list)
    baseline: str = ""
    base_samples: list[Sample] = field(default_factory=list)
    error: str = ""
    command: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.error and bool(self.samples)


@dataclass
class Variant:
    """The same figure on another back end, run in turn with the main command."""

    name: str
    make_cmd: object
    prepare: object = None
    out: Path | None = None
    check: object = None
    figure: Figure | None = None


def compare(
    name: str,
    make_cmd,
    baseline: tuple[str, list[str]],
    runs: int,
    *,
    prepare=None,
    prepare_base=None,
    out: Path | None = None,
    check=None,
    warmup: bool = True,
    give_up_after: float = 30.0,
    also: list[Variant] = (),
) -> Figure:
    """Alternate baseline and command `runs` times (after one untimed warm-up of each).

    Each variant in `also` (the same figure on PostgreSQL) runs right after the command
    in every round, against the same baseline sample; its Figure is put in `.figure`.
    """
    main_variant = Variant(name, make_cmd, prepare, out, check)
    variants = [main_variant, *also]
    for v in variants:
        v.figure = Figure(v.name, baseline=baseline[0])
    say(
        f"- {' / '.join(v.name for v in variants)}  (vs {baseline[0]}, {runs} runs)"
        if also
        else f"- {name}  (vs {baseline[0]}, {runs} runs)"
    )
    active = list(variants)
    for i in range(-1 if warmup else 0, runs):
        if not active:
            break
        if prepare_base:
            prepare_base(i)
        base_cmd = baseline[1](i) if callable(baseline[1]) else baseline[1]
        b = run_once(base_cmd)
        if b.rc != 0:
            for v in active:
                v.figure.error = (
                    f"baseline exit {b.rc}: {b.stderr.splitlines()[-1] if b.stderr else ''}"
                )
            say(f"  ERROR {main_variant.figure.error}")
            break
        report = []
        for v in list(active):
            figure = v.figure
            if v.prepare:
                v.prepare(i)
            cmd = v.make_cmd(i) if callable(v.make_cmd) else v.make_cmd
            figure.command = cmd
            s = run_once(cmd, out=v.out)
            problem = None
            if s.rc != 0:
                problem = f"command exit {s.rc}: {s.stderr.splitlines()[-1] if s.stderr else ''}"
            elif v.check:
                problem = v.check(v.out)
            if problem:
                figure.error = problem
                say(f"  ERROR {v.name}: {problem}")
                active.remove(v)
                continue
            if i >= 0 or s.wall > give_up_after:
                figure.samples.append(s)
                figure.base_samples.append(b)
            label = f"{v.name}: " if also else ""
            report.append(f"{label}{s.wall:.3f} s {s.rss_kb / MB:.0f} MB")
            if s.wall > give_up_after:
                say(
                    f"  {v.name} over {give_up_after:.0f} s, far beyond any budget: one run is enough"
                )
                active.remove(v)
        say(
            f"  {'warm-up' if i < 0 else f'run {i + 1}'}: {' | '.join(report)}"
            f"  | baseline {b.wall:.3f} s {b.rss_kb / MB:.0f} MB"
        )
    return main_variant.figure


# ---------------------------------------------------------------------------------------
# Databases
# ---------------------------------------------------------------------------------------


def koptrain(db: Path | str, *args: str, out: Path | None = None) -> Sample:
    return run_once([*KOPTRAIN, "--db", str(db), *args], out=out)


def must(sample: Sample, what: str) -> None:
    if sample.rc != 0:
        raise RuntimeError(f"{what}: exit {sample.rc}: {sample.stderr[-600:]}")


def fresh_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    must(koptrain(path, "db", "upgrade"), "db upgrade")


def copy_db(source: Path, dest: Path) -> None:
    conn = sqlite3.connect(source)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(dest) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, dest)


def has_command(*words: str) -> bool:
    return run_once([*KOPTRAIN, *words, "--help"]).rc == 0


def build_small(db: Path) -> None:
    """The demo sample through `koptrain demo`: every file through the importer, sessions closed."""
    say(f"building the small database {db.relative_to(REPO)} through koptrain demo")
    fresh_db(db)
    must(koptrain(db, "demo", "--db", str(db)), "demo")


@dataclass
class Province:
    root: Path = WORK / "province"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def base(self) -> Path:
        return self.root / "base.sqlite3"

    @property
    def db(self) -> Path:
        return self.root / "koptrain.sqlite3"

    def key(self) -> dict:
        return {"generator_version": generate.GENERATOR_VERSION}

    def _cached(self, path: Path) -> bool:
        stamp = path.with_suffix(".json")
        return (
            path.exists()
            and stamp.exists()
            and json.loads(stamp.read_text()).get("key") == self.key()
        )

    def _stamp(self, path: Path, **info) -> None:
        path.with_suffix(".json").write_text(json.dumps({"key": self.key(), **info}, indent=1))

    def manifest(self) -> dict:
        return json.loads((self.data / "manifest.json").read_text())

    def ensure_data(self, rebuild: bool) -> None:
        manifest = self.data / "manifest.json"
        if (
            not rebuild
            and manifest.exists()
            and (
                json.loads(manifest.read_text()).get("generator_version")
                == generate.GENERATOR_VERSION
            )
        ):
            return
        say("generating the province data (about a minute)")
        shutil.rmtree(self.data, ignore_errors=True)
        subprocess.run([PY, str(BENCH / "generate.py"), "--out", str(self.data)], check=True)
        for path in (self.base, self.db):
            path.with_suffix(".json").unlink(missing_ok=True)

    def ensure_base(self, rebuild: bool) -> None:
        """Schema by koptrain; programs, coops, RAT and health bulk-loaded."""
        if not rebuild and self._cached(self.base):
            must(koptrain(self.base, "db", "upgrade"), "db upgrade")
            return
        say("building the province base database (coops, RAT, health)")
        fresh_db(self.base)
        bulk(self.base, self.data, "base")
        self._stamp(self.base)

    def ensure_db(self, rebuild: bool, people_db: Path | None) -> str:
        """The full province database; people from `koptrain import people` when possible."""
        if not rebuild and self._cached(self.db):
            stamp = json.loads(self.db.with_suffix(".json").read_text())
            via = stamp["people_via"]
            if not via.startswith("bulk") or not has_command("import"):
                must(koptrain(self.db, "db", "upgrade"), "db upgrade")
                if not stamp.get("outcomes"):  # built before the outcome tables existed
                    say("bulk-loading scores and indicator values")
                    bulk(self.db, self.data, "outcomes")
                    self._stamp(self.db, **stamp, outcomes=True)
                return via
            say("koptrain import is available now: rebuilding the province database with it")
        staging = self.root / "staging.sqlite3"
        if people_db is not None and people_db.exists():
            copy_db(people_db, staging)
            via = "koptrain import people"
        else:
            copy_db(self.base, staging)
            if has_command("import"):
                say("importing 1,000,000 people through koptrain import")
                must(
                    koptrain(staging, "import", "people", str(self.data / "people.csv")),
                    "import people",
                )
                via = "koptrain import people"
            else:
                say("koptrain import is not available: people bulk-loaded (fallback)")
                bulk(staging, self.data, "people")
                via = "bulk load (koptrain import unavailable)"
        say("bulk-loading sessions, enrollments, attendance, groups, mentoring (a few minutes)")
        bulk(staging, self.data, "activity")
        bulk(staging, self.data, "outcomes")
        must(koptrain(staging, "db", "upgrade"), "db upgrade")
        for suffix in ("-wal", "-shm"):
            Path(str(self.db) + suffix).unlink(missing_ok=True)
        staging.replace(self.db)
        self._stamp(self.db, people_via=via, outcomes=True)
        return via


@dataclass
class PgProvince:
    """The province database on a PostgreSQL server, built the way the SQLite one is.

    koptrain_bench_province_base: schema by `koptrain db upgrade`, programmes, coops, RAT
    and health by COPY (the template of every import run); koptrain_bench_province: people
    by `koptrain import people` (the measured 1M-row import), the rest by COPY.  Cached
    like the SQLite files (a stamp beside them in bench/work/province/), dropped and
    re-created on --rebuild.
    """

    admin: str
    province: Province

    base_name = "koptrain_bench_province_base"
    db_name = "koptrain_bench_province"
    import_name = "koptrain_bench_province_import"
    copy_name = "koptrain_bench_province_copy"  # psql \copy's runs (the server's floor)
    enroll_name = "koptrain_bench_province_enroll"  # the enroll figure's copy

    def url(self, name: str) -> str:
        return pg_url(self.admin, name)

    @property
    def db(self) -> str:
        return self.url(self.db_name)

    def key(self) -> dict:
        from sqlalchemy.engine import make_url

        u = make_url(self.admin)
        return {**self.province.key(), "server": f"{u.host}:{u.port}"}

    def _stamp_path(self, name: str) -> Path:
        return self.province.root / f"pg_{name}.json"

    def _cached(self, name: str) -> dict | None:
        stamp = self._stamp_path(name)
        if not stamp.exists() or not pg_database_exists(self.admin, name):
            return None
        info = json.loads(stamp.read_text())
        return info if info.get("key") == self.key() else None

    def _stamp(self, name: str, **info) -> None:
        self._stamp_path(name).write_text(json.dumps({"key": self.key(), **info}, indent=1))

    def ensure_base(self, rebuild: bool) -> None:
        if not rebuild and self._cached(self.base_name):
            must(koptrain(self.url(self.base_name), "db", "upgrade"), "db upgrade (PostgreSQL)")
            return
        say(f"building the PostgreSQL base database {self.base_name} (coops, RAT, health)")
        self._stamp_path(self.base_name).unlink(missing_ok=True)
        url = pg_fresh_database(self.admin, self.base_name)
        must(koptrain(url, "db", "upgrade"), "db upgrade (PostgreSQL)")
        bulk(url, self.province.data, "base")
        self._stamp(self.base_name)

    def fresh_import_db(self) -> str:
        return pg_fresh_database(self.admin, self.import_name, template=self.base_name)

    def fresh_copy_db(self) -> str:
        return pg_fresh_database(self.admin, self.copy_name, template=self.base_name)

    def copy_files(self, n: int, people: Path) -> Path:
        r"""The rows `koptrain import people` writes for `people`, as psql \copy reads them
        (bench/baselines/pg_copy.py; made once, not timed)."""
        out = self.province.root / f"pg_copy_{n}"
        stamp = out / "stamp.json"
        if not (stamp.exists() and json.loads(stamp.read_text()) == self.key()):
            say(f"preparing the rows of {people.name} for psql \\copy")
            pg_copy.prepare(self.url(self.base_name), str(people), str(out))
            stamp.write_text(json.dumps(self.key()))
        return out

    def enroll_copy(self) -> str:
        """A copy of the province database for the enroll figure (CREATE DATABASE …
        TEMPLATE, not timed), so the database the reports read stays as built."""
        return pg_fresh_database(
            self.admin, self.enroll_name, template=self.db_name, file_copy=True
        )

    def ensure_db(self, rebuild: bool, people_imported: bool) -> str:
        """The full province database; `people_imported`: the import database holds them."""
        cached = None if rebuild else self._cached(self.db_name)
        if cached:
            must(koptrain(self.db, "db", "upgrade"), "db upgrade (PostgreSQL)")
            return cached["people_via"]
        self._stamp_path(self.db_name).unlink(missing_ok=True)
        staging = self.url(self.import_name)
        if not (people_imported and pg_database_exists(self.admin, self.import_name)):
            staging = self.fresh_import_db()
            say("importing 1,000,000 people into PostgreSQL through koptrain import")
            must(
                koptrain(staging, "import", "people", str(self.province.data / "people.csv")),
                "import people (PostgreSQL)",
            )
        say("COPYing sessions, enrollments, attendance, groups, mentoring into PostgreSQL")
        started = time.perf_counter()
        bulk(staging, self.province.data, "activity")
        bulk(staging, self.province.data, "outcomes")
        must(koptrain(staging, "db", "upgrade"), "db upgrade (PostgreSQL)")
        # What autovacuum would have done by the time anyone reads it: the dead rows of the
        # load and of the derived rows' refresh (an empty derived_dirty is then one page).
        pg_admin(staging, "VACUUM (ANALYZE)")
        pg_admin(
            self.admin,
            f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)',
            f'ALTER DATABASE "{self.import_name}" RENAME TO "{self.db_name}"',
        )
        via = "koptrain import people"
        self._stamp(self.db_name, people_via=via, activity_load_s=time.perf_counter() - started)
        return via

    def drop_scratch(self) -> None:
        pg_admin(
            self.admin,
            *(
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
                for name in (self.import_name, self.copy_name, self.enroll_name)
            ),
        )


def bulk(db: Path | str, data: Path, *kinds: str) -> None:
    """bulkload.py in a child process: this process stays small (see run_once)."""
    subprocess.run([PY, str(BENCH / "bulkload.py"), str(db), str(data), *kinds], check=True)


def db_counts(db: Path | str) -> dict[str, int]:
    sink = sink_for(db)
    tables = [
        "coop",
        "rat",
        "health_rating",
        "person",
        "membership",
        "training",
        "enrollment",
        "attendance",
        "mentor_group",
        "group_member",
        "mentoring_log",
        "obstacle",
    ]
    counts = {t: sink.scalar(f"SELECT count(*) FROM {t}") for t in tables}
    sink.conn.close()
    return counts


# ---------------------------------------------------------------------------------------
# Budget lines
# ---------------------------------------------------------------------------------------


@dataclass
class Line:
    figure: str
    measured: str
    baseline: str
    compared: str
    budget: str
    result: str


def fmt_s(x: float) -> str:
    return f"{x:.3f} s"


def fmt_mb(kb: float) -> str:
    return f"{kb / MB:.0f} MB"


def line_for(f: Figure, budget: str, *, ratio_max=None, delta_max=None, rss_max_mb=None) -> Line:
    if not f.ok:
        return Line(f.name, "—", f.baseline, "—", budget, f"ERROR: {f.error or 'not run'}")
    t, b = med(f.samples), med(f.base_samples)
    rss, brss = max(s.rss_kb for s in f.samples), max(s.rss_kb for s in f.base_samples)
    ratio = t / b
    verdicts = []
    compared = f"{ratio:.2f}x"
    if delta_max is not None:
        compared = f"+{t - b:.3f} s ({ratio:.2f}x)"
        verdicts.append(t - b <= delta_max)
    if ratio_max is not None:
        verdicts.append(ratio <= ratio_max)
    if rss_max_mb is not None:
        verdicts.append(rss <= rss_max_mb * MB)
    result = ("PASS" if all(verdicts) else "FAIL") if verdicts else "info"
    return Line(
        f.name,
        f"{fmt_s(t)}, {fmt_mb(rss)} ({len(f.samples)} run{'s' if len(f.samples) > 1 else ''})",
        f"{f.baseline}: {fmt_s(b)}, {fmt_mb(brss)}",
        compared,
        budget,
        result,
    )


def import_lines(small: Figure, large: Figure) -> list[Line]:
    lines = []
    for f in (small, large):
        if not f.ok:
            lines.append(Line(f.name, "—", f.baseline, "—", "", f"ERROR: {f.error}"))
            continue
        t, b = med(f.samples), med(f.base_samples)
        ratio = b / t  # throughput ratio
        budget = "≥ 0.7x stdlib rows/s; peak RSS ≤ 100 MB" if f is large else "(info)"
        rss = max(s.rss_kb for s in f.samples)
        ok = ratio >= 0.7 and rss <= 100 * MB
        lines.append(
            Line(
                f.name,
                f"{fmt_s(t)} = {f.rows / t:,.0f} rows/s, {fmt_mb(rss)}",
                f"{f.baseline}: {fmt_s(b)} = {f.rows / b:,.0f} rows/s, "
                f"{fmt_mb(max(s.rss_kb for s in f.base_samples))}",
                f"{ratio:.2f}x rows/s",
                budget,
                ("PASS" if ok else "FAIL") if f is large else "info",
            )
        )
    if small.ok and large.ok:
        r_small = max(s.rss_kb for s in small.samples)
        r_large = max(s.rss_kb for s in large.samples)
        growth = r_large / r_small - 1
        lines.append(
            Line(
                "import people: peak RSS, 1M vs 100k rows",
                f"{fmt_mb(r_large)} vs {fmt_mb(r_small)}",
                "—",
                f"{growth:+.0%}",
                "within ±20%",
                "PASS" if abs(growth) <= 0.20 else "FAIL",
            )
        )
    return lines


def render_table(lines: list[Line]) -> str:
    head = "| figure | median wall, peak RSS | baseline (same run) | compared | budget | result |"
    rows = [head, "|---|---|---|---|---|---|"]
    for ln in lines:
        cells = [ln.figure, ln.measured, ln.baseline, ln.compared, ln.budget, ln.result]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows)


# Figures measured on both back ends: (key of the SQLite figure, kind, budget text).
PG_PAIRS = (
    ("import_100000", "import", "(info)"),
    ("import_1000000", "import", "≥ 0.7x psql \\copy rows/s; ≤ 100 MB"),
    ("enroll", "ratio", "≤ 1.3x import typer, sqlmodel, psycopg"),
    ("summary", "delta", "≤ floor + 1 s, ≤ 200 MB"),
    ("reminders", "delta", "≤ floor + 1 s, ≤ 200 MB"),
    ("mentoring", "delta", "≤ floor + 1 s, ≤ 200 MB"),
    ("outcomes", "delta", "≤ floor + 1 s, ≤ 200 MB"),
    ("summary --program", "ratio", "(info: one programme)"),
    ("mentoring --program", "ratio", "(info: one programme)"),
)


def pg_reference(figures: dict[str, Figure], key: str, kind: str) -> float | None:
    """The median time a PostgreSQL figure is judged against when it is not the common
    baseline (see README): psql's \\copy of the same rows for the import, the floor that
    also imports the PostgreSQL driver for enroll; None when that was not measured."""
    name = {"import": key.replace("import_", "copy_") + "_pg", "ratio": "floor_pg"}.get(kind)
    reference = figures.get(name) if name else None
    return med(reference.samples) if reference is not None and reference.ok else None


def pg_verdict(figures: dict[str, Figure], key: str, kind: str) -> bool | None:
    """The budget on PostgreSQL (issue 22: SQLite's, with the references of
    pg_reference), None when not measured."""
    pg = figures.get(f"{key}_pg")
    if pg is None or not pg.ok:
        return None
    t, b = med(pg.samples), med(pg.base_samples)
    rss = max(s.rss_kb for s in pg.samples)
    if kind == "delta":
        return t - b <= 1.0 and rss <= 200 * MB
    reference = pg_reference(figures, key, kind)
    if reference is None:
        return None
    if kind == "import":
        return reference / t >= 0.7 and rss <= 100 * MB
    return t / reference <= 1.3


def pg_against(figures: dict[str, Figure], key: str, kind: str) -> str:
    """What the PostgreSQL figure was judged against, when that is not the common baseline."""
    reference = pg_reference(figures, key, kind)
    if reference is None:
        return ""
    t = med(figures[f"{key}_pg"].samples)
    if kind == "import":
        return f" (\\copy {fmt_s(reference)}: {reference / t:.2f}x)"
    return f" ({fmt_s(reference)}: {t / reference:.2f}x)"


def pg_failures(figures: dict[str, Figure], info: dict) -> list[str]:
    """What fails on PostgreSQL: a budget line, or a report whose output differs."""
    failed = []
    for key, kind, budget in PG_PAIRS:
        if budget.startswith("(") or f"{key}_pg" not in figures:  # info, or not run
            continue
        verdict = pg_verdict(figures, key, kind)
        if verdict is not True:
            failed.append(key if verdict is False else f"{key}: not measured")
    same = info.get("pg_same_output", {})
    return failed + [f"{label}: output differs" for label, ok in same.items() if not ok]


def pg_table(figures: dict[str, Figure]) -> str:
    """SQLite and PostgreSQL side by side, each against the same baseline samples."""
    head = (
        "| figure | SQLite: median wall, peak RSS | PostgreSQL: median wall, peak RSS "
        "| PostgreSQL / SQLite | baseline (same run) | SQLite vs baseline "
        "| PostgreSQL vs baseline | budget on PostgreSQL |"
    )
    rows = [head, "|---|---|---|---|---|---|---|---|"]
    for key, kind, budget in PG_PAIRS:
        lite, pg = figures.get(key), figures.get(f"{key}_pg")
        if lite is None or pg is None:
            continue
        name = lite.name.replace(" (province)", "")

        def cell(f: Figure, kind: str = kind) -> str:
            if not f.ok:
                return f"ERROR: {f.error}"
            t, rss = med(f.samples), max(s.rss_kb for s in f.samples)
            runs = f"{len(f.samples)} run{'s' if len(f.samples) > 1 else ''}"
            if kind == "import":
                return f"{fmt_s(t)} = {f.rows / t:,.0f} rows/s, {fmt_mb(rss)} ({runs})"
            return f"{fmt_s(t)}, {fmt_mb(rss)} ({runs})"

        def against(f: Figure, kind: str = kind) -> str:
            if not f.ok:
                return "—"
            t, b = med(f.samples), med(f.base_samples)
            if kind == "import":
                return f"{b / t:.2f}x rows/s"
            if kind == "delta":
                return f"+{t - b:.3f} s ({t / b:.2f}x)"
            return f"{t / b:.2f}x"

        both = lite.ok and pg.ok
        ratio = f"{med(pg.samples) / med(lite.samples):.2f}x time" if both else "—"
        base = pg if pg.ok else lite
        baseline = "—"
        if base.ok:
            b = base.base_samples
            bt = med(b)
            baseline = f"{base.baseline}: {fmt_s(bt)}" + (
                f" = {base.rows / bt:,.0f} rows/s" if kind == "import" else ""
            )
            baseline += f", {fmt_mb(max(x.rss_kb for x in b))}"
        verdict = "—"
        if budget.startswith("("):
            verdict = budget
        elif (ok := pg_verdict(figures, key, kind)) is not None:
            verdict = f"{budget}{pg_against(figures, key, kind)}: {'PASS' if ok else 'FAIL'}"
        cells = [name, cell(lite), cell(pg), ratio, baseline, against(lite), against(pg), verdict]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows)


def pg_floor_table(figures: dict[str, Figure]) -> str:
    """koptrain's import on PostgreSQL against psql's \\copy of the same rows (the server's
    own floor) and against the stdlib importer on SQLite, all in the same rounds."""
    head = (
        "| rows | psql \\copy (same rows, same schema) | koptrain import people (PostgreSQL) "
        "| koptrain / \\copy | stdlib importer (SQLite) | \\copy vs stdlib | koptrain vs stdlib |"
    )
    rows = [head, "|---|---|---|---|---|---|---|"]
    for n in (100_000, 1_000_000):
        copy, pg = figures.get(f"copy_{n}_pg"), figures.get(f"import_{n}_pg")
        if not (copy and pg and copy.ok and pg.ok):
            continue
        c, k, b = med(copy.samples), med(pg.samples), med(pg.base_samples)
        cells = [
            f"{n:,}",
            f"{fmt_s(c)} = {n / c:,.0f} rows/s",
            f"{fmt_s(k)} = {n / k:,.0f} rows/s",
            f"{k / c:.2f}x time",
            f"{fmt_s(b)} = {n / b:,.0f} rows/s",
            f"{b / c:.2f}x rows/s",
            f"{b / k:.2f}x rows/s",
        ]
        rows.append("| " + " | ".join(x.replace("|", "\\|") for x in cells) + " |")
    return "\n".join(rows) if len(rows) > 2 else ""


# ---------------------------------------------------------------------------------------
# The benchmark
# ---------------------------------------------------------------------------------------


def regenerate_bare_app() -> None:
    check = subprocess.run(
        [PY, str(BENCH / "baselines" / "make_bare_app.py"), "--check"], env=ENV, cwd=REPO
    )
    if check.returncode != 0:
        subprocess.run(
            [PY, str(BENCH / "baselines" / "make_bare_app.py")], env=ENV, cwd=REPO, check=True
        )
        say("  the command tree changed: bench/baselines/bare_typer_app.py regenerated (commit it)")


def bench_startup(runs: int) -> tuple[list[Line], dict[str, Figure]]:
    figures = {}
    regenerate_bare_app()
    figures["help"] = compare("koptrain --help", [*KOPTRAIN, "--help"], BARE_HELP, runs)
    figures["floor"] = compare(FLOOR_STORE[0], FLOOR_STORE[1], FLOOR_SQLITE, runs)
    lines = [
        line_for(figures["help"], "≤ 1.2x bare Typer app", ratio_max=1.2),
        line_for(figures["floor"], "(floor of any command that opens the store)"),
    ]
    if figures["floor"].ok:
        s = figures["floor"].base_samples
        lines.insert(
            1,
            Line(
                "floor: python -c 'import sqlite3'",
                f"{fmt_s(med(s))}, {fmt_mb(max(x.rss_kb for x in s))}",
                "—",
                "—",
                "(floor of the interpreter)",
                "info",
            ),
        )
    return lines, figures


def bench_small(runs: int) -> tuple[list[Line], dict[str, Figure]]:
    db = WORK / "small" / "koptrain.sqlite3"
    try:
        build_small(db)
    except RuntimeError as error:
        f = Figure(
            "report summary (small)",
            baseline=FLOOR_STORE[0],
            error=str(error).splitlines()[0][:200],
        )
        return [line_for(f, "≤ 1.3x floor")], {"summary_small": f}
    out = WORK / "small" / "summary.txt"
    f = compare(
        "report summary (small)",
        [*KOPTRAIN, "--db", str(db), "report", "summary"],
        FLOOR_STORE,
        runs,
        out=out,
    )
    return [line_for(f, "≤ 1.3x import typer, sqlmodel", ratio_max=1.3)], {"summary_small": f}


def bench_province(
    runs: int, import_runs: int, rebuild: bool, only: str | None, pg: str | None = None
) -> tuple[list[Line], dict[str, Figure], dict]:
    province = Province()
    province.root.mkdir(parents=True, exist_ok=True)
    province.ensure_data(rebuild)
    province.ensure_base(rebuild)
    pgp = PgProvince(pg, province) if pg else None
    if pgp:
        pgp.ensure_base(rebuild)
    scratch = province.root / "scratch"
    scratch.mkdir(exist_ok=True)
    figures: dict[str, Figure] = {}
    lines: list[Line] = []
    last_import: Path | None = None
    pg_imported = False
    manifest = province.manifest()
    if only is None or "import" in only:
        if not has_command("import"):
            for n in (100_000, 1_000_000):
                figures[f"import_{n}"] = Figure(
                    f"import people, {n:,} rows",
                    baseline="stdlib importer",
                    error="`koptrain import` is not available yet",
                )
        for n, path in (
            (100_000, province.data / "people_100000.csv"),
            (1_000_000, province.data / "people.csv"),
        ):
            if f"import_{n}" in figures:
                continue
            target = scratch / f"import_{n}.sqlite3"
            base_target = scratch / f"stdlib_{n}.sqlite3"

            def check(out: Path | None, n=n) -> str | None:
                try:
                    report = json.loads(out.read_text())
                except (OSError, ValueError):
                    return "import people --format json printed no JSON"
                if report.get("inserted") != n:
                    return f"import people inserted {report.get('inserted')} of {n} rows"
                return None

            also = []
            pg_args = [str(path), "--format", "json"]
            if pgp:
                copy_dir = pgp.copy_files(n, path)
                also.append(
                    Variant(
                        f"psql \\copy, {n:,} rows (PostgreSQL)",
                        pg_copy.command(pgp.url(pgp.copy_name), str(copy_dir)),
                        prepare=lambda _i: pgp.fresh_copy_db(),
                    )
                )
                also.append(
                    Variant(
                        f"import people, {n:,} rows (PostgreSQL)",
                        [*KOPTRAIN, "--db", pgp.url(pgp.import_name), "import", "people", *pg_args],
                        prepare=lambda _i: pgp.fresh_import_db(),
                        out=scratch / f"import_{n}_pg.json",
                        check=check,
                    )
                )
            f = compare(
                f"import people, {n:,} rows",
                [*KOPTRAIN, "--db", str(target), "import", "people", str(path), "--format", "json"],
                ("stdlib importer", [PY, str(STDLIB_IMPORT), str(base_target), str(path)]),
                import_runs,
                prepare=lambda _i, t=target: copy_db(province.base, t),
                prepare_base=lambda _i, t=base_target: copy_db(province.base, t),
                out=scratch / f"import_{n}.json",
                check=check,
                warmup=False,
                give_up_after=float("inf"),
                also=also,
            )
            f.rows = n
            figures[f"import_{n}"] = f
            if n == 1_000_000 and f.ok:
                last_import = target
            if also:
                for v in also:
                    v.figure.rows = n
                figures[f"copy_{n}_pg"] = also[0].figure
                figures[f"import_{n}_pg"] = also[1].figure
                pg_imported = n == 1_000_000 and also[1].figure.ok
        lines += import_lines(figures["import_100000"], figures["import_1000000"])
    via = province.ensure_db(rebuild, last_import)
    for n in (100_000, 1_000_000):
        for p in (scratch / f"import_{n}.sqlite3", scratch / f"stdlib_{n}.sqlite3"):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
    db = province.db
    info = {"people_via": via, "counts": db_counts(db), "manifest": manifest}
    if pgp:
        info["pg_people_via"] = pgp.ensure_db(rebuild, pg_imported)
        pgp.drop_scratch()
        info["pg_counts"] = db_counts(pgp.db)
        info["pg_load"] = pgp._cached(pgp.db_name) or {}

    if only is None or "enroll" in only:
        # On copies (a file copy; CREATE DATABASE … TEMPLATE), so the databases the reports
        # read keep identical contents, run after run.
        say("copying the province databases for the enroll figure")
        enroll_db = scratch / "enroll.sqlite3"
        copy_db(db, enroll_db)
        pg_enroll = pgp.enroll_copy() if pgp else None
        targets = json.loads((province.data / "targets.json").read_text())
        picks = enroll_targets(enroll_db, targets, runs + 1)
        pg_picks = enroll_targets(pg_enroll, targets, runs + 1) if pgp else None
        also = []
        if pgp and pg_picks is not None:
            also.append(
                Variant(
                    "enroll one person (province, PostgreSQL)",
                    lambda i: [*KOPTRAIN, "--db", pg_enroll, "enroll", *pg_picks[i + 1]],
                    out=scratch / "enroll_pg.txt",
                )
            )
            also.append(Variant(FLOOR_STORE_PG[0], FLOOR_STORE_PG[1]))
        if picks is None:
            f = Figure(
                "enroll one person (province)",
                baseline=FLOOR_STORE[0],
                error="no reserved person or free seat left: rebuild with --rebuild",
            )
        else:
            f = compare(
                "enroll one person (province)",
                lambda i: [
                    *KOPTRAIN,
                    "--db",
                    str(enroll_db),
                    "enroll",
                    picks[i + 1][0],
                    picks[i + 1][1],
                ],
                FLOOR_STORE,
                runs,
                out=scratch / "enroll.txt",
                also=also,
            )
        figures["enroll"] = f
        if len(also) == 2 and also[1].figure and also[1].figure.ok:
            figures["floor_pg"] = also[1].figure
        if pgp:
            figures["enroll_pg"] = (
                also[0].figure
                if also and also[0].figure
                else Figure(
                    "enroll one person (province, PostgreSQL)",
                    baseline=FLOOR_STORE[0],
                    error="no reserved person or free seat left: rebuild with --rebuild",
                )
            )
        lines.append(line_for(f, "≤ 1.3x import typer, sqlmodel", ratio_max=1.3))
        for suffix in ("", "-wal", "-shm"):
            Path(str(enroll_db) + suffix).unlink(missing_ok=True)
        if pgp:
            pgp.drop_scratch()
    for name, args, budget in (
        ("summary", ["report", "summary", "--on", TODAY], True),
        ("reminders", ["report", "reminders", "--on", TODAY], True),
        ("mentoring", ["report", "mentoring"], True),
        ("outcomes", ["report", "outcomes", "--on", TODAY], True),
        # For information: the same reports scoped to one programme (~110 sessions).
        ("summary --program", ["report", "summary", "--program", PROGRAM, "--on", TODAY], False),
        ("mentoring --program", ["report", "mentoring", "--program", PROGRAM], False),
    ):
        if only is not None and not any(word in name for word in only):
            continue
        out = scratch / f"{name.replace(' ', '_')}.txt"
        label = f"report {name}{' ' + PROGRAM if not budget else ''} (province)"
        also = []
        if pgp:
            also.append(
                Variant(
                    label.replace("(province)", "(province, PostgreSQL)"),
                    [*KOPTRAIN, "--db", pgp.db, *args],
                    out=scratch / f"{name.replace(' ', '_')}_pg.txt",
                )
            )
        f = compare(
            label, [*KOPTRAIN, "--db", str(db), *args], FLOOR_STORE, runs, out=out, also=also
        )
        figures[name] = f
        if also:
            figures[f"{name}_pg"] = also[0].figure
            if f.ok and also[0].figure.ok:
                same = out.read_bytes() == also[0].out.read_bytes()
                info.setdefault("pg_same_output", {})[label] = same
        if budget:
            lines.append(line_for(f, "≤ floor + 1 s, ≤ 200 MB", delta_max=1.0, rss_max_mb=200))
        else:
            lines.append(line_for(f, "(info: one programme)"))
    if pgp:
        # The one difference the two databases may have: the enrollments that the enroll
        # figure has added to each, run after run, in the BENCH-nn sessions.
        info["bench_enrollments"] = {
            name: bench_enrollments(target)
            for name, target in (("SQLite", db), ("PostgreSQL", pgp.db))
        }
    return lines, figures, info


def bench_enrollments(db: Path | str) -> int:
    sink = sink_for(db)
    try:
        return sink.scalar(
            "SELECT count(*) FROM enrollment e JOIN training t ON t.id = e.session_id "
            "WHERE t.code LIKE 'BENCH-%'"
        )
    finally:
        sink.conn.close()


def enroll_targets(db: Path | str, targets: dict, n: int) -> list[tuple[str, str]] | None:
    """`n` (session, NIK) pairs: reserved people enrolled nowhere, sessions with free seats."""
    sink = sink_for(db)
    niks = [p["nik"] for p in targets["people"]]
    assert all(nik.isdigit() for nik in niks)
    listed = ",".join(f"'{nik}'" for nik in niks)
    free_people = [
        r[0]
        for r in sink.all(
            f"SELECT p.nik FROM person p WHERE p.nik IN ({listed}) AND NOT EXISTS "
            "(SELECT 1 FROM enrollment e WHERE e.person_id = p.id) ORDER BY p.nik"
        )
    ]
    seats = sink.all(
        "SELECT t.code, t.capacity - (SELECT count(*) FROM enrollment e WHERE e.session_id = t.id "
        "AND e.status IN ('enrolled', 'completed', 'not_completed')) FROM training t "
        "WHERE t.code LIKE 'BENCH-%' ORDER BY t.code"
    )
    sink.conn.close()
    slots = [code for code, free in seats for _ in range(max(free, 0))]
    if len(free_people) < n or len(slots) < n:
        return None
    return list(zip(slots[:n], free_people[:n], strict=True))


def profile(figure: Figure, dest: Path) -> str:
    """Run a failing command once under cProfile; the top functions by cumulative time."""
    import pstats

    cmd = figure.command
    if not cmd:
        return ""
    if cmd[0] == KOPTRAIN[0]:
        cmd = [PY, "-m", "koptrain", *cmd[len(KOPTRAIN) :]]
    prof = dest.with_suffix(".prof")
    run_once([PY, "-m", "cProfile", "-o", str(prof), *cmd[1:]] if cmd[0] == PY else cmd)
    if not prof.exists():
        return ""
    import io

    buffer = io.StringIO()
    stats = pstats.Stats(str(prof), stream=buffer)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(15)
    dest.write_text(buffer.getvalue())
    return buffer.getvalue()


def machine() -> dict[str, str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": mem, "os": platform.platform()}


def versions() -> dict[str, str]:
    from importlib import metadata

    out = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for pkg in (
        "koptrain",
        "typer",
        "sqlmodel",
        "sqlalchemy",
        "alembic",
        "rich",
        "python-stdnum",
        "openpyxl",
    ):
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[pkg] = metadata.version(pkg)
    rev = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    out["koptrain"] = (
        f"{out.get('koptrain', '?')} (git {rev}{', with uncommitted changes in src/' if dirty else ''})"
    )
    return out


def pg_server_version(admin: str) -> str:
    sink = sink_for(admin)
    try:
        return sink.scalar("SHOW server_version")
    finally:
        sink.conn.close()


# Sections of RESULTS.md that other scripts write, after run.py's (kept by run.py).
OTHER_SECTIONS = ("## The change journal: import people and its undo (issue 16)",)


def write_results(
    lines: list[Line],
    info: dict,
    args,
    started: dt.datetime,
    loads: tuple,
    profiles: dict[str, str],
    figures: dict[str, Figure] | None = None,
) -> str:
    m, v = machine(), versions()
    if args.pg:
        with contextlib.suppress(Exception):
            v["postgresql"] = pg_server_version(args.pg)
        with contextlib.suppress(Exception):
            from importlib import metadata

            v["psycopg"] = metadata.version("psycopg")
    parts = [
        "# koptrain benchmark results",
        "",
        f"Written by `python bench/run.py {' '.join(sys.argv[1:])}`".rstrip()
        + f" on {started:%Y-%m-%d %H:%M} (local time); "
        f"runs per fast figure: {args.runs}, per import: {args.import_runs}. Medians; peak RSS is the largest of the runs.",
        "See bench/README.md for what each figure means and how the databases are built.",
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM; {m['os']}",
        f"- Load average at start / end: {loads[0]} / {loads[1]} (other engineers' tests share the machine: "
        "every figure is a ratio to a baseline measured in the same run, alternating with it)",
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()),
        "",
        "## Budget",
        "",
        render_table(lines),
        "",
    ]
    if info.get("pg_counts") and figures:
        load = info.get("pg_load", {})
        took = (
            f" (the COPY of the activity took {load['activity_load_s'] / 60:.1f} min when it was built)"
            if load.get("activity_load_s")
            else ""
        )
        parts += [
            "## PostgreSQL beside SQLite (province)",
            "",
            "The same figures on a PostgreSQL database holding the same data, measured in the same "
            "rounds as the SQLite ones (baseline, SQLite, PostgreSQL, baseline, ...), so both are "
            "compared with the same baseline samples. PostgreSQL runs on the same machine (loopback "
            "TCP, the shared dev server); **peak RSS is the koptrain client process only** — the "
            "server's memory and CPU are not in it, its time is in the wall time. "
            f"People loaded by: {info['pg_people_via']}; everything else by COPY from the same rows "
            f"as SQLite's bulk load{took} (see README). The budget is SQLite's (issue 22), but "
            "for the import, which is judged against psql's `\\copy` of the same rows into the "
            "same schema in the same rounds (the server's own floor, next table): SQLite's "
            "stdlib importer writes in-process B-trees, a server client cannot; and for enroll, "
            "judged against the floor that also imports psycopg and its SQLAlchemy dialect, "
            "measured in the same rounds (any command on PostgreSQL imports them). A FAIL here, or "
            "a report whose output differs between the back ends, makes the exit status 1.",
            "",
            pg_table(figures),
            "",
        ]
        floor = pg_floor_table(figures)
        if floor:
            parts += [
                "The server's own floor for the import: psql's `\\copy` of the rows koptrain "
                "writes for the same file (bench/baselines/pg_copy.py: person and membership "
                "rows prepared once, not timed) into a fresh copy of the same base database, "
                "in the same rounds as the stdlib importer and `koptrain import people`:",
                "",
                floor,
                "",
            ]
        if info.get("pg_same_output"):
            parts += [
                "Each report's output (stdout, as a pipe sees it) compared byte for byte between "
                "the two back ends: "
                + "; ".join(
                    f"{label.replace(' (province)', '')}: {'identical' if same else 'DIFFERENT'}"
                    for label, same in info["pg_same_output"].items()
                )
                + ".",
                "",
            ]
            added = info.get("bench_enrollments", {})
            if added and len(set(added.values())) > 1:
                parts += [
                    "The two databases are not identical when the reports run: the `enroll` figure "
                    "adds one enrollment per run to a BENCH-nn session of each, and the cached "
                    "databases have had different numbers of runs ("
                    + ", ".join(f"{k}: {v}" for k, v in added.items())
                    + " such enrollments now); a report that counts them (`report summary` "
                    "over all sessions) differs by exactly that.",
                    "",
                ]
    if info:
        counts = info["counts"]
        parts += [
            "## Province database",
            "",
            f"People loaded by: {info['people_via']}; everything else bulk-loaded by bench/bulkload.py "
            f"(see README). Reports run with `--on {TODAY}` (the generator's today); `report mentoring` uses the real today.",
            "",
            *(
                [
                    "| table | rows (SQLite) | rows (PostgreSQL) |",
                    "|---|---|---|",
                    *[
                        f"| {t} | {n:,} | {info['pg_counts'].get(t, 0):,} |"
                        for t, n in counts.items()
                    ],
                ]
                if info.get("pg_counts")
                else [
                    "| table | rows |",
                    "|---|---|",
                    *[f"| {t} | {n:,} |" for t, n in counts.items()],
                ]
            ),
            "",
            f"Follow-ups: {info['manifest']['counts']['followups']:,} in all, "
            f"{info['manifest']['counts']['followups_in_window']:,} inside the 180-day window of {TODAY}; "
            f"mentoring logs dated within the last 180 days: {info['manifest']['counts']['mentoring_in_window']:,}.",
            "",
        ]
    if profiles:
        parts += ["## Profiles of failing lines", ""]
        for name, text in profiles.items():
            parts += [f"### {name}", "", "```", "\n".join(text.splitlines()[:60]), "```", ""]
    text = "\n".join(parts)
    results = BENCH / "RESULTS.md"
    old = results.read_text() if results.exists() else ""
    for heading in OTHER_SECTIONS:  # written by other benches: kept as they are
        if heading in old:
            text = text.rstrip() + "\n\n" + old[old.index(heading) :].rstrip() + "\n"
            break
    results.write_text(text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=("small", "province", "both"), default="both")
    parser.add_argument("--runs", type=int, default=5, help="runs of each fast figure (default 5)")
    parser.add_argument(
        "--import-runs", type=int, default=3, help="runs of each people import (default 3)"
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="regenerate the province data and databases"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile every failing command once"
    )
    parser.add_argument(
        "--only", help="province figures whose name contains one of these words (comma-separated)"
    )
    parser.add_argument(
        "--pg",
        metavar="ADMIN_URL",
        help="also measure the province figures on this PostgreSQL server "
        "(e.g. postgresql+psycopg://koptrain@127.0.0.1:54329/postgres; databases "
        "koptrain_bench_province* are created there)",
    )
    args = parser.parse_args(argv)
    if args.pg and not is_pg(args.pg):
        parser.error("--pg takes a PostgreSQL URL (postgresql+psycopg://user@host:port/dbname)")
    os.chdir(REPO)
    started = dt.datetime.now()
    load_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
    only = args.only.split(",") if args.only else None
    lines, figures = bench_startup(args.runs)
    info: dict = {}
    if args.scale in ("small", "both"):
        more, figs = bench_small(args.runs)
        lines += more
        figures.update(figs)
    if args.scale in ("small", "both") and (only is None or "xlsx" in only):
        import xlsx_import  # the spreadsheet line (issue 15): .xlsx against CSV, same rows

        more, figs = xlsx_import.measure(args.import_runs)
        lines += more
        figures.update(figs)
    if args.scale in ("province", "both"):
        more, figs, info = bench_province(args.runs, args.import_runs, args.rebuild, only, args.pg)
        lines += more
        figures.update(figs)
    profiles: dict[str, str] = {}
    if args.profile:
        failing = {ln.figure for ln in lines if ln.result == "FAIL"}
        for f in figures.values():
            if f.name in failing or any(f.name in x for x in failing):
                say(f"profiling {f.name}")
                profiles[f.name] = profile(f, WORK / f"profile_{len(profiles)}.txt")
    load_end = " ".join(f"{x:.2f}" for x in os.getloadavg())
    text = write_results(lines, info, args, started, (load_start, load_end), profiles, figures)
    print(render_table(lines))
    if info.get("pg_counts"):
        print()
        print(pg_table(figures))
    print(f"\nwritten to {BENCH / 'RESULTS.md'} ({len(text)} characters)")
    failing_pg = pg_failures(figures, info) if info.get("pg_counts") else []
    if failing_pg:
        print("failing on PostgreSQL: " + ", ".join(failing_pg))
    ok = all(ln.result in ("PASS", "info") for ln in lines) and not failing_pg
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
