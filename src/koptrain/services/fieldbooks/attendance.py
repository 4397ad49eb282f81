"""The attendance grid (SPEC §11): a row per seat holder, a column per day headed by its
date, a mark per cell (H, S, I, A, ✓ or -; blank = no record) chosen from a drop-down.
`import attendance` reads it back (services.importing.kinds.attendance_grid)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from koptrain.errors import Refused
from koptrain.i18n import _
from koptrain.io.workbooks import Column, add_instructions, add_table, new_workbook
from koptrain.models import Attendance, Training
from koptrain.parsing import mask_nik
from koptrain.services.documents.facts import date_span, seat_holders
from koptrain.services.fieldbooks.refs import seat_ref
from koptrain.services.training.base import session_days

MARKS = ("H", "S", "I", "A", "✓", "X")
_ABSENCE_MARKS = {"sakit": "S", "izin": "I", "alpa": "A", None: "X"}
# The columns before the days, headed as `import attendance` reads them (ref, session) or
# shows them only (name, masked NIK, coop: see attendance_grid.SHOWN_COLUMNS).
FIXED = (
    Column("Ref", 9),
    Column("Kode Pelatihan", 14),
    Column("Nama", 30),
    Column("NIK (tersamar)", 18),
    Column("Koperasi", 34),
)
DAY_FORMAT = "%d/%m/%Y"


def day_column(header: str) -> Column:
    return Column(header, 11, "choice", MARKS, input=True)


def mark(present: bool, reason: str | None) -> str:
    """A stored record as the grid writes it (and reads it back unchanged)."""
    return "H" if present else _ABSENCE_MARKS.get(reason, "X")


def heading(training: Training) -> list[str]:
    return [
        _("ATTENDANCE LIST: {title}").format(title=training.title),
        _("Session {code}, {days}.").format(
            code=training.code, days=date_span(training.start, training.end)
        ),
        _("Marks: H present, S sick, I excused, A absent without leave; blank: not recorded."),
    ]


def instructions() -> list[str]:
    return [
        _("One row per participant who holds a seat, one column per day of the training."),
        _(
            "In each day's cell choose H (hadir, present), S (sakit, sick), I (izin, excused) "
            "or A (alpa, absent without leave); ✓ also means present and X absent."
        ),
        _("Leave a cell blank when you do not know: nothing is recorded for it."),
        _(
            "Do not change the grey columns: the Ref column tells koptrain whose seat the row "
            "is. The NIK is shown masked on purpose."
        ),
        _("Send the workbook back as it is; it can be returned again after corrections."),
    ]


def build(db: Session, training: Training):
    """The grid for a session, its cells filled with what is recorded already."""
    holders = seat_holders(db, training)
    if not holders:
        raise Refused(
            _("Session {session} has no seat holders: there is no attendance to fill in.").format(
                session=training.code
            )
        )
    days = session_days(training)
    marks: dict[tuple[int, dt.date], str] = {}
    ids = [h.enrollment.id for h in holders]
    for start in range(0, len(ids), 500):
        for record in db.exec(
            select(Attendance).where(col(Attendance.enrollment_id).in_(ids[start : start + 500]))
        ).all():
            marks[(record.enrollment_id, record.day)] = mark(record.present, record.reason)
    rows = [
        [
            seat_ref(h.enrollment.id),
            training.code,
            h.person.name,
            mask_nik(h.person.nik),
            h.coop.name,
            *(marks.get((h.enrollment.id, day), "") for day in days),
        ]
        for h in holders
    ]
    columns = [*FIXED, *(day_column(day.strftime(DAY_FORMAT)) for day in days)]
    workbook = new_workbook()
    add_instructions(workbook, _("How to fill in the attendance list"), instructions())
    add_table(workbook, _("Attendance"), columns, rows, above=heading(training), freeze_columns=3)
    return workbook


def grid_rejects(header: Sequence[str], days: set[int]):
    """For import: a writer of the rejected rows of a grid (`header` its columns, `days`
    the indexes of its day columns) as a grid of the same columns, each row with its
    error, ready to correct and send back."""

    def write(rows: Sequence[tuple[list[Any], str]]):
        columns = [day_column(h) if i in days else Column(h, 14) for i, h in enumerate(header)]
        columns.append(Column("error", 60))  # as every rejects file names it
        workbook = new_workbook()
        add_instructions(workbook, _("How to fill in the attendance list"), instructions())
        table = [[*_cells(values, len(header)), error] for values, error in rows]
        add_table(workbook, _("Attendance"), columns, table, freeze_columns=3)
        return workbook

    return write


def _cells(values: list[Any], width: int) -> list[Any]:
    cells = [v.isoformat() if isinstance(v, dt.date) else v for v in list(values)[:width]]
    return cells + [""] * (width - len(cells))
