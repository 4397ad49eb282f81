"""Derived state: the follow-ups, per-session counts, participants and coops per scope that
the province-wide reports read (tables of migration 0003, declared in koptrain.models).

The triggers (storage.triggers) name in derived_dirty the people (p), sessions (s) and
coops (c) a change touches, whoever made it. `refresh`, the commit hook a write store
installs (koptrain.db.Store), works out their rows again before the transaction commits,
with INSERT ... SELECT statements built from the same query builders as the exact reports
(storage.queries), restricted to the keys named; then empties derived_dirty. So the
derived rows are exact whenever derived_dirty is empty, which `current` checks: a read
that finds anything there computes from the source tables instead, and writes nothing.

A full rebuild (`rebuild`: after an upgrade that needs one, `koptrain db refresh`) works in
short transactions, a range of keys each, under a marker row (kind r) that keeps the
readers on the source tables until it is done.

The rows are worked out with every contact recorded, so the reports use them only as of a
date on or after the latest contact (`covers`); for an earlier date they compute the same
figures from the source tables.

On PostgreSQL the triggers' `ON CONFLICT DO NOTHING` makes a second transaction that
touches the same person, session or coop wait until the first commits; its refresh then
reads what the first wrote, so concurrent writers cannot leave stale counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import and_, delete, func, insert, literal, select, text, true

from koptrain import models
from koptrain.models import Enrollment, Person, Training
from koptrain.storage import outcome_sums, queries

E = Enrollment.__table__
T = Training.__table__
P = Person.__table__
F = models.followup
S = models.session_stats
PA = models.participant
SC = models.scope_coop
OS = models.outcome_score
OI = models.outcome_indicator
OV = models.outcome_value
OSB = models.outcome_score_block
OIB = models.outcome_indicator_block
DD = models.derived_dirty

KINDS = ("p", "s", "c", "b")  # person, session, coop, block of sessions (after its sessions)
REBUILDING = "r"  # a rebuild is under way (or was interrupted): nothing is current

Keys = Callable  # column -> the condition that picks the keys worked out
Progress = Callable[[int, int], None]  # (done, total)


def named(kind: str) -> Keys:
    """The keys of `kind` named in derived_dirty."""
    return lambda column: column.in_(select(DD.c.ref).where(DD.c.kind == kind))


def between(low: int, high: int) -> Keys:
    return lambda column: and_(column >= low, column < high)


# --------------------------------------------------------------------------- the rows


def followup_rows(people: Keys):
    """The followup rows of the people picked: storage.queries.followups, every date."""
    fu = queries.followups(None, people=people)
    return select(*(fu.c[c.name] for c in F.columns))


def participant_rows(people: Keys):
    """The participant rows of the people picked: their latest seat overall (scope 0) and
    in each programme (scope = the programme's id)."""
    live = T.c.status != "cancelled"
    overall = queries.latest_seats(and_(live, people(E.c.person_id))).subquery("overall")
    per = queries.latest_seats(
        and_(live, T.c.program_id.is_not(None), people(E.c.person_id)), per_programme=True
    ).subquery("per")

    def rows(ranked, scope_id):
        return (
            select(
                ranked.c.person_id,
                scope_id.label("scope_id"),
                ranked.c.enrollment_id,
                ranked.c.role,
                ranked.c.coop_id,
                P.c.gender,
            )
            .select_from(ranked.join(P, P.c.id == ranked.c.person_id))
            .where(ranked.c.rank == 1)
        )

    return rows(overall, literal(0)).union_all(rows(per, per.c.program_id))


def scope_coop_rows(coops: Keys):
    """Seats held through each coop picked, overall (scope 0) and per programme."""
    seats = E.join(T, T.c.id == E.c.session_id)
    held = and_(T.c.status != "cancelled", queries.seat(), coops(E.c.coop_id))
    overall = (
        select(literal(0).label("scope_id"), E.c.coop_id, func.count().label("seats"))
        .select_from(seats)
        .where(held)
        .group_by(E.c.coop_id)
    )
    per = (
        select(T.c.program_id, E.c.coop_id, func.count())
        .select_from(seats)
        .where(held, T.c.program_id.is_not(None))
        .group_by(T.c.program_id, E.c.coop_id)
    )
    return overall.union_all(per)


def session_stats_rows(sessions: Keys):
    """Per session picked that has enrollments: storage.queries.seat_counts over them and
    followup_tallies over its followup rows (zero without any)."""
    counts = (
        select(E.c.session_id, *queries.seat_counts())
        .where(sessions(E.c.session_id))
        .group_by(E.c.session_id)
        .subquery("x")
    )
    tallies = (
        select(F.c.session_id, *queries.followup_tallies(F))
        .where(sessions(F.c.session_id))
        .group_by(F.c.session_id)
        .subquery("f")
    )
    return select(
        counts.c.session_id,
        *(counts.c[name] for name in queries.SEAT_COUNTS),
        *(func.coalesce(tallies.c[name], 0).label(name) for name in queries.FOLLOWUP_TALLIES),
    ).select_from(counts.outerjoin(tallies, tallies.c.session_id == counts.c.session_id))


def _with_block(rows):
    sums = rows.subquery("sums")
    return select(*sums.c, outcome_sums.block(sums.c.session_id).label("block"))


def outcome_score_rows(sessions: Keys):
    """Per session picked and practice status: storage.outcome_sums.score_sums over its
    seats, their status from the followup rows; with the session's block."""
    return _with_block(outcome_sums.score_sums(outcome_sums.seats(F, sessions(E.c.session_id))))


def outcome_indicator_rows(sessions: Keys):
    """Per session picked, practice status and indicator: outcome_sums.indicator_sums,
    every value recorded; with the session's block."""
    seat = outcome_sums.seats(F, sessions(E.c.session_id))
    return _with_block(outcome_sums.indicator_sums(outcome_sums.value_rows(seat, None)))


def outcome_value_rows(sessions: Keys):
    """Each seat of the sessions picked with a baseline and a follow-up value of an
    indicator: outcome_sums.value_rows, every value recorded, dated; with the value
    before the follow-up (outcome_sums.prior_value) and its date."""
    row = outcome_sums.value_rows(outcome_sums.seats(F, sessions(E.c.session_id)), None, dated=True)
    both = (
        select(row)
        .where(row.c.base.is_not(None), row.c.follow.is_not(None))
        .offset(0)  # fenced: the prior value is probed for these rows only
        .subquery("both")
    )
    prior = {
        "prior": outcome_sums.prior_value(both),
        "prior_date": outcome_sums.prior_value(both, outcome_sums.IV.c.date),
    }
    return select(
        *(prior[c.name].label(c.name) if c.name in prior else both.c[c.name] for c in OV.columns)
    )


def outcome_score_block_rows(blocks: Keys):
    """Per block picked and practice status: the outcome_score rows of its sessions summed
    (outcome_sums.regrouped, as the report sums them)."""
    rows = select(OS).where(blocks(OS.c.block))
    return outcome_sums.regrouped(rows, ("block", "status"), ("seats", *outcome_sums.SCORE_SUMS))


def outcome_indicator_block_rows(blocks: Keys):
    """Per block picked, practice status and indicator: its outcome_indicator rows summed."""
    rows = select(OI).where(blocks(OI.c.block))
    keys = ("block", "status", "indicator_id")
    return outcome_sums.regrouped(rows, keys, outcome_sums.INDICATOR_SUMS)


# (table, key column, the kind of key, the rows) in the order they are worked out: the
# session counts and outcome sums read the followup rows.
TABLES = (
    (F, F.c.person_id, "p", followup_rows),
    (PA, PA.c.person_id, "p", participant_rows),
    (SC, SC.c.coop_id, "c", scope_coop_rows),
    (S, S.c.session_id, "s", session_stats_rows),
    (OS, OS.c.session_id, "s", outcome_score_rows),
    (OI, OI.c.session_id, "s", outcome_indicator_rows),
    (OV, OV.c.session_id, "s", outcome_value_rows),
    (OSB, OSB.c.block, "b", outcome_score_block_rows),
    (OIB, OIB.c.block, "b", outcome_indicator_block_rows),
)
OUTCOME_TABLES = TABLES[-5:]


def _work_out(db, kind: str, keys: Keys, tables=TABLES) -> None:
    for table, column, table_kind, rows in tables:
        if table_kind == kind:
            db.execute(delete(table).where(keys(column)))
            db.execute(insert(table).from_select([c.name for c in table.columns], rows(keys)))


def _name(db, kind: str, refs) -> None:
    """Add keys (`refs`, a one-column select) to derived_dirty; those named already stay."""
    dialect = db.dialect if hasattr(db, "dialect") else db.get_bind().dialect
    if dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    source = refs.subquery("named")
    # WHERE: SQLite would read ON CONFLICT after a bare FROM as a join's ON.
    keys = select(literal(kind), *source.c).where(true())
    db.execute(dialect_insert(DD).from_select(["kind", "ref"], keys).on_conflict_do_nothing())


# --------------------------------------------------------------------------- the hook


def pending(db) -> bool:
    """Something changed (in this transaction, or outside koptrain) that is not worked out,
    or a rebuild is not finished."""
    return db.execute(text("SELECT 1 FROM derived_dirty LIMIT 1")).first() is not None


def refresh(db) -> bool:
    """Work out again the derived rows of whatever derived_dirty names (the store's commit
    hook); True when there was any. A rebuild's marker stays: its ranges do the rest."""
    if db.execute(select(DD.c.ref).where(DD.c.kind.in_(KINDS)).limit(1)).first() is None:
        return False
    # The sessions of the people named: their follow-ups' counts change with them.
    _name(db, "s", select(E.c.session_id).where(named("p")(E.c.person_id)).distinct())
    # The blocks of the sessions named: their sums are made of the sessions'.
    _name(db, "b", select(outcome_sums.block(DD.c.ref)).where(DD.c.kind == "s").distinct())
    for kind in KINDS:
        _work_out(db, kind, named(kind))
    db.execute(delete(DD).where(DD.c.kind.in_(KINDS)))
    return True


def before_commit(db) -> None:
    """The commit hook: the ORM's pending changes are flushed first (their triggers name
    what they touch), then the derived rows refreshed in the same transaction."""
    db.flush()
    refresh(db)


# --------------------------------------------------------------------------- rebuild

CHUNK = 20_000  # keys per transaction of a rebuild


def start_rebuild(conn) -> None:
    """Mark the derived rows as being rebuilt: readers compute from the source tables."""
    conn.execute(delete(DD).where(DD.c.kind.in_(KINDS)))
    _name(conn, REBUILDING, select(literal(0)))


def rebuild_needed(conn) -> bool:
    return conn.execute(select(DD.c.ref).where(DD.c.kind == REBUILDING)).first() is not None


def rebuild(engine, progress: Progress | None = None) -> None:
    """Work out every derived row again, CHUNK keys per transaction, then lift the marker
    `start_rebuild` left (starting it if it is not). `progress(done, total)` after each."""
    with engine.begin() as conn:
        if not rebuild_needed(conn):
            start_rebuild(conn)
        highest = {
            "p": conn.execute(select(func.max(P.c.id))).scalar() or 0,
            "c": conn.execute(select(func.max(models.Coop.__table__.c.id))).scalar() or 0,
            "s": conn.execute(select(func.max(T.c.id))).scalar() or 0,
        }
        highest["b"] = highest["s"] // outcome_sums.BLOCK
        # Rows of keys past the highest (left by deleted rows) go now.
        for table, column, kind, _rows in TABLES:
            conn.execute(delete(table).where(column > highest[kind]))
    ranges = [
        (kind, low, low + CHUNK)
        # session counts after the followup rows they read, block sums after the sessions'
        for kind in ("p", "c", "s", "b")
        for low in range(0, highest[kind] + 1, CHUNK)
    ]
    for done, (kind, low, high) in enumerate(ranges, 1):
        with engine.begin() as conn:
            _work_out(conn, kind, between(low, high))
        if progress is not None:
            progress(done, len(ranges))
    with engine.begin() as conn:
        refresh(conn)  # what changed around koptrain meanwhile
        conn.execute(delete(DD).where(DD.c.kind == REBUILDING))


# --------------------------------------------------------------------------- readers


def current(db) -> bool:
    """The derived rows match the source tables (nothing waits in derived_dirty)."""
    return not pending(db)


def latest_contact(db) -> dt.date | None:
    """The date of the latest contact recorded (one probe of ix_mentoring_log_date)."""
    value = db.execute(text("SELECT max(date) FROM mentoring_log")).scalar()
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def covers(db, on: dt.date) -> bool:
    """The follow-up rows give the figures as of `on`: current, and no contact after it."""
    if not current(db):
        return False
    latest = latest_contact(db)
    return latest is None or latest <= on


def work_out_outcomes(db) -> None:
    """The outcome rows of every session and block (migration 0008, on current derived
    rows)."""
    for kind in ("s", "b"):
        _work_out(db, kind, lambda column: true(), OUTCOME_TABLES)


# --------------------------------------------------------------------------- check


def differences(db, sample: int = 200) -> list[str]:
    """The derived tables whose rows for a sample of keys (spread over the key range)
    differ from what a rebuild gives; empty when they agree (or a rebuild is pending)."""
    if pending(db):
        return []
    found = []
    for table, column, kind, rows in TABLES:
        source = {
            "p": E.c.person_id,
            "c": E.c.coop_id,
            "s": E.c.session_id,
            "b": outcome_sums.block(E.c.session_id),
        }[kind]
        every = select(source.label("ref")).union(select(column)).subquery("every")
        numbered = select(
            every.c.ref, func.row_number().over(order_by=every.c.ref).label("n")
        ).subquery("numbered")
        total = db.execute(select(func.count()).select_from(every)).scalar() or 0
        step = max(total // sample, 1)
        picked = select(numbered.c.ref).where((numbered.c.n - 1) % step == 0)

        def keys(col, picked=picked):
            return col.in_(picked)

        order = [c.name for c in table.primary_key.columns]
        stored = db.execute(select(table).where(keys(column)).order_by(*order)).all()
        again = rows(keys).subquery("again")
        rebuilt = db.execute(select(again).order_by(*(again.c[n] for n in order))).all()
        if [_comparable(r) for r in stored] != [_comparable(r) for r in rebuilt]:
            found.append(table.name)
    return found


def _comparable(row) -> tuple:
    """A row as compared: sums of floats (the outcome sums) to 9 significant digits, as
    PostgreSQL may add the same values in another order from one plan to the next."""
    return tuple(float(f"{v:.9g}") if isinstance(v, float) else v for v in row)
