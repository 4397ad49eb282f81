"""`koptrain coop add|list|show|health|eligibility`: the register of cooperatives."""

from typing import Annotated

import typer

from koptrain.cli import common
from koptrain.i18n import _, current_language

app = typer.Typer(help=_("Register cooperatives, their health ratings, and judge eligibility."))

CoopArgument = Annotated[
    str,
    typer.Argument(
        metavar="COOP",
        help=_("NIK Koperasi, legal number, number from `coop list`, or start of the name."),
    ),
]


def _text(flag: str, metavar: str, text: str):
    """An optional text option: `add` and `edit` share one definition of each field."""
    return Annotated[str | None, typer.Option(flag, metavar=metavar, help=text)]


NameOption = _text("--name", "NAME", _("The cooperative's name."))
NikOption = _text("--nik", "N", _("NIK Koperasi (national cooperative number)."))
LegalNumberOption = _text("--legal-number", "X", _("Legal number (nomor badan hukum)."))
TypeOption = _text(
    "--type", "T", _("simpan_pinjam, konsumen, produsen, pemasaran, jasa or serba_usaha.")
)
LevelOption = _text("--level", "LEVEL", _("primer (default) or sekunder."))
KecamatanOption = _text("--kecamatan", "TEXT", _("Kecamatan."))
KelurahanOption = _text("--kelurahan", "TEXT", _("Kelurahan."))
FiscalYearEndOption = _text(
    "--fiscal-year-end", "MM-DD", _("Day the books close, MM-DD (default 12-31).")
)
MembersOption = _text("--members", "N", _("Number of members."))


@app.command("add", help=_("Register a cooperative (it needs --nik or --legal-number)."))
def add(
    ctx: typer.Context,
    name: NameOption,
    nik: NikOption = None,
    legal_number: LegalNumberOption = None,
    type_: TypeOption = None,
    level: LevelOption = None,
    kecamatan: KecamatanOption = None,
    kelurahan: KelurahanOption = None,
    fiscal_year_end: FiscalYearEndOption = None,
    members: MembersOption = None,
) -> None:
    from koptrain.services import registry

    with common.open_store(ctx, write=True).session() as db:
        coop = registry.add_coop(
            db,
            name=name,
            nik=nik,
            legal_number=legal_number,
            type=type_,
            level=level,
            kecamatan=kecamatan,
            kelurahan=kelurahan,
            fiscal_year_end=fiscal_year_end,
            members=members,
        )
        number, label = coop.id, coop.name
    typer.echo(_("Added cooperative {number}: {name}.").format(number=number, name=label))


def _columns():
    from koptrain.io.output import Column

    return [
        Column("id", _("No."), "int"),
        Column("nik", _("NIK Koperasi")),
        Column("legal_number", _("Legal number")),
        Column("name", _("Name")),
        Column("type", _("Type")),
        Column("level", _("Level")),
        Column("kecamatan", _("Kecamatan")),
        Column("kelurahan", _("Kelurahan")),
        Column("fiscal_year_end", _("Books close")),
        Column("members", _("Members"), "int"),
    ]


