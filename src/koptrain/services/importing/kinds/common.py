"""What the import kinds share: lookups by the references a file carries (cached per
import) and today's date."""

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
    Handler,
    Problem,
)


def today() -> dt.date:
    return dt.date.today()


class RefsHandler(Handler):
    """Lookups by the references files carry (cached per import)."""

    def __init__(self, db, *, labels):
        super().__init__(db, labels=labels)
        self._people: dict[str, Person | None] = {}
        self._trainings: dict[str, Training | Exception] = {}
        self._groups: dict[str, MentorGroup | Exception] = {}
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
        return self._by_code(rec, column, self._trainings, refs.training)

    def group(self, rec, column="group") -> MentorGroup:
        return self._by_code(rec, column, self._groups, refs.group)

    def _by_code(self, rec, column: str, cache: dict, lookup) -> Any:
        """A session or group by the code in `column`, cached (misses too); refs' sentence
        when no such code exists."""
        code = str(self.need(rec, column))
        if code not in cache:
            try:
                cache[code] = lookup(self.db, code)
            except refs.NotFound as error:
                cache[code] = error
        found = cache[code]
        if isinstance(found, refs.NotFound):
            raise Problem(column, str(found))
        return found
