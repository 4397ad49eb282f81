"""The mentoring workbook's layout (SPEC §11): an instructions sheet, then a sheet per
group whose prefilled columns are locked and whose columns to fill carry drop-down lists
in Indonesian; `import mentoring` reads it back by its column names."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from koptrain.i18n import _
from koptrain.io import workbooks
from koptrain.io.workbooks import Column
from koptrain.models import Indicator
from koptrain.parsing import OBSTACLE_CATEGORIES, PRACTICE_STATUSES, mask_nik
from koptrain.words import ALIASES

if TYPE_CHECKING:
    from koptrain.services.fieldbooks.mentoring import GroupSheet

# The cell left of the group's code above each table: how import knows a sheet's group.
GROUP_LABEL = "Kelompok:"
# Prefilled columns that import reads only to show them back (it knows each seat by its
# ref); `pelatihan` and `pendamping` are the mentoring kind's session and mentor columns.
SHOWN_COLUMNS = ("nama", "nik_tersamar", "koperasi", "status_terakhir", "tanggal_status")
SHOWN_COLUMNS += ("jatuh_tempo",)
YES_NO = ("Ya", "Tidak")


def status_word(status: str | None) -> str | None:
    """The Indonesian word of a practice status, as the drop-down lists it."""
    if status is None:
        return None
    return next((w for w, s in ALIASES["status"].items() if s == status), status)


def category_word(category: str) -> str:
    return category.replace("_", " ")


def columns(indicators: list[Indicator]) -> list[Column]:
    statuses = tuple(status_word(s) for s in PRACTICE_STATUSES)
    categories = tuple(category_word(c) for c in OBSTACLE_CATEGORIES)
    fixed = [
        Column("ref", 8),
        Column("nama", 24),
        Column("nik_tersamar", 18),
        Column("koperasi", 32),
        Column("pelatihan", 14),
        Column("pendamping", 28),
        Column("status_terakhir", 16),
        Column("tanggal_status", 15, "date"),
        Column("jatuh_tempo", 12, "date"),
        Column("tanggal", 12, "date", input=True),
        Column("status", 13, "choice", statuses, input=True),
        Column("kategori_kendala", 16, "choice", categories, input=True),
        Column("kendala", 30, input=True),
        Column("kunjungan_berikut", 12, "date", input=True),
        Column("catatan", 40, input=True),
    ]
    for indicator in indicators:
        if indicator.kind == "yes_no":
            fixed.append(Column(indicator.code, 12, "choice", YES_NO, input=True))
        else:
            kind = "int" if indicator.kind in ("count", "money") else "number"
            fixed.append(Column(indicator.code, 14, kind, input=True))
    return fixed


def _instructions(mentor: str, on: dt.date, indicators: list[Indicator]) -> list[str]:
    lines = [
        _(
            "1. Each sheet is one mentoring group; each row is a member whose follow-up is "
            "open on {date}."
        ).format(date=on.strftime("%d/%m/%Y")),
        _(
            "2. Fill in only the yellow columns. The grey columns are filled in by the Dinas "
            "and locked; do not change the ref: it tells the Dinas who the row is about."
        ),
        _(
            "3. For a contact with a member: tanggal is the day of the contact (a date such "
            "as 05/03/2021); status is chosen from the list: menerapkan (practising what was "
            "taught), sebagian (partly), belum (not yet), berhenti (stopped)."
        ),
        _(
            "4. If the member meets an obstacle: choose its kategori_kendala from the list "
            "and describe it in kendala. kunjungan_berikut is the date of the next visit "
            "(after tanggal); catatan is any note."
        ),
        _("5. A row without a tanggal is left as it is: leave it empty if there was no contact."),
        _(
            "6. Return this file to the Dinas. Returning it again later changes nothing that "
            "was already recorded."
        ),
    ]
    if indicators:
        lines.append(_("7. What was measured at the contact, if asked (one column each):"))
        for indicator in indicators:
            unit = f" ({indicator.unit})" if indicator.unit else ""
            hint = _("Ya or Tidak") if indicator.kind == "yes_no" else _("a number")
            lines.append(f"    {indicator.code}: {indicator.name}{unit}: {hint}")
    lines.append("")
    lines.append(_("Mentor: {mentor}").format(mentor=mentor))
    return lines


def _row(member, mentor: str) -> list:
    return [
        member.ref,
        member.name,
        mask_nik(member.nik),
        member.coop,
        member.session,
        mentor,
        status_word(member.last_status),
        member.last_date,
        member.due,
    ]


def workbook(mentor: str, sheets: list[GroupSheet], on: dt.date, indicators: list[Indicator]):
    """The workbook of one mentor: instructions, then a sheet per group."""
    book = workbooks.new_workbook()
    workbooks.add_instructions(
        book,
        _("Mentoring workbook: {mentor}").format(mentor=mentor),
        _instructions(mentor, on, indicators),
        name=_("Instructions"),
    )
    table = columns(indicators)
    for sheet in sheets:
        above = [
            (GROUP_LABEL, sheet.code),
            (_("Mentor:"), sheet.mentor),
            (_("Session:"), sheet.session or "-"),
            (_("Open on:"), on),
        ]
        workbooks.add_table(
            book,
            sheet.code,
            table,
            (_row(m, sheet.mentor) for m in sheet.rows),
            above=above,
            freeze_columns=2,
        )
    return book
