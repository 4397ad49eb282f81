"""`import people`: the province-scale path (a million rows), batched and close to the driver.

Per batch of a few thousand rows: every row parsed and checked a column at a time (see
`_checked`), then written with executemany on the driver's own cursor. People new to the
database (the usual case of a large import) are inserted straight away, the unique index
on NIK skipping the others; only those are compared with the rows stored and upserted.
No per-row ORM objects and no state kept across batches except small caches (coops,
genders, roles, dates, NIK regions): the database's own unique index is what tells a
later batch that a NIK is already there. On SQLite the batch goes through executemany
with ids counted on from the largest; on PostgreSQL (where executemany costs a round of
the protocol per row) new people and their memberships are COPYed straight into their
tables, with ids from the sequences for the people inserted only (people_pg.py).
The comparison and upsert of people already stored (`_merge`) is the same on both.

What the import wrote is told to the change journal (storage.journal) compactly: the
runs of ids it inserted (on SQLite one run per table: ids are counted on while the
import holds the write lock), and the old values of the rows it updated.
"""

from __future__ import annotations

from typing import Any, ClassVar

from koptrain.parsing import mask_nik
from koptrain.services.importing.base import (
    INSERTED,
    UNCHANGED,
    UPDATED,
    RowError,
)
from koptrain.services.importing.people_checks import PeopleChecks
from koptrain.services.importing.people_pg import PgPeopleWriter

_INSERT_NEW_PERSON = (
    "INSERT INTO person (id, nik, name, gender, birth_date, phone, has_business) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (nik) DO NOTHING"
)
_INSERT_MEMBERSHIP = (
    "INSERT INTO membership (person_id, coop_id, role, position) VALUES (?, ?, ?, ?)"
)
_UPDATE_PERSON = (
    "UPDATE person SET name = ?, gender = ?, birth_date = ?, phone = ?, has_business = ? "
    "WHERE id = ?"
)
_UPDATE_MEMBERSHIP = (
    "UPDATE membership SET role = ?, position = ? WHERE person_id = ? AND coop_id = ?"
)


