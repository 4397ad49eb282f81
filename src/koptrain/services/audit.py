"""The audit trail: every change is written with when, who, the command and what changed."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from koptrain.models import Audit
from koptrain.parsing import mask_niks_in


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "unknown"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def record(db: Session, *, entity: str, key: str, change: dict[str, Any]) -> None:
    """Add one audit row in the caller's transaction.

    People's NIKs are masked in the command and in what changed: the trail is read by
    more people than may see personal data.
    """
    command = db.info.get("command", "")
    db.add(
        Audit(
            os_user=db.info.get("os_user") or os_user(),
            command=mask_niks_in(command),
            entity=entity,
            key=mask_niks_in(str(key)),
            change=mask_niks_in(
                json.dumps({k: _jsonable(v) for k, v in change.items()}, ensure_ascii=False)
            ),
        )
    )


def record_reveal(db: Session) -> None:
    """--reveal-nik shows full NIKs: recorded with who asked and the command."""
    record(db, entity="nik", key="reveal", change={"reveal_nik": True})


def record_changes(db: Session, *, entity: str, key: str, changes: Iterable[Any]) -> None:
    """Audit field-level changes (each with .field, .old and .new, see services.upsert),
    stored as {field: [old, new]}."""
    record(
        db,
        entity=entity,
        key=key,
        change={c.field: [_jsonable(c.old), _jsonable(c.new)] for c in changes},
    )


def recent(db: Session, limit: int = 50) -> list[dict[str, Any]]:
    rows = db.exec(select(Audit).order_by(col(Audit.id).desc()).limit(limit)).all()
    return [
        {
            "id": row.id,
            "at": row.at.isoformat(sep=" "),
            "user": row.os_user,
            "entity": row.entity,
            "key": row.key,
            "change": row.change,
            "command": row.command,
        }
        for row in rows
    ]
