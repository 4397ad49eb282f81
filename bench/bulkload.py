#!/usr/bin/env python3
"""The benchmark's fast path: load generated files straight into a koptrain database.

    python bench/bulkload.py DB DATA_DIR KIND...      (KIND: base, people, activity, outcomes)
    python bench/bulkload.py --verify [--pg URL]      (tiny data set: bulk == koptrain?)

DB is a SQLite file or a PostgreSQL URL (postgresql+psycopg://user@host:port/dbname).
The database must have been created by koptrain itself (`koptrain --db DB db upgrade`):
this module never creates a table or an index, it only inserts rows, with the values
koptrain writes (read from rows koptrain wrote; checked by `run.py --verify`):

- dates as 'YYYY-MM-DD' text, timestamps as 'YYYY-MM-DD HH:MM:SS.000000' (UTC, whole
  seconds), booleans as 0/1, enum values in their canonical lower-case spelling, a
  coop without NIK Koperasi has nik NULL, empty optional cells are NULL;
- a person's enrollment carries the role of their membership in that coop;
- enrollment statuses are decided as the commands would: rows enrolled in file order
  (a seat while one is free, else `waitlisted`), then `withdrawals.csv` applied in order
  (each moves the first waitlisted person up), then `session close` of the sessions in
  `closures.csv` (`completed` when present on every day, at the default minimum share 1.0,
  else `not_completed`) and `session cancel` (status `cancelled`).

Kinds: `base` = programs, coops, rat, health; `people` = people + memberships (only
used when `koptrain import people` cannot be); `activity` = sessions, enrollments,
withdrawals, attendance, closures, groups, mentoring logs and obstacles; `outcomes` (after
`activity`, from the rows in the database, no file) = pre- and post-test scores for every
seat holder, an omzet baseline the day before the first day for every other seat holder
and an omzet value at every other mentoring contact (even ids), figures made from the ids
so they are the same on SQLite and PostgreSQL.  Explicit
indexes of the loaded tables are dropped and re-created from koptrain's own
`CREATE INDEX` statements (read from sqlite_master), then ANALYZE runs. koptrain's
triggers see every row loaded; after an `activity` load koptrain's own store refreshes
the derived rows the reports read (koptrain.storage.derived).

On PostgreSQL the same rows (the same generator code) go in by COPY, one COPY per batch,
streamed (nothing is held beyond a batch and the maps of ids).  The indexes koptrain made
(those not backing a primary key or unique constraint, as on SQLite) and the foreign keys
of the loaded tables are dropped first and re-created afterwards from their own
definitions (`pg_get_indexdef`, `pg_get_constraintdef`: re-adding a foreign key checks
every row), the sequences of the tables loaded with explicit ids are moved past the
largest id with setval, then ANALYZE runs.  Timestamps are written in UTC.
"""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
import sys
import time
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path

BATCH = 20_000
LOADED_AT = "2026-11-28 00:00:00.000000"


def _rows(path: Path) -> Iterator[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        yield from reader


def _batched(sink: Sink, table: str, columns: str, rows) -> int:
    batch: list = []
    n = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            n += sink.put(table, columns, batch)
            batch.clear()
    if batch:
        n += sink.put(table, columns, batch)
    return n


def is_pg(db: str | Path) -> bool:
    return str(db).startswith("postgresql")


def libpq_url(url: str) -> str:
    """postgresql+psycopg://... (SQLAlchemy's spelling) as libpq takes it."""
    return "postgresql://" + url.split("://", 1)[1]


class Sink:
    """Where rows go: `put(table, "col, col", rows)` inserts one batch."""

    def put(self, table: str, columns: str, rows: list) -> int:
        raise NotImplementedError

    def all(self, sql: str) -> list:
        return list(self.conn.execute(sql))

    def scalar(self, sql: str):
        return self.conn.execute(sql).fetchone()[0]


class SqliteSink(Sink):
    def __init__(self, db: Path) -> None:
        self.conn = sqlite3.connect(db, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = OFF")
        self.conn.execute("PRAGMA synchronous = OFF")
        self.conn.execute("PRAGMA cache_size = -400000")
        self.conn.execute("PRAGMA temp_store = MEMORY")
        self._sql: dict[tuple[str, str], str] = {}

    def put(self, table: str, columns: str, rows: list) -> int:
        sql = self._sql.get((table, columns))
        if sql is None:
            marks = ",".join("?" * len(columns.split(",")))
            sql = self._sql[table, columns] = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        self.conn.executemany(sql, rows)
        return len(rows)

    def begin(self, tables: list[str]) -> list[str]:
        """Drop the explicit indexes of `tables`; the statements that re-create them."""
        marks = ",".join("?" * len(tables))
        indexes = self.conn.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks})",
            tables,
        ).fetchall()
        self.conn.execute("BEGIN")
        for name, _sql in indexes:
            self.conn.execute(f'DROP INDEX "{name}"')
        return [sql for _name, sql in indexes]

    def finish(self, restore: list[str], tables: list[str], say) -> None:
        say("re-creating indexes")
        for sql in restore:
            self.conn.execute(sql)
        self.conn.execute("COMMIT")
        say("ANALYZE")
        self.conn.execute("ANALYZE")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.close()


