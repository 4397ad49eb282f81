"""`undo`: the one place that reverses an entry of the change journal (storage.journal).

An entry is replayed backwards, change by change, with Core statements on the tables
themselves: an insert is deleted, an update set back, a delete re-inserted with its old
id; a run of ids a bulk import inserted is deleted a chunk at a time, each chunk's rows
kept in the undo's own entry first (so the undo can be undone, and memory stays flat).
What undo writes is journaled like any change, in an entry of its own that names the
entry it undoes.

Before anything is written the entry is checked against the later ones: if a later entry
(not undone since) changed one of the same rows, or a later row refers to a row the undo
would remove, the undo is refused naming that entry, and nothing changes. The sessions
whose seats it touches are locked as enroll and withdraw lock them, and a seat it frees
goes to the waitlist in the same transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session

from koptrain.errors import NotFound, Refused
from koptrain.i18n import _
from koptrain.models import journal_change, journal_entry
from koptrain.storage import journal

CHUNK = 5000  # ids per chunk when a bulk insert is undone
PAGE = 200  # journal_change rows read at a time

E = journal_entry
C = journal_change


@dataclass
class UndoResult:
    undone: int  # the entry reverted
    command: str
    entry: int = 0  # the undo's own entry
    rows: int = 0
    promoted: list[str] = field(default_factory=list)  # names of who moved up


def undo(db: Session, number: int | None = None) -> UndoResult:
    """Revert entry `number` (default: the latest that changed data, is not an undo and is
    not undone) in this transaction."""
    target = _target(db, number)
    _check_later_changes(db, target.id)
    trainings = _lock_sessions(db, target.id)
    rows = 0
    last = None
    while page := _page(db, target.id, last):
        for change in page:
            rows += _reverse(db, target.id, change)
        last = page[-1].id
    db.expire_all()
    result = UndoResult(undone=target.id, command=target.command, rows=rows)
    result.promoted = [moved.person.name for moved in _promote(db, trainings)]
    st = journal.state(db)
    st.undoes = target.id
    journal.note(db, entity="undo", key=str(target.id))
    result.entry = journal.entry_id(db)
    conn = db.connection()
    conn.execute(update(E).where(E.c.id == target.id).values(undone_by=result.entry))
    if target.undoes is not None:  # undoing an undo: the first entry holds again
        conn.execute(update(E).where(E.c.id == target.undoes).values(undone_by=None))
    return result


def _target(db: Session, number: int | None):
    conn = db.connection()
    if number is None:
        row = conn.execute(
            select(E)
            .where(E.c.changes > 0, E.c.undone_by.is_(None), E.c.undoes.is_(None))
            .order_by(E.c.id.desc())
            .limit(1)
            .with_for_update()  # two undos at once cannot both take back the same entry
        ).first()
        if row is None:
            raise Refused(_("Nothing to undo: no entry of the log that changed data is left."))
        return row
    row = conn.execute(select(E).where(E.c.id == number).with_for_update()).first()
    if row is None:
        raise NotFound(_("There is no entry {n} in the log.").format(n=number))
    if row.changes == 0:
        raise Refused(_("Entry {n} changed no data; there is nothing to undo.").format(n=number))
    if row.undone_by is not None:
        raise Refused(
            _("Entry {n} was already undone by entry {m}.").format(n=number, m=row.undone_by)
        )
    return row


def _dead_entries(after: int):
    """Later entries that no longer count: undone ones, and the undos that undid them."""
    undone = aliased(E)
    return select(E.c.id).where(
        or_(
            E.c.undone_by.is_not(None),
            E.c.id.in_(
                select(undone.c.undone_by).where(
                    undone.c.id > after, undone.c.undone_by.is_not(None)
                )
            ),
        )
    )


def _check_later_changes(db: Session, number: int) -> None:
    mine, later = C.alias("mine"), C.alias("later")
    found = (
        db.connection()
        .execute(
            select(func.max(later.c.entry_id)).where(
                mine.c.entry_id == number,
                later.c.entry_id > number,
                later.c.tbl == mine.c.tbl,
                or_(
                    and_(
                        mine.c.row_id.is_not(None),
                        later.c.row_id <= mine.c.hi,
                        later.c.hi >= mine.c.row_id,
                    ),
                    and_(mine.c.row_id.is_(None), later.c.key == mine.c.key),
                ),
                later.c.entry_id.not_in(_dead_entries(number)),
            )
        )
        .scalar()
    )
    if found is not None:
        raise _conflict(db, number, found)


def _conflict(db: Session, number: int, later: int | None) -> Refused:
    if later is None:
        return Refused(
            _("Entry {n} cannot be undone: rows it would restore have been changed since.").format(
                n=number
            )
        )
    command = db.connection().execute(select(E.c.command).where(E.c.id == later)).scalar()
    return Refused(
        _(
            "Entry {n} cannot be undone: entry {m} ({command}) changed the same rows since; "
            "undo entry {m} first."
        ).format(n=number, m=later, command=command)
    )


def _page(db: Session, number: int, before: int | None):
    query = select(C).where(C.c.entry_id == number)
    if before is not None:
        query = query.where(C.c.id < before)
    return db.connection().execute(query.order_by(C.c.id.desc()).limit(PAGE)).all()


def _lock_sessions(db: Session, number: int) -> list[int]:
    """The sessions whose seats the entry changed, locked in id order as enroll locks one."""
    from koptrain.models import Training
    from koptrain.services.training import lock

    ids: set[int] = set()
    for tbl, row_id, old, new in db.connection().execute(
        select(C.c.tbl, C.c.row_id, C.c.old, C.c.new).where(
            C.c.entry_id == number, C.c.tbl.in_(("enrollment", "training")), C.c.op != "D"
        )
    ):
        if tbl == "training" and row_id is not None:
            ids.add(row_id)
        for text in (old, new):
            if text and isinstance(session_id := json.loads(text).get("session_id"), int):
                ids.add(session_id)
    for training_id in sorted(ids):
        training = db.get(Training, training_id)
        if training is not None:
            lock(db, training)
    return sorted(ids)


def _promote(db: Session, training_ids: list[int]) -> list[Any]:
    """A seat the undo freed goes to the first on the waitlist who still passes the rules."""
    from koptrain.models import Training
    from koptrain.services.training import OPEN
    from koptrain.services.training.withdrawal import promote

    moves = Moves()
    for training_id in training_ids:
        training = db.get(Training, training_id)
        if training is not None and training.status == OPEN:
            promote(db, training, moves)  # type: ignore[arg-type]  (what it fills)
    return moves.promoted


@dataclass
class Moves:
    """What `promote` reports into: who moved up and who was passed over."""

    promoted: list[Any] = field(default_factory=list)
    passed_over: list[Any] = field(default_factory=list)


# --- one change backwards --------------------------------------------------------------


def _reverse(db: Session, number: int, change) -> int:
    """Undo one journal_change; returns how many rows it restored."""
    tbl = journal.table(change.tbl)
    conn = db.connection()
    if change.op == "I":
        return _remove_run(db, number, change)
    if change.op == "D":
        columns = json.loads(change.key)
        rows = [
            journal.decode(change.tbl, dict(zip(columns, r, strict=True)))
            for r in json.loads(change.old)
        ]
        _check_parents(db, number, change.tbl, rows)
        _guarded(db, number, change.tbl, lambda: conn.execute(insert(tbl), rows))
        journal.inserted_range(db, change.tbl, change.row_id, change.hi, len(rows))
        return len(rows)
    key = journal.decode(change.tbl, json.loads(change.key))
    where = [tbl.c[name] == value for name, value in key.items()]
    if change.op == "i":
        current = conn.execute(select(tbl).where(*where)).mappings().first()
        if current is None:
            raise _conflict(db, number, None)
        _guarded(db, number, change.tbl, lambda: conn.execute(delete(tbl).where(*where)))
        journal.write(db, [journal.point(change.tbl, "d", dict(current), old=dict(current))])
    elif change.op == "u":
        old = journal.decode(change.tbl, json.loads(change.old))
        new = journal.decode(change.tbl, json.loads(change.new))
        _guarded(
            db, number, change.tbl, lambda: conn.execute(update(tbl).where(*where).values(old))
        )
        journal.write(db, [journal.point(change.tbl, "u", key, old=new, new=old)])
    else:  # d
        old = journal.decode(change.tbl, json.loads(change.old))
        _check_parents(db, number, change.tbl, [old])
        _guarded(db, number, change.tbl, lambda: conn.execute(insert(tbl).values(old)))
        journal.write(db, [journal.point(change.tbl, "i", old, new=old)])
    return 1


def _remove_run(db: Session, number: int, change) -> int:
    """The rows of a bulk insert, a chunk of ids at a time: kept in the undo's entry, then
    deleted. Chunks from the top down, as their children were inserted after them."""
    tbl = journal.table(change.tbl)
    conn = db.connection()
    columns = [c.name for c in tbl.columns]
    removed = 0
    top = change.hi
    while top >= change.row_id:
        low = max(change.row_id, top - CHUNK + 1)
        ids = tbl.c.id.between(low, top)
        rows = conn.execute(select(tbl).where(ids).order_by(tbl.c.id)).all()
        if rows:
            journal.write(
                db,
                [
                    {
                        "tbl": change.tbl,
                        "op": "D",
                        "row_id": low,
                        "hi": top,
                        "key": json.dumps(columns),
                        "old": json.dumps(
                            [[journal.encode(v) for v in row] for row in rows], ensure_ascii=False
                        ),
                        "new": None,
                    }
                ],
                count=len(rows),
            )
            _guarded(db, number, change.tbl, lambda ids=ids: conn.execute(delete(tbl).where(ids)))
            removed += len(rows)
        top = low - 1
    return removed


def _guarded(db: Session, number: int, tbl: str, statement) -> None:
    """Run one reversing statement in a savepoint; a row that a later one refers to (or
    that clashes with one stored since) refuses the whole undo, naming the later entry."""
    savepoint = db.connection().begin_nested()
    try:
        statement()
    except IntegrityError:
        savepoint.rollback()
        raise _conflict(db, number, _latest_referrer(db, number, tbl)) from None
    savepoint.commit()


def _check_parents(db: Session, number: int, tbl: str, rows: list[dict[str, Any]]) -> None:
    """A row put back must find the same parent rows it had: a parent with its id
    inserted after `number` (SQLite hands out the id of a deleted last row again) is
    another row, so the undo is refused naming the entry that inserted it."""
    for fk in journal.table(tbl).foreign_keys:
        parent = fk.column.table.name
        ids = sorted({row[fk.parent.name] for row in rows if row.get(fk.parent.name) is not None})
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            found = (
                db.connection()
                .execute(
                    select(C.c.entry_id, C.c.row_id, C.c.hi)
                    .where(
                        C.c.entry_id > number,
                        C.c.entry_id != (journal.state(db).entry_id or 0),
                        C.c.tbl == parent,
                        C.c.op.in_(("i", "I")),
                        C.c.row_id <= part[-1],
                        C.c.hi >= part[0],
                        C.c.entry_id.not_in(_dead_entries(number)),
                    )
                    .order_by(C.c.entry_id.desc())
                )
                .all()
            )
            wanted = set(part)
            for entry, low, high in found:
                if any(low <= i <= high for i in wanted):
                    raise _conflict(db, number, entry)


def _latest_referrer(db: Session, number: int, tbl: str) -> int | None:
    """The latest live entry after `number` that wrote a row of `tbl` (a clash) or of a
    table referring to it."""
    children = {tbl} | {
        fk.parent.table.name
        for t in journal.table(tbl).metadata.sorted_tables
        for fk in t.foreign_keys
        if fk.column.table.name == tbl
    }
    if not children:
        return None
    return (
        db.connection()
        .execute(
            select(func.max(C.c.entry_id)).where(
                C.c.entry_id > number,
                C.c.entry_id != (journal.state(db).entry_id or 0),
                C.c.tbl.in_(sorted(children)),
                C.c.op.in_(("i", "I", "u")),
                C.c.entry_id.not_in(_dead_entries(number)),
            )
        )
        .scalar()
    )
