"""How the edit commands say what they changed (old → new), one line per field."""

import typer

from koptrain.i18n import _


def say_changes(what: str, changed, entity: str = "") -> None:
    """`what` names the row (already translated); each field is named as the interface
    language names a field of `entity`; markup is never interpreted here."""
    from koptrain.services.history import field_label

    if not changed:
        typer.echo(_("{what}: nothing changed.").format(what=what))
        return
    typer.echo(_("{what} changed:").format(what=what))
    for change in changed:
        typer.echo("  " + change.text(field_label(entity)))
