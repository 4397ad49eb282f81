"""`group show`: a heading and the members' table, CSV of the members, or JSON."""

from __future__ import annotations

from typing import TextIO

from koptrain.i18n import _


def member_columns():
    from koptrain.io.output import Column

    return [
        Column("name", _("Name")),
        Column("nik", _("NIK")),
        Column("gender", _("Gender")),
        Column("last_contact", _("Last contact"), "date"),
        Column("last_status", _("Status"), kind="status"),
    ]


def group_json(group: dict, out: TextIO) -> None:
    from koptrain.io.output import write_json

    write_json(group, out)


def group_csv(group: dict, out: TextIO) -> None:
    from koptrain.io.output import write_csv

    write_csv(group["members"], [c.key for c in member_columns()], out)


def group_table(console, group: dict) -> None:
    from koptrain.io.output import rich_table

    console.print(
        _("Group {code} — mentor {mentor}").format(code=group["code"], mentor=group["mentor"])
        + (_(", session {session}").format(session=group["session"]) if group["session"] else "")
    )
    if group["members"]:
        console.print(rich_table(group["members"], member_columns(), title=None))
    else:
        console.print(_("No members yet: add them with `group add`."))
