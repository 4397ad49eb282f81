"""What every import kind shares: row errors, field parsing with the column named, lookups."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlmodel import Session

from koptrain.errors import KoptrainError
from koptrain.i18n import _
from koptrain.models import Coop
from koptrain.services import refs

INSERTED, UPDATED, UNCHANGED = "inserted", "updated", "unchanged"


@dataclass
class RowError(Exception):
    """One rejected row: its line in the file, the column at fault and why."""

    line: int
    column: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}

    def located(self, file: str) -> str:
        """`FILE:LINE: column: message` (SPEC §4)."""
        where = f"{file}:{self.line}: "
        return where + (f"{self.column}: " if self.column else "") + self.message


class Problem(Exception):
    """Raised inside a row handler: the column (by name) and the sentence."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def clean_text(value: Any, limit: int, *, what: str, column: str) -> str | None:
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        raise Problem(
            column,
            _("{what} is longer than {limit} characters.").format(what=_(what), limit=limit),
        )
    return text or None


class Handler:
    """One kind of import. Subclasses define `columns`, `required` and `row()`
    (or override `process()` to work on a whole batch at once)."""

    # column name -> its aliases (already normalised: lower case, `_` for spaces and hyphens)
    columns: ClassVar[dict[str, tuple[str, ...]]] = {}
    # each entry: a tuple of column names of which at least one must be in the header
    required: ClassVar[tuple[tuple[str, ...], ...]] = ()
    batch_size: ClassVar[int] = 200

    def __init__(self, session: Session, *, labels: dict[str, str]) -> None:
        self.session = session
        self.labels = labels  # column name -> the header as written in the file
        self.mapping: list[tuple[int, str]] = []  # (cell index, column name), set by the runner
        self._coops: dict[str, int | None] = {}

    def has(self, column: str) -> bool:
        return column in self.labels

    def label(self, column: str) -> str:
        return self.labels.get(column, column)

    def record(self, values: list[Any]) -> dict[str, Any]:
        """The cells of one row by column name, text stripped, missing cells empty."""
        rec: dict[str, Any] = {}
        width = len(values)
        for index, name in self.mapping:
            value = values[index] if index < width else ""
            rec[name] = value.strip() if isinstance(value, str) else value
        return rec

    def process(self, batch: list[tuple[int, list[Any]]]) -> list[str | RowError]:
        out: list[str | RowError] = []
        for line, values in batch:
            rec = self.record(values)
            try:
                out.append(self.row(rec))
            except Problem as problem:
                out.append(RowError(line, self.label(problem.column), problem.message))
        return out

    def row(self, rec: dict[str, Any]) -> str:  # pragma: no cover - every kind overrides
        raise NotImplementedError

    def finish(self) -> None:
        """Called after the last batch (flush pending writes)."""

    # --- helpers ------------------------------------------------------------------------

    def field(self, rec: dict[str, Any], column: str, parse: Callable[[Any], Any]) -> Any:
        """parse(cell); a KoptrainError becomes a Problem naming the column."""
        try:
            return parse(rec.get(column, ""))
        except KoptrainError as error:
            raise Problem(column, str(error)) from None

    def need(self, rec: dict[str, Any], column: str) -> Any:
        value = rec.get(column, "")
        if value in ("", None):
            raise Problem(column, _("{column} is empty.").format(column=self.label(column)))
        return value

    def coop_id(self, rec: dict[str, Any], column: str = "coop_nik") -> int:
        """A coop by NIK Koperasi, or by legal number for a coop without one (cached)."""
        key = str(self.need(rec, column))
        if key not in self._coops:
            key_nik = re.sub(r"[\s.\-]", "", key) if key.replace(" ", "").isdigit() else key
            found = refs.coops_by_key(self.session, {key, key_nik})
            coop = found.get(key) or found.get(key_nik)
            self._coops[key] = coop.id if coop else None
        coop_id = self._coops[key]
        if coop_id is None:
            raise Problem(
                column,
                _("No cooperative has the NIK Koperasi or legal number '{key}'.").format(
                    key=key[:60]
                ),
            )
        return coop_id

    def coop(self, rec: dict[str, Any], column: str = "coop_nik") -> Coop:
        coop = self.session.get(Coop, self.coop_id(rec, column))
        assert coop is not None
        return coop

    def forget_coop(self, *keys: str | None) -> None:
        for key in keys:
            if key:
                self._coops.pop(key, None)
