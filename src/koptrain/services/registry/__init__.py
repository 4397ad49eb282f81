"""The cooperative registry: coops, their RATs and health ratings, people and memberships."""

from koptrain.services.registry.base import (
    ADDED,
    STATUS_FILTERS,
    UNCHANGED,
    UPDATED,
    coop_key,
)
from koptrain.services.registry.coops import (
    add_coop,
    coop_report,
    coop_row,
    coop_rows,
    rat_row,
    record_health,
)
from koptrain.services.registry.people import (
    add_person,
    person_report,
    person_rows,
)
from koptrain.services.registry.rats import (
    parse_status_filter,
    rat_rows,
    record_rat,
)

__all__ = [
    "ADDED",
    "STATUS_FILTERS",
    "UNCHANGED",
    "UPDATED",
    "add_coop",
    "add_person",
    "coop_key",
    "coop_report",
    "coop_row",
    "coop_rows",
    "parse_status_filter",
    "person_report",
    "person_rows",
    "rat_row",
    "rat_rows",
    "record_health",
    "record_rat",
]
