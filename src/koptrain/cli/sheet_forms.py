"""`koptrain sheet nominations` and `sheet attendance`: the forms a coop and a training's
committee fill in (SPEC §11); `koptrain import nominations` / `import attendance` read
them back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from koptrain.cli import common
from koptrain.i18n import _

SessionArg = Annotated[str, typer.Argument(metavar="SESSION", help=_("The session's code."))]
XlsxOutput = Annotated[
    Optional[Path],  # noqa: UP045 (Typer reads this annotation at run time)
    typer.Option(
        "-o",
        "--output",
        metavar="FILE.xlsx",
        help=_("The workbook to write (default: named after the form, in this folder)."),
    ),
]


def register(app: typer.Typer) -> None:
    app.command("nominations", help=NOMINATIONS_HELP)(nominations)
    app.command("attendance", help=ATTENDANCE_HELP)(attendance)


NOMINATIONS_HELP = _(
    "The nomination form of a session for a cooperative to fill in: the session, its days, "
    "audience and business rule at the top, a row per person up to the quota (default: the "
    "free seats). Read it back with `koptrain import nominations FILE.xlsx`, e.g. "
    "`sheet nominations PEL-01 --coop 'KSP Maju'`."
)
ATTENDANCE_HELP = _(
    "The attendance grid of a session: a row per seat holder, a column per day, marks H, S, "
    "I, A or ✓ to choose. Read it back with `koptrain import attendance FILE.xlsx`."
)


def nominations(
    ctx: typer.Context,
    session_code: SessionArg,
    coop: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--coop",
            metavar="COOP",
            help=_("The cooperative that nominates (default: it writes its code in the form)."),
        ),
    ] = None,
    quota: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--quota", metavar="N", help=_("How many people it may nominate (default: free seats).")
        ),
    ] = None,
    output: XlsxOutput = None,
    force: common.ForceOption = False,
) -> None:
    from koptrain.io import workbooks
    from koptrain.services import refs
    from koptrain.services.fieldbooks import nominations as forms

    with common.open_store(ctx).session() as db:
        training = refs.training(db, session_code)
        form = forms.form_for(db, training, refs.coop(db, coop) if coop else None, quota)
    name = _("nominations-{code}").format(code=form.code)
    path = common.output_file(
        output, name + (f"-{form.coop_key}" if form.coop_key else ""), ".xlsx", force=force
    )
    workbooks.save(forms.build(form), path)
    typer.echo(
        _("{path}: nomination form for session {code}, {n} rows.").format(
            path=path, code=form.code, n=form.quota
        )
    )


def attendance(
    ctx: typer.Context,
    session_code: SessionArg,
    output: XlsxOutput = None,
    force: common.ForceOption = False,
) -> None:
    from koptrain.io import workbooks
    from koptrain.services import refs
    from koptrain.services.fieldbooks import attendance as grid

    with common.open_store(ctx).session() as db:
        training = refs.training(db, session_code)
        workbook = grid.build(db, training)
        code = training.code
    path = common.output_file(
        output, _("attendance-{code}").format(code=code), ".xlsx", force=force
    )
    workbooks.save(workbook, path)
    typer.echo(_("{path}: attendance grid of session {code}.").format(path=path, code=code))
