"""`import people`: the province-scale path (a million rows), batched and close to the driver.

Per batch of a few thousand rows: every row parsed and checked with cheap cached checks
(the batch's coops looked up in one query), then written with executemany on the driver's
own cursor. A batch of people all new to the database (the usual case of a first import)
is inserted straight away inside a savepoint; only when the unique index on NIK refuses
it is the savepoint undone and the batch compared with the rows already stored. No
per-row ORM objects and no state kept across batches except small caches (coops, NIK
region and date parts): the database's own unique index is what tells a later batch that
a NIK is already there. The SQL is plain and portable (SQLite and PostgreSQL take the same
statements, only new person ids are reserved per dialect).
"""

from __future__ import annotations

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
# The SQLite page cache for this import only (KiB; the default is 2 MB). The NIK index
# takes random inserts, and a cache that holds most of it saves a third of the write time,
# while peak RSS stays within the budget of SPEC §4's "memory stays flat".
_SQLITE_CACHE_KIB = 16_000

_INSERT_PERSON = (
    "INSERT INTO person (id, nik, name, gender, birth_date, phone, has_business) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_MEMBERSHIP = "INSERT INTO membership (person_id, coop_id, role) VALUES (?, ?, ?)"
_UPDATE_PERSON = (
    "UPDATE person SET name = ?, gender = ?, birth_date = ?, phone = ?, has_business = ? "
    "WHERE id = ?"
)
_UPDATE_MEMBERSHIP = "UPDATE membership SET role = ? WHERE person_id = ? AND coop_id = ?"


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
        self.integrity_error = dialect.loaded_dbapi.IntegrityError
        self.cursor = self.conn.connection.driver_connection.cursor()
        if self.sqlite:
            self.cursor.execute(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
        self.next_id: int | None = None  # SQLite: the next free person id (we hold the lock)
        self.regions_ok: set[str] = set()
        self.dates_ok: set[str] = set()
        self.genders: dict[Any, str] = {}
        self.roles: dict[Any, str] = {}
        self.births: dict[Any, Any] = {}
        self.answers: dict[Any, bool] = {}
        self.coop_ids: dict[Any, int | None] = {}  # the cell as written -> coop id or None
        self.set_birth = self.has("birth_date")
        self.set_phone = self.has("phone")
        self.set_business = self.has("has_business")

    def _sql(self, sql: str) -> str:
        return sql if self.ph == "?" else sql.replace("?", self.ph)

    # --- parsing with small caches ---------------------------------------------------------

    def _nik(self, value: Any) -> str:
        try:
            nik = parse_nik(value.strip())
        except KoptrainError as error:
            raise Problem("nik", str(error)) from None
        self.regions_ok.add(nik[:4])
        self.dates_ok.add(nik[6:12])
        return nik

    def _parse(self, cache: dict, column: str, value: Any, parse) -> Any:
        try:
            result = parse(value)
        except KoptrainError as error:
            raise Problem(column, str(error)) from None
        if len(cache) < _CACHE_LIMIT:
            cache[value] = result
        return result

    def _birth(self, value: Any) -> Any:
        day = parse_optional_date(value, what=N_("birth date"))
        if day is None:
            return None
        return day.isoformat() if self.sqlite else day

    @staticmethod
    def _answer(value: Any) -> bool:
        return parse_bool(value, what=N_("has business"))

    def _long(self, column: str, limit: int) -> Problem:
        return Problem(
            column,
            _("{what} is longer than {limit} characters.").format(
                what=self.label(column), limit=limit
            ),
        )

    def _empty(self, column: str) -> Problem:
        return Problem(column, _("{column} is empty.").format(column=self.label(column)))

    def _no_coop(self, raw: Any) -> Problem:
        key = raw.strip()
        if not key:
            return self._empty("coop_nik")
        return Problem(
            "coop_nik",
            _("No cooperative has the NIK Koperasi or legal number '{key}'.").format(key=key[:60]),
        )

    def _resolve_coops(self, cells: set[Any]) -> None:
        """The coops of a batch's cells not seen before, in one query (cached)."""
        ids = self.coop_ids_for(str(cell).strip() for cell in cells)
        for cell in cells:
            self.coop_ids[cell] = ids.get(str(cell).strip())

    def _checked(self, batch, outcomes) -> tuple[list[int], list[tuple], list[tuple]]:
        """Every row parsed and checked; bad rows get their RowError in `outcomes`.

        Returns the positions of the good rows, their person values (nik, name, gender,
        birth date, phone, has business) and their memberships (coop id, role). Written for
        speed (it runs a million times): positions instead of dicts, and dictionaries
        caching the few distinct genders, roles, answers, dates and coops."""
        where = {name: index for index, name in self.mapping}
        width = max(where.values()) + 1
        i_nik, i_name, i_gender = where["nik"], where["name"], where["gender"]
        i_coop, i_role = where["coop_nik"], where["role"]
        i_birth, i_phone, i_business = (
            where.get("birth_date"),
            where.get("phone"),
            where.get("has_business"),
        )
        regions_ok, dates_ok = self.regions_ok, self.dates_ok
        genders, roles, births, answers = self.genders, self.roles, self.births, self.answers
        coops = self.coop_ids
        if len(coops) > _CACHE_LIMIT:
            coops.clear()
        unseen = {values[i_coop] for _line, values in batch if len(values) > i_coop}
        unseen.difference_update(coops)
        if unseen:
            self._resolve_coops(unseen)
        positions: list[int] = []
        people: list[tuple] = []
        members: list[tuple] = []
        for n, (line, values) in enumerate(batch):
            if len(values) < width:
                values = [*values, *([""] * (width - len(values)))]
            try:
                nik = values[i_nik]
                if not (
                    nik[6:12] in dates_ok
                    and nik[:4] in regions_ok
                    and len(nik) == 16
                    and nik.isdigit()
                    and nik.isascii()
                ):
                    nik = self._nik(nik)
                name = " ".join(values[i_name].split())
                if not name:
                    raise Problem("name", _("A person needs a name."))
                if len(name) > 200:
                    raise self._long("name", 200)
                raw = values[i_gender]
                gender = genders.get(raw)
                if gender is None:
                    if not raw.strip():
                        raise self._empty("gender")
                    gender = self._parse(genders, "gender", raw, parse_gender)
                raw = values[i_role]
                role = roles.get(raw)
                if role is None:
                    role = self._parse(roles, "role", raw, parse_role)
                raw = values[i_coop]
                coop_id = coops.get(raw)
                if coop_id is None:
                    raise self._no_coop(raw)
                birth = phone = None
                business = False
                if i_birth is not None:
                    raw = values[i_birth]
                    birth = births.get(raw, births)
                    if birth is births:
                        birth = self._parse(births, "birth_date", raw, self._birth)
                if i_phone is not None:
                    phone = " ".join(str(values[i_phone]).split()) or None
                    if phone and len(phone) > 40:
                        raise self._long("phone", 40)
                if i_business is not None:
                    raw = values[i_business]
                    business = answers.get(raw)
                    if business is None:
                        business = self._parse(answers, "has_business", raw, self._answer)
            except Problem as problem:
                outcomes[n] = RowError(line, self.label(problem.column), problem.message)
                continue
            except (AttributeError, TypeError):  # a date cell where text belongs (XLSX)
                outcomes[n] = RowError(line, "", _("A cell holds a date where text belongs."))
                continue
            positions.append(n)
            people.append((nik, name, gender, birth, phone, business))
            members.append((coop_id, role))
        return positions, people, members

    # --- one batch ---------------------------------------------------------------------

    def process(self, batch: list[tuple[int, list[Any]]]) -> list[str | RowError]:
        outcomes: list[str | RowError] = [INSERTED] * len(batch)
        positions, people, members = self._checked(batch, outcomes)
        if not people:
            return outcomes
        # Fast path: most batches of a large import hold only people new to the database,
        # so insert them at once; the unique index on NIK refuses the batch (and the
        # savepoint undoes it) when one is known already or appears twice in the batch.
        try:
            with self.conn.begin_nested():
                self._insert(people, members)
            return outcomes
        except self.integrity_error:
            pass
        self._merge(positions, people, members, outcomes)
        return outcomes

    def _new_ids(self, n: int):
        """Ids for n new people: on SQLite counted on from the largest id (this import holds
        the write lock since BEGIN IMMEDIATE), on PostgreSQL taken from the sequence."""
        if self.sqlite:
            if self.next_id is None:
                self.cursor.execute("SELECT max(id) FROM person")
                self.next_id = (self.cursor.fetchone()[0] or 0) + 1
            first = self.next_id
            self.next_id += n
            return range(first, first + n)
        self.cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('person', 'id')) FROM generate_series(1, %s)",
            (n,),
        )
        return [row[0] for row in self.cursor.fetchall()]

    def _insert(self, people: list[tuple], members: list[tuple]) -> None:
        """New people, each with one membership (coop id, role)."""
        ids = self._new_ids(len(people))  # a refused batch leaves a gap: harmless
        cursor = self.cursor
        cursor.executemany(
            self._sql(_INSERT_PERSON), [(i, *p) for i, p in zip(ids, people, strict=True)]
        )
        cursor.executemany(
            self._sql(_INSERT_MEMBERSHIP),
            [(i, *m) for i, m in zip(ids, members, strict=True)],
        )

    def _merge(self, positions, people, members, outcomes) -> None:
        """The general path: compare the batch with the people and memberships stored."""
        ph = self.ph
        conn = self.conn
        niks = list({p[0] for p in people})
        # people already in the database: nik -> [id, name, gender, birth, phone, business]
        known: dict[str, list] = {}
        for row in conn.exec_driver_sql(
            "SELECT id, nik, name, gender, birth_date, phone, has_business FROM person "
            f"WHERE nik IN ({','.join([ph] * len(niks))})",
            tuple(niks),
        ):
            known[row[1]] = [row[0], row[2], row[3], row[4], row[5], bool(row[6])]
        memberships: dict[tuple[int, int], str] = {}
        if known:
            ids = [p[0] for p in known.values()]
            for person_id, coop_id, role in conn.exec_driver_sql(
                "SELECT person_id, coop_id, role FROM membership "
                f"WHERE person_id IN ({','.join([ph] * len(ids))})",
                tuple(ids),
            ):
                memberships[(person_id, coop_id)] = role

        new_people: dict[str, list] = {}  # nik -> [None, name, gender, birth, phone, business]
        new_members: dict[tuple[str, int], str] = {}  # (nik, coop id) -> role
        changed_people: dict[str, list] = {}
        changed_members: dict[tuple[int, int], str] = {}
        set_birth, set_phone, set_business = self.set_birth, self.set_phone, self.set_business
        for i, (nik, name, gender, birth, phone, business), (coop_id, role) in zip(
            positions, people, members, strict=True
        ):
            person = known.get(nik) or new_people.get(nik)
            if person is None:
                new_people[nik] = [None, name, gender, birth, phone, business]
                new_members[(nik, coop_id)] = role
                outcomes[i] = INSERTED
                continue
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
                if person[0] is not None:
                    changed_people[nik] = person
                outcome = UPDATED
            person_id = person[0]
            old_role = memberships.get((person_id, coop_id)) if person_id is not None else None
            pending = new_members.get((nik, coop_id))
            if pending is not None:
                if pending != role:
                    new_members[(nik, coop_id)] = role
                    outcome = UPDATED
            elif old_role is None:
                new_members[(nik, coop_id)] = role
                outcome = INSERTED
            elif old_role != role:
                memberships[(person_id, coop_id)] = role
                changed_members[(person_id, coop_id)] = role
                outcome = UPDATED
            outcomes[i] = outcome
        self._write(new_people, new_members, changed_people, changed_members, known)

    def _write(self, new_people, new_members, changed_people, changed_members, known) -> None:
        cursor = self.cursor
        ids = {nik: p[0] for nik, p in known.items()}
        new_ids = self._new_ids(len(new_people))
        ids.update(zip(new_people, new_ids, strict=True))
        if new_people:
            cursor.executemany(
                self._sql(_INSERT_PERSON),
                [(ids[nik], nik, *p[1:]) for nik, p in new_people.items()],
            )
        if changed_people:
            cursor.executemany(
                self._sql(_UPDATE_PERSON), [(*p[1:], p[0]) for p in changed_people.values()]
            )
        if new_members:
            cursor.executemany(
                self._sql(_INSERT_MEMBERSHIP),
                [(ids[nik], coop_id, role) for (nik, coop_id), role in new_members.items()],
            )
        if changed_members:
            cursor.executemany(
                self._sql(_UPDATE_MEMBERSHIP),
                [(role, p, c) for (p, c), role in changed_members.items()],
            )
