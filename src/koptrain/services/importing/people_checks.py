"""`import people`: a batch checked a column at a time (the rows' cells parsed, cached
and judged), for PeopleHandler."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import repeat
from operator import itemgetter
from typing import Any

from koptrain.errors import KoptrainError
from koptrain.i18n import N_, _
from koptrain.parsing import (
    parse_bool,
    parse_gender,
    parse_nik,
    parse_optional_date,
    parse_role_title,
)
from koptrain.services import validation
from koptrain.services.importing.base import (
    Handler,
    Problem,
    RowError,
)

_CACHE_LIMIT = 100_000
# The day and month digits (DDMM, 40 added to the day for women) of a real date in a
# leap year; 29 February is real only when the year YY (20YY) is a multiple of 4.
_NIK_DAY_MONTHS = frozenset(
    f"{day.day + plus:02d}{day.month:02d}"
    for day in (dt.date(2000, 1, 1) + dt.timedelta(days=n) for n in range(366))
    for plus in (0, 40)
)
_NIK_LEAP_DAYS = frozenset({"2902", "6902"})
_NIK_DAY_MONTH = itemgetter(slice(6, 10))
_NIK_REGION = itemgetter(slice(0, 4))
_CELLS = itemgetter(1)  # (line, cells) -> cells


class PeopleChecks(Handler):
    """The checks of PeopleHandler; its caches are set up by PeopleHandler.__init__."""

    # --- checking, a column at a time ------------------------------------------------------
    #
    # A million rows make Python's per-row work the cost of an import, so a batch is
    # checked a column at a time: a column of few distinct values (gender, role, coop,
    # birth date, answer) has each distinct value parsed once and cached, and its cells
    # mapped through the cache in C; a column of nearly unique values (NIK, name, phone)
    # is checked as a whole with string methods, and only when that check fails, cell by
    # cell with the exact rules. Each row gets the error of its first bad column.

    def _checked(self, batch, outcomes) -> tuple[list[int], list[tuple], list[tuple]]:
        """Every row parsed and checked; bad rows get their RowError in `outcomes`.

        Returns the positions of the good rows, their person rows (id, nik, name, gender,
        birth date, phone, has business) and their memberships (person id, coop id, role),
        with an id reserved for each row of the batch on SQLite, used if the person is new
        (None on PostgreSQL)."""
        where = {name: index for index, name in self.mapping}
        width = max(where.values()) + 1
        rows = list(map(_CELLS, batch))
        if min(map(len, rows)) < width:
            rows = [[*r, *([""] * (width - len(r)))] if len(r) < width else r for r in rows]
        cells = list(zip(*rows, strict=False))
        for cache in (self.regions_ok, self.genders, self.roles, self.births, self.answers):
            if len(cache) > _CACHE_LIMIT:  # memory stays flat, whatever the file holds
                cache.clear()
        if len(self.coop_ids) > _CACHE_LIMIT:
            self.coop_ids.clear()
        errors: dict[int, Exception] = {}  # row position -> its first problem
        niks = self._niks(cells[where["nik"]], errors)
        names = self._names(cells[where["name"]], errors)
        genders = self._cached(cells[where["gender"]], errors, self.genders, self._gender)
        titles = self._cached(cells[where["role"]], errors, self.roles, self._role)
        coop_cells = cells[where["coop_nik"]]
        self._resolve_coops(coop_cells)
        coop_ids = self._cached(coop_cells, errors, self.coop_ids, self._no_coop)
        n = len(batch)
        births, phones, answers = repeat(None, n), repeat(None, n), repeat(False, n)
        if self.set_birth:
            births = self._cached(cells[where["birth_date"]], errors, self.births, self._birth)
        if self.set_phone:
            phones = self._phones(cells[where["phone"]], errors)
        self.blank_business = frozenset()
        if self.set_business:
            answers = self._cached(cells[where["has_business"]], errors, self.answers, self._answer)
            if None in answers:  # a blank cell: False for someone new, kept for the others
                self.blank_business = frozenset(i for i, a in enumerate(answers) if a is None)
                answers = [bool(a) for a in answers]
        ids = self._new_ids(n)
        people = list(zip(ids, niks, names, genders, births, phones, answers, strict=True))
        members = [
            (pid, coop_id, *(title or (None, None)))
            for pid, coop_id, title in zip(ids, coop_ids, titles, strict=True)
        ]
        if not errors:
            return list(range(n)), people, members
        for position, problem in errors.items():
            line = batch[position][0]
            if isinstance(problem, Problem):
                outcomes[position] = RowError(line, self.label(problem.column), problem.message)
            else:  # AttributeError or TypeError: a date cell where text belongs (XLSX)
                outcomes[position] = RowError(
                    line, "", _("A cell holds a date where text belongs.")
                )
        positions = [i for i in range(n) if i not in errors]
        return positions, [people[i] for i in positions], [members[i] for i in positions]

    def _each(self, cells, errors: dict, parse: Callable[[Any], Any]) -> list:
        """A column cell by cell: parse(cell), or None and the row's error."""
        out = []
        for position, cell in enumerate(cells):
            try:
                out.append(parse(cell))
            except (Problem, AttributeError, TypeError) as problem:
                errors.setdefault(position, problem)
                out.append(None)
        return out

    def _cached(self, cells, errors: dict, cache: dict, parse: Callable[[Any], Any]) -> list:
        """A column of few distinct values: each parsed once (and cached), cells mapped in C."""
        bad: dict[Any, Exception] = {}
        for value in set(cells).difference(cache):
            try:
                cache[value] = parse(value)
            except (Problem, AttributeError, TypeError) as problem:
                bad[value] = problem
        if not bad:
            return list(map(cache.__getitem__, cells))
        for position, cell in enumerate(cells):
            if cell in bad:
                errors.setdefault(position, bad[cell])
        return [cache.get(cell) for cell in cells]

    def _niks(self, cells, errors: dict) -> list | tuple:
        """NIKs as written when all are 16 ASCII digits with a known region and a real date,
        else each one checked (and tidied) by parse_nik."""
        try:
            if (
                set(map(len, cells)) == {16}
                and (digits := "".join(cells)).isdigit()
                and digits.isascii()
                and self.regions_ok.issuperset(map(_NIK_REGION, cells))
                and _NIK_DAY_MONTHS.issuperset(day_months := set(map(_NIK_DAY_MONTH, cells)))
                and (
                    _NIK_LEAP_DAYS.isdisjoint(day_months)
                    or all(int(c[10:12]) % 4 == 0 for c in cells if c[6:10] in _NIK_LEAP_DAYS)
                )
            ):
                return cells
        except TypeError:  # a date cell (XLSX): the check cell by cell names it
            pass
        return self._each(cells, errors, self._nik)

    def _nik(self, value: Any) -> str:
        try:
            nik = parse_nik(value.strip())
        except KoptrainError as error:
            raise Problem("nik", str(error)) from None
        self.regions_ok.add(nik[:4])
        return nik

    def _names(self, cells, errors: dict) -> list | tuple:
        """Names as written when none is empty, too long or has spaces to tidy, else each
        one tidied and checked."""
        try:
            text = " ".join(cells)
            if (
                text.isprintable()  # no whitespace but the plain space
                and "  " not in text
                and text[:1] != " "
                and text[-1:] != " "
                and min(map(len, cells)) > 0
                and max(map(len, cells)) <= validation.NAME_LIMIT
            ):
                return cells
        except TypeError:  # a date cell (XLSX): the check cell by cell names it
            pass
        return self._each(cells, errors, self._name)

    def _name(self, value: Any) -> str:
        name = self._parsed(
            "name", validation.text, value, limit=validation.NAME_LIMIT, what=self.label("name")
        )
        if not name:
            raise Problem("name", _("A person needs a name."))
        return name

    def _phones(self, cells, errors: dict) -> list:
        """Phones as written when all are digits or empty (None), else each one tidied."""
        try:
            digits = "".join(cells)
            if (not digits or digits.isdigit()) and max(map(len, cells)) <= validation.PHONE_LIMIT:
                return [cell or None for cell in cells]
        except TypeError:
            pass
        return self._each(cells, errors, self._phone)

    def _phone(self, value: Any) -> str | None:
        return self._parsed(
            "phone", validation.text, value, limit=validation.PHONE_LIMIT, what=self.label("phone")
        )

    def _gender(self, value: Any) -> str:
        if not value.strip():
            raise self._empty("gender")
        return self._parsed("gender", parse_gender, value)

    def _role(self, value: Any) -> tuple[str, str | None]:
        return self._parsed("role", parse_role_title, value)

    def _birth(self, value: Any) -> Any:
        day = self._parsed(
            "birth_date", parse_optional_date, value, what=N_("birth date"), past=True
        )
        if day is None:
            return None
        return day.isoformat() if self.sqlite else day

    def _answer(self, value: Any) -> bool | None:
        if not str(value).strip():
            return None
        return self._parsed("has_business", parse_bool, value, what=N_("has business"))

    @staticmethod
    def _parsed(column: str, parse: Callable[..., Any], value: Any, **options) -> Any:
        try:
            return parse(value, **options)
        except KoptrainError as error:
            raise Problem(column, str(error)) from None

    def _empty(self, column: str) -> Problem:
        return Problem(column, _("{column} is empty.").format(column=self.label(column)))

    def _resolve_coops(self, cells) -> None:
        """The coops of a column's cells not seen before, in one query (cached)."""
        unseen = {c for c in set(cells).difference(self.coop_ids) if isinstance(c, str)}
        if not unseen:
            return
        found = self.coop_ids_for({cell.strip() for cell in unseen})
        for cell in unseen:
            coop_id = found.get(cell.strip())
            if coop_id is not None:
                self.coop_ids[cell] = coop_id

    def _no_coop(self, raw: Any) -> int:
        """Called for a coop cell that no coop matched: the row's problem."""
        key = raw.strip()
        if not key:
            raise self._empty("coop_nik")
        raise Problem(
            "coop_nik",
            _("No cooperative has the NIK Koperasi or legal number '{key}'.").format(key=key[:60]),
        )
