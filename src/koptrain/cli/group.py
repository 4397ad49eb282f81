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
