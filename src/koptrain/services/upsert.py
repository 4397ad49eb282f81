"""Insert or update one row on its natural key: the one place that compares a stored row
with new values, writes the difference and hands it, field by field, to the audit trail.

The commands (`coop health`, `rat record`) and the import kinds write through `upsert`; a
caller finds the row its own way (by code, case-insensitively, by a coop's two keys...)
and passes it, or None to insert.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from koptrain.services import audit

INSERTED, UPDATED, UNCHANGED = "inserted", "updated", "unchanged"


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Written:
    """What `upsert` did: the row as stored, inserted/updated/unchanged, and the fields
    that changed (for an insert, those given a value)."""

    row: Any
    outcome: str
    changes: tuple[FieldChange, ...]


def field_changes(row: Any | None, values: dict[str, Any]) -> tuple[FieldChange, ...]:
    """The fields of `values` that differ from `row` (None: a row not stored yet)."""
    if row is None:
        return tuple(FieldChange(k, None, v) for k, v in values.items() if v is not None)
    return tuple(
        FieldChange(k, getattr(row, k), v) for k, v in values.items() if getattr(row, k) != v
    )


def upsert(
    db: Session,
    row: Any | None,
    values: dict[str, Any],
    *,
    make: Callable[[], Any],
    audit_as: tuple[str, str] | None = None,
) -> Written:
    """Insert `make()` when `row` is None, else set the fields of `row` that differ from
    `values`. With `audit_as` (entity, key), what changed goes into the audit trail as
    {field: [old, new]}; nothing is audited when nothing changed."""
    changes = field_changes(row, values)
    if row is None:
        row = make()
        db.add(row)
        outcome = INSERTED
    elif not changes:
        return Written(row, UNCHANGED, ())
    else:
        for change in changes:
            setattr(row, change.field, change.new)
        outcome = UPDATED
    db.flush()
    if audit_as is not None:
        entity, key = audit_as
        audit.record_changes(db, entity=entity, key=key, changes=changes)
    return Written(row, outcome, changes)
