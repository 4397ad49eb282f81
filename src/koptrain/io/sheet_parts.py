"""A field workbook read as one table (SPEC §11): every sheet whose header row has the
kind's workbook column (`ref`), in order, each row's line carrying its sheet, and the cells
above each sheet's table kept (the mentoring workbook names a sheet's group there)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from koptrain.errors import InvalidInput
from koptrain.i18n import _
from koptrain.io.sheets import SCAN_ROWS, filled, sheet_rows
from koptrain.parsing import normalise_key


@dataclass
class SheetPart:
    """One sheet of the workbook: its name, header line and the rows above its header."""

    name: str
    header_line: int
    above: list[list[Any]] = field(default_factory=list)

    def fact(self, label: str) -> Any:
        """The cell right of the first cell above the table that reads `label` (case and
        spaces aside), e.g. the group's code right of `Kelompok:`; None without one."""
        wanted = normalise_key(label)
        for row in self.above:
            for index, value in enumerate(row[:-1]):
                if isinstance(value, str) and normalise_key(value) == wanted:
                    found = row[index + 1]
                    return found.strip() if isinstance(found, str) else found
        return None


class SheetLine(int):
    """A row's line as Excel shows it; `part` is its sheet (FILE:SHEET:LINE in errors)."""

    part: SheetPart

    def __new__(cls, line: int, part: SheetPart) -> SheetLine:
        made = super().__new__(cls, line)
        made.part = part
        return made


def every_sheet(
    workbook,
    file: Path,
    key: str,
    find_header: Callable[[list[list[Any]]], int | None],
    *,
    only: str | None = None,
    scan: int = SCAN_ROWS,
) -> tuple[list[SheetPart], list[str], Callable[[Any], Iterator[tuple[int, list[Any]]]]] | None:
    """(parts, header, rows(source)) for the sheets (or the sheet named `only`) whose header
    row has the column `key`; None when no sheet has it. Every such sheet must have the
    same columns as the first; rows with at most one filled cell are skipped (counted in
    source.skipped)."""
    from koptrain.io.readers import column_key

    names = list(workbook.sheet_names)
    if only is not None:
        wanted = only.strip().lower()
        names = [n for n in names if n.strip().lower() == wanted]
    found = []
    for name in names:
        rows = sheet_rows(workbook.get_sheet_by_name(name), file)
        head = list(itertools.islice(rows, scan))
        index = find_header([values for _line, values in head])
        if index is None:
            continue
        header = [str(v) if v != "" else "" for v in head[index][1]]
        while header and not header[-1].strip():
            header.pop()
        if key not in (column_key(h) for h in header):
            continue
        part = SheetPart(name, head[index][0], [values for _line, values in head[:index]])
        found.append((part, header, head[index + 1 :], rows))
    if not found:
        return None
    first_part, first_header = found[0][0], found[0][1]
    keys = [column_key(h) for h in first_header]
    for part, header, _head, _rows in found[1:]:
        if [column_key(h) for h in header] != keys:
            raise InvalidInput(
                _(
                    "{file}:{sheet}:{line}: the columns differ from those of sheet {first}; "
                    "every sheet of the workbook must keep the columns it was given."
                ).format(file=file, sheet=part.name, line=part.header_line, first=first_part.name)
            )
    width = len(first_header)

    def data(source) -> Iterator[tuple[int, list[Any]]]:
        for part, _header, head, rows in found:
            for line, values in itertools.chain(head, rows):
                values = values[:width]
                cells = len(values) - values.count("")
                if cells <= 1 or (cells <= 3 and filled(values) <= 1):
                    source.skipped += 1
                    continue
                yield SheetLine(line, part), values

    return [f[0] for f in found], first_header, data
