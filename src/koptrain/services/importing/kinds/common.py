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
from koptrain.services.importing.base import (
    INSERTED,
    UNCHANGED,
    UPDATED,
    Handler,
    Problem,
)


def set_changed(obj: Any, new: dict[str, Any]) -> bool:
    """Set the fields of `obj` that differ; whether any did."""
    changed = False
    for key, value in new.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def upsert(db, row: Any, new: dict[str, Any], make) -> str:
    """Insert `make()` when no row is stored, else set the row's fields that differ."""
    if row is None:
        db.add(make())
        db.flush()
        return INSERTED
    return UPDATED if set_changed(row, new) else UNCHANGED


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
