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
from koptrain.io.readers import NumberCell, RowSource, column_key
from koptrain.parsing import normalise_key, shown
from koptrain.services import audit
from koptrain.services.importing.base import (
    INSERTED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    Handler,
    RowError,
)

MAX_KEPT_ERRORS = 1000  # errors kept for JSON; every error still goes to on_error
MAX_KEPT_CHANGES = 10_000  # changes listed by a dry run
ROW_NUMBER_COLUMNS = frozenset({"no", "no.", "nomor", "#", "no_urut"})
NIK_COLUMNS = ("nik", "coop_nik")  # a number cell there has lost digits already


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
    skipped: int = 0
    written: bool = False
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    rejects_form: Callable[..., None] | None = None  # see Handler.rejects_form

    def as_json(self) -> dict[str, Any]:
        out = {
            "kind": self.kind,
            "rows": self.rows,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "errors": [e.as_json() for e in self.errors],
            "errors_truncated": self.rejected > len(self.errors),
            "ignored_columns": self.ignored_columns,
            "dry_run": self.dry_run,
            "written": self.written,
        }
        if self.dry_run:
            out["changes"] = self.changes
            out["changes_truncated"] = len(self.changes) >= MAX_KEPT_CHANGES
        return out


def _handlers() -> dict[str, type[Handler]]:
    from koptrain.services.importing import kinds as k
    from koptrain.services.importing import outcome_kinds
    from koptrain.services.importing.nominations import NominationsHandler
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
        **outcome_kinds.HANDLERS,
        "nominations": NominationsHandler,
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
    "scores",
    "evaluations",
    "indicators",
    "nominations",
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


def known_columns(handler: type[Handler]) -> dict[str, str]:
    """Every name a header cell may give a column of the kind: alias -> column."""
    lookup = {}
    for name, aliases in handler.columns.items():
        for alias in (name, *aliases):
            lookup[alias] = name
    return lookup


def columns_of(kind: str) -> list[tuple[str, tuple[str, ...], bool]]:
    """(column, aliases, required) for `import KIND --columns`."""
    handler = handler_for(kind)
    required = {name for group in handler.required for name in group}
    return [(name, aliases, name in required) for name, aliases in handler.columns.items()]


