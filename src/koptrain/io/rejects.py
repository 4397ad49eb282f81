"""The rejects file of an import: the rejected rows as the user sent them plus `error`, in
the format its name says (.xlsx or .csv), a CSV with the input's delimiter and BOM."""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path
from typing import Any

from koptrain.errors import InvalidInput
from koptrain.i18n import _
from koptrain.io import private
from koptrain.io.writers import neutralise


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and a.samefile(b))
    except OSError:
        return False


def open_rejects(path: Path, source, *, keep: bool = False):
    """The rejects file for `source`: a field workbook's rejects are a workbook of its
    layout (koptrain.io.workbooks.WorkbookRejects) when their name ends in .xlsx."""
    if source.parts and path.suffix.lower() == ".xlsx":
        from koptrain.io.workbooks import WorkbookRejects

        _refuse_input(path, source)
        return WorkbookRejects(path, source)
    return RejectsFile(path, source, keep=keep)


def _refuse_input(path: Path, source) -> None:
    if source.path is not None and _same_file(path, source.path):
        raise InvalidInput(
            _("--rejects {file} is the file being imported: give another name.").format(file=path)
        )


class RejectsFile:
    """Opened before the import reads a row, so a bad name costs nothing (exit 2)."""

    def __init__(self, path: Path, source, *, keep: bool = False) -> None:
        self.path = path
        # a field workbook's rejects (`keep`, .xlsx): kept, then written by `form` (set once
        # the import knows the form) as a workbook of the same layout; those files are small
        self.kept: list[tuple[list[Any], str]] | None = None
        self.form = None
        suffix = path.suffix.lower()
        _refuse_input(path, source)
        if suffix not in (".csv", ".xlsx", ".txt", ""):
            raise InvalidInput(
                _("--rejects {file}: give a name ending in .csv or .xlsx.").format(file=path)
            )
        header = [*(str(h) for h in source.header), "error"]
        self.width = len(header) - 1
        self.xlsx = suffix == ".xlsx"
        self.header = header
        if keep and self.xlsx:
            self.kept = []
        try:
            if self.kept is not None:
                pass
            elif self.xlsx:
                from openpyxl import Workbook

                self.workbook = Workbook(write_only=True)
                self.sheet = self.workbook.create_sheet("rejects")
                self.sheet.append(header)
            else:
                encoding = "utf-8-sig" if source.bom else "utf-8"
                # rows as the user sent them hold full NIKs: 0600, in place only when complete
                fd, self.temp = private.create(path)
                self.file = open(fd, "w", encoding=encoding, newline="")  # noqa: SIM115
                self.writer = csv.writer(
                    self.file, delimiter=source.delimiter or ",", lineterminator="\n"
                )
                self.writer.writerow(header)
        except OSError as exc:
            raise private.cannot_write(path, exc) from None
        self.closed = False

    def write(self, values: list[Any], error) -> None:
        column = f"{error.column}: " if error.column else ""
        if self.kept is not None:
            self.kept.append((list(values)[: self.width], column + error.message))
            return
        self._append(self._row(values, column + error.message))

    def _row(self, values: list[Any], error: str) -> list[str]:
        cells = []
        for value in list(values)[: self.width]:
            if isinstance(value, dt.date):
                value = value.isoformat()
            cells.append(neutralise(str(value)) if value not in (None, "") else "")
        cells += [""] * (self.width - len(cells))
        return [*cells, neutralise(error)]

    def _append(self, row: list[str]) -> None:
        if self.xlsx:
            self.sheet.append(row)
        else:
            self.writer.writerow(row)

    def _kept_workbook(self):
        """The kept rows in the form's layout, or as plain rejects when there is no form."""
        if self.form is not None:
            return self.form(self.kept)
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        self.sheet = workbook.create_sheet("rejects")
        self.sheet.append(self.header)
        for values, error in self.kept or ():
            self._append(self._row(values, error))
        return workbook

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.xlsx:
            fd, self.temp = private.create(self.path)
            os.close(fd)
            try:
                workbook = self.workbook if self.kept is None else self._kept_workbook()
                workbook.save(self.temp)
            except OSError as exc:
                self.temp.unlink(missing_ok=True)
                raise private.cannot_write(self.path, exc) from None
        else:
            try:
                self.file.close()
            except OSError as exc:
                self.temp.unlink(missing_ok=True)
                raise private.cannot_write(self.path, exc) from None
        private.finish(self.temp, self.path)
