"""`log`: the entries of the change journal, newest first, with what each one changed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlmodel import Session

from koptrain.i18n import _, current_language
from koptrain.models import journal_change, journal_entry, journal_ref
from koptrain.parsing import mask_niks_in

E, C, R = journal_entry, journal_change, journal_ref
SHOWN_CHANGES = 20  # per entry in JSON; the table shows the summary and a count


@dataclass
class LogFilter:
    limit: int = 50
    person_id: int | None = None
    coop_id: int | None = None
    session_id: int | None = None
    since: dt.date | None = None  # local days, inclusive
    until: dt.date | None = None


def _utc(day: dt.date) -> dt.datetime:
    """Midnight of a local day, as the naive UTC the journal stores."""
    local = dt.datetime.combine(day, dt.time()).astimezone()
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def local_time(at: dt.datetime) -> str:
    return at.replace(tzinfo=dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _touching(kind: str, ref: int, tbl: str):
    """Entries that name the row in journal_ref, or inserted it in a bulk run."""
    return or_(
        exists().where(R.c.entry_id == E.c.id, R.c.kind == kind, R.c.ref == ref),
        exists().where(
            C.c.entry_id == E.c.id,
            C.c.tbl == tbl,
            C.c.op.in_(("I", "D")),
            and_(C.c.row_id <= ref, C.c.hi >= ref),
        ),
    )


def entries(db: Session, wanted: LogFilter) -> list[dict[str, Any]]:
    query = select(E).order_by(E.c.id.desc()).limit(wanted.limit)
    if wanted.person_id is not None:
        query = query.where(_touching("p", wanted.person_id, "person"))
    if wanted.coop_id is not None:
        query = query.where(_touching("c", wanted.coop_id, "coop"))
    if wanted.session_id is not None:
        query = query.where(_touching("s", wanted.session_id, "training"))
    if wanted.since is not None:
        query = query.where(E.c.at >= _utc(wanted.since))
    if wanted.until is not None:
        query = query.where(E.c.at < _utc(wanted.until + dt.timedelta(days=1)))
    conn = db.connection()
    rows = conn.execute(query).all()
    return [_entry(conn, row) for row in rows]


def _entry(conn, row) -> dict[str, Any]:
    summary = json.loads(row.summary or "[]")
    changes = [
        _change(c)
        for c in conn.execute(
            select(C.c.tbl, C.c.op, C.c.row_id, C.c.hi, C.c.key, C.c.old, C.c.new)
            .where(C.c.entry_id == row.id)
            .order_by(C.c.id)
            .limit(SHOWN_CHANGES)
        )
    ]
    # an import's field-by-field changes are listed from the journal below, not as the
    # audit's batch records of them
    said = [line for line in summary if '"changes": [' not in line["change"]]
    what = "; ".join(_said(line) for line in said) or "; ".join(_describe(c) for c in changes[:3])
    if any(line["entity"] == "import" for line in summary):  # its updates, field by field
        updates = [_describe(c) for c in changes if c["op"] == "update"]
        what = "; ".join([what, *updates[:3]]) + (" …" if len(updates) > 3 else "")
    if row.undone_by:  # first: a long entry is shortened on screen from its end
        what = _("(undone by entry {n})").format(n=row.undone_by) + " " + what
    return {
        "entry": row.id,
        "at": local_time(row.at),
        "user": row.os_user,
        "command": row.command,
        "what": mask_niks_in(what),
        "changed": row.changes,
        "audit": [
            {"entity": line["entity"], "key": line["key"], "change": _parsed(line["change"])}
            for line in summary
        ],
        "undoes": row.undoes,
        "undone_by": row.undone_by,
        "changes": changes,
    }


# The import kind that reads the rows of an audit entity or a journal table.
_KIND_OF = {
    "coop": "coops",
    "person": "people",
    "membership": "people",
    "rat": "rat",
    "health": "health",
    "health_rating": "health",
    "program": "programs",
    "session": "sessions",
    "training": "sessions",
    "enrollment": "enrollments",
    "attendance": "attendance",
    "group": "groups",
    "mentor_group": "groups",
    "group_member": "groups",
    "mentoring_log": "mentoring",
    "score": "scores",
    "indicator_value": "indicators",
}


def field_label(entity: str) -> Callable[[str], str]:
    """How a field of `entity` is named on screen: in Indonesian, the column header its
    import kind reads (`nama`, `jenis_kelamin`); otherwise the field itself."""
    if current_language() != "id" or entity not in _KIND_OF:
        return str
    from koptrain.services.importing import handler_for

    columns = handler_for(_KIND_OF[entity]).columns
    return lambda field: (columns.get(field) or (field,))[0]


def _said(line: dict[str, str]) -> str:
    """One line of what the audit trail said of an entry."""
    if line["entity"] == "undo":
        return _("undo of entry {n}").format(n=line["key"])
    from koptrain.io.output import change_text

    text = change_text(line["change"], field_label(line["entity"]))
    return f"{line['entity']} {line['key']}: {text}"


def _parsed(change: str) -> Any:
    try:
        return json.loads(change)
    except ValueError:
        return change


def _change(c) -> dict[str, Any]:
    """One change as JSON shows it: NIKs masked in old and new values."""

    def masked(text):
        return json.loads(mask_niks_in(text)) if text else None

    if c.op in ("I", "D"):
        key: Any = {"ids": [c.row_id, c.hi]}
        old = None
    else:
        key, old = json.loads(c.key), masked(c.old)
    op = {"i": "insert", "u": "update", "d": "delete", "I": "insert", "D": "delete"}[c.op]
    return {"table": c.tbl, "op": op, "key": key, "old": old, "new": masked(c.new)}


def _describe(change: dict[str, Any]) -> str:
    key = ", ".join(f"{k}={v}" for k, v in change["key"].items())
    if change["op"] == "update" and change["old"]:
        label = field_label(change["table"])
        fields = ", ".join(
            f"{label(k)}: {change['old'].get(k)} → {v}" for k, v in (change["new"] or {}).items()
        )
        return f"{change['table']} {key}: {fields}"
    return f"{change['op']} {change['table']} {key}"
