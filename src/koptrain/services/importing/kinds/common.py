"""What the import kinds share: lookups by reference (cached per import) and the
insert-or-update of one row on its natural key."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlmodel import select

from koptrain.i18n import _
from koptrain.models import (
    MentorGroup,
    Person,
    Training,
)
from koptrain.parsing import (
    shown,
)
from koptrain.services import policy as policy_service
from koptrain.services import refs
from koptrain.services.importing.base import Handler, Problem


def today() -> dt.date:
    return dt.date.today()


class RefsHandler(Handler):
    """Lookups by the references files carry (cached per import)."""

    def __init__(self, db, *, labels):
        super().__init__(db, labels=labels)
        self._people: dict[str, Person | None] = {}
        self._trainings: dict[str, Training | None] = {}
        self._groups: dict[str, MentorGroup | None] = {}
        self.settings = policy_service.load(db)

    def person(self, rec, column="nik") -> Person:
        raw = str(self.need(rec, column))
        if raw not in self._people:
            nik = re.sub(r"[\s.\-]", "", raw)
            self._people[raw] = self.db.exec(select(Person).where(Person.nik == nik)).first()
        person = self._people[raw]
        if person is None:
            from koptrain.parsing import mask_nik

            raise Problem(
                column,
                _("No person has the NIK {nik}; import people first.").format(
                    nik=mask_nik(raw) if len(raw) == 16 else shown(raw)
                ),
            )
        return person

    def training(self, rec, column="session") -> Training:
        code = str(self.need(rec, column))
        if code not in self._trainings:
            try:
                self._trainings[code] = refs.training(self.db, code)
            except refs.NotFound:
                self._trainings[code] = None
        training = self._trainings[code]
        if training is None:
            raise Problem(column, _("No session has the code '{ref}'.").format(ref=shown(code)))
        return training

    def group(self, rec, column="group") -> MentorGroup:
        code = str(self.need(rec, column))
        if code not in self._groups:
            try:
                self._groups[code] = refs.group(self.db, code)
            except refs.NotFound:
                self._groups[code] = None
        group = self._groups[code]
        if group is None:
            raise Problem(
                column, _("No mentoring group has the code '{ref}'.").format(ref=shown(code))
            )
        return group


def year_cell(value: Any, what: str) -> int:
    from koptrain.services.registry import parse_year

    return parse_year(value, what=what)
