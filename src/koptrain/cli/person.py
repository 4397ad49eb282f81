"""`koptrain person add|list|show`: the people who may be trained, and their coops."""

from typing import Annotated

import typer

from koptrain.cli import common
from koptrain.i18n import _

app = typer.Typer(help=_("Register people as members of cooperatives, and look them up."))


def _text(flag: str, metavar: str, text: str):
    """An optional text option: `add` and `edit` share one definition of each field."""
    return Annotated[str | None, typer.Option(flag, metavar=metavar, help=text)]


NikOption = _text("--nik", "N", _("The 16-digit NIK."))
NameOption = _text("--name", "NAME", _("Full name."))
GenderOption = _text("--gender", "L|P", _("L (male) or P (female)."))
PhoneOption = _text("--phone", "X", _("Phone number."))
BirthDateOption = _text("--birth-date", "DATE", _("Date of birth."))


@app.command(
    "add",
    help=_("Add a person to a cooperative (a person already known by NIK joins one more)."),
)
def add(
    ctx: typer.Context,
    nik: NikOption,
    name: NameOption,
    gender: GenderOption,
    coop: Annotated[
        str,
        typer.Option(
            "--coop",
            metavar="COOP",
            help=_("The cooperative: NIK Koperasi, legal number, number or name start."),
        ),
    ],
    role: Annotated[
        str, typer.Option("--role", metavar="R", help=_("pengurus, anggota or calon_anggota."))
    ],
    has_business: Annotated[
        bool, typer.Option("--has-business", help=_("The person owns a business."))
    ] = False,
    phone: PhoneOption = None,
    birth_date: BirthDateOption = None,
) -> None:
    from koptrain.io.output import warn
    from koptrain.services import refs, registry

    show_nik = common.nik_shower(ctx)
    with common.open_store(ctx, write=True).session() as db:
        target = refs.coop(db, coop)
        person, created, warnings = registry.add_person(
            db,
            nik=nik,
            name=name,
            gender=gender,
            coop=target,
            role=role,
            has_business=has_business,
            phone=phone,
            birth_date=birth_date,
        )
        values = {
            "number": person.id,
            "name": person.name,
            "nik": show_nik(person.nik),
            "coop": target.name,
        }
    for warning in warnings:
        warn(_("koptrain: warning: {warning}").format(warning=warning))
    if created:
        message = _("Added person {number}: {name} (NIK {nik}), member of {coop}.")
    else:
        message = _("{name} (person {number}, NIK {nik}) is now also a member of {coop}.")
    typer.echo(message.format(**values))


def _columns():
    from koptrain.io.output import Column

    return [
        Column("id", _("No."), "int"),
        Column("nik", _("NIK")),
        Column("name", _("Name")),
        Column("gender", _("Gender")),
        Column("birth_date", _("Born"), "date"),
        Column("coop", _("Cooperative")),
        Column("role", _("Role")),
        Column("has_business", _("Business")),
        Column("phone", _("Phone")),
    ]


