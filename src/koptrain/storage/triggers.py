"""The triggers that name in derived_dirty the people, sessions and coops a change touches,
whoever makes it (koptrain, psql, a script): on enrollment, attendance, mentoring_log,
training and person. Installed by migration 0003 and checked again after every migration
(an Alembic batch migration re-creates a table without its triggers); `db check` looks
for every one of them.
"""

from __future__ import annotations

# table -> (the columns whose change matters on UPDATE, [(kind, expression over a row)])
# where an expression is a column of the row itself or a SELECT through it.
MARKS = {
    "enrollment": (
        ("person_id", "session_id", "coop_id", "role", "status"),
        [("p", "{r}.person_id"), ("s", "{r}.session_id"), ("c", "{r}.coop_id")],
    ),
    "attendance": (
        ("enrollment_id", "present"),
        [
            ("p", "(SELECT person_id FROM enrollment WHERE id = {r}.enrollment_id)"),
            ("s", "(SELECT session_id FROM enrollment WHERE id = {r}.enrollment_id)"),
        ],
    ),
    "mentoring_log": (
        ("person_id", "session_id", "date", "status", "next_date"),
        [("p", "{r}.person_id")],
    ),
    "person": (("gender",), [("p", "{r}.id")]),
}
# The outcome rows (migration 0008): a score names its session, an indicator value its
# person (and so, at the refresh, the person's sessions).
OUTCOME_MARKS = {
    "score": (("session_id", "person_id", "pre", "post"), [("s", "{r}.session_id")]),
    "indicator_value": (
        ("person_id", "indicator_id", "date", "value"),
        [("p", "{r}.person_id")],
    ),
}
EVERY_MARK = {**MARKS, **OUTCOME_MARKS}
# A session whose status, days or programme change: itself, its people and coops (the
# first day orders a person's seats, the last day dates their follow-ups).
TRAINING_COLUMNS = ("status", "start", "end", "program_id")


def _q(column: str) -> str:
    return f'"{column}"'


def _marks(table: str, row: str) -> str:
    """INSERT's SELECT of the (kind, ref) pairs a row of `table` (OLD or NEW) names."""
    parts = " UNION ALL ".join(
        f"SELECT '{kind}' AS kind, {expr.format(r=row)} AS ref"
        for kind, expr in EVERY_MARK[table][1]
    )
    return f"SELECT kind, ref FROM ({parts}) AS marks WHERE ref IS NOT NULL"


def _training_marks(row: str) -> list[str]:
    return [
        f"SELECT 's', {row}.id",
        f"SELECT 'p', person_id FROM enrollment WHERE session_id = {row}.id",
        f"SELECT 'c', coop_id FROM enrollment WHERE session_id = {row}.id",
    ]


def _changed(columns, differ: str) -> str:
    return " OR ".join(f"OLD.{_q(c)} {differ} NEW.{_q(c)}" for c in columns)


def _events(table: str) -> list[str]:
    return ["UPDATE"] if table == "person" else ["INSERT", "UPDATE", "DELETE"]


def _sqlite_triggers() -> list[str]:
    statements = []
    insert = "INSERT OR IGNORE INTO derived_dirty (kind, ref) "
    for table, (columns, _marked) in EVERY_MARK.items():
        for event in _events(table):
            rows = {"INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]}[event]
            when = f" WHEN {_changed(columns, 'IS NOT')}" if event == "UPDATE" else ""
            body = " ".join(f"{insert}{_marks(table, r)};" for r in rows)
            statements.append(
                f"CREATE TRIGGER trg_{table}_{event.lower()} AFTER {event} ON {table}"
                f"{when} BEGIN {body} END"
            )
    body = " ".join(f"{insert}{select};" for select in _training_marks("NEW"))
    statements.append(
        "CREATE TRIGGER trg_training_update AFTER UPDATE ON training "
        f"WHEN {_changed(TRAINING_COLUMNS, 'IS NOT')} BEGIN {body} END"
    )
    return statements


def _postgresql_triggers() -> list[str]:
    statements = []
    conflict = " ON CONFLICT DO NOTHING;"
    insert = "INSERT INTO derived_dirty (kind, ref) "
    for table, (columns, _marked) in EVERY_MARK.items():
        statements.append(
            f"CREATE FUNCTION koptrain_mark_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN "
            f"IF TG_OP <> 'INSERT' THEN {insert}{_marks(table, 'OLD')}{conflict} END IF; "
            f"IF TG_OP <> 'DELETE' THEN {insert}{_marks(table, 'NEW')}{conflict} END IF; "
            "RETURN NULL; END $$"
        )
        for event in _events(table):
            when = f" WHEN ({_changed(columns, 'IS DISTINCT FROM')})" if event == "UPDATE" else ""
            statements.append(
                f"CREATE TRIGGER trg_{table}_{event.lower()} AFTER {event} ON {table} "
                f"FOR EACH ROW{when} EXECUTE FUNCTION koptrain_mark_{table}()"
            )
    body = " ".join(f"{insert}{select}{conflict}" for select in _training_marks("NEW"))
    statements.append(
        "CREATE FUNCTION koptrain_mark_training() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {body} RETURN NULL; END $$"
    )
    statements.append(
        "CREATE TRIGGER trg_training_update AFTER UPDATE ON training FOR EACH ROW "
        f"WHEN ({_changed(TRAINING_COLUMNS, 'IS DISTINCT FROM')}) "
        "EXECUTE FUNCTION koptrain_mark_training()"
    )
    return statements


def names() -> list[str]:
    """Every trigger koptrain's derived state needs."""
    found = [f"trg_{table}_{event.lower()}" for table in EVERY_MARK for event in _events(table)]
    return [*found, "trg_training_update"]


def present(conn) -> set[str]:
    """The koptrain triggers that exist in the database."""
    if conn.dialect.name == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    return {name for (name,) in conn.exec_driver_sql(sql)} & set(names())


def install(conn) -> list[str]:
    """Create the triggers that are missing (all of them on a new database); returns their
    names. On PostgreSQL the functions are (re)defined with them."""
    from sqlalchemy import inspect

    tables = set(inspect(conn).get_table_names())
    if "outcome_score" not in tables:  # before migration 0008: not the outcome triggers
        tables -= set(OUTCOME_MARKS)
    there = present(conn)
    missing = [n for n in names() if n not in there and _table_of(n) in tables]
    if not missing:
        return []
    if conn.dialect.name == "postgresql":
        statements = _postgresql_triggers()
        functions = [s for s in statements if s.startswith("CREATE FUNCTION")]
        for statement in functions:
            conn.exec_driver_sql(
                statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
            )
        statements = [s for s in statements if s not in functions]
    else:
        statements = _sqlite_triggers()
    for statement in statements:
        name = statement.split()[2]
        if name in missing:
            conn.exec_driver_sql(statement)
    return missing


def _table_of(name: str) -> str:
    """The table a trigger named by names() is on."""
    return name.removeprefix("trg_").rsplit("_", 1)[0]
