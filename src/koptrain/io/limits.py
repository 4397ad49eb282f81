"""Limits on what an imported file may make koptrain do (SPEC §13): a workbook is measured
from its zip directory before any part is decompressed, and a cell may not be longer than
Excel's own limit."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from koptrain.errors import InvalidInput
from koptrain.i18n import _

EXPANDED_LIMIT = 200 * 1024 * 1024  # bytes all parts of a workbook may expand to
RATIO_LIMIT = 100  # how many times its compressed size a part may expand
RATIO_FLOOR = 1024 * 1024  # smaller parts may compress better (a run of empty cells)
CELL_LIMIT = 32_767  # characters in a cell: Excel's own limit


def check_workbook(file: Path) -> None:
    """Refuse a workbook whose parts would expand past EXPANDED_LIMIT, or a part (or the
    whole) more than RATIO_LIMIT times its compressed size: a decompression bomb. Read
    from the zip's central directory; nothing is decompressed. The sizes it declares are
    the most zipfile will ever inflate, so a lying directory cannot get past either."""
    try:
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: the reader says so in its own words
    expanded = sum(part.file_size for part in parts)
    compressed = sum(part.compress_size for part in parts)
    too_dense = any(
        part.file_size > RATIO_FLOOR and part.file_size > RATIO_LIMIT * max(part.compress_size, 1)
        for part in parts
    ) or (expanded > RATIO_FLOOR and expanded > RATIO_LIMIT * max(compressed, 1))
    if expanded > EXPANDED_LIMIT or too_dense:
        raise InvalidInput(
            _(
                "{file} would expand to {size} MB when opened ({ratio}× its size); koptrain "
                "reads workbooks up to {limit} MB and {max_ratio}× compression. Save it as CSV "
                "or split it."
            ).format(
                file=file,
                size=expanded // (1024 * 1024),
                ratio=expanded // max(compressed, 1),
                limit=EXPANDED_LIMIT // (1024 * 1024),
                max_ratio=RATIO_LIMIT,
            )
        )


def oversize_cell(values: Sequence[Any]) -> int | None:
    """The index of the first cell longer than CELL_LIMIT characters, else None."""
    for i, value in enumerate(values):
        if isinstance(value, str) and len(value) > CELL_LIMIT:
            return i
    return None


def oversize_rows(batch: Sequence[tuple[int, Sequence[Any]]]) -> dict[int, int]:
    """{index in the batch: index of its first oversize cell} for the rows that have one."""
    found: dict[int, int] = {}
    for i, (_line, values) in enumerate(batch):
        try:
            if max(map(len, values), default=0) <= CELL_LIMIT:  # in C: all text, all short
                continue
        except TypeError:  # a date or number cell (XLSX): cell by cell
            pass
        cell = oversize_cell(values)
        if cell is not None:
            found[i] = cell
    return found


def oversize_message(length: int) -> str:
    return _("The cell holds {n} characters; a cell may hold at most {limit}.").format(
        n=length, limit=CELL_LIMIT
    )
