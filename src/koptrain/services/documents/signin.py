"""The sign-in sheet (daftar hadir): a sheet per day, a row per seat holder in seat order,
the odd numbers signing on the left and the even on the right, the committee's block."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from koptrain.errors import InvalidInput
from koptrain.i18n import _
from koptrain.models import Training
from koptrain.services.documents.facts import (
    Office,
    SeatHolder,
    day_with_weekday,
    long_date,
    office,
    role_label,
    seat_holders,
)
from koptrain.services.documents.pdf import FONT, Document

ROW = 10.0  # mm: room for a signature
# No, name, coop, role, signature (two halves) — widths in mm, 180 mm in all.
WIDTHS = (10.0, 53.0, 49.0, 26.0, 21.0, 21.0)


def session_days(training: Training, day: dt.date | None) -> list[dt.date]:
    if day is None:
        return [
            training.start + dt.timedelta(days=i)
            for i in range((training.end - training.start).days + 1)
        ]
    if not training.start <= day <= training.end:
        raise InvalidInput(
            _("{day} is not a day of {code} ({start} to {end}).").format(
                day=day.isoformat(),
                code=training.code,
                start=training.start.isoformat(),
                end=training.end.isoformat(),
            )
        )
    return [day]


def build(db: Session, training: Training, *, day: dt.date | None = None) -> Document:
    days = session_days(training, day)
    holders = seat_holders(db, training)
    head = office(db)
    document = Document(title=_("ATTENDANCE LIST") + f" {training.code}")
    for each in days:
        _sheet(document, head, training, each, holders)
    return document


def _sheet(
    document: Document, head: Office, training: Training, day: dt.date, holders: list[SeatHolder]
) -> None:
    document.add_page()
    # Set after add_page, which closes the previous page with the previous day's footer.
    document.footer_text = f"{_('ATTENDANCE LIST')} · {training.code} · {long_date(day)}"
    document.letterhead(head)
    document.heading(_("ATTENDANCE LIST"))
    document.ln(2)
    document.key_values(
        [
            (_("Training"), f"{training.title} ({training.code})"),
            (_("Day, date"), day_with_weekday(day)),
            (_("Venue"), training.venue or ""),
        ]
    )
    document.ln(3)
    _header(document)
    for number, holder in enumerate(holders, start=1):
        if document.will_page_break(ROW):
            document.add_page()
            _header(document)
        _row(document, number, holder)
    if not holders:
        document.set_font(FONT, size=10)
        document.cell(sum(WIDTHS), ROW, _("Nobody holds a seat in this session."), border=1)
        document.ln(ROW)
    _committee(document, head, day)


def _header(document: Document) -> None:
    document.set_font(FONT, "B", 9)
    document.set_fill_color(230, 230, 230)
    labels = (_("No."), _("Name"), _("Cooperative"), _("Role"))
    for label, width in zip(labels, WIDTHS, strict=False):
        document.cell(width, 8, label, border=1, align="C", fill=True)
    document.cell(WIDTHS[4] + WIDTHS[5], 8, _("Signature"), border=1, align="C", fill=True)
    document.ln(8)
    document.set_font(FONT, size=9)


def _row(document: Document, number: int, holder: SeatHolder) -> None:
    no, name, coop, role, left, right = WIDTHS
    document.set_font(FONT, size=9)
    document.cell(no, ROW, f"{number}.", border=1, align="C")
    document.fit_box(name, ROW, holder.person.name)
    document.fit_box(coop, ROW, holder.coop.name)
    document.fit_box(role, ROW, role_label(holder.enrollment.role))
    # The odd numbers sign in the left half, the even in the right, so that neighbours'
    # signatures never crowd each other (the Indonesian daftar hadir's layout).
    x, y = document.get_x(), document.get_y()
    document.rect(x, y, left + right, ROW)
    document.set_font(FONT, size=7)
    document.set_xy(x + (0 if number % 2 else left), y + 0.6)
    document.cell(left, 3, f"{number}.")
    document.set_xy(x + left + right, y)
    document.ln(ROW)


def _committee(document: Document, head: Office, day: dt.date) -> None:
    block = 70.0
    if document.will_page_break(42):
        document.add_page()
    document.ln(8)
    x = document.w - document.r_margin - block
    document.set_font(FONT, size=10)
    place = f"{head.city}, " if head.city else ""
    for text in (place + day_with_weekday(day).split(", ", 1)[1], _("The committee")):
        document.set_x(x)
        document.cell(block, 5.5, text, align="C")
        document.ln(5.5)
    document.ln(20)
    document.set_x(x)
    document.cell(block, 5.5, "(" + "." * 40 + ")", align="C")
    document.ln(5.5)
