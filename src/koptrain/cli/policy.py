"""`koptrain policy show|set`: the figures behind the rules."""

from typing import Annotated

import typer

from koptrain.cli import common
from koptrain.i18n import _

app = typer.Typer(help=_("Show or change the policy settings behind the rules."))


@app.command("show", help=_("Show every policy setting with its default."))
def show(
    ctx: typer.Context, fmt: common.FormatOption = "table", output: common.OutputOption = None
) -> None:
    from koptrain.io.output import Column, emit
    from koptrain.services import policy

    with common.open_store(ctx).session() as db:
        rows = policy.rows(db)
    emit(
        rows,
        [Column("key", _("Setting")), Column("value", _("Value")), Column("default", _("Default"))],
        fmt=fmt,
        output=output,
        title=_("Policy"),
    )


@app.command(
    "set", help=_("Change a policy setting, e.g. `policy set rat.extension.2019 2020-06-30`.")
)
def set_(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help=_("The setting, e.g. health.accepted."))],
    value: Annotated[str, typer.Argument(help=_("Its new value."))],
) -> None:
    from koptrain.services import policy

    with common.open_store(ctx, write=True).session() as db:
        key, value = policy.set_value(db, key, value)
    typer.echo(_("{key} = {value}").format(key=key, value=value))


@app.command("unset", help=_("Remove a setting: the default applies again."))
def unset(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(metavar="KEY", help=_("The setting's name."))],
) -> None:
    from koptrain.services import corrections

    with common.open_store(ctx, write=True).session() as db:
        default = corrections.unset_policy(db, key)
    if default is None:
        typer.echo(_("{key} removed.").format(key=key.strip().lower()))
    else:
        typer.echo(_("{key} is back to its default, {value}.").format(key=key, value=default))
