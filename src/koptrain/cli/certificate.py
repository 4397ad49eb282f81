"""`koptrain certificate verify|list`: whose certificate a code is, and what was issued."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from koptrain.cli import common
from koptrain.i18n import _

app = typer.Typer(help=_("Check a certificate's verification code, or list issued certificates."))


def _masked(ctx: typer.Context, rows: list[dict]) -> list[dict]:
    show_nik = common.nik_shower(ctx)
    keys = ("code", "number", "name", "nik", "session", "title", "start", "end", "issued")
    return [{**{k: row[k] for k in keys}, "nik": show_nik(row["nik"])} for row in rows]


@app.command(
    "verify",
    help=_(
        "Whose certificate a verification code is, for which training and when; exit 1 for "
        "a code this office never issued. E.g. `certificate verify ACEFG-HJKMN`."
    ),
)
def verify(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE", help=_("The code on the certificate."))],
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.io.output import emit_object
    from koptrain.services import certificates

    with common.open_store(ctx).session() as db:
        row = _masked(ctx, [certificates.verify(db, code)])[0]
    if fmt == "csv":
        from koptrain.io.output import Column, emit

        emit([row], [Column(k, k) for k in row], fmt=fmt, output=output)
        return
    emit_object(row, fmt=fmt, output=output, render_table=lambda c, _o: _render(c, row))


def _render(console, row: dict) -> None:
    from rich.text import Text

    from koptrain.services.documents.facts import date_span, long_date

    console.print(
        Text(
            _(
                "Certificate {number} of {name} ({nik}) for {title} ({session}), "
                "{days}; issued {issued}."
            ).format(
                number=row["number"],
                name=row["name"],
                nik=row["nik"],
                title=row["title"],
                session=row["session"],
                days=date_span(row["start"], row["end"]),
                issued=long_date(row["issued"]),
            )
        )
    )


@app.command("list", help=_("The certificates issued, by session and number."))
def list_(
    ctx: typer.Context,
    session_code: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--session", metavar="SESSION", help=_("Only this session's certificates.")),
    ] = None,
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.io.output import Column, emit
    from koptrain.services import certificates, refs

    with common.open_store(ctx).session() as db:
        training = refs.training(db, session_code) if session_code else None
        rows = _masked(ctx, certificates.listing(db, training=training))
    emit(
        rows,
        [
            Column("number", _("Number")),
            Column("code", _("Code")),
            Column("name", _("Name")),
            Column("nik", _("NIK")),
            Column("session", _("Session")),
            Column("issued", _("Issued"), "date"),
        ],
        fmt=fmt,
        output=output,
        title=_("Certificates"),
        empty=_("No certificates have been issued yet."),
    )