class PgSink(Sink):
    def __init__(self, url: str) -> None:
        import psycopg

        self.conn = psycopg.connect(libpq_url(url))
        self.conn.execute("SET TIME ZONE 'UTC'")
        self.conn.execute("SET synchronous_commit = off")
        self.conn.execute("SET maintenance_work_mem = '512MB'")
        self.conn.commit()

    def put(self, table: str, columns: str, rows: list) -> int:
        with (
            self.conn.cursor() as cur,
            cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return len(rows)

    def begin(self, tables: list[str]) -> list[str]:
        """Drop koptrain's indexes and the foreign keys of `tables`; how to re-create them.

        Indexes backing a primary key or unique constraint stay (as SQLite's
        autoindexes do); foreign keys are re-added after the load, which checks them.
        """
        indexes = self.conn.execute(
            "SELECT quote_ident(i.relname), pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "WHERE t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid "
            "AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u', 'x'))",
            (tables,),
        ).fetchall()
        fks = self.conn.execute(
            "SELECT c.conrelid::regclass::text, quote_ident(c.conname), "
            "pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t "
            "ON t.oid = c.conrelid WHERE c.contype = 'f' AND t.relname = ANY(%s) "
            "AND t.relnamespace = 'public'::regnamespace",
            (tables,),
        ).fetchall()
        for table, name, _definition in fks:
            self.conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _sql in indexes:
            self.conn.execute(f"DROP INDEX {name}")
        return [sql for _name, sql in indexes] + [
            f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"
            for table, name, definition in fks
        ]

    def finish(self, restore: list[str], tables: list[str], say) -> None:
        say("re-creating indexes and foreign keys")
        for sql in restore:
            self.conn.execute(sql)
        for table in tables:
            seq = self.conn.execute(
                "SELECT pg_get_serial_sequence(attrelid::regclass::text, 'id') FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attname = 'id'",
                (f"public.{table}",),
            ).fetchone()
            if seq is not None and seq[0] is not None:
                seq = seq[0]
                self.conn.execute(
                    f"SELECT setval(%s, coalesce(max(id), 1), max(id) IS NOT NULL) FROM {table}",
                    (seq,),
                )
        self.conn.commit()
        say("ANALYZE")
        self.conn.autocommit = True
        self.conn.execute("ANALYZE " + ", ".join(tables))
        self.conn.close()


def sink_for(db: str | Path) -> Sink:
    return PgSink(str(db)) if is_pg(db) else SqliteSink(Path(db))


def pg_url(admin_url: str, database: str) -> str:
    """The admin URL (any database on the server) pointed at `database`."""
    from sqlalchemy.engine import make_url

    return make_url(admin_url).set(database=database).render_as_string(hide_password=False)


def pg_admin(admin_url: str, *statements: str) -> None:
    """Run statements (CREATE/DROP/ALTER DATABASE ...) outside a transaction."""
    import psycopg

    with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def pg_fresh_database(
    admin_url: str, database: str, *, template: str | None = None, file_copy: bool = False
) -> str:
    """Drop `database` if it exists and create it again (empty, or a copy of `template`;
    `file_copy`: copied file by file, faster than through the WAL for a large one)."""
    pg_admin(
        admin_url,
        f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)',
        f'CREATE DATABASE "{database}"'
        + (f' TEMPLATE "{template}"' if template else "")
        + (" STRATEGY FILE_COPY" if file_copy else ""),
    )
    return pg_url(admin_url, database)


def pg_database_exists(admin_url: str, database: str) -> bool:
    import psycopg

    with psycopg.connect(libpq_url(admin_url)) as conn:
        return (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
            is not None
        )


