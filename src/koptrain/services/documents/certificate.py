"""The certificate (sertifikat): one landscape page per completed seat holder, with its
number, the head of the office's signature block and the verification code as a QR code."""

from __future__ import annotations

import segno

from koptrain.i18n import _
from koptrain.services.certificates import grouped
from koptrain.services.documents.facts import Office, date_span, long_date
from koptrain.services.documents.pdf import FONT, MUTED, Document

QR_SIZE = 30.0  # mm


def build(head: Office, certificates: list[dict]) -> Document:
    document = Document(landscape=True, title=_("CERTIFICATE"))
    document.set_auto_page_break(False)
    for certificate in certificates:
        _page(document, head, certificate)
    return document


def _page(document: Document, head: Office, c: dict) -> None:
    document.add_page()
    w, h = document.w, document.h
    document.set_line_width(1.2)
    document.rect(8, 8, w - 16, h - 16)
    document.set_line_width(0.3)
    document.rect(10.5, 10.5, w - 21, h - 21)
    document.set_y(16)
    document.letterhead(head, compact=True)
    document.ln(3)
    document.set_font(FONT, "B", 30)
    document.cell(document.inner_width, 14, _("CERTIFICATE"), align="C")
    document.ln(14)
    document.set_font(FONT, size=11)
    document.cell(
        document.inner_width, 6, _("Number: {number}").format(number=c["number"]), align="C"
    )
    document.ln(16)
    document.set_font(FONT, size=12)
    document.cell(document.inner_width, 6, _("is awarded to"), align="C")
    document.ln(10)
    document.set_font(FONT, "B", 24)
    document.fit_cell(document.inner_width, 12, c["name"], align="C", smallest=12)
    document.ln(13)
    document.set_font(FONT, size=12)
    document.fit_cell(document.inner_width, 6, c["coop"], align="C")
    document.ln(14)
    document.cell(document.inner_width, 6, _("for having completed the training"), align="C")
    document.ln(8)
    # A long title takes a smaller size rather than the signature block's room.
    document.set_font(FONT, "B", 15)
    points, lines = document.wrapped_lines(document.inner_width, c["title"], (15, 13, 11, 9), 2)
    for line in lines[:3]:
        document.cell(document.inner_width, points * 0.5, line, align="C")
        document.ln(points * 0.5)
    document.ln(1)
    document.set_font(FONT, size=12)
    held = date_span(c["start"], c["end"])
    if c.get("venue"):
        held = _("{days} at {venue}").format(days=held, venue=c["venue"])
    document.fit_cell(document.inner_width, 6, held, align="C")
    _signature(document, head, c)
    _verification(document, c)


def _signature(document: Document, head: Office, c: dict) -> None:
    block, x, y = 90.0, document.w - document.r_margin - 95, document.h - 62
    place = f"{head.city}, " if head.city else ""
    document.set_font(FONT, size=10.5)
    for offset, text, style in (
        (0, place + long_date(c["issued"]), ""),
        (5.5, head.head_title, ""),
        (28, head.head_name or "(" + "." * 40 + ")", "B"),
        (33.5, _("NIP. {nip}").format(nip=head.head_nip) if head.head_nip else "", ""),
    ):
        document.set_xy(x, y + offset)
        document.set_font(FONT, style, 10.5)
        document.fit_cell(block, 5.5, text, align="C")


def _verification(document: Document, c: dict) -> None:
    """The code as a QR code and in letters, and how to check it."""
    x, y = document.l_margin + 5, document.h - 16 - QR_SIZE - 6
    _qr(document, c["code"], x, y, QR_SIZE)
    document.set_xy(x + QR_SIZE + 4, y + 6)
    document.set_font(FONT, size=9)
    document.set_text_color(*MUTED)
    document.cell(80, 5, _("Verification code"))
    document.set_xy(x + QR_SIZE + 4, y + 11)
    document.set_text_color(0, 0, 0)
    document.set_font(FONT, "B", 13)
    document.cell(80, 7, grouped(c["code"]))
    document.set_xy(x + QR_SIZE + 4, y + 19)
    document.set_font(FONT, size=8)
    document.set_text_color(*MUTED)
    document.cell(80, 4, f"koptrain certificate verify {c['code']}")
    document.set_text_color(0, 0, 0)


def _qr(document: Document, data: str, x: float, y: float, size: float) -> None:
    """segno encodes; the dark modules are drawn as vector rectangles, a run per row."""
    qr = segno.make(data, error="m", micro=False)
    rows = list(qr.matrix_iter(scale=1, border=0))
    module = size / len(rows)
    document.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        start = None
        for col, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                document.rect(
                    x + start * module, y + r * module, (col - start) * module, module, style="F"
                )
                start = None