def map_header(
    source: RowSource, handler: type[Handler]
) -> tuple[list[tuple[int, str]], list[str]]:
    """(cell index, column name) for every column the kind reads, and the header cells of
    the columns it ignores; InvalidInput if a column is missing or given twice. The row
    number (`no`, `#`), `error` (from a rejects file) and unnamed columns are ignored
    silently."""
    lookup = known_columns(handler)
    where = f"{source.name}:{source.header_line}"  # the header row's line
    mapping: list[tuple[int, str]] = []
    ignored: list[str] = []
    seen: dict[str, str] = {}
    for index, raw in enumerate(source.header):
        key = column_key(raw)
        name = lookup.get(key)
        if name is None:
            quiet = key in ROW_NUMBER_COLUMNS or key in handler.quiet_columns or key == "error"
            if key and not quiet:
                ignored.append(str(raw))
            continue
        if name in seen:
            raise InvalidInput(
                _("{file} has the column {column} twice ('{a}' and '{b}').").format(
                    file=where, column=name, a=shown(seen[name]), b=shown(raw)
                )
            )
        seen[name] = str(raw)
        mapping.append((index, name))
    for group in handler.required:
        if not any(name in seen for name in group):
            raise InvalidInput(
                _("{file} has no column {column}; its columns are: {found}.").format(
                    file=where,
                    column=" / ".join(group),
                    found=", ".join(shown(h, 30) for h in source.header) or "-",
                )
            )
    return mapping, ignored


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
    on_warning: Callable[[str], None] | None = None,
    options: dict[str, Any] | None = None,
) -> ImportResult:
    """Import every row of `source` as `kind`; see the module docstring for the transaction.
    `options` are the command's options that the kind reads (`session`, `coop`)."""
    handler_class = handler_for(kind).for_header(source.header)
    if handler_class.names_sheet and getattr(source, "sheet", None):
        source.name = f"{source.name}:{source.sheet}"  # FILE:SHEET:LINE (SPEC §11)
    mapping, ignored = map_header(source, handler_class)
    labels = {name: str(source.header[i]) for i, name in mapping}
    handler = handler_class(db, labels=labels)
    taken = {i for i, _name in mapping}
    extra = handler.extra_columns(
        [(i, column_key(h)) for i, h in enumerate(source.header) if i not in taken]
    )
    if extra:
        mapping = [*mapping, *extra]
        labels.update({name: str(source.header[i]) for i, name in extra})
        read = {str(source.header[i]) for i, _name in extra}
        ignored = [h for h in ignored if h not in read]
    handler.mapping = mapping
    handler.options = options or {}
    handler.start(source)
    result = ImportResult(kind=normalise_key(kind), file=source.name, dry_run=dry_run)
    result.ignored_columns = ignored
    result.rejects_form = handler.rejects_form
    if ignored and on_warning:
        on_warning(
            _("{file}: ignoring the columns that import {kind} does not read: {columns}.").format(
                file=f"{source.name}:{source.header_line}",
                kind=result.kind,
                columns=", ".join(shown(c, 40) for c in ignored),
            )
        )
    handler.changes = result.changes  # listed by a dry run, audited by a real one
    rows = iter(source)
    if source.spreadsheet:
        rows = _number_cells(rows, mapping, handler, result, on_error, on_reject)
    _import_batches(handler, rows, source.header, result, on_error, on_reject, on_progress)
    if on_warning:
        for warning in handler.warnings[: MAX_KEPT_ERRORS // 10]:
            on_warning(warning.located(source.name))
    handler.finish()
    _audit_changes(handler, result)
    result.skipped += source.skipped

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


def _rejected(result, error: RowError, values, on_error, on_reject) -> None:
    result.rejected += 1
    if len(result.errors) < MAX_KEPT_ERRORS:
        result.errors.append(error)
    if on_error:
        on_error(error)
    if on_reject:
        on_reject(values, error)


def _number_cells(rows, mapping, handler, result, on_error, on_reject):
    """Spreadsheet rows with a NIK in a number cell refused (Excel keeps 15 digits, so the
    number is already another NIK), a phone in a number cell given its leading 0 back."""
    niks = [(i, name) for i, name in mapping if name in NIK_COLUMNS]
    phones = [i for i, name in mapping if name == "phone"]
    for line, values in rows:
        width = len(values)
        for i in phones:  # first, so that a rejected row keeps the 0 in the rejects file
            if i < width and type(values[i]) is NumberCell and values[i][:1] == "8":
                values[i] = "0" + values[i]
        bad = next((name for i, name in niks if i < width and type(values[i]) is NumberCell), None)
        if bad is not None:
            error = RowError(
                line,
                handler.label(bad),
                _("stored as a number: Excel keeps only 15 digits; format the column as Text."),
            )
            result.rows += 1
            _rejected(result, error, values, on_error, on_reject)
            continue
        yield line, values


def _audit_changes(handler, result) -> None:
    """The old and new values of the fields this batch's updates changed: kept in the audit
    trail (SPEC §7) batch by batch, so memory stays flat; a dry run keeps the first ones."""
    changes = result.changes
    if not changes:
        return
    if result.dry_run:
        del changes[MAX_KEPT_CHANGES:]
        return
    audit.record(
        handler.db,
        entity=result.kind,
        key=result.file,
        change={"import": result.file, "changes": list(changes)},
    )
    changes.clear()


def _import_batches(handler, rows, header, result, on_error, on_reject, on_progress) -> None:
    while batch := list(islice(rows, handler.batch_size)):
        outcomes = _process(handler, header, batch)
        _audit_changes(handler, result)
        # counted in C: a million rows make this loop matter
        inserted, updated = outcomes.count(INSERTED), outcomes.count(UPDATED)
        unchanged, skipped = outcomes.count(UNCHANGED), outcomes.count(SKIPPED)
        result.inserted += inserted
        result.updated += updated
        result.unchanged += unchanged
        result.skipped += skipped
        if inserted + updated + unchanged + skipped < len(batch):
            for (_line, values), outcome in zip(batch, outcomes, strict=True):
                if isinstance(outcome, RowError):
                    _rejected(result, outcome, values, on_error, on_reject)
        result.rows += len(batch) - skipped  # like the reader's, not data rows
        if on_progress:
            on_progress(result.rows)


def _process(handler: Handler, header: Sequence[Any], batch: list) -> list:
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
        column = str(header[cell]) if cell < len(header) else ""
        outcomes.append(RowError(line, column, limits.oversize_message(len(values[cell]))))
    return outcomes


def reject_header(source: RowSource) -> Sequence[str]:
    return [*[str(h) for h in source.header], "error"]