@app.command("list", help=_("List the cooperatives, or only those eligible on a date."))
def list_(
    ctx: typer.Context,
    eligible_on: Annotated[
        str | None,
        typer.Option(
            "--eligible-on",
            metavar="DATE",
            help=_("Show only the cooperatives eligible on this date."),
        ),
    ] = None,
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.io.output import emit
    from koptrain.parsing import format_date, parse_date
    from koptrain.services import registry

    on = parse_date(eligible_on, what="--eligible-on") if eligible_on else None
    with common.open_store(ctx).session() as db:
        rows = registry.coop_rows(db, eligible_on=on)
    if on is None:
        title, empty = _("Cooperatives"), _("No cooperatives registered.")
    else:
        day = format_date(on, current_language())
        title = _("Cooperatives eligible on {date}").format(date=day)
        empty = _("No cooperative is eligible on {date}.").format(date=day)
    emit(rows, _columns(), fmt=fmt, output=output, title=title, empty=empty)


def _print_verdict(con, verdict: dict, reasons) -> None:
    """The verdict as a person reads it: a headline, then each reason marked ✓ or ✗."""
    from koptrain.io.output import display_value, screen_dates
    from koptrain.io.tables import safe, wrap

    if verdict["eligible"]:
        headline = _("{coop} is ELIGIBLE on {date}.")
    else:
        headline = _("{coop} is NOT ELIGIBLE on {date}.")
    day = display_value(verdict["on"], "date", current_language())
    con.print(safe(headline.format(coop=verdict["coop"], date=day)))
    for reason in reasons:
        lines = wrap(safe(screen_dates(reason.text())), con.width - 4)
        con.print(("  ✓ " if reason.ok else "  ✗ ") + "\n    ".join(lines))


@app.command(
    "eligibility",
    help=_("Say whether a cooperative is eligible on a date, and why (exit 0 either way)."),
)
def eligibility_(
    ctx: typer.Context,
    coop: CoopArgument,
    on: common.OnOption = None,
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.io.output import emit_object
    from koptrain.services import eligibility, refs

    day = common.parse_on(on)
    with common.open_store(ctx).session() as db:
        verdict = eligibility.verdict(db, refs.coop(db, coop), day)
        data, reasons = verdict.as_json(), verdict.reasons
    if fmt == "csv":  # one row; the reasons joined into one cell
        from koptrain.io.output import Column, emit

        keys = ["coop", "coop_nik", "on", "eligible", "reasons"]
        row = {**data, "reasons": " ".join(data["reasons"])}
        emit([row], [Column(k, k) for k in keys], fmt=fmt, output=output)
        return
    emit_object(
        data,
        fmt=fmt,
        output=output,
        render_table=lambda con, _out: _print_verdict(con, data, reasons),
    )


@app.command("show", help=_("Show a cooperative: details, RATs, health ratings, eligibility."))
def show(
    ctx: typer.Context,
    coop: CoopArgument,
    on: common.OnOption = None,
    fmt: common.FormatOption = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.io.output import emit_object
    from koptrain.services import refs, registry

    day = common.parse_on(on)
    with common.open_store(ctx).session() as db:
        report, verdict = registry.coop_report(db, refs.coop(db, coop), on=day)
        reasons = verdict.reasons
    if fmt == "csv":
        fmt = "json"  # one nested object: CSV cannot hold it, JSON can
    emit_object(
        report,
        fmt=fmt,
        output=output,
        render_table=lambda con, _out: _render_coop(con, report, reasons),
    )


def _render_coop(con, report: dict, reasons) -> None:
    from koptrain.io.output import Column, display_value, rich_table
    from koptrain.io.tables import pairs

    lang = current_language()
    details = [(c.label, c.show(report[c.key], lang)) for c in _columns()]
    con.print(pairs([*details, (_("People"), display_value(report["people"], "int", lang))]))
    con.print()
    con.print(
        rich_table(
            report["rats"],
            [
                Column("fiscal_year", _("Fiscal year")),
                Column("deadline", _("Deadline"), "date"),
                Column("held_on", _("Held"), "date"),
                Column("reported_on", _("Reported"), "date"),
                Column("report_deadline", _("Report due"), "date"),
                Column("attendees", _("Attendees"), "int"),
                Column("status", _("Status"), kind="status"),
            ],
            title=_("RAT"),
        )
    )
    if report["health"]:
        con.print(
            rich_table(
                report["health"],
                [
                    Column("year", _("Year")),
                    Column("rating", _("Rating")),
                    Column("score", _("Score"), "float"),
                    Column("assessed_on", _("Assessed"), "date"),
                    Column("counts_from", _("Counts from"), "date"),
                ],
                title=_("Health ratings"),
            )
        )
    else:
        con.print(_("No health rating recorded."))
    con.print()
    _print_verdict(con, report["eligibility"], reasons)


@app.command(
    "health",
    help=_("Record a year's health rating (a year already rated is corrected)."),
)
def health(
    ctx: typer.Context,
    coop: CoopArgument,
    year: Annotated[str, typer.Option("--year", metavar="Y", help=_("The year rated."))],
    rating: Annotated[
        str | None,
        typer.Option(
            "--rating",
            metavar="R",
            help=_(
                "sehat, cukup_sehat, dalam_pengawasan, dalam_pengawasan_khusus, kurang_sehat "
                "or tidak_sehat."
            ),
        ),
    ] = None,
    score: Annotated[
        str | None, typer.Option("--score", metavar="S", help=_("The score, 0-100."))
    ] = None,
    assessed_on: Annotated[
        str | None,
        typer.Option(
            "--assessed-on",
            metavar="DATE",
            help=_("Date of the assessment (without it the rating counts from 31 December)."),
        ),
    ] = None,
    delete: Annotated[
        bool, typer.Option("--delete", help=_("Delete the rating recorded for --year."))
    ] = False,
) -> None:
    from koptrain.errors import InvalidInput
    from koptrain.services import refs, registry

    if delete:
        _delete_health(ctx, coop, year)
        return
    if rating is None:
        raise InvalidInput(_("Give the rating with --rating (or --delete to remove it)."))
    with common.open_store(ctx, write=True).session() as db:
        target = refs.coop(db, coop)
        row, outcome = registry.record_health(
            db, target, year=year, rating=rating, score=score, assessed_on=assessed_on
        )
        values = {"coop": target.name, "year": row.year, "rating": row.rating}
    messages = {
        registry.ADDED: _("Health rating {year} of {coop} recorded: {rating}."),
        registry.UPDATED: _("Health rating {year} of {coop} updated: {rating}."),
        registry.UNCHANGED: _("Health rating {year} of {coop} unchanged: {rating}."),
    }
    typer.echo(messages[outcome].format(**values))


def _delete_health(ctx: typer.Context, coop: str, year: str) -> None:
    from koptrain.services import corrections, refs

    with common.open_store(ctx, write=True).session() as db:
        target = refs.coop(db, coop)
        corrections.delete_health(db, target, year)
        name = target.name
    typer.echo(_("Health rating {year} of {coop} deleted.").format(year=year, coop=name))


@app.command("edit", help=_("Correct a cooperative: only the options given change."))
def edit(
    ctx: typer.Context,
    coop: CoopArgument,
    name: NameOption = None,
    nik: NikOption = None,
    legal_number: LegalNumberOption = None,
    type_: TypeOption = None,
    level: LevelOption = None,
    kecamatan: KecamatanOption = None,
    kelurahan: KelurahanOption = None,
    fiscal_year_end: FiscalYearEndOption = None,
    members: MembersOption = None,
) -> None:
    """Correct a cooperative; an empty value ("") clears an optional field."""
    from koptrain.cli.changes import say_changes
    from koptrain.services import corrections, refs

    with common.open_store(ctx, write=True).session() as db:
        target = refs.coop(db, coop)
        changed = corrections.edit_coop(
            db,
            target,
            name=name,
            nik=nik,
            legal_number=legal_number,
            type=type_,
            level=level,
            kecamatan=kecamatan,
            kelurahan=kelurahan,
            fiscal_year_end=fiscal_year_end,
            members=members,
        )
        label = target.name
    say_changes(label, changed, "coop")


@app.command("delete", help=_("Delete a cooperative that nothing refers to."))
def delete(ctx: typer.Context, coop: CoopArgument) -> None:
    from koptrain.services import corrections, refs

    with common.open_store(ctx, write=True).session() as db:
        target = refs.coop(db, coop)
        name = target.name
        corrections.delete_coop(db, target)
    typer.echo(_("Deleted cooperative {name}.").format(name=name))
