"""`import people` on PostgreSQL: each batch's new people COPYed straight into their tables.

Where the time went before (pg_stat_statements, 100,000 rows): the batch COPYed into a
temporary table (a fifth of the server's time), then one INSERT … SELECT … ON CONFLICT …
RETURNING into person and membership (three quarters), the returned ids fetched back,
and the client idle while the server worked and the server idle while the client parsed.

Now the import takes, in its first batch, a SHARE ROW EXCLUSIVE lock on person and
membership: no other transaction inserts or updates people until it commits (reading,
enrolling and the foreign-key checks of other tables go on), as on SQLite, where the
import holds the database's write lock. So the NIKs the database knows cannot change
under it, and per batch:

1. one round trip: which of the batch's NIKs are stored, and a run of ids from each
   table's sequence, one for every NIK that is not (ids are taken for new people only,
   all at once: under the lock nobody else takes any);
2. the first row of each new NIK is COPYed into person and its membership into
   membership, with those ids — no staging, no conflict handling, nothing sent back;
3. the other rows (a NIK stored already, or a later row of a NIK in this batch) are
   compared and upserted by PeopleHandler._merge, as on SQLite.

When a batch has no such other rows (the usual case of a large import) its COPY runs in a
second thread while the runner reads and checks the next batch: the connection's own lock
(psycopg holds it for the whole COPY) keeps every other use of it waiting, and the next
batch waits for the COPY (and re-raises its error) before it looks anything up. The
coops a batch names are looked up on a second connection (`reader`), or the checks
would wait for the COPY too. The ids written are told to the change journal as runs of
consecutive ids.

The foreign keys of the memberships COPYed are checked once per batch, not per row.
PostgreSQL checks a foreign key by a trigger per inserted row (an index probe and a row
lock on person and on coop): four fifths of the server's time in a COPY of memberships.
Here both facts are known per batch: each membership's person is a row COPYed just before
in the same transaction, under the table lock; its coops are locked in one statement
(`FOR KEY SHARE`, the lock the trigger would take, so no coop named can be deleted or
renumbered before the import commits) and must all be there. Then the COPY of the
memberships runs with `session_replication_role = replica`, in which PostgreSQL fires no
trigger (pg_restore --disable-triggers loads a dump the same way), and the setting is put
back as soon as the COPY ends. This is done only when (checked once, at the first
batch) the role may set it (a superuser, or `GRANT SET ON PARAMETER
session_replication_role` on PostgreSQL 15+) and membership has no trigger of its own
(one would be skipped too); otherwise, and for a batch one of whose coops is gone, the
server checks every row as before (a coop deleted meanwhile is then the usual foreign-key
error).
"""

from __future__ import annotations

import threading
from typing import Any

_LOCK = "LOCK TABLE person, membership IN SHARE ROW EXCLUSIVE MODE"
# Which of the batch's NIKs are stored (sent as one text: a list is dumped in Python, NIK
# by NIK; they are 16 digits each, checked), and the last of a run of ids taken from each
# sequence for the others: under the table lock nobody else takes ids from them.
_KNOWN_AND_IDS = """
WITH known AS (SELECT nik FROM person WHERE nik = ANY(string_to_array(%(niks)s, ','))),
fresh AS (SELECT %(n)s - count(*) AS n FROM known)
SELECT nik, NULL, NULL, NULL FROM known
UNION ALL
SELECT NULL, n, setval({person}, nextval({person}) + n - 1),
    setval({membership}, nextval({membership}) + n - 1)
FROM fresh WHERE n > 0
"""  # the runs' last ids in one row: UNION ALL promises no order between rows
_SEQUENCES = "SELECT pg_get_serial_sequence('person', 'id'), " + (
    "pg_get_serial_sequence('membership', 'id')"
)
_COPY_PERSON = "COPY person (id, nik, name, gender, birth_date, phone, has_business) FROM STDIN"
_COPY_MEMBERSHIP = "COPY membership (id, person_id, coop_id, role, position) FROM STDIN"
# May this import check the memberships' foreign keys itself (see the module docstring)?
_OWN_TRIGGERS = (
    "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'membership'::regclass AND NOT tgisinternal"
)
_REPLICA, _ORIGIN = (f"SET LOCAL session_replication_role = {v}" for v in ("replica", "origin"))
_LOCK_COOPS = "SELECT count(*) FROM (SELECT 1 FROM coop WHERE id = ANY(%s) FOR KEY SHARE) AS c"


