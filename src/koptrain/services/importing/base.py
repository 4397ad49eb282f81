"""What every import kind shares: row errors, field parsing with the column named, lookups."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlmodel import Session, col, select

from koptrain.errors import KoptrainError
from koptrain.i18n import _
from koptrain.models import Coop
from koptrain.parsing import mask_niks_in
from koptrain.services import validation
from koptrain.services.upsert import INSERTED, UNCHANGED, UPDATED, upsert

__all__ = [
    "INSERTED",
    "SKIPPED",
    "UNCHANGED",
    "UPDATED",
    "Handler",
    "Problem",
    "RowError",
    "clean_text",
]

SKIPPED = "skipped"  # a row left as it is on purpose (a workbook row with nothing filled in)


@dataclass
class RowError(Exception):
    """One rejected row: its line in the file, the column at fault and why."""

    line: int
    column: str
    message: str

    @property
    def sheet(self) -> str | None:
        """The sheet of a row read from a workbook's every sheet (koptrain.io.sheet_parts)."""
        part = getattr(self.line, "part", None)
        return part.name if part is not None else None

    def as_json(self) -> dict[str, Any]:
        out = {"line": int(self.line), "column": self.column, "message": self.message}
        if self.sheet is not None:
            out["sheet"] = self.sheet
        return out

    def located(self, file: str) -> str:
        """`FILE:LINE: column: message` (`FILE:SHEET:LINE: ...` for a row of a workbook read
        sheet by sheet), as import reports a rejected row."""
        sheet = self.sheet
        where = f"{file}:{sheet}:{self.line}: " if sheet is not None else f"{file}:{self.line}: "
        return where + (f"{self.column}: " if self.column else "") + self.message


def _plain(value: Any) -> Any:
    """A stored value as JSON shows it."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _nik_form(key: str) -> str:
    """A coop key as a NIK Koperasi is stored (no separators), when it is one."""
    return re.sub(r"[\s.\-]", "", key) if key.replace(" ", "").isdigit() else key


class Problem(Exception):
    """Raised inside a row handler: the column (by name) and the sentence."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def clean_text(value: Any, limit: int, *, what: str, column: str) -> str | None:
    """validation.text for a cell: its error becomes the column's Problem."""
    try:
        return validation.text(value, limit, what=what)
    except KoptrainError as error:
        raise Problem(column, str(error)) from None


