"""The wide form of `import attendance`: the attendance grid that `sheet attendance` writes
(a row per seat, a column per day headed by its date; SPEC §11). Each filled cell becomes a
record of the long form, checked and written by AttendanceHandler (one rule); a row is
written only when every cell of it passes. A blank cell is no record."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from koptrain.errors import InvalidInput, KoptrainError
from koptrain.i18n import _
from koptrain.io.readers import column_key
from koptrain.models import Enrollment, Training
from koptrain.parsing import SEAT_STATUSES, parse_date, shown
from koptrain.services.importing.base import INSERTED, UNCHANGED, UPDATED, Problem, RowError
from koptrain.services.importing.kinds.training import AttendanceHandler

# Columns the grid shows to the person filling it in; not read back.
SHOWN_COLUMNS = {
    "name": ("nama", "nama_lengkap"),
    "masked_nik": ("nik_tersamar", "nik_(tersamar)"),
    "coop": ("koperasi", "nama_koperasi"),
}
DAY_PREFIX = "day:"


def day_columns(header: list[str], known: set[str]) -> dict[int, dt.date]:
    """The header cells that are dates (a column per day), by their index."""
    days = {}
    for index, raw in enumerate(header):
        text = str(raw).strip()
        if not text or column_key(text) in known or not any(c.isdigit() for c in text):
            continue
        try:
            days[index] = parse_date(text)
        except KoptrainError:
            continue
    return days


def grid_for(long_form: type[AttendanceHandler], header: list[str]) -> type | None:
    """An AttendanceGrid class reading this header's day columns, or None when no column is
    headed by a date (then the file is the long form)."""
    known = {key for name, aliases in long_form.columns.items() for key in (name, *aliases)}
    days = day_columns(header, known)
    if not days:
        return None
    columns = {n: a for n, a in long_form.columns.items() if n in ("session", "nik", "ref")}
    columns.update(SHOWN_COLUMNS)
    for index, day in days.items():
        columns[DAY_PREFIX + day.isoformat()] = (column_key(header[index]),)
    return type("AttendanceGrid", (AttendanceGrid,), {"columns": columns})


class AttendanceGrid(AttendanceHandler):
    required: ClassVar = (("nik", "ref"),)
    names_sheet: ClassVar = True
    batch_size: ClassVar = 200

    def start(self, source: Any) -> None:
        if not self.has("session") and not self.options.get("session"):
            raise InvalidInput(
                _("{file} has no column session: give the session with --session.").format(
                    file=source.name
                )
            )
        from koptrain.services.fieldbooks.attendance import grid_rejects

        days = {i for i, name in self.mapping if name.startswith(DAY_PREFIX)}
        self.rejects_form = grid_rejects(list(source.header), days)

    def days(self) -> list[tuple[str, str]]:
        return [(n, n[len(DAY_PREFIX) :]) for n in self.columns if n.startswith(DAY_PREFIX)]

    def process(self, batch):
        out: list[str | RowError] = []
        days = self.days()
        for line, values in batch:
            rec = self.record(values)
            if not rec.get("session"):
                rec["session"] = self.options.get("session") or ""
            self.line, self.rec = line, rec
            try:
                out.append(self._row(rec, days))
            except Problem as problem:
                out.append(RowError(line, self.label(problem.column), problem.message))
        return out

    def _row(self, rec: dict[str, Any], days: list[tuple[str, str]]) -> str:
        training = self.training(rec)
        self.seat(rec, training, None if self.by_ref(rec) else self.person(rec))
        plans = []
        for column, day in days:
            cell = rec.get(column)
            if cell in ("", None):
                continue
            record = {k: rec[k] for k in ("session", "nik", "ref") if k in rec}
            try:
                plans.append(self.checked({**record, "day": day, "present": cell}))
            except Problem as problem:
                if problem.column in ("day", "present"):
                    problem.column = column
                raise
        outcomes = [self.store(plan) for plan in plans]
        for outcome in (INSERTED, UPDATED):
            if outcome in outcomes:
                return outcome
        return UNCHANGED


def seat_by_ref(handler: AttendanceHandler, rec: dict[str, Any], training: Training) -> Enrollment:
    """The seat a `ref` names, which must be a seat of `training`."""
    from koptrain.services.fieldbooks.refs import parse_ref

    raw = str(handler.need(rec, "ref"))
    try:
        enrollment = handler.db.get(Enrollment, parse_ref(raw))
    except KoptrainError as error:
        raise Problem("ref", str(error)) from None
    if enrollment is None or enrollment.status not in SEAT_STATUSES:
        raise Problem("ref", _("No seat has the ref {ref}.").format(ref=shown(raw)))
    if enrollment.session_id != training.id:
        other = handler.db.get(Training, enrollment.session_id)
        raise Problem(
            "ref",
            _("The ref {ref} is a seat in session {other}, not in session {session}.").format(
                ref=shown(raw), other=other.code if other else "?", session=training.code
            ),
        )
    return enrollment
