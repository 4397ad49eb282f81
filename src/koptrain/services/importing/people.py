"""`import people`: the province-scale path (a million rows), batched and close to the driver.

Per batch of a few thousand rows: every row parsed and checked a column at a time (see
`_checked`), then written with executemany on the driver's own cursor. People new to the
database (the usual case of a large import) are inserted straight away, the unique index
on NIK skipping the others; only those are compared with the rows stored and upserted.
No per-row ORM objects and no state kept across batches except small caches (coops,
genders, roles, dates, NIK regions): the database's own unique index is what tells a
later batch that a NIK is already there. On SQLite the batch goes through executemany
with ids counted on from the largest; on PostgreSQL (where executemany costs a round of
the protocol per row) the batch is COPYed into a temporary table and new people and their
memberships inserted by one statement, ids from the sequence for the people inserted only.
The comparison and upsert of people already stored (`_merge`) is the same on both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import repeat
from operator import itemgetter
from typing import Any, ClassVar

from koptrain.errors import KoptrainError
from koptrain.i18n import N_, _
from koptrain.parsing import (
    parse_bool,
    parse_gender,
    parse_nik,
    parse_optional_date,
    parse_role,
)
from koptrain.services.importing.base import (
    INSERTED,
    UNCHANGED,
    UPDATED,
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

_INSERT_NEW_PERSON = (
    "INSERT INTO person (id, nik, name, gender, birth_date, phone, has_business) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (nik) DO NOTHING"
)
_INSERT_MEMBERSHIP = "INSERT INTO membership (person_id, coop_id, role) VALUES (?, ?, ?)"
_UPDATE_PERSON = (
    "UPDATE person SET name = ?, gender = ?, birth_date = ?, phone = ?, has_business = ? "
    "WHERE id = ?"
)
_UPDATE_MEMBERSHIP = "UPDATE membership SET role = ? WHERE person_id = ? AND coop_id = ?"

# PostgreSQL: the NIKs of a batch already stored are looked up at once (an index probe per
# NIK given as one array), then the first row of each other NIK is COPYed into a temporary
# table (gone at the end of the import's transaction) and the new people and their
# memberships inserted by one statement; so only people really inserted take an id from
# the sequence (ON CONFLICT still guards against a concurrent import, whose rows are merged).
_PG_KNOWN = "SELECT nik FROM person WHERE nik = ANY(%s)"
_PG_STAGE = (
    "CREATE TEMP TABLE IF NOT EXISTS koptrain_people_batch ("
    "pos integer NOT NULL, nik text NOT NULL, name text NOT NULL, gender text NOT NULL, "
    "birth_date date, phone text, has_business boolean NOT NULL, "
    "coop_id integer NOT NULL, role text NOT NULL) ON COMMIT DROP"
)
_PG_COPY = (
    "COPY koptrain_people_batch "
    "(pos, nik, name, gender, birth_date, phone, has_business, coop_id, role) FROM STDIN"
)
_PG_INSERT_NEW = """
WITH new AS (
    INSERT INTO person (nik, name, gender, birth_date, phone, has_business)
    SELECT nik, name, gender, birth_date, phone, has_business FROM koptrain_people_batch
    ORDER BY pos
    ON CONFLICT (nik) DO NOTHING
    RETURNING id, nik
), members AS (
    INSERT INTO membership (person_id, coop_id, role)
    SELECT new.id, s.coop_id, s.role FROM new JOIN koptrain_people_batch s ON s.nik = new.nik
)
SELECT nik FROM new
"""


class PeopleHandler(Handler):
    columns: ClassVar = {
        "nik": (),
        "name": ("nama",),
        "gender": ("jenis_kelamin", "jk", "sex"),
        "birth_date": ("tanggal_lahir", "tgl_lahir"),
        "phone": ("telepon", "no_hp", "hp", "no_telepon"),
        "coop_nik": ("coop", "koperasi"),
        "role": ("jabatan",),
        "has_business": ("punya_usaha",),
    }
    required: ClassVar = (("nik",), ("name",), ("gender",), ("coop_nik",), ("role",))
    batch_size: ClassVar = 5000

    def __init__(self, session, *, labels):
        super().__init__(session, labels=labels)
        self.conn = session.connection()
        dialect = self.conn.dialect
        self.sqlite = dialect.name == "sqlite"
        self.ph = "?" if dialect.paramstyle == "qmark" else "%s"
        self.cursor = self.conn.connection.driver_connection.cursor()
        self.next_id: int | None = None  # SQLite: the next free person id (we hold the lock)
        self.staged = False  # PostgreSQL: the batch table exists in this transaction
        # caches: the cell as written -> its parsed value (coops: the coop's id)
        self.regions_ok: set[str] = set()
        self.genders: dict[Any, str] = {}
        self.roles: dict[Any, str] = {}
        self.births: dict[Any, Any] = {}
        self.answers: dict[Any, bool] = {}
        self.coop_ids: dict[Any, int] = {}
        self.set_birth = self.has("birth_date")
        self.set_phone = self.has("phone")
        self.set_business = self.has("has_business")

    def _sql(self, sql: str) -> str:
        return sql if self.ph == "?" else sql.replace("?", self.ph)

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
        roles = self._cached(cells[where["role"]], errors, self.roles, self._role)
        coop_cells = cells[where["coop_nik"]]
        self._resolve_coops(coop_cells)
        coop_ids = self._cached(coop_cells, errors, self.coop_ids, self._no_coop)
        n = len(batch)
        births, phones, answers = repeat(None, n), repeat(None, n), repeat(False, n)
        if self.set_birth:
            births = self._cached(cells[where["birth_date"]], errors, self.births, self._birth)
        if self.set_phone:
            phones = self._phones(cells[where["phone"]], errors)
        if self.set_business:
            answers = self._cached(cells[where["has_business"]], errors, self.answers, self._answer)
        ids = self._new_ids(n)
        people = list(zip(ids, niks, names, genders, births, phones, answers, strict=True))
        members = list(zip(ids, coop_ids, roles, strict=True))
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
                and max(map(len, cells)) <= 200
            ):
                return cells
        except TypeError:  # a date cell (XLSX): the check cell by cell names it
            pass
        return self._each(cells, errors, self._name)

    def _name(self, value: Any) -> str:
        name = " ".join(value.split())
        if not name:
            raise Problem("name", _("A person needs a name."))
        if len(name) > 200:
            raise self._long("name", 200)
        return name

    def _phones(self, cells, errors: dict) -> list:
        """Phones as written when all are digits or empty (None), else each one tidied."""
        try:
            digits = "".join(cells)
            if (not digits or digits.isdigit()) and max(map(len, cells)) <= 40:
                return [cell or None for cell in cells]
        except TypeError:
            pass
        return self._each(cells, errors, self._phone)

    def _phone(self, value: Any) -> str | None:
        phone = " ".join(str(value).split()) or None
        if phone and len(phone) > 40:
            raise self._long("phone", 40)
        return phone

    def _gender(self, value: Any) -> str:
        if not value.strip():
            raise self._empty("gender")
        return self._parsed("gender", parse_gender, value)

    def _role(self, value: Any) -> str:
        return self._parsed("role", parse_role, value)

    def _birth(self, value: Any) -> Any:
        day = self._parsed("birth_date", parse_optional_date, value, what=N_("birth date"))
        if day is None:
            return None
        return day.isoformat() if self.sqlite else day

    def _answer(self, value: Any) -> bool:
        return self._parsed("has_business", parse_bool, value, what=N_("has business"))

    @staticmethod
    def _parsed(column: str, parse: Callable[..., Any], value: Any, **options) -> Any:
        try:
            return parse(value, **options)
        except KoptrainError as error:
            raise Problem(column, str(error)) from None

    def _long(self, column: str, limit: int) -> Problem:
        return Problem(
            column,
            _("{what} is longer than {limit} characters.").format(
                what=self.label(column), limit=limit
            ),
        )

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

    # --- one batch ---------------------------------------------------------------------

    def process(self, batch: list[tuple[int, list[Any]]]) -> list[str | RowError]:
        outcomes: list[str | RowError] = [INSERTED] * len(batch)
        positions, people, members = self._checked(batch, outcomes)
        if not people:
            return outcomes
        if not self.sqlite:
            self._process_pg(positions, people, members, outcomes)
            return outcomes
        # Fast path: most rows of a large import are people new to the database, so the
        # batch is inserted at once and the unique index on NIK skips the others (known
        # already, or a second row of a person in this batch); only those are compared.
        cursor = self.cursor
        cursor.executemany(self._sql(_INSERT_NEW_PERSON), people)
        if cursor.rowcount == len(people):
            cursor.executemany(self._sql(_INSERT_MEMBERSHIP), members)
            return outcomes
        inserted = self._present({p[0] for p in people})
        new = [i for i, person in enumerate(people) if person[0] in inserted]
        cursor.executemany(self._sql(_INSERT_MEMBERSHIP), [members[i] for i in new])
        rest = [i for i, person in enumerate(people) if person[0] not in inserted]
        self._merge(
            [positions[i] for i in rest],
            [people[i] for i in rest],
            [members[i] for i in rest],
            outcomes,
        )
        return outcomes

    def _process_pg(self, positions, people, members, outcomes) -> None:
        """PostgreSQL: the batch's new people (the first row of each NIK not stored yet)
        COPYed into the staging table and inserted with their memberships at once; the
        other rows (known people, or a NIK's later rows) merged."""
        cursor = self.cursor
        cursor.execute(_PG_KNOWN, (list({person[1] for person in people}),))
        seen = {row[0] for row in cursor.fetchall()}
        new, rest = [], []
        for i, person in enumerate(people):
            if person[1] in seen:
                rest.append(i)
            else:
                seen.add(person[1])
                new.append(i)
        if new:
            if self.staged:
                cursor.execute("TRUNCATE koptrain_people_batch")
            else:
                cursor.execute(_PG_STAGE)
                cursor.execute("TRUNCATE koptrain_people_batch")
                self.staged = True
            with cursor.copy(_PG_COPY) as copy:
                write = copy.write_row
                for i in new:
                    _id, *person = people[i]
                    _pid, coop_id, role = members[i]
                    write((i, *person, coop_id, role))
            cursor.execute(_PG_INSERT_NEW)
            inserted = {row[0] for row in cursor.fetchall()}
            if len(inserted) < len(new):  # inserted meanwhile by another import: merged
                rest = sorted([*rest, *(i for i in new if people[i][1] not in inserted)])
        if rest:
            self._merge(
                [positions[i] for i in rest],
                [people[i] for i in rest],
                [members[i] for i in rest],
                outcomes,
            )

    def _new_ids(self, n: int):
        """Ids for n new people: on SQLite counted on from the largest id (this import holds
        the write lock since BEGIN IMMEDIATE); ids of rows that turn out rejected or known
        are left unused (a gap is harmless). On PostgreSQL none: the sequence gives an id to
        each person really inserted."""
        if self.sqlite:
            if self.next_id is None:
                self.cursor.execute("SELECT max(id) FROM person")
                self.next_id = (self.cursor.fetchone()[0] or 0) + 1
            first = self.next_id
            self.next_id += n
            return range(first, first + n)
        return [None] * n

    def _present(self, ids: set[int]) -> set[int]:
        """Which of these person ids are in the database (the ones this batch inserted)."""
        self.cursor.execute(
            self._sql("SELECT id FROM person WHERE id BETWEEN ? AND ?"), (min(ids), max(ids))
        )
        return {row[0] for row in self.cursor.fetchall() if row[0] in ids}

    def _merge(self, positions, people, members, outcomes) -> None:
        """The rows of people already stored: compared with them and their memberships."""
        ph = self.ph
        conn = self.conn
        niks = list({p[1] for p in people})
        # nik -> [id, name, gender, birth, phone, business]
        known: dict[str, list] = {}
        for row in conn.exec_driver_sql(
            "SELECT id, nik, name, gender, birth_date, phone, has_business FROM person "
            f"WHERE nik IN ({','.join([ph] * len(niks))})",
            tuple(niks),
        ):
            known[row[1]] = [row[0], row[2], row[3], row[4], row[5], bool(row[6])]
        ids = [p[0] for p in known.values()] or [0]
        memberships: dict[tuple[int, int], str] = {}  # (person id, coop id) -> role
        for person_id, coop_id, role in conn.exec_driver_sql(
            "SELECT person_id, coop_id, role FROM membership "
            f"WHERE person_id IN ({','.join([ph] * len(ids))})",
            tuple(ids),
        ):
            memberships[(person_id, coop_id)] = role

        changed_people: dict[str, list] = {}
        new_members: dict[tuple[int, int], str] = {}
        changed_members: dict[tuple[int, int], str] = {}
        set_birth, set_phone, set_business = self.set_birth, self.set_phone, self.set_business
        for i, (_id, nik, name, gender, birth, phone, business), (_pid, coop_id, role) in zip(
            positions, people, members, strict=True
        ):
            person = known[nik]
            wanted = [
                person[0],
                name,
                gender,
                birth if set_birth else person[3],
                phone if set_phone else person[4],
                business if set_business else person[5],
            ]
            outcome = UNCHANGED
            if wanted != person:
                person[1:] = wanted[1:]
                changed_people[nik] = person
                outcome = UPDATED
            key = (person[0], coop_id)
            old_role = memberships.get(key)
            if old_role is None:
                new_members[key] = role
                outcome = INSERTED
            elif old_role != role:
                (new_members if key in new_members else changed_members)[key] = role
                outcome = UPDATED
            memberships[key] = role
            outcomes[i] = outcome
        cursor = self.cursor
        if changed_people:
            cursor.executemany(
                self._sql(_UPDATE_PERSON), [(*p[1:], p[0]) for p in changed_people.values()]
            )
        if new_members:
            cursor.executemany(
                self._sql(_INSERT_MEMBERSHIP), [(*key, role) for key, role in new_members.items()]
            )
        if changed_members:
            cursor.executemany(
                self._sql(_UPDATE_MEMBERSHIP),
                [(role, *key) for key, role in changed_members.items()],
            )
