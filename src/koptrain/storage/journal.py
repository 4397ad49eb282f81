"""The change journal: the one place that records what a transaction changed.

Every transaction of a command (`Store.session`) gets at most one numbered entry
(journal_entry) and, per row it inserted, updated or deleted, a journal_change with the
row's key and its old and new values; koptrain.services.undo is the one place that
reverses an entry from them.

Why SQLAlchemy session events rather than database triggers. Every command writes
through the ORM, so `before_flush`/`after_flush` see each row with its old values (the
attribute history) and its new ones, on SQLite and PostgreSQL alike, in Python code that
is written once for every table. Triggers would have to be written twice (SQLite and
PL/pgSQL), would build one JSON row per changed row inside the database — a million of
them for `import people`, which would cost that import more than its budget — and
could not tell which entry of the journal a change belongs to without a per-transaction
setting that SQLite has no place for. The price of session events is that a bulk path
that writes with Core or the driver's own cursor must say what it wrote: `import people`
reports the runs of ids it inserted (`inserted_range`, op I: two integers however many
rows) and the old values of the rows it updated (`updated`); nothing else bypasses the
ORM. The derived tables (kept by triggers) and the audit and journal tables are not
journaled: they follow from the rest.

Op codes of journal_change: i (insert: new row), u (update: old and new values of the
changed columns), d (delete: old row), I (ids row_id..hi inserted by a bulk path),
D (a chunk of rows deleted by undoing an I: `key` names the columns, `old` holds them).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, insert, inspect, select, update
from sqlmodel import Session, SQLModel

from koptrain.models import Audit, journal_change, journal_entry, journal_ref
from koptrain.parsing import mask_niks_in

JOURNALED = frozenset(
    {
        "coop",
        "rat",
        "health_rating",
        "person",
        "membership",
        "program",
        "training",
        "enrollment",
        "attendance",
        "mentor_group",
        "group_member",
        "mentoring_log",
        "obstacle",
        "policy",
    }
)
# A row's columns that name a person (p), coop (c) or session (s), for `log --person` etc.
REF_COLUMNS = {"person_id": "p", "coop_id": "c", "session_id": "s"}
OWN_REF = {"person": "p", "coop": "c", "training": "s"}


@dataclass
class _State:
    """What the journal knows of the current transaction."""

    entry_id: int | None = None
    changes: int = 0
    summary: list[dict[str, str]] = field(default_factory=list)  # the audit rows
    refs: set[tuple[str, int]] = field(default_factory=set)
    enrollments: set[int] = field(default_factory=set)  # attendance rows name these
    deleted: list[tuple] = field(default_factory=list)  # captured before the flush
    undoes: int | None = None


def table(name: str):
    return SQLModel.metadata.tables[name]


def _rank() -> dict[str, int]:
    return {t.name: i for i, t in enumerate(SQLModel.metadata.sorted_tables)}


# --- values as JSON and back ---------------------------------------------------------


def encode(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def dumps(values: dict[str, Any] | list | None) -> str | None:
    if values is None:
        return None
    if isinstance(values, list):
        return json.dumps([encode(v) for v in values], ensure_ascii=False)
    return json.dumps({k: encode(v) for k, v in values.items()}, ensure_ascii=False)


def decode(tbl: str, values: dict[str, Any]) -> dict[str, Any]:
    """JSON values back to what the columns take (dates, datetimes, booleans)."""
    from sqlalchemy import Boolean, Date, DateTime, TypeDecorator

    columns = table(tbl).c
    out = {}
    for name, value in values.items():
        kind = columns[name].type if name in columns else None
        while isinstance(kind, TypeDecorator):
            kind = kind.impl_instance
        if value is not None and isinstance(kind, DateTime):
            value = dt.datetime.fromisoformat(value)
        elif value is not None and isinstance(kind, Date):
            value = dt.date.fromisoformat(value)
        elif value is not None and isinstance(kind, Boolean):
            value = bool(value)
        out[name] = value
    return out


def key_of(tbl: str, row: dict[str, Any]) -> tuple[int | None, str]:
    """(the integer id when the table has one, the primary key as JSON)."""
    pk = [c.name for c in table(tbl).primary_key.columns]
    key = {name: encode(row[name]) for name in pk}
    row_id = row[pk[0]] if len(pk) == 1 and isinstance(row[pk[0]], int) else None
    return row_id, json.dumps(key, ensure_ascii=False)


# --- the transaction's state and entry -----------------------------------------------


def state(db: Session) -> _State:
    if "journal" not in db.info:
        db.info["journal"] = _State()
    return db.info["journal"]


def track(db: Session) -> None:
    """Journal every change this session makes (called by Store.session)."""
    state(db)
    event.listen(db, "before_flush", _before_flush)
    event.listen(db, "after_flush", _after_flush)
    event.listen(db, "after_rollback", _after_rollback)


def entry_id(db: Session) -> int:
    """This transaction's entry, made on first use."""
    st = state(db)
    if st.entry_id is None:
        from koptrain.services.audit import os_user

        conn = db.connection()
        result = conn.execute(
            insert(journal_entry).values(
                at=dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
                os_user=db.info.get("os_user") or os_user(),
                command=mask_niks_in(db.info.get("command", "")),
                summary="[]",
                changes=0,
            )
        )
        st.entry_id = result.inserted_primary_key[0]
    return st.entry_id


def write(db: Session, changes: list[dict[str, Any]], *, count: int | None = None) -> None:
    """Add journal_change rows (dicts with tbl, op, row_id, hi, key, old, new) to this
    transaction's entry; `count` is how many rows they stand for (default one each)."""
    if not changes:
        return
    st = state(db)
    number = entry_id(db)
    db.connection().execute(insert(journal_change), [{**c, "entry_id": number} for c in changes])
    st.changes += len(changes) if count is None else count
    for change in changes:
        _collect_refs(st, change)


