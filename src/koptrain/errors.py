"""Domain errors: each carries its exit status (1 refused by a rule, 2 bad usage or input,
3 the database cannot be used) and one sentence for the user."""

from __future__ import annotations


class KoptrainError(Exception):
    """Base of every error a user may see; `str(error)` is the sentence to print.

    `field` names the value at fault (a validator's field), so an import can point at the
    column that holds it."""

    exit_code = 2

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Refused(KoptrainError):
    """A rule refused the request (not eligible, full, already enrolled, duplicate, ...)."""

    exit_code = 1


class InvalidInput(KoptrainError):
    """Bad usage or invalid input: bad NIK, bad date, unknown reference, invalid file."""

    exit_code = 2


class NotFound(InvalidInput):
    """A reference (coop, person, session, ...) matches nothing."""


class Ambiguous(InvalidInput):
    """A reference matches several records; the message lists the candidates."""


class DatabaseError(KoptrainError):
    """The database cannot be used: cannot open, locked too long, schema too new, damaged."""

    exit_code = 3
