"""Field workbooks that koptrain hands out and reads back (SPEC §11): an instructions sheet,
tables whose prefilled cells are locked and whose input cells carry formats and drop-down
lists, saved whole and readable by its owner only."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from koptrain.errors import InvalidInput
from koptrain.i18n import _
from koptrain.io import private
from koptrain.io.writers import neutralise

SHEET_NAME_LIMIT = 31  # Excel's
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_LIST_FORMULA_LIMIT = 255  # Excel's limit for a list typed into a validation rule
DATE_FORMAT = "dd/mm/yyyy"  # how Indonesian offices write a date
KINDS = ("text", "date", "int", "number", "choice")
_NUMBER_FORMATS = {
    "text": "@",
    "choice": "@",
    "date": DATE_FORMAT,
    "int": "#,##0",
    "number": "General",
}
_HEADER_FILL = {False: "D9D9D9", True: "FFF2CC"}  # grey: prefilled, locked; yellow: to fill


@dataclass(frozen=True)
class Column:
    """One column of a field table: its header, width in characters, the kind of its
    cells (text, date, int, number or choice), the choices of a drop-down list, and whether the
    person filling the workbook types in it (input) or it is prefilled and locked."""

    header: str
    width: int = 14
    kind: str = "text"
    choices: tuple[str, ...] = ()
    input: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"choice column {self.header!r} has no choices")


def new_workbook():
    """An empty workbook (openpyxl's default sheet removed)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def sheet_title(name: str, taken: Iterable[str] = ()) -> str:
    """A sheet name Excel accepts, from user text (a group's name): the characters
    `[]:*?/\\` replaced by `-`, no leading or trailing `'`, at most 31 characters, and
    not one of `taken` (compared as Excel does, ignoring case; a ` (2)` is added)."""
    text = _SHEET_NAME_FORBIDDEN.sub("-", " ".join(str(name).split())).strip("'") or "-"
    taken_lower = {t.lower() for t in taken}
    candidate, n = text[:SHEET_NAME_LIMIT], 1
    while candidate.lower() in taken_lower:
        n += 1
        suffix = f" ({n})"
        candidate = text[: SHEET_NAME_LIMIT - len(suffix)] + suffix
    return candidate


_LINE_HEIGHT = 15  # points: one line of 11-point text
_INSTRUCTIONS_WIDTH = 72  # characters: column A of the instructions, inside an A4 page
_FIT_WIDTH = 200  # characters: wider tables are not shrunk to one printed page


def _lines(text: str, width: float) -> int:
    """How many lines `text` wraps to in a column `width` characters wide (roughly: by
    characters, not words; Excel and LibreOffice do not fit a row's height to wrapped text
    when they open a file, so the row is given it)."""
    per_line = max(int(width) - 2, 1)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _print_setup(
    sheet, width: float, *, title_row: int | None = None, keep_columns: int = 0
) -> None:
    """Printed on A4: landscape when the columns are wider than a portrait page; every
    column on one page when that leaves the text readable (up to ~2.5 pages' width), else
    the first `keep_columns` (who the row is) again at the left of each page; the header
    row again at the top of each page."""
    from openpyxl.utils import get_column_letter

    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_margins.left = sheet.page_margins.right = 0.5  # inches
    if width > _INSTRUCTIONS_WIDTH + 10:
        sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    if width <= _FIT_WIDTH:
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    elif keep_columns:
        sheet.print_title_cols = f"A:{get_column_letter(keep_columns)}"
    if title_row is not None:
        sheet.print_title_rows = f"{title_row}:{title_row}"


def add_instructions(workbook, title: str, lines: Sequence[str], *, name: str | None = None):
    """The first sheet: a title and one paragraph per line, protected (nothing to fill)."""
    from openpyxl.styles import Alignment, Font

    sheet = workbook.create_sheet(sheet_title(name or _("Instructions")), 0)
    sheet.column_dimensions["A"].width = _INSTRUCTIONS_WIDTH
    _set_text(sheet.cell(row=1, column=1), title).font = Font(bold=True, size=14)
    sheet.row_dimensions[1].height = 20
    for row, line in enumerate(lines, start=3):
        cell = _set_text(sheet.cell(row=row, column=1), line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = _LINE_HEIGHT * _lines(line, _INSTRUCTIONS_WIDTH)
    _print_setup(sheet, _INSTRUCTIONS_WIDTH)
    sheet.protection.sheet = True
    return sheet


def add_table(
    workbook,
    name: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    above: Sequence[str | Sequence[Any]] = (),
    blank_rows: int = 0,
    freeze_columns: int = 0,
):
    """A protected sheet: the lines `above` (a title, the rules of a form; a line is a text
    or a sequence of cells, its first in bold), then a blank line, the header
    and one line per row, then `blank_rows` empty lines to fill. Text cells are formatted
    as Text (`@`, so Excel keeps a NIK's or phone's digits), dates as dates; a choice column
    gets a drop-down list; only the input columns' cells are unlocked."""
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(sheet_title(name, workbook.sheetnames))
    # a label beside its value (`Kelompok | KLP-01A`) is not cut off by the value
    labels = [len(str(line[0])) for line in above if not isinstance(line, str) and len(line) > 1]
    first_width = max([columns[0].width if columns else 0, *(n + 2 for n in labels)])
    for row, line in enumerate(above, start=1):
        cells = [line] if isinstance(line, str) else list(line)
        for index, value in enumerate(cells, start=1):
            cell = sheet.cell(row=row, column=index)
            if isinstance(value, dt.date):
                cell.value, cell.number_format = value, DATE_FORMAT
            elif value is not None and value != "":
                _set_text(cell, str(value))
            cell.font = Font(bold=index == 1)
    header_row = len(above) + 1 + (1 if above else 0)
    for index, column in enumerate(columns, start=1):
        cell = _set_text(sheet.cell(row=header_row, column=index), column.header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL[column.input])
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        width = first_width if index == 1 else column.width
        sheet.column_dimensions[get_column_letter(index)].width = width
    if columns:
        widths = [first_width, *(c.width for c in columns[1:])]
        tallest = max(_lines(c.header, w) for c, w in zip(columns, widths, strict=True))
        sheet.row_dimensions[header_row].height = _LINE_HEIGHT * tallest
        _print_setup(sheet, sum(widths), title_row=header_row, keep_columns=max(freeze_columns, 2))
    unlocked = Protection(locked=False)
    last = header_row
    for last, values in enumerate(rows, start=header_row + 1):
        for index, column in enumerate(columns, start=1):
            value = values[index - 1] if index <= len(values) else None
            _fill(sheet.cell(row=last, column=index), column, value, unlocked)
    for blank in range(last + 1, last + 1 + blank_rows):
        for index, column in enumerate(columns, start=1):
            _fill(sheet.cell(row=blank, column=index), column, None, unlocked)
    last += blank_rows
    if last > header_row:
        for index, column in enumerate(columns, start=1):
            if column.kind == "choice":
                letter = get_column_letter(index)
                validation = drop_down(column.choices, column.header)
                sheet.add_data_validation(validation)
                validation.add(f"{letter}{header_row + 1}:{letter}{last}")
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=freeze_columns + 1)
    sheet.protection.sheet = True
    # widening a column or a row stays possible on a protected sheet
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    return sheet


def drop_down(choices: Sequence[str], header: str):
    """An Excel list validation of `choices` that refuses anything else typed in the cell."""
    from openpyxl.worksheet.datavalidation import DataValidation

    formula = '"' + ",".join(choices) + '"'
    if len(formula) > _LIST_FORMULA_LIMIT or any("," in c or '"' in c for c in choices):
        raise ValueError(f"choices of {header!r} do not fit an Excel list")
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.showErrorMessage = True
    validation.errorStyle = "stop"
    validation.errorTitle = header[:32]  # Excel's limit
    validation.error = _("Choose one of: {choices}.").format(choices=", ".join(choices))
    return validation


def _fill(cell, column: Column, value: Any, unlocked) -> None:
    cell.number_format = _NUMBER_FORMATS[column.kind]
    if column.input:
        cell.protection = unlocked
    if value is None or value == "":
        return
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif column.kind in ("int", "number") and type(value) in (int, float):
        cell.value = value
    else:
        _set_text(cell, str(value))


def _set_text(cell, text: str):
    """Text as a text cell, never a formula: neutralised as exports do (import removes the
    mark again) and typed as a string, which openpyxl would otherwise take for `=...`."""
    cell.value = neutralise(text)
    cell.data_type = "s"
    return cell


def refuse_input_file(path: Path, inputs: Iterable[Path | None]) -> None:
    """Exit 2 when `path` is one of the files being read (a workbook never overwrites the
    file it came from)."""
    for source in inputs:
        if source is None:
            continue
        try:
            same = Path(path).resolve() == Path(source).resolve() or (
                Path(path).exists() and Path(path).samefile(source)
            )
        except OSError:
            same = False
        if same:
            raise InvalidInput(
                _("{file} is the file being read: give another name.").format(file=path)
            )


def save(workbook, path: Path, *, inputs: Iterable[Path | None] = ()) -> Path:
    """Write the workbook to `path` whole or not at all, mode 0600 (a returned workbook may
    hold what people told their mentor), never over one of `inputs`."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InvalidInput(_("{file}: give a name ending in .xlsx.").format(file=path))
    refuse_input_file(path, inputs)
    with private.private_file(path, binary=True) as file:
        workbook.save(file)
    return path


class WorkbookRejects:
    """`--rejects` of a field workbook (SPEC §11): the returned workbook itself, with only
    its rejected rows and an `error` column, ready to send back; its drop-downs, formats and
    locked cells as they were. A workbook that openpyxl cannot open (.ods, .xls) is rebuilt
    sheet by sheet from the cells read."""

    def __init__(self, path: Path, source) -> None:
        self.path, self.source = Path(path), source
        self.errors: dict[str, dict[int, str]] = {}
        self.rows: dict[str, list[list[Any]]] = {}
        self.closed = False

    def write(self, values: list[Any], error) -> None:
        message = (f"{error.column}: " if error.column else "") + error.message
        self.errors.setdefault(error.sheet, {})[int(error.line)] = message
        self.rows.setdefault(error.sheet, []).append([*values, message])

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        book = self._pruned() if self.source.format == "xlsx" else self._rebuilt()
        save(book, self.path, inputs=[self.source.path])

    def _pruned(self):
        from openpyxl import load_workbook
        from openpyxl.styles import Font

        book = load_workbook(self.source.path)
        column = len(self.source.header) + 1
        for part in self.source.parts:
            sheet = book[part.name]
            errors = self.errors.get(part.name)
            if not errors:
                book.remove(sheet)
                continue
            _set_text(sheet.cell(row=part.header_line, column=column), "error").font = Font(
                bold=True
            )
            sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = 60
            line = sheet.max_row
            while line > part.header_line:  # runs of rows not rejected, from the bottom
                if line in errors:
                    _set_text(sheet.cell(row=line, column=column), errors[line])
                    line -= 1
                    continue
                end = line
                while line > part.header_line and line not in errors:
                    line -= 1
                sheet.delete_rows(line + 1, end - line)
        return book

    def _rebuilt(self):
        book = new_workbook()
        columns = [Column(str(h), 16, input=True) for h in self.source.header]
        columns.append(Column("error", 60))
        for part in self.source.parts:
            if part.name in self.rows:
                add_table(book, part.name, columns, self.rows[part.name], above=part.above)
        if not book.sheetnames:
            book.create_sheet("error")
        return book
