"""`koptrain group`: mentoring groups (kelompok) and their members."""

from typing import Annotated

import typer

from koptrain.cli import common
from koptrain.i18n import _

app = typer.Typer(help=_("Mentoring groups (kelompok): create, add members, list, show."))


@app.command(
    "create",
    help=_(
        "Create a mentoring group with its mentor, e.g. `group create KLP-A --mentor 'Bu Rina'`."
    ),
)
def create(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=_("The group's code."))],
    mentor: Annotated[str, typer.Option("--mentor", help=_("The mentor's name."))],
    session_code: Annotated[
        str | None,
        typer.Option("--session", help=_("The session whose participants the group follows up.")),
    ] = None,
) -> None:
    from koptrain.services import mentoring

    with common.open_store(ctx, write=True).session() as db:
        group = mentoring.create_group(db, code, mentor=mentor, session_ref=session_code)
        code, mentor = group.code, group.mentor
    typer.echo(_("Group {code} created, mentor {mentor}.").format(code=code, mentor=mentor))


@app.command("add", help=_("Add people to a group; each must hold a seat in the group's session."))
def add(
    ctx: typer.Context,
    group_code: Annotated[str, typer.Argument(metavar="GROUP", help=_("The group's code."))],
    people: Annotated[list[str], typer.Argument(metavar="PERSON...", help=_("NIKs or numbers."))],
) -> None:
    from koptrain.services import mentoring

    show = common.nik_shower(ctx)
    with common.open_store(ctx, write=True).session() as db:
        result = mentoring.add_to_group(db, group_code, people)
    code = result["group"]
    added_text = [f"{name} ({show(nik)})" for name, nik in result["added"]]
    already_text = [f"{name} ({show(nik)})" for name, nik in result["already"]]
    if added_text:
        typer.echo(
            _("Added to {group}: {people}.").format(group=code, people=", ".join(added_text))
        )
    if already_text:
        typer.echo(
            _("Already in {group}: {people}.").format(group=code, people=", ".join(already_text))
        )


@app.command("list", help=_("List the mentoring groups with their mentor and size."))
def list_(
    ctx: typer.Context, fmt: common.FormatOption = "table", output: common.OutputOption = None
) -> None:
    from koptrain.cli.views.listings import group_list_columns
    from koptrain.io.output import emit
    from koptrain.services import mentoring

    with common.open_store(ctx).session() as db:
        rows = mentoring.list_groups(db)
    emit(
        rows,
        group_list_columns(),
        fmt=fmt,
        output=output,
        title=_("Mentoring groups"),
        empty=_("No mentoring groups yet."),
    )


@app.command("show", help=_("Show a group: its mentor, session and members (NIKs masked)."))
def show(
    ctx: typer.Context,
    group_code: Annotated[str, typer.Argument(metavar="GROUP", help=_("The group's code."))],
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.cli.views import groups as views
    from koptrain.io.output import emit_report
    from koptrain.services import mentoring

    show_nik = common.nik_shower(ctx)
    with common.open_store(ctx).session() as db:
        obj = mentoring.show_group(db, group_code)
    obj["members"] = [{**m, "nik": show_nik(m["nik"])} for m in obj["members"]]
    emit_report(
        obj,
        fmt=fmt,
        output=output,
        render=views.group_table,
        csv=views.group_csv,
        json=views.group_json,
    )


GroupArgument = Annotated[str, typer.Argument(metavar="GROUP", help=_("The group's code."))]


@app.command("edit", help=_("Give a group another mentor."))
def edit(
    ctx: typer.Context,
    group_code: GroupArgument,
    mentor: Annotated[str, typer.Option("--mentor", metavar="NAME", help=_("The new mentor."))],
) -> None:
    from koptrain.cli.changes import say_changes
    from koptrain.services import corrections, refs

    with common.open_store(ctx, write=True).session() as db:
        group = refs.group(db, group_code)
        changed = corrections.edit_group(db, group, mentor=mentor)
        label = _("Group {group}").format(group=group.code)
    say_changes(label, changed, "group")


@app.command("remove", help=_("Take people out of a group."))
def remove(
    ctx: typer.Context,
    group_code: GroupArgument,
    people: Annotated[list[str], typer.Argument(metavar="PERSON...", help=_("NIKs or numbers."))],
) -> None:
    from koptrain.services import corrections, refs

    show = common.nik_shower(ctx)
    with common.open_store(ctx, write=True).session() as db:
        group = refs.group(db, group_code)
        persons = [refs.person(db, ref) for ref in people]
        corrections.remove_members(db, group, persons)
        text = ", ".join(f"{p.name} ({show(p.nik)})" for p in persons)
        code = group.code
    typer.echo(_("Removed from {group}: {people}.").format(group=code, people=text))


@app.command("delete", help=_("Delete a group that has no members and no contacts."))
def delete(ctx: typer.Context, group_code: GroupArgument) -> None:
    from koptrain.services import corrections, refs

    with common.open_store(ctx, write=True).session() as db:
        group = refs.group(db, group_code)
        code = group.code
        corrections.delete_group(db, group)
    typer.echo(_("Deleted group {group}.").format(group=code))