def _none(value: str) -> str | None:
    return value if value != "" else None


def _stamp(day: dt.date, hour: int = 2) -> str:
    return f"{day.isoformat()} {hour:02d}:00:00.000000"


class Loader:
    def __init__(self, db: str | Path, data: Path, *, quiet: bool = False) -> None:
        self.db = db
        self.data = data
        self.quiet = quiet
        self.started = time.perf_counter()
        self.sink = sink_for(db)
        self.counts: dict[str, int] = {}

    def say(self, msg: str) -> None:
        if not self.quiet:
            print(f"  [{time.perf_counter() - self.started:6.1f}s] {msg}", file=sys.stderr)

    # -- helpers ---------------------------------------------------------------------------
    def _next_id(self, table: str) -> int:
        return (self.sink.scalar(f"SELECT max(id) FROM {table}") or 0) + 1

    def _map(self, sql: str) -> dict:
        return dict(self.sink.all(sql))

    def _audit(self, kind: str, rows: int) -> None:
        import json

        self.sink.put(
            "audit",
            "at, os_user, command, entity, key, change",
            [
                (
                    LOADED_AT,
                    "bench",
                    f"bench/bulkload.py {self.db} {self.data} ({kind})",
                    "import",
                    kind,
                    json.dumps(
                        {"file": str(self.data / f"{kind}.csv"), "rows": rows, "inserted": rows}
                        | {"updated": 0, "unchanged": 0, "rejected": 0}
                    ),
                )
            ],
        )

    def run(self, kinds: list[str]) -> dict[str, int]:
        tables = {
            "base": ["program", "coop", "rat", "health_rating"],
            "people": ["person", "membership"],
            "activity": [
                "training",
                "enrollment",
                "attendance",
                "mentor_group",
                "group_member",
                "mentoring_log",
                "obstacle",
            ],
            "outcomes": ["score", "indicator_value"],
        }
        wanted = [t for k in kinds for t in tables[k]]
        restore = self.sink.begin(wanted)
        for kind in kinds:
            getattr(self, f"load_{kind}")()
        self.sink.finish(restore, [*wanted, "audit"], self.say)
        if "activity" in kinds or "outcomes" in kinds:
            # as every koptrain transaction leaves them: no derived row left to refresh
            self.refresh_derived()
        self.say(f"loaded {self.counts}")
        return self.counts

    def refresh_derived(self) -> None:
        """The reports' derived rows (migration 0003), worked out by koptrain itself: the
        triggers named every person, session and coop loaded, and koptrain's store
        refreshes them before it commits; then the planner gets their statistics."""
        from koptrain.db import Store

        self.say("working out the derived rows (koptrain's refresh)")
        url = self.db if is_pg(self.db) else f"sqlite:///{Path(self.db).absolute()}"
        store = Store(url, write=True)
        with store.session() as session:
            session.connection().exec_driver_sql("SELECT 1")
        with store.engine.begin() as conn:
            for table in ("followup", "session_stats", "participant", "scope_coop"):
                conn.exec_driver_sql(f"ANALYZE {table}")
        store.close()

    # -- kinds -----------------------------------------------------------------------------
    def load_base(self) -> None:
        c = self.sink
        n = _batched(
            c,
            "program",
            "code, name, year",
            (
                (code, name, int(year) if year else None)
                for code, name, year in _rows(self.data / "programs.csv")
            ),
        )
        self.counts["program"] = n
        self._audit("programs", n)
        n = _batched(
            c,
            "coop",
            "nik, name, type, level, kecamatan, kelurahan, legal_number, fiscal_year_end, "
            "members, created_at",
            (
                (
                    _none(nik),
                    name,
                    _none(typ),
                    level or "primer",
                    _none(kec),
                    _none(kel),
                    _none(legal),
                    fye or "12-31",
                    int(members) if members else None,
                    LOADED_AT,
                )
                for nik, name, typ, level, kec, kel, legal, fye, members in _rows(
                    self.data / "coops.csv"
                )
            ),
        )
        self.counts["coop"] = n
        self._audit("coops", n)
        coops = self._coop_keys()
        n = _batched(
            c,
            "rat",
            "coop_id, fiscal_year, held_on, reported_on, attendees",
            (
                (coops[key], int(fy), held, _none(reported), int(att) if att else None)
                for key, fy, held, reported, att in _rows(self.data / "rat.csv")
            ),
        )
        self.counts["rat"] = n
        self._audit("rat", n)
        n = _batched(
            c,
            "health_rating",
            "coop_id, year, rating, score, assessed_on",
            (
                (coops[key], int(year), rating, float(score) if score else None, _none(assessed))
                for key, year, rating, score, assessed in _rows(self.data / "health.csv")
            ),
        )
        self.counts["health_rating"] = n
        self._audit("health", n)
        self.say("programs, coops, RAT, health")

    def _coop_keys(self) -> dict[str, int]:
        keys = self._map("SELECT nik, id FROM coop WHERE nik IS NOT NULL")
        keys.update(self._map("SELECT legal_number, id FROM coop WHERE legal_number IS NOT NULL"))
        return keys

    def load_people(self, path: Path | None = None) -> None:
        coops = self._coop_keys()
        next_id = self._next_id("person")
        people = []
        members = []
        n = 0
        for nik, name, gender, birth, phone, coop, role, business in _rows(
            path or self.data / "people.csv"
        ):
            people.append((next_id, nik, name, gender, _none(birth), _none(phone), int(business)))
            members.append((next_id, coops[coop], role))
            next_id += 1
            if len(people) >= BATCH:
                n += self._flush_people(people, members)
        n += self._flush_people(people, members)
        self.counts["person"] = n
        self._audit("people", n)
        self.say(f"{n} people")

    def _flush_people(self, people: list, members: list) -> int:
        self.sink.put("person", "id, nik, name, gender, birth_date, phone, has_business", people)
        self.sink.put("membership", "person_id, coop_id, role", members)
        n = len(people)
        people.clear()
        members.clear()
        return n

    def load_activity(self) -> None:
        c = self.sink
        data = self.data
        closures = dict(_rows(data / "closures.csv"))
        programs = self._map("SELECT code, id FROM program")
        next_training = self._next_id("training")
        sessions: dict[str, tuple[int, int, str, str]] = {}  # code -> id, capacity, start, end

        def trainings():
            nonlocal next_training
            for code, program, title, start, end, cap, audience, business, venue in _rows(
                data / "sessions.csv"
            ):
                sid = next_training
                next_training += 1
                sessions[code] = (sid, int(cap), start, end)
                status = closures.get(code, "open")
                yield (
                    sid,
                    code,
                    programs[program] if program else None,
                    title,
                    start,
                    end,
                    int(cap),
                    _none(venue),
                    audience,
                    int(business),
                    1.0,
                    None,
                    status,
                )

        n = _batched(
            c,
            "training",
            'id, code, program_id, title, start, "end", capacity, venue, audience, '
            "requires_business, min_attendance, trainers, status",
            trainings(),
        )
        self.counts["training"] = n
        self._audit("sessions", n)
        self.say(f"{n} sessions")

        people = self._map("SELECT nik, id FROM person")
        coops = self._coop_keys()
        roles = {
            (p, co): role
            for p, co, role in c.all("SELECT person_id, coop_id, role FROM membership")
        }
        self.say("maps of people, coops and memberships")
        withdrawals: dict[str, list[str]] = {}
        for code, nik in _rows(data / "withdrawals.csv"):
            withdrawals.setdefault(code, []).append(nik)
        attendance = groupby(_rows(data / "attendance.csv"), key=lambda r: r[0])
        pending = next(attendance, None)
        next_enrollment = self._next_id("enrollment")
        enroll_cols = (
            "id, session_id, person_id, coop_id, role, status, override_reason, created_at, "
            "updated_at"
        )
        attend_cols = "enrollment_id, day, present"
        e_batch: list = []
        a_batch: list = []
        n_enroll = n_attend = 0
        for code, group in groupby(_rows(data / "enrollments.csv"), key=lambda r: r[0]):
            sid, cap, start, end = sessions[code]
            rows = list(group)
            status = ["enrolled" if i < cap else "waitlisted" for i in range(len(rows))]
            position = {row[1]: i for i, row in enumerate(rows)}
            queue = [i for i in range(len(rows)) if status[i] == "waitlisted"]
            for nik in withdrawals.get(code, ()):
                status[position[nik]] = "withdrawn"
                if queue:
                    status[queue.pop(0)] = "enrolled"
            present: dict[str, list[tuple[str, int]]] = {}
            if pending is not None and pending[0] == code:
                for _code, nik, day, here in pending[1]:
                    present.setdefault(nik, []).append((day, int(here)))
                pending = next(attendance, None)
            start_d = dt.date.fromisoformat(start)
            end_d = dt.date.fromisoformat(end)
            days = (end_d - start_d).days + 1
            closed = closures.get(code) == "closed"
            created = _stamp(start_d - dt.timedelta(days=14))
            closed_at = _stamp(end_d + dt.timedelta(days=1), 9)
            for i, (_code, nik, coop, override) in enumerate(rows):
                pid = people[nik]
                cid = coops[coop]
                st = status[i]
                updated = created
                if closed and st == "enrolled":
                    here = sum(p for _d, p in present.get(nik, ()))
                    st = "completed" if here >= days else "not_completed"
                    updated = closed_at
                eid = next_enrollment
                next_enrollment += 1
                e_batch.append(
                    (eid, sid, pid, cid, roles[pid, cid], st, _none(override), created, updated)
                )
                for day, here in present.get(nik, ()):
                    a_batch.append((eid, day, here))
            if len(e_batch) >= BATCH:
                n_enroll += c.put("enrollment", enroll_cols, e_batch)
                e_batch.clear()
            if len(a_batch) >= BATCH:
                n_attend += c.put("attendance", attend_cols, a_batch)
                a_batch.clear()
        n_enroll += c.put("enrollment", enroll_cols, e_batch)
        n_attend += c.put("attendance", attend_cols, a_batch)
        self.counts["enrollment"] = n_enroll
        self.counts["attendance"] = n_attend
        self._audit("enrollments", n_enroll)
        self._audit("attendance", n_attend)
        self.say(f"{n_enroll} enrollments, {n_attend} attendance rows")
        del roles

        next_group = self._next_id("mentor_group")
        groups: dict[str, int] = {}
        new_groups: list = []
        members = []
        n_members = 0
        for code, mentor, session, nik in _rows(data / "groups.csv"):
            gid = groups.get(code)
            if gid is None:
                gid = groups[code] = next_group
                next_group += 1
                new_groups.append((gid, code, mentor, sessions[session][0] if session else None))
            members.append((gid, people[nik]))
            if len(members) >= BATCH:
                c.put("mentor_group", "id, code, mentor, session_id", new_groups)
                n_members += c.put("group_member", "group_id, person_id", members)
                new_groups.clear()
                members.clear()
        c.put("mentor_group", "id, code, mentor, session_id", new_groups)
        n_members += c.put("group_member", "group_id, person_id", members)
        self.counts["mentor_group"] = len(groups)
        self.counts["group_member"] = n_members
        self.say(f"{len(groups)} groups, {n_members} members")

        next_log = self._next_id("mentoring_log")
        logs = []
        obstacles = []
        n_logs = n_obst = 0
        log_cols = "id, person_id, session_id, group_id, date, mentor, status, note, next_date"
        obst_cols = "log_id, category, text"
        for nik, group, session, date, mentor, status, category, text, nxt, note in _rows(
            data / "mentoring.csv"
        ):
            lid = next_log
            next_log += 1
            logs.append(
                (
                    lid,
                    people[nik],
                    sessions[session][0] if session else None,
                    groups[group] if group else None,
                    date,
                    mentor,
                    status,
                    _none(note),
                    _none(nxt),
                )
            )
            if category:
                obstacles.append((lid, category, _none(text)))
            if len(logs) >= BATCH:
                n_logs += c.put("mentoring_log", log_cols, logs)
                n_obst += c.put("obstacle", obst_cols, obstacles)
                logs.clear()
                obstacles.clear()
        n_logs += c.put("mentoring_log", log_cols, logs)
        n_obst += c.put("obstacle", obst_cols, obstacles)
        self.counts["mentoring_log"] = n_logs
        self.counts["obstacle"] = n_obst
        self._audit("mentoring", n_logs)
        self.say(f"{n_logs} mentoring logs, {n_obst} obstacles")

    def load_outcomes(self) -> None:
        """SPEC §12 figures for `report outcomes`, made in the database from its own rows
        (products in BIGINT: PostgreSQL's integer arithmetic does not widen as SQLite's)."""
        c = self.sink
        seats = "status IN ('enrolled', 'completed', 'not_completed')"
        pre = "(30 + (id * 37) % 61)"
        c.conn.execute(
            "INSERT INTO score (session_id, person_id, pre, post) "
            f"SELECT session_id, person_id, {pre}, "
            f"CASE WHEN {pre} + (id * 53) % 41 - 5 > 100 THEN 100 "
            f"ELSE {pre} + (id * 53) % 41 - 5 END FROM enrollment WHERE {seats}"
        )
        omzet = c.scalar("SELECT id FROM indicator WHERE code = 'omzet'")
        day_before = "t.start - 1" if isinstance(c, PgSink) else "date(t.start, '-1 day')"
        # ON CONFLICT: a person's baseline for one training may fall on another's contact.
        c.conn.execute(
            "INSERT INTO indicator_value (person_id, indicator_id, session_id, date, value) "
            f"SELECT e.person_id, {omzet}, e.session_id, {day_before}, "
            "1000000 + (CAST(e.id AS BIGINT) * 7919) % 4000000 FROM enrollment e "
            f"JOIN training t ON t.id = e.session_id WHERE e.id % 2 = 1 AND e.{seats} "
            "ON CONFLICT DO NOTHING"
        )
        c.conn.execute(
            "INSERT INTO indicator_value (person_id, indicator_id, session_id, log_id, date, "
            f"value) SELECT person_id, {omzet}, session_id, id, date, "
            "1200000 + (CAST(id AS BIGINT) * 7919) % 4000000 FROM mentoring_log WHERE id % 2 = 0 "
            "ON CONFLICT DO NOTHING"
        )
        self.counts["score"] = c.scalar("SELECT count(*) FROM score")
        self.counts["indicator_value"] = c.scalar("SELECT count(*) FROM indicator_value")
        self.say(f"{self.counts['score']} scores, {self.counts['indicator_value']} values")