class PgPeopleWriter:
    """The PostgreSQL write path of one `import people` (see the module docstring)."""

    def __init__(self, handler) -> None:
        self.handler = handler
        self.cursor = handler.cursor
        self.locked = False
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.written: tuple[list[int], list[int]] | None = None  # ids not journaled yet
        self.known_and_ids: Any = None  # _KNOWN_AND_IDS with the sequences named
        self.coop_session: Any = None  # for the coops' lookups, while a COPY runs
        self.checks_keys = False  # the memberships' foreign keys checked per batch

    def write(self, positions, people, members, outcomes) -> None:
        """The checked rows of one batch: new people COPYed, the others merged."""
        self.wait()
        cursor = self.cursor
        if not self.locked:  # through SQLAlchemy: a lock timeout is said as "busy"
            self.handler.conn.exec_driver_sql(_LOCK)
            self.locked = True
            from psycopg import sql

            cursor.execute(_SEQUENCES)
            person, membership = (sql.Literal(name) for name in cursor.fetchone())
            self.known_and_ids = sql.SQL(_KNOWN_AND_IDS).format(
                person=person, membership=membership
            )
            self.checks_keys = self._may_check_keys()
        niks = list(dict.fromkeys(person[1] for person in people))
        cursor.execute(self.known_and_ids, {"niks": ",".join(niks), "n": len(niks)})
        seen: set[str] = set()
        fresh: Any = iter(())  # (person id, membership id) for each new NIK, in order
        for nik, n, last_person, last_membership in cursor.fetchall():
            if nik is None:
                fresh = zip(
                    range(last_person - n + 1, last_person + 1),
                    range(last_membership - n + 1, last_membership + 1),
                    strict=True,
                )
            else:
                seen.add(nik)
        new_people: list[tuple] = []
        new_members: list[tuple] = []
        rest: list[int] = []
        for i, person in enumerate(people):
            if person[1] in seen:
                rest.append(i)
                continue
            seen.add(person[1])
            person_id, membership_id = next(fresh)
            new_people.append((person_id, *person[1:]))
            new_members.append((membership_id, person_id, *members[i][1:]))
        if new_people:
            self.written = ([p[0] for p in new_people], [m[0] for m in new_members])
            trusted = self.checks_keys and self._lock_coops(new_members)
            self.thread = threading.Thread(
                target=self._copy, args=(new_people, new_members, trusted), daemon=True
            )
            self.thread.start()
        if rest:
            self.wait()  # a later row of a NIK copied just now: merged once it is stored
            self.handler._merge(
                [positions[i] for i in rest],
                [people[i] for i in rest],
                [members[i] for i in rest],
                outcomes,
            )

    def reader(self):
        """A session of its own for the coops named by the next batch, so their lookup
        does not wait for the COPY: import people writes no coop, so when its transaction
        had written nothing before it began, what the import's transaction sees of the
        coops is what any other sees. Otherwise (several imports in one transaction, as
        `demo` runs them) the import's own session, whose coops may be its own."""
        if self.coop_session is None:
            conn = self.handler.conn
            wrote = conn.exec_driver_sql("SELECT txid_current_if_assigned() IS NOT NULL")
            if wrote.scalar():
                self.coop_session = self.handler.db
            else:
                from sqlmodel import Session

                self.coop_session = Session(self.handler.db.get_bind())
        return self.coop_session

    def close_reader(self) -> None:
        if self.coop_session is not None and self.coop_session is not self.handler.db:
            self.coop_session.close()
        self.coop_session = None

    def _may_check_keys(self) -> bool:
        """Whether this role may set session_replication_role and membership has no
        trigger of its own (see the module docstring); asked once, in a savepoint."""
        from psycopg import errors

        cursor = self.cursor
        cursor.execute(_OWN_TRIGGERS)
        if cursor.fetchone()[0]:
            return False
        cursor.execute("SAVEPOINT koptrain_keys")
        try:
            cursor.execute(_REPLICA)
        except errors.InsufficientPrivilege:
            cursor.execute("ROLLBACK TO SAVEPOINT koptrain_keys")
            return False
        cursor.execute(_ORIGIN)
        cursor.execute("RELEASE SAVEPOINT koptrain_keys")
        return True

    def _lock_coops(self, members: list[tuple]) -> bool:
        """The batch's coops locked as a foreign-key check would lock them: all there?"""
        coops = list({m[2] for m in members if m[2] is not None})
        self.cursor.execute(_LOCK_COOPS, (coops,))
        return self.cursor.fetchone()[0] == len(coops)

    def _copy(self, people: list[tuple], members: list[tuple], trusted: bool) -> None:
        cursor = self.cursor
        try:
            with cursor.copy(_COPY_PERSON) as copy:
                write: Any = copy.write_row
                for row in people:
                    write(row)
            if trusted:  # the keys are checked: no trigger per row (a failed COPY
                cursor.execute(_REPLICA)  # rolls the SET LOCAL back with it)
            with cursor.copy(_COPY_MEMBERSHIP) as copy:
                write = copy.write_row
                for row in members:
                    write(row)
            if trusted:
                cursor.execute(_ORIGIN)
        except BaseException as error:  # re-raised by wait(), in the import's thread
            self.error = error

    def wait(self) -> None:
        """The last batch's COPY finished (its error raised), its ids journaled."""
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.error is not None:
            error, self.error = self.error, None
            self.written = None
            raise error
        if self.written is not None:
            people, members = self.written
            self.written = None
            self.handler._journal_ids("person", people)
            self.handler._journal_ids("membership", members)
