"""Batch import: every row checked by the rules, then written in one transaction.

The runner streams rows from a RowSource in batches, hands each batch to the kind's
handler (which checks every row and writes the good ones with upserts on natural keys)
and keeps only counters and a bounded list of errors. The caller's transaction holds
everything: the runner rolls it back on a dry run, or when a row was rejected and
`skip_invalid` was not asked for, so a refused import writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sqlmodel import Session

from koptrain.errors import InvalidInput
from koptrain.i18n import _
from koptrain.io import limits
from koptrain.io.readers import RowSource
from koptrain.parsing import normalise_key, shown
from koptrain.services import audit
from koptrain.services.importing.base import INSERTED, UNCHANGED, UPDATED, Handler, RowError

MAX_KEPT_ERRORS = 1000  # errors kept for JSON; every error still goes to on_error


@dataclass
class ImportResult:
    kind: str
    file: str
    dry_run: bool = False
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    written: bool = False
    errors: list[RowError] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": [e.as_json() for e in self.errors],
            "errors_truncated": self.rejected > len(self.errors),
            "dry_run": self.dry_run,
            "written": self.written,
        }


def _handlers() -> dict[str, type[Handler]]:
    from koptrain.services.importing import kinds as k
    from koptrain.services.importing.people import PeopleHandler

    return {
        "programs": k.ProgramsHandler,
        "coops": k.CoopsHandler,
        "health": k.HealthHandler,
        "rat": k.RatHandler,
        "people": PeopleHandler,
        "sessions": k.SessionsHandler,
        "enrollments": k.EnrollmentsHandler,
        "attendance": k.AttendanceHandler,
        "groups": k.GroupsHandler,
        "mentoring": k.MentoringHandler,
    }


KINDS = (
    "programs",
    "coops",
    "health",
    "rat",
    "people",
    "sessions",
    "enrollments",
    "attendance",
    "groups",
    "mentoring",
)


def handler_for(kind: str) -> type[Handler]:
    key = normalise_key(kind)
    found = _handlers().get(key)
    if found is None:
        raise InvalidInput(
            _("'{kind}' is not a kind of import: use one of {kinds}.").format(
                kind=shown(kind), kinds=", ".join(KINDS)
            )
        )
    return found


def map_header(source: RowSource, handler: type[Handler]) -> list[tuple[int, str]]:
    """(cell index, column name) for every column the kind reads; InvalidInput if one is
    missing or given twice. Unknown columns (and `error`, from a rejects file) are ignored."""
    lookup = {}
    for name, aliases in handler.columns.items():
        for alias in (name, *aliases):
            lookup[alias] = name
    mapping: list[tuple[int, str]] = []
    seen: dict[str, str] = {}
    for index, raw in enumerate(source.header):
        name = lookup.get(normalise_key(str(raw).lstrip("\ufeff")))
        if name is None:
            continue
        if name in seen:
            raise InvalidInput(
                _("{file} has the column {column} twice ('{a}' and '{b}').").format(
                    file=source.name, column=name, a=shown(seen[name]), b=shown(raw)
                )
            )
        seen[name] = str(raw)
        mapping.append((index, name))
    for group in handler.required:
        if not any(name in seen for name in group):
            raise InvalidInput(
                _("{file} has no column {column}; its columns are: {found}.").format(
                    file=source.name,
                    column=" / ".join(group),
                    found=", ".join(shown(h, 30) for h in source.header) or "-",
                )
            )
    return mapping


def run(
    db: Session,
    kind: str,
    source: RowSource,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    on_error: Callable[[RowError], None] | None = None,
    on_reject: Callable[[list[Any], RowError], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import every row of `source` as `kind`; see the module docstring for the transaction."""
    handler_class = handler_for(kind)
    mapping = map_header(source, handler_class)
    labels = {name: str(source.header[i]) for i, name in mapping}
    handler = handler_class(db, labels=labels)
    handler.mapping = mapping
    result = ImportResult(kind=normalise_key(kind), file=source.name, dry_run=dry_run)
    _import_batches(handler, source, result, on_error, on_reject, on_progress)
    handler.finish()

    if dry_run or (result.rejected and not skip_invalid):
        db.rollback()
        if not dry_run:
            result.inserted = result.updated = result.unchanged = 0
        return result
    audit.record(
        db,
        entity="import",
        key=result.kind,
        change={
            "file": source.name,
            "rows": result.rows,
            "inserted": result.inserted,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "rejected": result.rejected,
        },
    )
    result.written = True
    return result


def _import_batches(handler, source, result, on_error, on_reject, on_progress) -> None:
    rows = iter(source)
    while batch := list(islice(rows, handler.batch_size)):
        outcomes = _process(handler, source, batch)
        # counted in C: a million rows make this loop matter
        inserted, updated = outcomes.count(INSERTED), outcomes.count(UPDATED)
        unchanged = outcomes.count(UNCHANGED)
        result.inserted += inserted
        result.updated += updated
        result.unchanged += unchanged
        if inserted + updated + unchanged < len(batch):
            for (_line, values), outcome in zip(batch, outcomes, strict=True):
                if isinstance(outcome, RowError):
                    result.rejected += 1
                    if len(result.errors) < MAX_KEPT_ERRORS:
                        result.errors.append(outcome)
                    if on_error:
                        on_error(outcome)
                    if on_reject:
                        on_reject(values, outcome)
        result.rows += len(batch)
        if on_progress:
            on_progress(result.rows)


def _process(handler: Handler, source: RowSource, batch: list) -> list:
    """The handler's outcomes for a batch; a row with a cell longer than a cell may be
    (io.limits) is a row error and never reaches the handler."""
    oversize = limits.oversize_rows(batch)
    if not oversize:
        return handler.process(batch)
    kept = [row for i, row in enumerate(batch) if i not in oversize]
    done = iter(handler.process(kept) if kept else ())
    outcomes = []
    for i, (line, values) in enumerate(batch):
        if i not in oversize:
            outcomes.append(next(done))
            continue
        cell = oversize[i]
        column = str(source.header[cell]) if cell < len(source.header) else ""
        outcomes.append(RowError(line, column, limits.oversize_message(len(values[cell]))))
    return outcomes


def reject_header(source: RowSource) -> Sequence[str]:
    return [*[str(h) for h in source.header], "error"]
