"""`koptrain print`: the documents of SPEC §10 as A4 PDF files ready to print."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from koptrain.cli import common
from koptrain.i18n import _

app = typer.Typer(
    help=_("Print documents as A4 PDF files: sign-in sheets, certificates, the programme report.")
)

SessionArg = Annotated[str, typer.Argument(metavar="SESSION", help=_("The session's code."))]
ForceOption = common.ForceOption
PdfOutputOption = Annotated[
    Optional[Path],  # noqa: UP045 (Typer reads this annotation at run time)
    typer.Option(
        "-o",
        "--output",
        metavar="FILE",
        help=_("The PDF file to write (default: named after the document, in this folder)."),
    ),
]


def _written(path: Path, pages: int) -> None:
    from koptrain.i18n import ngettext

    typer.echo(ngettext("{path}: {n} page", "{path}: {n} pages", pages).format(path=path, n=pages))


@app.command(
    "sign-in",
    help=_(
        "The sign-in sheet (daftar hadir) of a session: a sheet for each day (or for --day), "
        "its seat holders in seat order with a signature box each, e.g. "
        "`print sign-in PEL-01 --day 2020-06-16`."
    ),
)
def sign_in(
    ctx: typer.Context,
    session_code: SessionArg,
    day: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--day", metavar="DATE", help=_("Only this day of the session.")),
    ] = None,
    output: PdfOutputOption = None,
    force: ForceOption = False,
) -> None:
    from koptrain.parsing import parse_date
    from koptrain.services import refs
    from koptrain.services.documents import signin
    from koptrain.services.documents.pdf import save

    when = parse_date(day, what="--day") if day else None
    suffix = f"-{when.isoformat()}" if when else ""
    path = common.output_file(
        output, _("sign-in-{code}").format(code=session_code) + suffix, ".pdf", force=force
    )
    with common.open_store(ctx).session() as db:
        document = signin.build(db, refs.training(db, session_code), day=when)
    save(document, path, force=force)
    _written(path, document.pages_count)


@app.command(
    "certificates",
    help=_(
        "Certificates of a session's seat holders who completed it (or of the PERSONs "
        "named), one landscape page each. Numbers and verification codes are given at the "
        "first print and stay the same on every reprint."
    ),
)
def certificates(
    ctx: typer.Context,
    session_code: SessionArg,
    people: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Argument(
            metavar="[PERSON]...", help=_("Only these people: NIK or number from person list.")
        ),
    ] = None,
    output: PdfOutputOption = None,
    force: ForceOption = False,
) -> None:
    import datetime as dt

    from koptrain.io.output import warn
    from koptrain.services import certificates as service
    from koptrain.services import refs
    from koptrain.services.documents import certificate
    from koptrain.services.documents.facts import office
    from koptrain.services.documents.pdf import save

    path = common.output_file(
        output, _("certificates-{code}").format(code=session_code), ".pdf", force=force
    )
    show_nik = common.nik_shower(ctx)
    store = common.open_store(ctx, write=True)
    with store.session() as db:
        training = refs.training(db, session_code)
        chosen = [refs.person(db, ref) for ref in people or ()]
        issued = service.issue(db, training, chosen, today=dt.date.today())
        document = certificate.build(office(db), issued.certificates)
        save(document, path, force=force)  # inside the transaction: no numbers without a file
    for person in issued.left_out:
        warn(_left_out(person, show_nik))
    _written(path, document.pages_count)


def _left_out(person: dict, show_nik) -> str:
    from koptrain.io.output import status_label

    who = f"{person['name']} ({show_nik(person['nik'])})"
    if person["status"] is None:
        return _("{who} holds no seat in this session: no certificate.").format(who=who)
    return _("{who} is {status}: no certificate.").format(
        who=who, status=status_label(person["status"])
    )


@app.command(
    "summary",
    help=_(
        "The programme report for the mayor's office: the figures of `report summary`, a "
        "chart of each session's seats, attendance and completion, participants by role, "
        "gender and kecamatan, and mentoring."
    ),
)
def summary(
    ctx: typer.Context,
    program: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--program", metavar="PROGRAM", help=_("Only this programme's sessions.")),
    ] = None,
    on: common.OnOption = None,
    output: PdfOutputOption = None,
    force: ForceOption = False,
) -> None:
    from koptrain.services import refs, reports
    from koptrain.services.documents import summary as summary_document
    from koptrain.services.documents.facts import office
    from koptrain.services.documents.pdf import save
    from koptrain.services.outcomes import records
    from koptrain.services.outcomes import report as outcome_report

    day = common.parse_on(on)
    name = _("report-{program}").format(program=program) if program else _("report")
    path = common.output_file(output, name, ".pdf", force=force)
    with common.open_store(ctx).session() as db:
        scope = refs.program(db, program) if program else None
        figures = reports.summary(db, program=scope, on=day)
        outcomes = outcome_report.outcomes(db, day, program=scope)
        units = {i.code: (i.kind, i.unit) for i in records.list_indicators(db)}
        document = summary_document.build(office(db), figures, outcomes, units)
    save(document, path, force=force)
    _written(path, document.pages_count)
