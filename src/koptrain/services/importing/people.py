"""`import people`: the province-scale path (a million rows), batched and close to the driver.

Per batch of a few thousand rows: every row parsed and checked with cheap cached checks,
one `IN` query finds the people already known, then multi-row INSERT ... RETURNING for
new people and executemany for memberships and updates. No per-row ORM objects and no
state kept across batches except small caches (coops, NIK region and date parts): the
database's own unique index is what tells a later batch that a NIK is already there.
The SQL is plain and portable (SQLite and PostgreSQL take the same statements).
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
_INSERT_CHUNK = 500  # rows per multi-row INSERT (6 parameters each)


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
        self.regions_ok: set[str] = set()
        self.dates_ok: set[str] = set()
        self.genders: dict[Any, str] = {}
        self.roles: dict[Any, str] = {}
        self.births: dict[Any, Any] = {}
        self.answers: dict[Any, bool] = {}
        self.coop_ids: dict[Any, int] = {}
        self.set_birth = self.has("birth_date")
        self.set_phone = self.has("phone")
        self.set_business = self.has("has_business")

    # --- parsing with small caches ---------------------------------------------------------

    def _nik(self, value: str) -> str:
        try:
            nik = parse_nik(value)
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

    def _long(self, column: str, limit: int) -> Problem:
        return Problem(
            column,
            _("{what} is longer than {limit} characters.").format(
                what=self.label(column), limit=limit
            ),
        )

    def _empty(self, column: str) -> Problem:
        return Problem(column, _("{column} is empty.").format(column=self.label(column)))

    def _checked(self, batch, outcomes) -> list[tuple[int, tuple]]:
        """Every row parsed and checked; bad rows get their RowError in `outcomes`.

        Written for speed (it runs a million times): positions instead of dicts, and
        dictionaries caching the few distinct genders, roles, answers, dates and coops."""
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
        checked = []
        for n, (line, values) in enumerate(batch):
            if len(values) < width:
                values = [*values, *([""] * (width - len(values)))]
            try:
                nik = values[i_nik].strip()
                if not (
                    len(nik) == 16
                    and nik.isdigit()
                    and nik.isascii()
                    and nik[:4] in regions_ok
                    and nik[6:12] in dates_ok
                ):
                    nik = self._nik(nik)
                name = values[i_name]
                if (
                    "  " in name
                    or name[:1].isspace()
                    or name[-1:].isspace()
                    or "\t" in name
                    or "\n" in name
                ):
                    name = " ".join(name.split())
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
                    coop_id = self.coop_id({"coop_nik": raw.strip()})
                    if len(coops) < _CACHE_LIMIT:
                        coops[raw] = coop_id
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
            checked.append((n, (nik, name, gender, birth, phone, business, coop_id, role)))
        return checked

    @staticmethod
    def _answer(value: Any) -> bool:
        return parse_bool(value, what=N_("has business"))

    # --- one batch ---------------------------------------------------------------------

    def process(self, batch: list[tuple[int, list[Any]]]) -> list[str | RowError]:
        outcomes: list[str | RowError] = [UNCHANGED] * len(batch)
        checked = self._checked(batch, outcomes)
        if not checked:
            return outcomes
        ph = self.ph
        conn = self.conn
        niks = list({c[1][0] for c in checked})
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
        for i, (nik, name, gender, birth, phone, business, coop_id, role) in checked:
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
        return outcomes

    def _write(self, new_people, new_members, changed_people, changed_members, known) -> None:
        conn, ph = self.conn, self.ph
        ids = {nik: p[0] for nik, p in known.items()}
        rows = [(nik, *p[1:]) for nik, p in new_people.items()]
        values = "(" + ",".join([ph] * 6) + ")"
        for start in range(0, len(rows), _INSERT_CHUNK):
            chunk = rows[start : start + _INSERT_CHUNK]
            sql = (
                "INSERT INTO person (nik, name, gender, birth_date, phone, has_business) "
                f"VALUES {','.join([values] * len(chunk))} RETURNING id, nik"
            )
            flat = tuple(v for row in chunk for v in row)
            for person_id, nik in conn.exec_driver_sql(sql, flat):
                ids[nik] = person_id
        if changed_people:
            conn.exec_driver_sql(
                f"UPDATE person SET name = {ph}, gender = {ph}, birth_date = {ph}, phone = {ph}, "
                f"has_business = {ph} WHERE id = {ph}",
                [(*p[1:], p[0]) for p in changed_people.values()],
            )
        if new_members:
            conn.exec_driver_sql(
                f"INSERT INTO membership (person_id, coop_id, role) VALUES ({ph}, {ph}, {ph})",
                [(ids[nik], coop_id, role) for (nik, coop_id), role in new_members.items()],
            )
        if changed_members:
            conn.exec_driver_sql(
                f"UPDATE membership SET role = {ph} WHERE person_id = {ph} AND coop_id = {ph}",
                [(role, p, c) for (p, c), role in changed_members.items()],
            )
