"""Limits on what an imported file may make koptrain do (SPEC §13): a workbook is measured
from its zip directory before any part is decompressed, and a cell may not be longer than
Excel's own limit."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Sequence
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any

from koptrain.errors import InvalidInput
from koptrain.i18n import _

EXPANDED_LIMIT = 200 * 1024 * 1024  # bytes all parts of a workbook may expand to
RATIO_LIMIT = 100  # how many times its compressed size a part may expand
RATIO_FLOOR = 1024 * 1024  # smaller parts may compress better (a run of empty cells)
CELL_LIMIT = 32_767  # characters in a cell: Excel's own limit
# Bytes of text between two XML tags: a cell the XML parser would hold whole in memory (a
# 150 MB cell took 400 MB) and no import could take. Longer cells up to this are row errors.
TEXT_RUN_LIMIT = 1024 * 1024
_CHUNK = 256 * 1024


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
    if expanded <= EXPANDED_LIMIT and not too_dense:
        _check_text_runs(file)
        return
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


def _check_text_runs(file: Path) -> None:
    """One streaming pass over the workbook's XML parts (a few KB of memory): refuse a file
    with a run of text longer than TEXT_RUN_LIMIT between two tags. Only `find` and `rfind`
    per chunk, so the pass costs about what decompressing does."""
    try:
        _scan(file)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib.error):
        return  # a damaged workbook: the reader says so in its own words


def _scan(file: Path) -> None:
    with zipfile.ZipFile(file) as archive:
        for part in archive.infolist():
            if part.file_size <= TEXT_RUN_LIMIT or not part.filename.endswith(".xml"):
                continue
            since_tag = 0
            with archive.open(part) as stream:
                while chunk := stream.read(_CHUNK):
                    first = chunk.find(b"<")
                    since_tag += len(chunk) if first < 0 else first
                    if since_tag > TEXT_RUN_LIMIT:
                        raise InvalidInput(
                            _(
                                "{file} holds a cell of more than {n} characters; a cell may "
                                "hold at most {limit}."
                            ).format(file=file, n=TEXT_RUN_LIMIT, limit=CELL_LIMIT)
                        )
                    if first >= 0:
                        since_tag = len(chunk) - chunk.rfind(b"<") - 1


def oversize_cell(values: Sequence[Any]) -> int | None:
    """The index of the first cell longer than CELL_LIMIT characters, else None."""
    for i, value in enumerate(values):
        if isinstance(value, str) and len(value) > CELL_LIMIT:
            return i
    return None


def oversize_rows(batch: Sequence[tuple[int, Sequence[Any]]]) -> dict[int, int]:
    """{index in the batch: index of its first oversize cell} for the rows that have one."""
    try:  # the usual batch, all text and all short: one pass in C
        if max(map(len, chain.from_iterable(map(itemgetter(1), batch))), default=0) <= CELL_LIMIT:
            return {}
    except TypeError:  # a date or number cell (XLSX): row by row
        pass
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
