"""The one table renderer of the command line: it fits the terminal's width and knows what
each column holds.

Identifiers, NIKs, codes, dates and numbers never break; text wraps between words and is
shortened with `…` past a few lines; headers wrap between words only. When even the
shortest layout is wider than the terminal, the least needed columns are left out, and
when the needed ones still do not fit, every row becomes a block of `label  value` lines.
Cells are plain text (never Rich markup), terminal control characters in them are shown
escaped (koptrain.io.cells), and no line ends in spaces, so piped output is plain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

from koptrain.io.cells import longest_piece, longest_word, pieces, safe, shorten, wrap

# Kinds whose values are one unbreakable piece; numbers are right-aligned.
UNBREAKABLE = frozenset(
    {"id", "nik", "code", "date", "int", "float", "share", "bar", "label", "monthday", "datetime"}
)
RIGHT = frozenset({"int", "float", "share"})
GAP = 2  # spaces between columns
COMFORT = 30  # a needed text column narrower than this (and than its typical cell) is squeezed
TEXT_MIN = 14  # a text column is never made narrower than this (or its longest header word)
STATUS_WIDTH = 16  # a status or enumerated value up to this wide is never wrapped
TEXT_LINES = 2  # a text cell in a table takes at most this many lines, then ends in `…`
BLOCK_LINES = 6  # the same in one block per row

# Keys whose values are identifiers wherever they appear, when a column does not say.
KIND_BY_KEY = {
    "nik": "nik",
    "coop_nik": "ref",  # a NIK Koperasi, or the legal number of a coop without one
    "legal_number": "ref",
    "code": "code",
    "session": "code",
    "program": "code",
    "group": "code",
    "number": "id",
    "id": "id",
    "person_id": "id",
    "phone": "code",
    "fiscal_year": "int",
    "year": "int",
    "fiscal_year_end": "monthday",
    "role": "status",
    "gender": "status",
    "level": "status",
    "type": "status",
    "rating": "status",
    "entity": "status",
    "at": "datetime",
    "key": "ref",
    "change": "change",
}

# Columns that are left out first when a listing does not fit, when a column does not say
# (a higher number goes first): what a user looks up elsewhere or rarely needs on screen.
PRIORITY_BY_KEY = {
    "legal_number": 3,
    "kelurahan": 4,
    "fiscal_year_end": 4,
    "level": 3,
    "type": 3,
    "birth_date": 3,
    "has_business": 3,
    "phone": 4,
    "coop_nik": 3,
    "role": 2,
    "position": 2,
    "days_total": 2,
    "override_reason": 4,
    "report_deadline": 3,
    "reported_on": 2,
    "reason": 2,
    "user": 3,
    "command": 4,
    "default": 2,
    "counts_from": 2,
    "waitlisted": 2,
    "free_seats": 2,
    "end": 2,
}


@dataclass
class Spec:
    """How one column is laid out: its header, kind, drop priority and alignment.

    priority 0 and 1 are always shown (or the table becomes blocks); 2 and more are left out
    when the table does not fit, the highest first (and of equals, the rightmost)."""

    label: str
    kind: str = "text"
    priority: int = 1
    justify: str | None = None

    @property
    def right(self) -> bool:
        return (self.justify or ("right" if self.kind in RIGHT else "left")) == "right"


@dataclass
class Grid:
    """A table of plain strings with its column specs, rendered to fit the width it is given."""

    specs: Sequence[Spec]
    rows: Sequence[Sequence[str]]
    title: str | None = None
    show_header: bool = True
    note_dropped: bool = True
    styles: dict[int, str] = field(default_factory=dict)  # column index -> Rich style
    text_lines: int = TEXT_LINES  # at most this many lines per text cell, then `…`

    def __post_init__(self) -> None:
        self.rows = [[safe(cell) for cell in row] for row in self.rows]
        self._natural = [self._natural_width(i) for i in range(len(self.specs))]
        self._minimum = [self._min_width(i) for i in range(len(self.specs))]
        self._typical = [self._typical_width(i) for i in range(len(self.specs))]

    def _cells(self, i: int):
        return (row[i] for row in self.rows)

    def _natural_width(self, i: int) -> int:
        header = cell_len(self.specs[i].label) if self.show_header else 0
        cells = (max(map(cell_len, c.split("\n"))) for c in self._cells(i) if c)
        return max(header, max(cells, default=0))

    def _typical_width(self, i: int) -> int:
        """What nine cells in ten of the column need: a wide column grows to this first, so
        that one long name does not take the room of every other column."""
        sizes = sorted(max(map(cell_len, c.split("\n"))) for c in self._cells(i) if c)
        typical = sizes[(len(sizes) * 9) // 10 - (len(sizes) % 10 == 0)] if sizes else 0
        return max(self._minimum[i], min(typical, self._natural[i]))

    def _min_width(self, i: int) -> int:
        spec = self.specs[i]
        header = longest_word(spec.label) if self.show_header else 0
        if spec.kind in UNBREAKABLE:  # the values whole; the header may wrap between words
            cells = (max(map(cell_len, c.split("\n"))) for c in self._cells(i) if c)
            return max(header, max(cells, default=0))
        if spec.kind == "ref":
            return max(header, max((longest_piece(c) for c in self._cells(i)), default=0))
        if spec.kind == "status":  # a short value kept on one line, a long one wraps
            if self._natural[i] <= STATUS_WIDTH:
                return self._natural[i]
            words = max((longest_word(c) for c in self._cells(i)), default=0)
            return max(header, words)
        return max(header, min(self._natural[i], TEXT_MIN))

    # Layout ---------------------------------------------------------------------------

    def _fits(self, shown: list[int], width: int) -> bool:
        return sum(self._minimum[i] for i in shown) + GAP * (len(shown) - 1) <= width

    def layout(self, width: int) -> tuple[list[int], list[int]] | None:
        """The columns shown and their widths, or None when the table must become blocks.

        Columns of priority 2 and more are left out while the others do not fit; those of 3
        and more also while a needed text column (priority 0 or 1) would be squeezed below
        its typical width (or COMFORT columns)."""
        shown = list(range(len(self.specs)))
        droppable = sorted(
            (i for i in shown if self.specs[i].priority >= 2),
            key=lambda i: (self.specs[i].priority, i),
        )
        while not self._fits(shown, width):
            if not droppable:
                return None
            shown.remove(droppable.pop())
        widths = self._widths(shown, width)
        while droppable and self.specs[droppable[-1]].priority >= 3 and self._squeezed(widths):
            shown.remove(droppable.pop())
            widths = self._widths(shown, width)
        return shown, [widths[i] for i in shown]

    def _squeezed(self, widths: dict[int, int]) -> bool:
        return any(
            self.specs[i].kind not in UNBREAKABLE
            and self.specs[i].priority <= 1
            and w < min(self._typical[i], COMFORT)
            for i, w in widths.items()
        )

    def _widths(self, shown: list[int], width: int) -> dict[int, int]:
        room = width - GAP * (len(shown) - 1)
        widths = {i: self._natural[i] for i in shown}
        if sum(widths.values()) <= room:
            return widths
        widths = {i: self._minimum[i] for i in shown}
        extra = room - sum(widths.values())
        growable = [i for i in shown if widths[i] < self._natural[i]]

        def need(j: int) -> tuple[bool, float]:
            # columns grow to their typical width first, then to their widest cell; the
            # column furthest from that (as a share of it) grows first
            goal = self._typical[j] if widths[j] < self._typical[j] else self._natural[j]
            return widths[j] < self._typical[j], (goal - widths[j]) / goal

        while extra > 0 and growable:
            i = max(growable, key=need)
            widths[i] += 1
            extra -= 1
            if widths[i] >= self._natural[i]:
                growable.remove(i)
        return widths

    def measure(self) -> tuple[int, int]:
        n = len(self.specs)
        minimum = min(
            sum(self._minimum[i] for i in range(n) if self.specs[i].priority < 2)
            + GAP * (sum(1 for s in self.specs if s.priority < 2) - 1),
            40,
        )
        return max(minimum, 1), sum(self._natural) + GAP * (n - 1)

    # Rendering ------------------------------------------------------------------------

    def lines(self, width: int) -> list[Text]:
        out: list[Text] = []
        if self.title:
            out.extend(Text(line, style="bold") for line in wrap(safe(self.title), width))
        chosen = self.layout(width)
        if chosen is None:
            return out + self._blocks(width)
        shown, widths = chosen
        if self.show_header:
            headers = [wrap(self.specs[i].label, w) for i, w in zip(shown, widths, strict=True)]
            height = max(len(h) for h in headers)
            headers = [[""] * (height - len(h)) + h for h in headers]  # labels sit on the rule
            for k in range(height):
                out.append(self._line([h[k] for h in headers], shown, widths, "bold"))
            out.append(Text((" " * GAP).join("─" * w for w in widths), style="dim"))
        for row in self.rows:
            cells = [
                self._cell(row[i], i, w, self.text_lines)
                for i, w in zip(shown, widths, strict=True)
            ]
            for k in range(max(len(c) for c in cells)):
                out.append(self._line([c[k] if k < len(c) else "" for c in cells], shown, widths))
        dropped = [self.specs[i].label for i in range(len(self.specs)) if i not in shown]
        if dropped and self.note_dropped:
            from koptrain.i18n import _

            note = _("Left out at this width: {columns} (--format csv shows every column).")
            out.extend(
                Text(line, style="dim")
                for line in wrap(note.format(columns=", ".join(dropped)), width)
            )
        return out

    def _cell(self, value: str, i: int, width: int, max_lines: int) -> list[str]:
        if not value:
            return [""]
        if self.specs[i].kind in UNBREAKABLE:
            return [shorten(line, width) for line in value.split("\n")]
        if self.specs[i].kind == "ref":
            lines = [""]
            for piece in pieces(value):
                if lines[-1] and cell_len(lines[-1] + piece) > width:
                    lines.append("")
                lines[-1] += piece
            return [shorten(line, width) for line in lines]
        return wrap(value, width, max_lines)

    def _line(self, cells: list[str], shown: list[int], widths: list[int], style: str = "") -> Text:
        text = Text(style=style)
        for n, (cell, i, w) in enumerate(zip(cells, shown, widths, strict=True)):
            if n:
                text.append(" " * GAP)
            pad = " " * (w - cell_len(cell))
            piece = pad + cell if self.specs[i].right else cell + pad
            text.append(piece, style=self.styles.get(i, ""))
        text.rstrip()
        return text

    def _blocks(self, width: int) -> list[Text]:
        """One block per row: `label  value` lines, a blank line between rows."""
        label_width = min(max(cell_len(s.label) for s in self.specs), width // 3)
        room = max(width - label_width - GAP, 1)
        out: list[Text] = []
        for n, row in enumerate(self.rows):
            if n:
                out.append(Text(""))
            for i, spec in enumerate(self.specs):
                if not row[i]:
                    continue
                label = shorten(spec.label, label_width)
                for k, line in enumerate(self._cell(row[i], i, room, BLOCK_LINES)):
                    head = Text(
                        label.ljust(label_width) if k == 0 else " " * label_width, style="bold"
                    )
                    out.append(head + Text(" " * GAP + line) if line else head)
                    out[-1].rstrip()
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines(options.max_width):
            line.no_wrap = True
            line.overflow = "crop"
            yield line
        if self.title:  # a titled table is a section of its screen: a blank line closes it
            yield Text("")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        minimum, maximum = self.measure()
        return Measurement(minimum, maximum).clamp(max_width=options.max_width)


def pairs(items: Sequence[tuple[str, str]], *, title: str | None = None) -> Grid:
    """`label  value` lines (a record's details): labels kept whole, values wrapped."""
    return Grid(
        [Spec("", "label", 0), Spec("", "text", 0)],
        [[label, value] for label, value in items],
        title=title,
        show_header=False,
        styles={0: "bold"},
    )


@dataclass
class SideBySide:
    """Small grids next to each other as far as the width allows, then below each other."""

    grids: Sequence[Grid]
    gap: int = 3

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        blocks = [grid.lines(width) for grid in self.grids]
        row: list[list[Text]] = []
        used = 0
        for n, block in enumerate(blocks):
            size = max((line.cell_len for line in block), default=0)
            if row and used + self.gap + size > width:
                yield from self._joined(row)
                yield Text("")
                row, used = [], 0
            row.append(block)
            used += (self.gap if used else 0) + size
            if n == len(blocks) - 1:
                yield from self._joined(row)

    def _joined(self, row: list[list[Text]]) -> RenderResult:
        sizes = [max((line.cell_len for line in block), default=0) for block in row]
        for k in range(max(len(block) for block in row)):
            line = Text()
            for n, block in enumerate(row):
                piece = block[k] if k < len(block) else Text("")
                if n:
                    line.append(" " * self.gap)
                line.append_text(piece)
                line.append(" " * (sizes[n] - piece.cell_len))
            line.rstrip()
            line.no_wrap = True
            yield line
