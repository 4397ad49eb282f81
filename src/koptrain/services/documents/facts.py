"""What the documents print, read from the store: seat holders in seat order, the office."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from koptrain.i18n import N_, _, current_language
from koptrain.models import Coop, Enrollment, Person, Training
from koptrain.parsing import SEAT_STATUSES, format_date
from koptrain.services import policy as policy_service

OFFICE_KEYS = (
    "office.name",
    "office.address",
    "office.city",
    "office.head_name",
    "office.head_title",
    "office.head_nip",
    "office.logo",
)
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"))
WEEKDAYS += (N_("Saturday"), N_("Sunday"))


@dataclass(frozen=True)
class Office:
    """The letterhead and the signatory, from the `office.*` policy settings."""

    name: str = ""
    address: str = ""
    city: str = ""
    head_name: str = ""
    head_title: str = ""
    head_nip: str = ""
    logo: str = ""


def office(db: Session) -> Office:
    values = policy_service.load(db).values
    return Office(**{key.split(".", 1)[1]: values.get(key, "") for key in OFFICE_KEYS})


@dataclass(frozen=True)
class SeatHolder:
    enrollment: Enrollment
    person: Person
    coop: Coop


def seat_holders(db: Session, training: Training) -> list[SeatHolder]:
    """The session's seat holders in seat order (the order the seats were taken)."""
    rows = db.exec(
        select(Enrollment, Person, Coop)
        .join(Person, col(Person.id) == col(Enrollment.person_id))
        .join(Coop, col(Coop.id) == col(Enrollment.coop_id))
        .where(Enrollment.session_id == training.id, col(Enrollment.status).in_(SEAT_STATUSES))
        .order_by(Enrollment.created_at, Enrollment.id)
    ).all()
    return [SeatHolder(*row) for row in rows]


def long_date(day: dt.date) -> str:
    return format_date(day, current_language())


def day_with_weekday(day: dt.date) -> str:
    """'Selasa, 16 Juni 2020' / 'Tuesday, 16 June 2020'."""
    return f"{_(WEEKDAYS[day.weekday()])}, {long_date(day)}"


def date_span(start: dt.date, end: dt.date) -> str:
    if start == end:
        return long_date(start)
    return f"{long_date(start)} – {long_date(end)}"


def role_label(role: str) -> str:
    return role.replace("_", " ").capitalize()
