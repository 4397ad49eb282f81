"""Corrections: editing and deleting what was recorded, with the rules of creation.

Every edit changes only the fields given, checks them with the same parsers and rules as
the command that created the row, and returns what changed (field, old, new); every
delete is refused while another row refers to the one deleted, naming what does. The
change journal (storage.journal) records all of it, so each can be undone.
"""

from koptrain.services.corrections.base import Changed
from koptrain.services.corrections.mentoring import (
    contacts,
    delete_contact,
    delete_group,
    edit_contact,
    edit_group,
    remove_members,
)
from koptrain.services.corrections.registry import (
    delete_coop,
    delete_health,
    delete_person,
    delete_rat,
    edit_coop,
    edit_person,
    leave,
    set_membership,
    unset_policy,
)
from koptrain.services.corrections.training import (
    delete_program,
    delete_session,
    edit_session,
    reopen,
)

__all__ = [
    "Changed",
    "contacts",
    "delete_contact",
    "delete_coop",
    "delete_group",
    "delete_health",
    "delete_person",
    "delete_program",
    "delete_rat",
    "delete_session",
    "edit_contact",
    "edit_coop",
    "edit_group",
    "edit_person",
    "edit_session",
    "leave",
    "remove_members",
    "reopen",
    "set_membership",
    "unset_policy",
]
