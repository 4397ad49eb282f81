"""The columns of the reports that are one listing (`report roster`, `report rat`,
`group list`), rendered by koptrain.io.output.emit in every format."""

from __future__ import annotations

from koptrain.i18n import _


def roster_columns():
    from koptrain.io.output import Column

    return [
        Column("name", _("Name")),
        Column("nik", _("NIK")),
        Column("coop", _("Cooperative")),
        Column("coop_nik", _("NIK Koperasi")),
        Column("role", _("Role")),
        Column("status", _("Status"), kind="status"),
        Column("days_attended", _("Days present"), "int"),
        Column("days_total", _("Days"), "int"),
        Column("override_reason", _("Override")),
    ]


def rat_columns():
    from koptrain.io.output import Column

    return [
        Column("coop", _("Cooperative")),
        Column("coop_nik", _("NIK Koperasi")),
        Column("level", _("Level")),
        Column("fiscal_year", _("FY")),
        Column("deadline", _("Deadline"), "date"),
        Column("held_on", _("Held"), "date"),
        Column("report_deadline", _("Report due"), "date"),
        Column("reported_on", _("Reported"), "date"),
        Column("status", _("Status"), kind="status"),
        Column("reason", _("Why")),
    ]


def group_list_columns():
    from koptrain.io.output import Column

    return [
        Column("code", _("Group")),
        Column("mentor", _("Mentor")),
        Column("session", _("Session")),
        Column("members", _("Members"), "int"),
    ]
