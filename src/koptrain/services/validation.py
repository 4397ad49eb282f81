"""The field rules, one pure function each, shared by the commands and the import kinds.

Each takes values (no database) and returns the value as stored, or raises InvalidInput
with one sentence; `field` on the error names the value at fault, so an import row points
at its column. A command and an import row holding the same value get the same verdict
and the same sentence because both call the same function here.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from koptrain.errors import InvalidInput, Refused
from koptrain.i18n import N_, _
from koptrain.models import Coop, Training
from koptrain.parsing import FIRST_YEAR, LAST_YEAR, parse_int, shown

CODE_LIMIT = 40  # the schema's code columns (VARCHAR(40))
TITLE_LIMIT = 300
NAME_LIMIT = 200  # people, coops, programmes, mentors: the schema's VARCHAR(200)
PLACE_LIMIT = 80  # kecamatan, kelurahan
VENUE_LIMIT = 200
TRAINERS_LIMIT = 300
LEGAL_NUMBER_LIMIT = 120
PHONE_LIMIT = 40
REASON_LIMIT = 500
NOTE_LIMIT = 5000  # a mentoring note or an obstacle's words
CAPACITY_MAX = 10_000
_NOTE_WHITESPACE = frozenset("\n\t")


def plain(value: str, *, what: str, field: str | None = None, keep: frozenset = frozenset()) -> str:
    """Text refuses control characters (escape sequences, newlines, NUL) and bytes that are
    not text (the surrogates Python makes of undecodable argv bytes); `keep` lets a note keep
    its newlines and tabs."""
    for ch in value:
        if ch in keep or ch.isprintable() or ch == " ":
            continue
        if unicodedata.category(ch) in ("Cc", "Cs"):
            raise InvalidInput(
                _("{what} '{value}' holds a control character or bytes that are not text.").format(
                    what=_(what), value=shown(value)
                ),
                field=field,
            )
    return value


def code(value: Any, what: str) -> str:
    """A programme, session or group code: 1 to 40 characters without spaces."""
    text = str(value or "").strip()
    if (
        not text
        or len(text) > CODE_LIMIT
        or any(ch.isspace() or not ch.isprintable() for ch in text)
    ):
        raise InvalidInput(
            _("{what} '{value}' must be 1 to {limit} characters without spaces.").format(
                what=_(what), value=shown(text), limit=CODE_LIMIT
            ),
            field="code",
        )
    return text


def text(value: Any, limit: int, *, what: str, field: str | None = None) -> str | None:
    """Free text with its runs of spaces made one space; None when empty."""
    cleaned = " ".join(plain(str(value or ""), what=what, field=field).split())
    if len(cleaned) > limit:
        raise InvalidInput(
            _("{what} is longer than {limit} characters.").format(what=_(what), limit=limit),
            field=field,
        )
    return cleaned or None


def note(value: Any, *, what: str, field: str | None = None) -> str | None:
    """A free-text note: keeps its newlines and tabs, refuses other control characters."""
    cleaned = plain(str(value or ""), what=what, field=field, keep=_NOTE_WHITESPACE).strip()
    if len(cleaned) > NOTE_LIMIT:
        raise InvalidInput(
            _("{what} is longer than {limit} characters.").format(what=_(what), limit=NOTE_LIMIT),
            field=field,
        )
    return cleaned or None


def title(value: Any) -> str | None:
    """A session's title (the caller says what an empty one means)."""
    return text(value, TITLE_LIMIT, what=N_("title"), field="title")


def year(value: str | int | None, *, what: str, field: str | None = None) -> int:
    number = parse_int(value, what=what)
    if not FIRST_YEAR <= number <= LAST_YEAR:
        raise InvalidInput(
            _("{what} {value} is not a plausible year.").format(what=_(what), value=number),
            field=field,
        )
    return number


