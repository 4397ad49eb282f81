"""The follow-up schedule (SPEC §2): when the next contact is due. The rules it applies
to (which seats are followed up, which contact counts) are koptrain.storage.queries'.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_

from koptrain.services.policy import Settings
from koptrain.storage.queries import days


@dataclass(frozen=True)
class Schedule:
    """The policy figures of the follow-up schedule."""

    first_days: int = 30
    interval_days: int = 30
    window_days: int = 180

    @classmethod
    def from_settings(cls, settings: Settings) -> Schedule:
        return cls(
            settings.int("followup.first_days"),
            settings.int("followup.interval_days"),
            settings.int("followup.window_days"),
        )

    def due(
        self, last_day: dt.date, last_contact: dt.date | None, last_next: dt.date | None
    ) -> dt.date:
        """When the next contact is due, from the session's last day and the latest contact."""
        if last_contact is None:
            return last_day + dt.timedelta(days=self.first_days)
        return last_next or last_contact + dt.timedelta(days=self.interval_days)

    def window_end(self, last_day: dt.date) -> dt.date:
        return last_day + dt.timedelta(days=self.window_days)


def open_condition(fu, on: dt.date, schedule: Schedule, *also):
    """The follow-up is open on `on`: its window has not closed and no contact ended it
    (and the conditions `also`). `fu` is koptrain.storage.queries.followups' subquery."""
    return and_(
        fu.c.end >= on - days(schedule.window_days),
        *also,
        fu.c.ended == 0,  # last: the probe behind it runs for the rows the others keep
    )


def due_condition(fu, on: dt.date, schedule: Schedule, *, strictly_before: bool = False):
    """The follow-up is open on `on` and its next contact is due on or before `on`
    (before `on` when `strictly_before`: overdue). `fu` needs its dates (`dated_from`)."""
    bound = on - days(1) if strictly_before else on
    return open_condition(
        fu,
        on,
        schedule,
        or_(
            and_(fu.c.last_id.is_(None), fu.c.end <= bound - days(schedule.first_days)),
            fu.c.last_next <= bound,
            and_(fu.c.last_next.is_(None), fu.c.last_date <= bound - days(schedule.interval_days)),
        ),
    )
