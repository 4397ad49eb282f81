"""The import kinds other than people, one module per domain (registry, training,
mentoring). A row's fields go through the same validators as the matching command
(services.validation; enrollments through training.check_enrollment), then the row is
written on its natural key by services.upsert, one row at a time through the ORM: these
files are small (a city's coops, sessions, seats)."""

from koptrain.services.importing.kinds.mentoring import GroupsHandler, MentoringHandler
from koptrain.services.importing.kinds.registry import CoopsHandler, HealthHandler, RatHandler
from koptrain.services.importing.kinds.training import (
    AttendanceHandler,
    EnrollmentsHandler,
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