def score(value: float | str | None) -> float | None:
    """A health score from 0 to 100 (a comma is a decimal point); None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise InvalidInput(
            _("Score '{value}' is not a number.").format(value=shown(value)), field="score"
        ) from None
    if not 0 <= number <= 100:
        raise InvalidInput(
            _("Score {value} is not between 0 and 100.").format(value=number), field="score"
        )
    return number


def assessed_on(day: dt.date | None, rated_year: int) -> dt.date | None:
    """A health rating cannot be assessed before the year it rates."""
    if day is not None and day.year < rated_year:
        raise InvalidInput(
            _("The assessment date {date} is before the year {year} it rates.").format(
                date=day.isoformat(), year=rated_year
            ),
            field="assessed_on",
        )
    return day


def rat_dates(
    coop: Coop,
    fiscal_year: int,
    held_on: dt.date,
    reported_on: dt.date | None,
    *,
    today: dt.date,
) -> None:
    """A RAT is held after its fiscal year ends, reported after it is held, neither ahead."""
    from koptrain.services.eligibility import fiscal_year_end

    books_close = fiscal_year_end(coop.fiscal_year_end, fiscal_year)
    if held_on <= books_close:
        raise InvalidInput(
            _(
                "The RAT for fiscal year {fy} cannot be held on {held}: that fiscal year "
                "ends on {end}."
            ).format(fy=fiscal_year, held=held_on.isoformat(), end=books_close.isoformat()),
            field="held_on",
        )
    if reported_on is not None and reported_on < held_on:
        raise InvalidInput(
            _("The report date {reported} is before the RAT was held ({held}).").format(
                reported=reported_on.isoformat(), held=held_on.isoformat()
            ),
            field="reported_on",
        )
    for field, what, day in (
        ("held_on", N_("The RAT date"), held_on),
        ("reported_on", N_("The report date"), reported_on),
    ):
        if day is not None and day > today:
            raise InvalidInput(
                _("{what} {date} is in the future.").format(what=_(what), date=day.isoformat()),
                field=field,
            )


def session_dates(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise InvalidInput(
            _("The session cannot start ({start}) after it ends ({end}).").format(
                start=start.isoformat(), end=end.isoformat()
            ),
            field="end",
        )


def capacity(value: int | str) -> int:
    """A session's capacity: a whole number from 1 to 10,000."""
    try:
        return parse_int(value, what=N_("capacity"), minimum=1, maximum=CAPACITY_MAX)
    except InvalidInput as error:
        raise InvalidInput(str(error), field="capacity") from None


def capacity_holds(training: Training, new_capacity: int, seat_holders: int) -> None:
    """A session's capacity cannot drop below the seats already held."""
    if new_capacity < seat_holders:
        raise InvalidInput(
            _("Session {code} already has {n} seat holders, more than {capacity}.").format(
                code=training.code, n=seat_holders, capacity=new_capacity
            ),
            field="capacity",
        )


def attendance_day(training: Training, day: dt.date, *, today: dt.date) -> None:
    """Attendance is recorded for a day of the session that has come."""
    if not training.start <= day <= training.end:
        raise InvalidInput(
            _("{day} is not a day of session {session} ({start} to {end}).").format(
                day=day.isoformat(),
                session=training.code,
                start=training.start.isoformat(),
                end=training.end.isoformat(),
            ),
            field="day",
        )
    if day > today:
        raise InvalidInput(
            _("{day} is still ahead: attendance is recorded on or after the day.").format(
                day=day.isoformat()
            ),
            field="day",
        )


def attendance_open(training: Training) -> None:
    """Attendance changes only while the session is open."""
    from koptrain.services.training.base import OPEN

    if training.status != OPEN:
        raise Refused(
            _("Session {session} is {status}: its attendance can no longer change.").format(
                session=training.code, status=_(training.status)
            ),
            field="session",
        )


def next_visit(contact: dt.date, next_date: dt.date | None) -> dt.date | None:
    """A mentoring contact's next visit comes after the contact."""
    if next_date is not None and next_date <= contact:
        raise InvalidInput(
            _("The next visit ({next}) must come after the contact ({date}).").format(
                next=next_date.isoformat(), date=contact.isoformat()
            ),
            field="next",
        )
    return next_date