def _collect_refs(st: _State, change: dict[str, Any]) -> None:
    if change["op"] not in ("i", "u", "d"):
        return
    tbl = change["tbl"]
    for text in (change.get("old"), change.get("new"), change.get("key")):
        if not text:
            continue
        values = json.loads(text)
        if tbl in OWN_REF and change["row_id"] is not None:
            st.refs.add((OWN_REF[tbl], change["row_id"]))
        for column, kind in REF_COLUMNS.items():
            if isinstance(values.get(column), int):
                st.refs.add((kind, values[column]))
        if tbl == "attendance" and isinstance(values.get("enrollment_id"), int):
            st.enrollments.add(values["enrollment_id"])


def point(tbl: str, op: str, row: dict[str, Any], old=None, new=None) -> dict[str, Any]:
    row_id, key = key_of(tbl, row)
    return {
        "tbl": tbl,
        "op": op,
        "row_id": row_id,
        "hi": row_id,
        "key": key,
        "old": dumps(old),
        "new": dumps(new),
    }


def inserted_range(db: Session, tbl: str, lo: int, hi: int, count: int) -> None:
    """A bulk path inserted `count` rows of `tbl`, all with ids in lo..hi, and no other
    row has an id there (ids given in order while the transaction holds the lock)."""
    if count > 0:
        change = {"tbl": tbl, "op": "I", "row_id": lo, "hi": hi}
        write(db, [{**change, "key": None, "old": None, "new": None}], count=count)


def updated(db: Session, tbl: str, rows: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """A bulk path updated these rows: (old values with the key, new values) each."""
    changes = []
    for old, new in rows:
        changed = [k for k in new if old.get(k) != new[k]]
        if changed:
            changes.append(
                point(
                    tbl,
                    "u",
                    old,
                    old={k: old[k] for k in changed},
                    new={k: new[k] for k in changed},
                )
            )
    write(db, changes)


def note(db: Session, *, entity: str, key: str, change: str = "") -> None:
    """A line of the entry's summary, as the audit trail words one."""
    state(db).summary.append({"entity": entity, "key": key, "change": change})
    entry_id(db)


def finish(db: Session) -> int | None:
    """Before the commit: the entry's summary, count and references; returns its number."""
    db.flush()
    st = state(db)
    if st.entry_id is None:
        return None
    conn = db.connection()
    if st.enrollments:
        enrollment = table("enrollment")
        ids = sorted(st.enrollments)
        for start in range(0, len(ids), 500):
            for person_id, session_id in conn.execute(
                select(enrollment.c.person_id, enrollment.c.session_id).where(
                    enrollment.c.id.in_(ids[start : start + 500])
                )
            ):
                st.refs.update({("p", person_id), ("s", session_id)})
    conn.execute(
        update(journal_entry)
        .where(journal_entry.c.id == st.entry_id)
        .values(
            summary=json.dumps(st.summary, ensure_ascii=False),
            changes=st.changes,
            undoes=st.undoes,
        )
    )
    refs = sorted(st.refs)
    for start in range(0, len(refs), 5000):
        conn.execute(
            insert(journal_ref),
            [{"entry_id": st.entry_id, "kind": k, "ref": r} for k, r in refs[start : start + 5000]],
        )
    number = st.entry_id
    db.info["journal"] = _State()
    return number


# --- the session events --------------------------------------------------------------


def _row(obj) -> dict[str, Any]:
    return {p.columns[0].name: getattr(obj, p.key) for p in inspect(obj).mapper.column_attrs}


def _tbl(obj) -> str | None:
    name = getattr(obj, "__tablename__", None)
    return name if name in JOURNALED else None


def _before_flush(db: Session, _context, _instances) -> None:
    """Deleted rows are read before the flush, while their values can still be loaded."""
    st = state(db)
    with db.no_autoflush:
        for obj in db.deleted:
            tbl = _tbl(obj)
            if tbl:
                st.deleted.append((tbl, _row(obj)))


def _after_flush(db: Session, _context) -> None:
    """Inserts and updates with their values; deletes as read before. Recorded children
    first for deletes and parents first for inserts, so that undo, which replays an entry
    backwards, re-inserts parents before children and deletes children before parents."""
    st = state(db)
    rank = _rank()
    deletes = sorted(st.deleted, key=lambda d: -rank[d[0]])
    st.deleted = []
    changes = [point(tbl, "d", row, old=row) for tbl, row in deletes]
    for obj in db.dirty:
        tbl = _tbl(obj)
        if not tbl or not db.is_modified(obj, include_collections=False):
            continue
        ins = inspect(obj)
        old, new = {}, {}
        for attr in ins.mapper.column_attrs:
            history = ins.attrs[attr.key].history
            if history.added and history.deleted and history.added[0] != history.deleted[0]:
                old[attr.key], new[attr.key] = history.deleted[0], history.added[0]
            elif history.added and not history.deleted and not history.unchanged:
                new[attr.key] = history.added[0]
                old[attr.key] = None
        if new:
            changes.append(point(tbl, "u", _row(obj), old=old, new=new))
    inserts = []
    for obj in db.new:
        if isinstance(obj, Audit):
            st.summary.append({"entity": obj.entity, "key": obj.key, "change": obj.change})
            entry_id(db)
            continue
        tbl = _tbl(obj)
        if tbl:
            row = _row(obj)
            inserts.append((rank[tbl], tbl, row))
    inserts.sort(key=lambda i: (i[0], str(i[2].get("id"))))
    changes += [point(tbl, "i", row, new=row) for _r, tbl, row in inserts]
    write(db, changes)


def _after_rollback(db: Session) -> None:
    db.info["journal"] = _State()