class Handler:
    """One kind of import. Subclasses define `columns`, `required` and `row()`
    (or override `process()` to work on a whole batch at once)."""

    # column name -> its aliases (already normalised: lower case, `_` for spaces and hyphens)
    columns: ClassVar[dict[str, tuple[str, ...]]] = {}
    # each entry: a tuple of column names of which at least one must be in the header
    required: ClassVar[tuple[tuple[str, ...], ...]] = ()
    batch_size: ClassVar[int] = 200
    # the columns whose cells name the row's record, shown as the `key` of a change
    key_columns: ClassVar[tuple[str, ...]] = ()
    # a column that marks a field workbook (SPEC §11): every sheet that has it is read
    workbook_key: ClassVar[str | None] = None
    # columns a field workbook shows and import does not read: ignored without a warning
    quiet_columns: ClassVar[frozenset[str]] = frozenset()
    # a field workbook (SPEC §11): its errors name the sheet (`FILE:SHEET:LINE`)
    names_sheet: ClassVar[bool] = False

    def __init__(self, db: Session, *, labels: dict[str, str]) -> None:
        self.db = db
        self.labels = labels  # column name -> the header as written in the file
        self.mapping: list[tuple[int, str]] = []  # (cell index, column name), set by the runner
        self._coops: dict[str, int | None] = {}
        self.changes: list[dict[str, Any]] | None = None  # a list when the runner asks for them
        self.line = 0
        self.rec: dict[str, Any] = {}
        self.warnings: list[RowError] = []  # rows taken as they are, with a word to the user
        self.options: dict[str, Any] = {}  # the import command's options for this kind
        # a field workbook's: writes the rejected rows as a workbook of the same layout
        self.rejects_form: Callable[..., None] | None = None

    def extra_columns(self, header: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """(cell index, column name) for the header cells (index, key) that no fixed column
        names but this kind reads all the same (the indicators of a workbook)."""
        return []

    @classmethod
    def for_header(cls, header: list[str]) -> type[Handler]:
        """The handler for a file with this header: this one, or a variant of the kind (the
        wide attendance grid)."""
        return cls

    def start(self, source: Any) -> None:
        """Called once before the first row: a form reads what its heading says."""

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
            if type(value) is str:
                value = value.strip()
            elif isinstance(value, dt.date):  # a date cell: text, read back by parse_date
                value = value.isoformat()
            rec[name] = value
        return rec

    def process(self, batch: list[tuple[int, list[Any]]]) -> list[str | RowError]:
        out: list[str | RowError] = []
        for line, values in batch:
            rec = self.record(values)
            self.line, self.rec = line, rec
            try:
                out.append(self.row(rec))
            except Problem as problem:
                out.append(RowError(line, self.label(problem.column), problem.message))
        return out

    def row(self, rec: dict[str, Any]) -> str:  # pragma: no cover - every kind overrides
        raise NotImplementedError

    def finish(self) -> None:
        """Called after the last batch (flush pending writes)."""

    # --- writing: the one place where a row is compared with what is stored -------------

    def note(
        self, field: str, old: Any, new: Any, *, line: int | None = None, key: str = ""
    ) -> None:
        """Remember one field an update changes (listed by --dry-run as `changes`)."""
        if self.changes is None:
            return
        if not key:
            key = " / ".join(str(self.rec.get(c)) for c in self.key_columns if self.rec.get(c))
            key = mask_niks_in(key)
        self.changes.append(
            {
                "line": self.line if line is None else line,
                "key": key,
                "field": field,
                "old": _plain(old),
                "new": _plain(new),
            }
        )

    def write(
        self, row: Any, new: dict[str, Any], make: Callable[[], Any], *, clears: tuple = ()
    ) -> str:
        """services.upsert for one row of the file: a blank cell (None) never erases a
        stored value, and is left to the column's default on insert (SPEC §7), so `new`
        loses its None values first (except the fields in `clears`, where None is what the
        cell says); each field an update changes is noted."""
        for field in [f for f, v in new.items() if v is None and f not in clears]:
            del new[field]
        written = upsert(self.db, row, new, make=make)
        if written.outcome == UPDATED:
            for change in written.changes:
                self.note(change.field, change.old, change.new)
        return written.outcome

    def apply(self, row: Any, new: dict[str, Any]) -> bool:
        """`write` for a row known to be stored: whether any field changed."""
        return self.write(row, new, make=type(row)) == UPDATED

    # --- helpers ------------------------------------------------------------------------

    def field(self, rec: dict[str, Any], column: str, parse: Callable[[Any], Any]) -> Any:
        """parse(cell); a KoptrainError becomes a Problem naming the column."""
        try:
            return parse(rec.get(column, ""))
        except KoptrainError as error:
            raise Problem(column, str(error)) from None

    def valid(self, column: str, check: Callable[..., Any], *args: Any, **options: Any) -> Any:
        """check(*args, **options), a validator of services.validation: its error becomes a
        Problem in the column its `field` names (when this kind has that column), else in
        `column`."""
        try:
            return check(*args, **options)
        except KoptrainError as error:
            at = error.field if error.field in self.columns else column
            raise Problem(at, str(error)) from None

    def need(self, rec: dict[str, Any], column: str) -> Any:
        value = rec.get(column, "")
        if value in ("", None):
            raise Problem(column, _("{column} is empty.").format(column=self.label(column)))
        return value

    def coop_ids_for(self, keys: Iterable[str], *, db: Session | None = None) -> dict[str, int]:
        """Many coop keys at once: key -> coop id for the keys that name a coop.

        A key is a NIK Koperasi (spaces, dots and hyphens ignored), or a legal number for a
        coop without one; a query or two per 500 keys, no ORM objects; through `db` when
        given (another session on the same database), else the import's own."""
        db = db or self.db
        forms = {key: _nik_form(key) for key in keys if key}
        wanted = sorted({*forms, *forms.values()})
        found: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            by_nik = select(Coop.id, Coop.nik).where(col(Coop.nik).in_(chunk))
            for coop_id, nik in db.exec(by_nik):
                found[nik] = coop_id
            rest = [k for k in chunk if k not in found]
            if rest:
                by_legal = select(Coop.id, Coop.legal_number).where(
                    col(Coop.legal_number).in_(rest)
                )
                for coop_id, legal_number in db.exec(by_legal):
                    found[legal_number] = coop_id
        ids = {}
        for key, key_nik in forms.items():
            coop_id = found.get(key) or found.get(key_nik)
            if coop_id is not None:
                ids[key] = coop_id
        return ids

    def coop_id(self, rec: dict[str, Any], column: str = "coop_nik") -> int:
        """A coop by NIK Koperasi, or by legal number for a coop without one (cached)."""
        key = str(self.need(rec, column))
        if key not in self._coops:
            self._coops[key] = self.coop_ids_for([key]).get(key)
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
        coop = self.db.get(Coop, self.coop_id(rec, column))
        assert coop is not None
        return coop

    def forget_coop(self, *keys: str | None) -> None:
        for key in keys:
            if key:
                self._coops.pop(key, None)
