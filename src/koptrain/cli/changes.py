"""How the edit commands say what they changed (old → new), one line per field."""

import typer

from koptrain.i18n import _


def say_changes(what: str, changed) -> None:
    """`what` names the row (already translated); markup is never interpreted here."""
    if not changed:
        typer.echo(_("{what}: nothing changed.").format(what=what))
        return
    typer.echo(_("{what} changed:").format(what=what))
    for change in changed:
        typer.echo("  " + change.text())
