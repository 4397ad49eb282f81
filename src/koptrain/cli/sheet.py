"""`koptrain sheet`: field workbooks for mentors and cooperatives to fill in (SPEC §11)."""

import typer

from koptrain.i18n import _

app = typer.Typer(
    help=_(
        "Write workbooks for mentors and cooperatives to fill in; `koptrain import` reads "
        "them back."
    )
)