# Natural-key views of every table, to compare two databases row for row.
COMPARE = {
    "coop": "SELECT nik, name, type, level, kecamatan, kelurahan, legal_number, fiscal_year_end, "
    "members FROM coop",
    "rat": "SELECT coalesce(c.nik, c.legal_number), fiscal_year, held_on, reported_on, attendees "
    "FROM rat JOIN coop c ON c.id = rat.coop_id",
    "health_rating": "SELECT coalesce(c.nik, c.legal_number), year, rating, score, assessed_on "
    "FROM health_rating h JOIN coop c ON c.id = h.coop_id",
    "person": "SELECT nik, name, gender, birth_date, phone, has_business FROM person",
    "membership": "SELECT p.nik, coalesce(c.nik, c.legal_number), role FROM membership m "
    "JOIN person p ON p.id = m.person_id JOIN coop c ON c.id = m.coop_id",
    "program": "SELECT code, name, year FROM program",
    "training": 'SELECT t.code, p.code, title, start, "end", capacity, venue, audience, '
    "requires_business, min_attendance, trainers, status FROM training t "
    "LEFT JOIN program p ON p.id = t.program_id",
    "enrollment": "SELECT t.code, p.nik, coalesce(c.nik, c.legal_number), e.role, e.status, "
    "override_reason FROM enrollment e JOIN training t ON t.id = e.session_id "
    "JOIN person p ON p.id = e.person_id JOIN coop c ON c.id = e.coop_id",
    "attendance": "SELECT t.code, p.nik, day, present FROM attendance a "
    "JOIN enrollment e ON e.id = a.enrollment_id JOIN training t ON t.id = e.session_id "
    "JOIN person p ON p.id = e.person_id",
    "mentor_group": "SELECT g.code, mentor, t.code FROM mentor_group g "
    "LEFT JOIN training t ON t.id = g.session_id",
    "group_member": "SELECT g.code, p.nik FROM group_member m JOIN mentor_group g ON g.id = m.group_id "
    "JOIN person p ON p.id = m.person_id",
    "mentoring_log": "SELECT p.nik, t.code, g.code, l.date, l.mentor, l.status, l.note, l.next_date "
    "FROM mentoring_log l JOIN person p ON p.id = l.person_id "
    "LEFT JOIN training t ON t.id = l.session_id LEFT JOIN mentor_group g ON g.id = l.group_id",
    "obstacle": "SELECT p.nik, l.date, category, text FROM obstacle o "
    "JOIN mentoring_log l ON l.id = o.log_id JOIN person p ON p.id = l.person_id",
    # The derived rows the reports read (migration 0003), by natural keys.
    "followup": 'SELECT p.nik, t.code, f."end", l.date, f.last_date, f.last_next, f.last_status, '
    "f.ended FROM followup f JOIN person p ON p.id = f.person_id "
    "JOIN training t ON t.id = f.session_id LEFT JOIN mentoring_log l ON l.id = f.last_id",
    "session_stats": "SELECT t.code, enrolled, waitlisted, withdrawn, attended, completed, "
    "cooperatives, followups, contacted, practicing, partly, not_yet, stopped, ended "
    "FROM session_stats s JOIN training t ON t.id = s.session_id",
    "participant": "SELECT p.nik, g.code, pe.nik, coalesce(c.nik, c.legal_number), x.role, "
    "x.gender FROM participant x JOIN person p ON p.id = x.person_id "
    "LEFT JOIN program g ON g.id = x.scope_id JOIN enrollment e ON e.id = x.enrollment_id "
    "JOIN person pe ON pe.id = e.person_id JOIN coop c ON c.id = x.coop_id",
    "scope_coop": "SELECT g.code, coalesce(c.nik, c.legal_number), seats FROM scope_coop x "
    "LEFT JOIN program g ON g.id = x.scope_id JOIN coop c ON c.id = x.coop_id",
}


