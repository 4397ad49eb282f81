"""`import mentoring` of the mentoring workbook (SPEC §11): each dated row is a contact as
`mentor log PERSON --session S` records it, with the values of the indicator columns as
`--indicator`; the sheet is a group, and a row's ref must be a seat of one of its members."""

from __future__ import annotations

from sqlmodel import select

from koptrain.errors import KoptrainError
from koptrain.i18n import _
from koptrain.models import Enrollment, GroupMember, Indicator, Person, Training
from koptrain.parsing import shown
from koptrain.services.fieldbooks.mentoring_book import GROUP_LABEL
from koptrain.services.fieldbooks.refs import parse_ref
from koptrain.services.importing.base import (
    INSERTED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    Problem,
    RowError,
)
from koptrain.services.outcomes import records as outcome_records

INDICATOR = "indicator:"
_INPUT = ("status", "obstacle_category", "obstacle", "next", "note")  # besides the date


def indicator_columns(db, header: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """(cell index, `indicator:CODE`) for the header cells that are an indicator's code."""
    codes = set(db.exec(select(Indicator.code)).all())
    return [(i, INDICATOR + key) for i, key in header if key in codes]


def _seat(handler, rec) -> tuple[Enrollment, Person, Training]:
    ref = handler.need(rec, "ref")
    try:
        seat = handler.db.get(Enrollment, parse_ref(ref))
    except KoptrainError as error:
        raise Problem("ref", str(error)) from None
    if seat is None:
        raise Problem("ref", _("No seat has the ref {ref}.").format(ref=shown(ref)))
    return seat, handler.db.get(Person, seat.person_id), handler.db.get(Training, seat.session_id)


def _group(handler, seat: Enrollment, rec):
    """The group of the row's sheet (its code right of `Kelompok:` above the table); the
    seat must be one of its members' (in its session, for a group tied to one)."""
    part = getattr(handler.line, "part", None)
    code = part.fact(GROUP_LABEL) if part is not None else None
    if not code:
        raise Problem(
            "ref",
            _(
                "This sheet names no group: the group's code belongs right of '{label}' above "
                "the table."
            ).format(label=GROUP_LABEL),
        )
    try:
        group = handler.group({"group": str(code)})
    except Problem as problem:
        raise Problem("ref", problem.message) from None
    member = handler.db.get(GroupMember, (group.id, seat.person_id))
    if member is None or group.session_id not in (None, seat.session_id):
        raise Problem(
            "ref",
            _("{ref} is not a seat of a member of group {group} (this sheet's group).").format(
                ref=shown(rec.get("ref")), group=group.code
            ),
        )
    return group


def _measured(handler, rec) -> list[tuple[str, str]]:
    """(column, `CODE=VALUE`) for each indicator cell filled in, each value checked."""
    out = []
    for _index, name in handler.mapping:
        value = rec.get(name)
        if not name.startswith(INDICATOR) or value in ("", None):
            continue
        assignment = f"{name[len(INDICATOR) :]}={value}"
        handler.field(
            rec, name, lambda _v, a=assignment: outcome_records.parse_assignments(handler.db, [a])
        )
        out.append((name, assignment))
    return out


def workbook_row(handler, rec) -> str:
    """One row of the workbook: left as it is without a date, else its contact logged
    (or, when that contact is stored already, brought in line with the row)."""
    from koptrain.services import mentoring

    if rec.get("date") in ("", None):
        filled = [c for c in _INPUT if rec.get(c) not in ("", None)]
        if filled:
            message = _("empty, so the row is left as it is, though {columns} is filled in.")
            columns = ", ".join(handler.label(c) for c in filled)
            handler.warnings.append(
                RowError(handler.line, handler.label("date"), message.format(columns=columns))
            )
        return SKIPPED
    seat, person, training = _seat(handler, rec)
    group = _group(handler, seat, rec)
    contact = handler.contact(rec, mentor=group.mentor)
    measured = _measured(handler, rec)
    log = handler.find_log(person, training.id, None, contact)
    if log is not None:
        changed = handler.update_log(log, contact)
        for found, value in outcome_records.parse_assignments(
            handler.db, [a for _c, a in measured]
        ):
            written = outcome_records.put_value(
                handler.db, person, found, value, date=log.date, training=training, log=log
            )
            changed = changed or written != outcome_records.UNCHANGED
        return UPDATED if changed else UNCHANGED
    try:
        mentoring.log_contact(
            handler.db,
            person,
            date=contact.day,
            mentor=contact.mentor,
            status=contact.status,
            session_ref=training,
            obstacles=contact.obstacles,
            note=contact.note,
            next_date=contact.next_date,
            indicators=[a for _c, a in measured],
        )
    except KoptrainError as error:
        raise Problem("ref" if error.exit_code == 1 else "date", str(error)) from None
    return INSERTED
