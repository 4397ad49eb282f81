"""`import nominations`: the nomination form of `sheet nominations` as a coop returns it.

Its heading names the session, the coop and the quota; its rows are people rows (the
people kind: PeopleHandler checks and writes them, one rule), each for the form's coop.
Then the people are enrolled as ONE decision (services.training.enroll, every rule of
SPEC §2). A refused person refuses the file (nothing written); with --skip-invalid the
others go in: their rows are written again without the refused ones, in a savepoint, so
that a refused row writes nothing at all. The whole file is one batch (the quota is at
most a session's capacity)."""

from __future__ import annotations

import copy
import re
from typing import Any, ClassVar

from koptrain.errors import InvalidInput
from koptrain.i18n import _
from koptrain.io.readers import NumberCell, column_key, unmark
from koptrain.models import Coop, Enrollment, Person, Training
from koptrain.parsing import parse_nik, shown
from koptrain.services import refs
from koptrain.services.fieldbooks.nominations import HEADING, LABELS
from koptrain.services.importing.base import INSERTED, RowError
from koptrain.services.importing.people import PeopleHandler

# the refused rule -> the column a person's row is wrong in
_RULE_COLUMNS = {
    "member": "coop_nik",
    "eligibility": "coop_nik",
    "audience": "role",
    "business": "has_business",
}


class NominationsHandler(PeopleHandler):
    required: ClassVar = (("nik",), ("name",), ("gender",), ("role",))
    names_sheet: ClassVar = True
    batch_size: ClassVar = 10_001  # a quota is at most a capacity (10,000): one batch

    def start(self, source: Any) -> None:
        heading = read_heading(source)
        session = heading.get("session") or self.options.get("session")
        if not session:
            raise InvalidInput(
                _("{file} names no session ({label}): give it with --session.").format(
                    file=source.name, label=LABELS["session"]
                )
            )
        self.session: Training = refs.training(self.db, session)
        self.form_coop = self._form_coop(source, heading.get("coop"), self.options.get("coop"))
        self.quota = _quota(source, heading.get("quota"))
        self.coop_key = self.form_coop.nik or self.form_coop.legal_number or ""
        if not self.has("coop_nik"):  # the rows are the form's coop's: a column of its key
            self.mapping.append((len(source.header), "coop_nik"))
        self.counted = 0
        self.lines_of: dict[str, int] = {}  # NIK -> the line that nominates them
        from koptrain.services.fieldbooks.nominations import form_of, nomination_rejects

        form = form_of(self.session, self.form_coop, self.quota)
        self.rejects_form = nomination_rejects(form, list(self.mapping))

    def _form_coop(self, source, written: str | None, given: str | None) -> Coop:
        if not written and not given:
            raise InvalidInput(
                _("{file} names no cooperative ({label}): give it with --coop.").format(
                    file=source.name, label=LABELS["coop"]
                )
            )
        coop = refs.coop(self.db, written or given)
        if written and given and refs.coop(self.db, given).id != coop.id:
            raise InvalidInput(
                _("{file} is the form of {coop}, not of the cooperative given with --coop.").format(
                    file=source.name, coop=coop.name
                )
            )
        return coop

    # --- the batch -----------------------------------------------------------------------

    def process(self, batch):
        outcomes: list[Any] = [None] * len(batch)
        where = dict((name, index) for index, name in self.mapping)
        pending = []
        for position, (line, values) in enumerate(batch):
            problem = self._form_row(line, values, where)
            if problem is not None:
                outcomes[position] = RowError(line, self.label(problem[0]), problem[1])
            else:
                pending.append(position)
        while pending:
            refused = self._attempt(batch, pending, outcomes, where)
            if not refused:
                break
            pending = [p for p in pending if not isinstance(outcomes[p], RowError)]
        return outcomes

    def _form_row(self, line: int, values: list[Any], where: dict[str, int]):
        """The quota, the person named once and the coop: (column, message) when the row
        breaks them, else None."""
        self.counted += 1
        if self.quota is not None and self.counted > self.quota:
            return "nik", _(
                "More people than the quota of {quota}: this form nominates at most {quota}."
            ).format(quota=self.quota)
        nik = re.sub(r"[\s.\-]", "", str(values[where["nik"]]))
        if nik and nik in self.lines_of:
            return "nik", _("This person is nominated on line {line} already.").format(
                line=self.lines_of[nik]
            )
        self.lines_of[nik] = line
        index = where["coop_nik"]
        values.extend([""] * (index + 1 - len(values)))
        cell = values[index]
        if not str(cell).strip():
            values[index] = self.coop_key
            return None
        found = self.coop_ids_for([str(cell).strip()]).get(str(cell).strip())
        if found is not None and found != self.form_coop.id:
            return "coop_nik", _(
                "{key} is another cooperative: this form nominates people of {coop}."
            ).format(key=shown(str(cell), 40), coop=self.form_coop.name)
        return None

    def _attempt(self, batch, pending, outcomes, where) -> set[int]:
        """Write the pending rows' people and enroll them, in a savepoint. Returns the
        positions refused (their rows get the refusal; the savepoint is rolled back)."""
        from koptrain.services import training as training_service
        from koptrain.storage import journal

        journal.entry_id(self.db)  # made outside the savepoint
        locked = self.pg is not None and self.pg.locked  # a lock taken in the savepoint goes
        kept = (copy.deepcopy(journal.state(self.db)), self.inserted_people, locked)
        changes = len(self.changes) if self.changes is not None else 0
        savepoint = self.db.connection().begin_nested()
        written = PeopleHandler.process(self, [batch[p] for p in pending])
        self._journal_people()  # before the enrollments: undo replays an entry backwards
        people: dict[int, str] = {}
        for position, outcome in zip(pending, written, strict=True):
            outcomes[position] = outcome
            if not isinstance(outcome, RowError):
                people[position] = parse_nik(str(batch[position][1][where["nik"]]).strip())
        persons = self._persons(set(people.values()))
        requests, refused = [], {}
        for position, nik in people.items():
            person = persons[nik]
            seat = self._enrollment(person)
            if seat is None:
                requests.append((position, person))
            elif seat.coop_id != self.form_coop.id:
                refused[position] = (
                    "coop_nik",
                    _(
                        "{person} is already enrolled in session {session} for another cooperative."
                    ).format(
                        person=training_service.person_label(person), session=self.session.code
                    ),
                )
        decision = training_service.enroll(
            self.db,
            self.session,
            [(person, self.form_coop) for _p, person in requests],
            dry_run=bool(refused),
        )
        by_person = {o.person.id: o for o in decision}
        for position, person in requests:
            outcome = by_person[person.id]
            if outcome.refused:
                rule = outcome.refusals[0].rule
                text = " ".join(r.text() for r in outcome.refusals)
                refused[position] = (_RULE_COLUMNS.get(rule or "", "nik"), text)
            elif decision.written:
                outcomes[position] = INSERTED  # the nomination is new
        if not refused:
            savepoint.commit()
            return set()
        savepoint.rollback()
        for person in persons.values():
            self.db.expunge(person)
        self.db.info["journal"], self.inserted_people, locked = kept
        if self.pg is not None:
            self.pg.locked = locked
        if self.changes is not None:
            del self.changes[changes:]
        for position, (column, message) in refused.items():
            outcomes[position] = RowError(batch[position][0], self.label(column), message)
        return set(refused)

    def _journal_people(self) -> None:
        """The people and memberships this batch inserted, told to the journal now (not at
        the end of the import, as `import people` does): the enrollments that refer to them
        come after them in the entry."""
        PeopleHandler.finish(self)
        self.next_id = self.first_ids = None  # a later batch counts on from the largest id
        self.inserted_people = 0

    def finish(self) -> None:
        """Nothing left to tell the journal (see _journal_people)."""

    def _persons(self, niks: set[str]) -> dict[str, Person]:
        from sqlmodel import col, select

        found = self.db.exec(select(Person).where(col(Person.nik).in_(sorted(niks)))).all()
        return {p.nik: p for p in found}

    def _enrollment(self, person: Person) -> Enrollment | None:
        """The person's enrollment in the session, unless withdrawn (a form returned twice
        finds its people enrolled: unchanged, not refused as already enrolled)."""
        from sqlmodel import select

        found = self.db.exec(
            select(Enrollment).where(
                Enrollment.session_id == self.session.id, Enrollment.person_id == person.id
            )
        ).first()
        return found if found is not None and found.status != "withdrawn" else None


