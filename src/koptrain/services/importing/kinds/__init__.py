"""The import kinds other than people, one module per domain: each row is checked by the
rules of the matching command, then written on its natural key. These files are small (a
city's coops, sessions, seats), so a row at a time through the ORM is fine."""

from koptrain.services.importing.kinds.enrollments import EnrollmentsHandler
from koptrain.services.importing.kinds.mentoring import GroupsHandler, MentoringHandler
from koptrain.services.importing.kinds.registry import CoopsHandler, HealthHandler, RatHandler
from koptrain.services.importing.kinds.training import (
    AttendanceHandler,
    ProgramsHandler,
    SessionsHandler,
)

__all__ = [
    "AttendanceHandler",
    "CoopsHandler",
    "EnrollmentsHandler",
    "GroupsHandler",
    "HealthHandler",
    "MentoringHandler",
    "ProgramsHandler",
    "RatHandler",
    "SessionsHandler",
]
