"""Mentoring after the training: groups, contact logs and the follow-up schedule (SPEC §2).

followups: the rules as query builders; outcomes: the figures read from them; groups;
contacts. The names below are the package's interface.
"""

from koptrain.services.mentoring.contacts import (
    check_contact,
    contact_count,
    log_contact,
    log_contact_by_ref,
    obstacle_counts,
    parse_obstacle,
)
from koptrain.services.mentoring.followups import Schedule, due_condition, open_condition
from koptrain.services.mentoring.groups import (
    add_members,
    add_to_group,
    create_group,
    group_members,
    list_groups,
    seat_in,
    show_group,
)
from koptrain.services.mentoring.outcomes import (
    DueFollowUp,
    due_followups,
    followup_counts,
    followup_group,
    outcomes_by_session,
)
from koptrain.storage.queries import (
    count_where,
    counted_contact,
    ended_probe,
    followed_up_enrollment,
    followups,
)

__all__ = [
    "DueFollowUp",
    "Schedule",
    "add_members",
    "add_to_group",
    "check_contact",
    "contact_count",
    "count_where",
    "counted_contact",
    "create_group",
    "due_condition",
    "due_followups",
    "ended_probe",
    "followed_up_enrollment",
    "followup_counts",
    "followup_group",
    "followups",
    "group_members",
    "list_groups",
    "log_contact",
    "log_contact_by_ref",
    "obstacle_counts",
    "open_condition",
    "outcomes_by_session",
    "parse_obstacle",
    "seat_in",
    "show_group",
]