def _quota(source, value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        quota = int(str(value).strip())
    except ValueError:
        raise InvalidInput(
            _("{file}: the quota '{value}' is not a number.").format(
                file=source.name, value=shown(str(value))
            )
        ) from None
    if quota < 1:
        raise InvalidInput(_("{file}: the quota must be 1 or more.").format(file=source.name))
    return quota


def read_heading(source: Any) -> dict[str, Any]:
    """The heading cells above the header row of a form (label in the first column, value
    in the second): {'session', 'coop', 'quota'} as far as the form gives them. A form
    saved as CSV keeps them too."""
    if source.path is None:
        return {}
    above = max(source.header_line - 1, 0)
    rows = _sheet_heading(source, above) if source.spreadsheet else _csv_heading(source, above)
    heading: dict[str, Any] = {}
    for row in rows:
        if len(row) < 2:
            continue
        key = HEADING.get(column_key(str(row[0])).rstrip(":"))
        if key == "coop" and type(row[1]) is NumberCell:  # Excel kept 15 digits of it
            raise InvalidInput(
                _("{file}: {label} is stored as a number: format the cell as Text.").format(
                    file=source.name, label=LABELS["coop"]
                )
            )
        if key and str(row[1]).strip():
            heading[key] = unmark(str(row[1]).strip())
    return heading


def _sheet_heading(source: Any, above: int) -> list[list[Any]]:
    from koptrain.io.sheets import first_rows, open_workbook

    workbook = open_workbook(source.path)
    try:
        sheet = workbook.get_sheet_by_name(source.sheet or workbook.sheet_names[0])
        return first_rows(sheet)[:above]
    except Exception:  # a sheet calamine cannot read: the rows' reader said so already
        return []
    finally:
        workbook.close()


def _csv_heading(source: Any, above: int) -> list[list[str]]:
    import csv
    from itertools import islice

    try:
        with open(source.path, encoding="utf-8-sig", newline="") as text:
            return list(islice(csv.reader(text, delimiter=source.delimiter), above))
    except (OSError, UnicodeDecodeError, csv.Error):
        return []