@app.command("list", help=_("List people, one row per membership (NIKs masked)."))
def list_(
    ctx: typer.Context,
    coop: Annotated[
        str | None,
        typer.Option("--coop", metavar="COOP", help=_("Only the members of this cooperative.")),
    ] = None,
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.io.output import emit
    from koptrain.services import refs, registry

    show_nik = common.nik_shower(ctx)
    with common.open_store(ctx).session() as db:
        target = refs.coop(db, coop) if coop else None
        rows = registry.person_rows(db, coop=target, show_nik=show_nik)
        title = target.name if target else _("People")
    emit(rows, _columns(), fmt=fmt, output=output, title=title, empty=_("No people to show."))


@app.command("show", help=_("Show a person: details, cooperatives and trainings."))
def show(
    ctx: typer.Context,
    person: Annotated[
        str, typer.Argument(metavar="PERSON", help=_("NIK or number from `person list`."))
    ],
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.io.output import emit_object
    from koptrain.services import refs, registry

    show_nik = common.nik_shower(ctx)
    from koptrain.services import people_find

    with common.open_store(ctx).session() as db:
        found = refs.person(db, person)
        report = registry.person_report(db, found, show_nik=show_nik)
        report.update(people_find.history(db, found))
    if fmt == "csv":
        fmt = "json"  # one nested object: CSV cannot hold it, JSON can
    emit_object(
        report,
        fmt=fmt,
        output=output,
        render_table=lambda con, _o: (_render(con, report), _render_history(con, report)),
    )


def _render(con, report: dict) -> None:
    from koptrain.i18n import current_language
    from koptrain.io.output import Column, rich_table
    from koptrain.io.tables import pairs

    lang = current_language()
    details = [(c.label, c.show(report[c.key], lang)) for c in _columns() if c.key in report]
    con.print(pairs(details))
    con.print()
    con.print(
        rich_table(
            report["memberships"],
            [
                Column("coop_id", _("No."), "int"),
                Column("coop", _("Cooperative")),
                Column("coop_nik", _("NIK Koperasi")),
                Column("role", _("Role")),
            ],
            title=_("Cooperatives"),
        )
    )
    if report["enrollments"]:
        con.print(
            rich_table(
                report["enrollments"],
                [
                    Column("session", _("Session")),
                    Column("title", _("Title")),
                    Column("start", _("Start"), "date"),
                    Column("end", _("End"), "date"),
                    Column("coop", _("For")),
                    Column("status", _("Status"), kind="status"),
                ],
                title=_("Trainings"),
            )
        )
    else:
        con.print(_("Not enrolled in any training."))


PersonArgument = Annotated[
    str, typer.Argument(metavar="PERSON", help=_("NIK or number from `person list`."))
]
CoopOption = Annotated[
    str,
    typer.Option("--coop", metavar="COOP", help=_("The cooperative of the membership.")),
]


@app.command("edit", help=_("Correct a person's details: only the options given change."))
def edit(
    ctx: typer.Context,
    person: PersonArgument,
    name: NameOption = None,
    gender: GenderOption = None,
    birth_date: BirthDateOption = None,
    phone: PhoneOption = None,
    nik: NikOption = None,
) -> None:
    from koptrain.cli.changes import say_changes
    from koptrain.parsing import mask_niks_in
    from koptrain.services import corrections, refs

    with common.open_store(ctx, write=True).session() as db:
        target = refs.person(db, person)
        changed = corrections.edit_person(
            db, target, name=name, gender=gender, birth_date=birth_date, phone=phone, nik=nik
        )
        label = target.name
    if not common.app_context(ctx).reveal_nik:
        masked = lambda v: mask_niks_in(v) if isinstance(v, str) else v  # noqa: E731
        changed = [type(c)(c.field, masked(c.old), masked(c.new)) for c in changed]
    say_changes(label, changed, "person")


@app.command(
    "role", help=_("Change a person's role in a cooperative, or whether they own a business.")
)
def role(
    ctx: typer.Context,
    person: PersonArgument,
    coop: CoopOption,
    role: Annotated[
        str | None, typer.Option("--role", metavar="R", help=_("The new role."))
    ] = None,
    business: Annotated[
        bool | None,
        typer.Option("--has-business/--no-business", help=_("Owns a business, or not.")),
    ] = None,
) -> None:
    from koptrain.cli.changes import say_changes
    from koptrain.services import corrections, refs

    with common.open_store(ctx, write=True).session() as db:
        target = refs.person(db, person)
        changed = corrections.set_membership(
            db, target, refs.coop(db, coop), role=role, has_business=business
        )
        label = target.name
    say_changes(label, changed, "membership")


@app.command("leave", help=_("Take a person out of a cooperative (not while enrolled for it)."))
def leave(ctx: typer.Context, person: PersonArgument, coop: CoopOption) -> None:
    from koptrain.services import corrections, refs

    with common.open_store(ctx, write=True).session() as db:
        target, where = refs.person(db, person), refs.coop(db, coop)
        corrections.leave(db, target, where)
        values = {"name": target.name, "coop": where.name}
    typer.echo(_("{name} is no longer a member of {coop}.").format(**values))


@app.command("delete", help=_("Delete a person who has no enrollments, groups or contacts."))
def delete(ctx: typer.Context, person: PersonArgument) -> None:
    from koptrain.services import corrections, refs

    with common.open_store(ctx, write=True).session() as db:
        target = refs.person(db, person)
        name = target.name
        corrections.delete_person(db, target)
    typer.echo(_("Deleted {name}.").format(name=name))


def _render_history(con, report: dict) -> None:
    """The rest of the history: attendance days, groups, every mentoring contact."""
    from koptrain.i18n import current_language
    from koptrain.io.output import Column, display_value, rich_table

    lang = current_language()
    attendance = [
        {
            "session": code,
            "present": ", ".join(display_value(d, "date", lang) for d in days["present"]),
            "absent": ", ".join(display_value(d, "date", lang) for d in days["absent"]),
        }
        for code, days in report["attendance"].items()
    ]
    if attendance:
        con.print(
            rich_table(
                attendance,
                [
                    Column("session", _("Session")),
                    Column("present", _("Present")),
                    Column("absent", _("Absent")),
                ],
                title=_("Attendance"),
            )
        )
    if report["groups"]:
        con.print(
            rich_table(
                report["groups"],
                [Column("group", _("Group")), Column("mentor", _("Mentor"))],
                title=_("Mentoring groups"),
            )
        )
    if report["contacts"]:
        rows = [{**c, "obstacles": "; ".join(c["obstacles"])} for c in report["contacts"]]
        con.print(
            rich_table(
                rows,
                [
                    Column("log", _("LOG"), "int"),
                    Column("date", _("Date"), "date"),
                    Column("session", _("Session")),
                    Column("mentor", _("Mentor")),
                    Column("status", _("Status"), "status"),
                    Column("obstacles", _("Obstacles")),
                    Column("next", _("Next visit"), "date"),
                ],
                title=_("Mentoring contacts"),
            )
        )
    else:
        con.print(_("No mentoring contact recorded."))


@app.command("find", help=_("Find people by name (any case or accents), NIK ending or phone."))
def find(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(metavar="TEXT", help=_("Name, NIK ending or phone."))],
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.io.output import Column, emit
    from koptrain.services import people_find

    show_nik = common.nik_shower(ctx)
    with common.open_store(ctx).session() as db:
        rows = people_find.find(db, text)
    for row in rows:
        row["nik"] = show_nik(row["nik"])
        if fmt != "json":
            row["coops"] = ", ".join(row["coops"])
            row["trainings"] = ", ".join(row["trainings"])
    emit(
        rows,
        [
            Column("id", _("No."), "int"),
            Column("nik", _("NIK")),
            Column("name", _("Name")),
            Column("phone", _("Phone")),
            Column("coops", _("Cooperatives")),
            Column("trainings", _("Trainings")),
        ],
        fmt=fmt,
        output=output,
        title=_("People found"),
        empty=_("Nobody found."),
    )
