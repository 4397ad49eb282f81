"""The page every document shares: A4, the shipped Unicode font, the office's letterhead,
text fitted to a box, and the rule that a document never overwrites a file unasked."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from fpdf import FPDF

from koptrain.errors import InvalidInput
from koptrain.i18n import _
from koptrain.services.documents.facts import Office

FONT = "DejaVu"
MARGIN = 15.0
INK = (0, 0, 0)
MUTED = (90, 90, 90)


def _font_file(name: str) -> str:
    return str(resources.files("koptrain") / "fonts" / name)


class Document(FPDF):
    """An A4 document with the DejaVu Sans font embedded (any Latin-script name prints)."""

    def __init__(self, *, landscape: bool = False, title: str = "") -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.add_font(FONT, "", _font_file("DejaVuSans.ttf"))
        self.add_font(FONT, "B", _font_file("DejaVuSans-Bold.ttf"))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 5)
        self.set_title(title)
        self.set_creator("koptrain")
        self.footer_text = ""
        self.set_font(FONT, size=10)

    @property
    def inner_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def footer(self) -> None:
        if not self.footer_text:
            return
        self.set_y(-MARGIN)
        self.set_font(FONT, size=7.5)
        self.set_text_color(*MUTED)
        self.cell(self.inner_width / 2, 5, self.footer_text, align="L")
        self.cell(
            self.inner_width / 2,
            5,
            _("Page {n} of {total}").format(n=self.page_no(), total="{nb}"),
            align="R",
        )
        self.set_text_color(*INK)

    def letterhead(self, office: Office, *, compact: bool = False) -> None:
        """The kop surat: logo on the left, the office's name and address centred, and the
        double rule under it. Settings left empty are left out."""
        top = self.get_y()
        logo_h = 16 if compact else 22
        if office.logo:
            try:
                self.image(office.logo, x=self.l_margin, y=top, h=logo_h)
            except (OSError, ValueError, RuntimeError) as error:
                raise InvalidInput(
                    _("The logo {path} (office.logo) cannot be read as an image.").format(
                        path=office.logo
                    )
                ) from error
        lines = [(office.name.upper(), "B", 11 if compact else 14)]
        lines += [(text, "", 8.5 if compact else 10) for text in (office.address, office.city)]
        lines = [line for line in lines if line[0]]
        indent = logo_h + 4 if office.logo else 0
        for text, style, size in lines:
            self.set_x(self.l_margin + indent)
            self.set_font(FONT, style, size)
            self.fit_cell(self.inner_width - 2 * indent, size * 0.5, text, align="C")
            self.ln()
        bottom = max(self.get_y(), top + logo_h if office.logo else 0) + 2
        if lines or office.logo:
            self.set_line_width(0.8)
            self.line(self.l_margin, bottom, self.w - self.r_margin, bottom)
            self.set_line_width(0.2)
            self.line(self.l_margin, bottom + 1.2, self.w - self.r_margin, bottom + 1.2)
            self.set_y(bottom + 4)
        self.set_font(FONT, size=10)

    def fit_cell(
        self,
        width: float,
        height: float,
        text: str,
        *,
        align: str = "L",
        border: int | str = 0,
        smallest: float = 6.5,
    ) -> None:
        """One line of `text` in a box: the font shrinks down to `smallest` points, and a
        text still too long ends in '…'. The font size is restored afterwards."""
        size = self.font_size_pt
        room = width - 2 * self.c_margin
        while self.get_string_width(text) > room and self.font_size_pt > smallest:
            self.set_font_size(self.font_size_pt - 0.5)
        if self.get_string_width(text) > room:
            while text and self.get_string_width(text + "…") > room:
                text = text[:-1]
            text = text.rstrip() + "…"
        self.cell(width, height, text, border=border, align=align)
        self.set_font_size(size)

    def fit_box(self, width: float, height: float, text: str, *, size: float = 9) -> None:
        """A table cell: one line at `size` points when it fits, else two or three lines
        at smaller sizes, else one shrunk line ending in '…' (fit_cell)."""
        x, y = self.get_x(), self.get_y()
        self.set_font_size(size)
        if self.get_string_width(text) <= width - 2 * self.c_margin:
            self.cell(width, height, text, border=1)
            return
        for points, most in ((size - 1, 2), (size - 2, 3)):
            self.set_font_size(points)
            leading = points * 0.42  # mm: 1.2 × the font size
            lines = self.multi_cell(
                width, leading, text, dry_run=True, output="LINES", padding=(0, self.c_margin)
            )
            if len(lines) <= most and len(lines) * leading <= height:
                self.rect(x, y, width, height)
                top = y + (height - len(lines) * leading) / 2
                for i, line in enumerate(lines):
                    self.set_xy(x, top + i * leading)
                    self.cell(width, leading, line)
                self.set_xy(x + width, y)
                self.set_font_size(size)
                return
        self.fit_cell(width, height, text, border=1)
        self.set_font_size(size)

    def wrapped_lines(self, width: float, text: str, sizes: tuple[float, ...], most: int):
        """The largest of `sizes` at which `text` takes at most `most` lines of `width`
        (else the smallest), with those lines; the font is left at that size."""
        for points in sizes:
            self.set_font_size(points)
            lines = self.multi_cell(width, points * 0.5, text, dry_run=True, output="LINES")
            if len(lines) <= most:
                break
        return self.font_size_pt, lines

    def heading(self, text: str, size: float = 15) -> None:
        self.set_font(FONT, "B", size)
        self.cell(self.inner_width, size * 0.5, text, align="C")
        self.ln(size * 0.55)
        self.set_font(FONT, size=10)

    def key_values(self, pairs: list[tuple[str, str]], label_width: float = 32) -> None:
        """'Label : value' lines, as Indonesian forms set them."""
        for label, value in pairs:
            self.set_font(FONT, size=10)
            self.cell(label_width, 5.5, label)
            self.cell(4, 5.5, ":")
            self.multi_cell(
                self.inner_width - label_width - 4,
                5.5,
                value,
                align="L",
                new_x="LMARGIN",
                new_y="NEXT",
            )


def check_target(path: Path, *, force: bool) -> None:
    """Before any work: an existing file stays unless --force; the folder must exist."""
    if path.exists() and not force:
        raise InvalidInput(
            _("{path} already exists; give --force to replace it or -o to write elsewhere.").format(
                path=path
            )
        )
    if not path.parent.is_dir():
        raise InvalidInput(_("The folder {path} does not exist.").format(path=path.parent))


def save(document: FPDF, path: Path, *, force: bool) -> None:
    """Write the document whole: created anew (never over a file that appeared meanwhile)
    unless --force, then renamed into place so a reader never sees half a PDF."""
    data = bytes(document.output())
    if not force:
        try:
            with open(path, "xb") as out:
                out.write(data)
        except FileExistsError:
            check_target(path, force=False)
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