def verify(work: Path, pg: str | None = None) -> int:
    """Load the tiny data set both ways and compare every table row for row.

    A: everything through koptrain itself (import of each kind, `withdraw`, `session
    close`/`cancel`, in-process through Typer's CliRunner); B: this bulk loader.
    Also shows that koptrain accepts every generated row (its rules hold).  With `pg`
    (an admin URL) both databases are on that PostgreSQL server (koptrain_bench_verify_a
    and _b, created afresh) and B goes through COPY.
    """
    import subprocess
    from collections import Counter

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import generate

    data = work / "data"
    generate.generate("tiny", data, quiet=True)
    if pg:
        a, b = (pg_fresh_database(pg, f"koptrain_bench_verify_{x}") for x in "ab")
    else:
        a, b = work / "via_koptrain.sqlite3", work / "via_bulkload.sqlite3"
        for path in (a, b):
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
    for db in (a, b):
        subprocess.run(
            [sys.executable, "-m", "koptrain", "--db", str(db), "db", "upgrade"], check=True
        )

    from typer.testing import CliRunner

    from koptrain.cli.main import app
    from koptrain.i18n import setup

    setup("en")
    runner = CliRunner()

    def kt(*args: str) -> None:
        result = runner.invoke(app, ["--db", str(a), *args])
        if result.exit_code != 0:
            raise SystemExit(
                f"koptrain {' '.join(args)}: exit {result.exit_code}: {result.output[-800:]}"
            )

    for kind in ("programs", "coops", "rat", "health", "people", "sessions", "enrollments"):
        kt("import", kind, str(data / f"{kind}.csv"))
    for code, nik in _rows(data / "withdrawals.csv"):
        kt("withdraw", code, nik)
    kt("import", "attendance", str(data / "attendance.csv"))
    for code, status in _rows(data / "closures.csv"):
        kt("session", "close" if status == "closed" else "cancel", code)
    kt("import", "groups", str(data / "groups.csv"))
    kt("import", "mentoring", str(data / "mentoring.csv"))
    Loader(b, data, quiet=True).run(["base", "people", "activity"])

    problems = 0
    ca, cb = sink_for(a), sink_for(b)
    print(f"A: {a} (via koptrain)\nB: {b} (via bulkload.py)")
    for table, sql in COMPARE.items():
        ra, rb = Counter(map(tuple, ca.all(sql))), Counter(map(tuple, cb.all(sql)))
        only_a, only_b = ra - rb, rb - ra
        status = "same" if not only_a and not only_b else "DIFFERENT"
        print(
            f"{table:14s} {sum(ra.values()):7d} rows via koptrain, {sum(rb.values()):7d} via bulk: {status}"
        )
        if only_a or only_b:
            problems += 1
            for row in list(only_a)[:3]:
                print(f"    koptrain only: {row}")
            for row in list(only_b)[:3]:
                print(f"    bulk only:     {row}")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--verify"]:
        pg = argv[2] if argv[1:2] == ["--pg"] and len(argv) > 2 else None
        return verify(Path(__file__).resolve().parent / "work" / "verify", pg)
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    Loader(argv[0] if is_pg(argv[0]) else Path(argv[0]), Path(argv[1])).run(argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
