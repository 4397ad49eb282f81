"""What the edits and deletes share: applying the fields given, refusing a delete."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, func, select

from koptrain.errors import Refused
from koptrain.i18n import _
from koptrain.services import audit
from koptrain.storage.journal import encode


@dataclass(frozen=True)
class Changed:
    """One field an edit changed."""

    field: str
    old: Any
    new: Any

    def text(self, label=str) -> str:
        return f"{label(self.field)}: {_shown(self.old)} → {_shown(self.new)}"


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def apply(db: Session, row: Any, values: dict[str, Any], *, entity: str, key: str) -> list[Changed]:
    """Set the given fields that differ; audit them as old → new; return them."""
    changed = [
        Changed(name, getattr(row, name), value)
        for name, value in values.items()
        if getattr(row, name) != value
    ]
    for change in changed:
        setattr(row, change.field, change.new)
    if changed:
        db.add(row)
        db.flush()
        audit.record(
            db,
            entity=entity,
            key=key,
            change={c.field: [encode(c.old), encode(c.new)] for c in changed},
        )
    return changed


def count(db: Session, column, value) -> int:
    return int(db.exec(select(func.count()).where(column == value)).one())


def refuse_if_referenced(label: str, parts: list[str]) -> None:
    """Refused naming what still refers to the row: "KSP Maju has 14 people and 2 RATs";
    `parts` are counted phrases, empty where nothing refers."""
    parts = [p for p in parts if p]
    if not parts:
        return
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + _(" and ") + parts[-1]
    raise Refused(
        _("{label} has {things}; it cannot be deleted while they refer to it.").format(
            label=label, things=listed
        )
    )


def deleted(db: Session, row: Any, *, entity: str, key: str, values: dict[str, Any]) -> None:
    db.delete(row)
    db.flush()
    audit.record(
        db, entity=entity, key=key, change={"deleted": {k: encode(v) for k, v in values.items()}}
    )