class PeopleHandler(PeopleChecks):
    columns: ClassVar = {
        "nik": (),
        "name": ("nama", "nama_lengkap"),
        "gender": ("jenis_kelamin", "jk", "sex", "l/p", "kelamin"),
        "birth_date": ("tanggal_lahir", "tgl_lahir"),
        "phone": ("telepon", "no_hp", "hp", "no_telp", "no_telepon", "nomor_telepon", "nomor_hp"),
        "coop_nik": ("coop", "koperasi", "nik_koperasi"),
        "role": ("jabatan",),
        "has_business": ("punya_usaha",),
    }
    required: ClassVar = (("nik",), ("name",), ("gender",), ("coop_nik",), ("role",))
    batch_size: ClassVar = 5000

    def __init__(self, db, *, labels):
        super().__init__(db, labels=labels)
        self.conn = db.connection()
        dialect = self.conn.dialect
        self.sqlite = dialect.name == "sqlite"
        self.ph = "?" if dialect.paramstyle == "qmark" else "%s"
        self.cursor = self.conn.connection.driver_connection.cursor()
        self.next_id: int | None = None  # SQLite: the next free person id (we hold the lock)
        self.pg = None if self.sqlite else PgPeopleWriter(self)
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
        self.blank_business: frozenset[int] = frozenset()  # batch positions of blank cells
        # for the journal: SQLite, the largest ids before the import; PostgreSQL, the ids
        self.first_ids: dict[str, int] | None = None
        self.inserted_people = 0
        self.lines: list[int] = []  # the batch's line numbers, for the changes of a dry run

    def _sql(self, sql: str) -> str:
        return sql if self.ph == "?" else sql.replace("?", self.ph)

    # --- one batch ---------------------------------------------------------------------

    def process(self, batch: list[tuple[int, list[Any]]]) -> list[str | RowError]:
        outcomes: list[str | RowError] = [INSERTED] * len(batch)
        if self.changes is not None:
            self.lines = [line for line, _cells in batch]
        positions, people, members = self._checked(batch, outcomes)
        if not people:
            return outcomes
        if not self.sqlite:
            self.pg.write(positions, people, members, outcomes)
            return outcomes
        # Fast path: most rows of a large import are people new to the database, so the
        # batch is inserted at once and the unique index on NIK skips the others (known
        # already, or a second row of a person in this batch); only those are compared.
        cursor = self.cursor
        cursor.executemany(self._sql(_INSERT_NEW_PERSON), people)
        if cursor.rowcount == len(people):
            cursor.executemany(self._sql(_INSERT_MEMBERSHIP), members)
            self.inserted_people += len(people)
            return outcomes
        inserted = self._present({p[0] for p in people})
        self.inserted_people += len(inserted)
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

    def coop_ids_for(self, keys, *, db=None) -> dict[str, int]:
        """On PostgreSQL through a session of its own (see people_pg.py): the import's
        connection may be busy with the last batch's COPY."""
        if self.pg is not None and db is None:
            db = self.pg.reader()
        return super().coop_ids_for(keys, db=db)

    def _new_ids(self, n: int):
        """Ids for n new people: on SQLite counted on from the largest id (this import holds
        the write lock since BEGIN IMMEDIATE); ids of rows that turn out rejected or known
        are left unused (a gap is harmless). On PostgreSQL none: the sequence gives an id to
        each person really inserted."""
        if self.sqlite:
            if self.next_id is None:
                self.cursor.execute("SELECT max(id) FROM person")
                self.next_id = (self.cursor.fetchone()[0] or 0) + 1
                self.cursor.execute("SELECT max(id) FROM membership")
                self.first_ids = {
                    "person": self.next_id,
                    "membership": (self.cursor.fetchone()[0] or 0) + 1,
                }
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
        """The rows of people already stored: compared with them and their memberships.
        A blank cell keeps the stored value (SPEC §7)."""
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
        memberships: dict[tuple[int, int], tuple] = {}  # (person id, coop id) -> (role, position)
        membership_ids: dict[tuple[int, int], int] = {}
        for member_id, person_id, coop_id, role, position in conn.exec_driver_sql(
            "SELECT id, person_id, coop_id, role, position FROM membership "
            f"WHERE person_id IN ({','.join([ph] * len(ids))})",
            tuple(ids),
        ):
            memberships[(person_id, coop_id)] = (role, position)
            membership_ids[(person_id, coop_id)] = member_id
        journal_people: list[tuple[dict, dict]] = []
        old_members: dict[tuple[int, int], tuple] = {}

        changed_people: dict[str, list] = {}
        new_members: dict[tuple[int, int], tuple] = {}
        changed_members: dict[tuple[int, int], tuple] = {}
        set_birth, set_phone, set_business = self.set_birth, self.set_phone, self.set_business
        blank_business = self.blank_business
        for i, (_id, nik, name, gender, birth, phone, business), (_pid, coop_id, *title) in zip(
            positions, people, members, strict=True
        ):
            person = known[nik]
            wanted = [
                person[0],
                name,
                gender,
                birth if set_birth and birth is not None else person[3],
                phone if set_phone and phone is not None else person[4],
                business if set_business and i not in blank_business else person[5],
            ]
            outcome = UNCHANGED
            if wanted != person:
                journal_people.append((_person_values(person), _person_values(wanted)))
                if self.changes is not None:
                    self._note_person(i, nik, person, wanted)
                person[1:] = wanted[1:]
                changed_people[nik] = person
                outcome = UPDATED
            key = (person[0], coop_id)
            old = memberships.get(key)
            role, position = title
            if old is not None and position is None and role == old[0]:
                position = old[1]  # `pengurus` keeps the title given before
            if old is None:
                new_members[key] = (role, position)
                outcome = INSERTED
            elif old != (role, position):
                if self.changes is not None:
                    for field, before, after in zip(
                        ("role", "position"), old, (role, position), strict=True
                    ):
                        if before != after:
                            self.note(field, before, after, line=self.lines[i], key=mask_nik(nik))
                (new_members if key in new_members else changed_members)[key] = (role, position)
                if key not in new_members:
                    old_members.setdefault(key, old)
                outcome = UPDATED
            memberships[key] = (role, position)
            outcomes[i] = outcome
        cursor = self.cursor
        if changed_people:
            cursor.executemany(
                self._sql(_UPDATE_PERSON), [(*p[1:], p[0]) for p in changed_people.values()]
            )
        if new_members:
            cursor.executemany(
                self._sql(_INSERT_MEMBERSHIP), [(*key, *m) for key, m in new_members.items()]
            )
        if changed_members:
            cursor.executemany(
                self._sql(_UPDATE_MEMBERSHIP), [(*m, *key) for key, m in changed_members.items()]
            )
        self._journal_merge(journal_people, changed_members, old_members, membership_ids)
        if new_members and not self.sqlite:
            self._journal_ids("membership", self._membership_ids(list(new_members)))

    def _note_person(self, i: int, nik: str, person: list, wanted: list) -> None:
        fields = ("name", "gender", "birth_date", "phone", "has_business")
        for field, before, after in zip(fields, person[1:], wanted[1:], strict=True):
            if before != after and str(before) != str(after):  # a date stored as text
                self.note(field, before, after, line=self.lines[i], key=mask_nik(nik))

    # --- the journal -------------------------------------------------------------------

    def _journal_merge(self, people, changed_members, old_members, membership_ids) -> None:
        from koptrain.storage import journal

        journal.updated(self.db, "person", people)
        journal.updated(
            self.db,
            "membership",
            [
                (
                    {
                        "id": membership_ids[key],
                        "role": old_members[key][0],
                        "position": old_members[key][1],
                    },
                    {"role": member[0], "position": member[1]},
                )
                for key, member in changed_members.items()
            ],
        )

    def _membership_ids(self, keys: list[tuple[int, int]]) -> list[int]:
        wanted = set(keys)
        self.cursor.execute(
            "SELECT id, person_id, coop_id FROM membership WHERE person_id = ANY(%s)",
            (list({k[0] for k in keys}),),
        )
        return [row[0] for row in self.cursor.fetchall() if (row[1], row[2]) in wanted]

    def _journal_ids(self, tbl: str, ids: list[int]) -> None:
        """PostgreSQL: the ids inserted, as runs of consecutive ids (one run per batch
        unless another import took ids from the sequence at the same time)."""
        from koptrain.storage import journal

        ids.sort()
        start = 0
        for i in range(1, len(ids) + 1):
            if i == len(ids) or ids[i] != ids[i - 1] + 1:
                journal.inserted_range(self.db, tbl, ids[start], ids[i - 1], i - start)
                start = i

    def finish(self) -> None:
        """SQLite: every id above the largest before the import was inserted by it."""
        super().finish()
        if self.pg is not None:
            self.pg.wait()
            self.pg.close_reader()
        if not self.sqlite or self.first_ids is None:
            return
        from koptrain.storage import journal

        self.cursor.execute("SELECT max(id) FROM membership")
        last_member = self.cursor.fetchone()[0] or 0
        first = self.first_ids
        journal.inserted_range(
            self.db, "person", first["person"], self.next_id - 1, self.inserted_people
        )
        journal.inserted_range(
            self.db,
            "membership",
            first["membership"],
            last_member,
            last_member - first["membership"] + 1,
        )


def _person_values(person: list) -> dict[str, Any]:
    _id, name, gender, birth, phone, business = person
    return {
        "id": _id,
        "name": name,
        "gender": gender,
        "birth_date": birth,
        "phone": phone,
        "has_business": business,
    }
