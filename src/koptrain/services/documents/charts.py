"""Bar charts drawn as PDF vectors with fpdf2: horizontal bars, a row per category, so
that long names (sessions, kecamatan) read on the left and a chart can run over pages."""

from __future__ import annotations

from dataclasses import dataclass

from koptrain.i18n import current_language
from koptrain.parsing import format_number
from koptrain.services.documents.pdf import FONT, MUTED, Document

LABEL_WIDTH = 48.0
BAR = 3.2  # mm, the thickness of one bar
GAP = 2.4  # mm between categories
PALETTE = ((52, 101, 164), (115, 210, 22), (245, 121, 0), (117, 80, 123), (204, 0, 0))


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int]


def bar_chart(document: Document, title: str, categories: list[str], series: list[Series]) -> None:
    """A titled chart: per category one bar per series, with its value at the bar's end."""
    lang = current_language()
    rows = len(series) * BAR + GAP
    if document.will_page_break(16 + min(len(categories), 3) * rows):
        document.add_page()
    document.set_font(FONT, "B", 11)
    document.cell(document.inner_width, 7, title)
    document.ln(7)
    if len(series) > 1:
        _legend(document, series)
    top = max((v for s in series for v in s.values), default=0) or 1
    room = document.inner_width - LABEL_WIDTH - 14
    for i, category in enumerate(categories):
        if document.will_page_break(rows):
            document.add_page()
        x, y = document.l_margin, document.get_y()
        document.set_font(FONT, size=8)
        document.set_xy(x, y)
        document.fit_cell(LABEL_WIDTH - 2, len(series) * BAR, category, align="R", smallest=6)
        for k, one in enumerate(series):
            value = one.values[i]
            width = room * value / top
            document.set_fill_color(*PALETTE[k % len(PALETTE)])
            if width > 0:
                document.rect(x + LABEL_WIDTH, y + k * BAR, width, BAR - 0.5, style="F")
            document.set_xy(x + LABEL_WIDTH + width + 0.5, y + k * BAR - 0.3)
            document.set_font(FONT, size=6.5)
            document.set_text_color(*MUTED)
            document.cell(14, BAR, format_number(value, lang))
            document.set_text_color(0, 0, 0)
        document.set_draw_color(150, 150, 150)
        document.line(x + LABEL_WIDTH, y - GAP / 2, x + LABEL_WIDTH, y + rows - GAP / 2)
        document.set_draw_color(0, 0, 0)
        document.set_y(y + rows)
    document.ln(4)


def _legend(document: Document, series: list[Series]) -> None:
    document.set_font(FONT, size=8)
    x = document.l_margin + LABEL_WIDTH
    y = document.get_y()
    for k, one in enumerate(series):
        document.set_fill_color(*PALETTE[k % len(PALETTE)])
        document.rect(x, y + 1, 3, 3, style="F")
        document.set_xy(x + 4, y)
        width = document.get_string_width(one.name) + 4
        document.cell(width, 5, one.name)
        x += width + 6
    document.ln(7)
