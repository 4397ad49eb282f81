"""`koptrain sheet`: field workbooks for mentors and cooperatives to fill in (SPEC §11)."""

import re
from pathlib import Path
from typing import Annotated

import typer

from koptrain.cli import common
from koptrain.i18n import _, ngettext

app = typer.Typer(
    help=_(
        "Write workbooks for mentors and cooperatives to fill in; `koptrain import` reads "
        "them back."
    )
)


@app.command(
    "mentoring",
    help=_(
        "Write the mentoring workbook of each mentor: a sheet per group, a row per member "
        "whose follow-up is open on --on, columns to fill for the contact; `koptrain import "
        "mentoring FILE.xlsx` reads it back. -o FILE.xlsx names the workbook of one mentor; "
        "with several mentors each gets FILE-MENTOR.xlsx; -o FOLDER puts "
        "pendampingan-MENTOR-DATE.xlsx there (default: the current folder)."
    ),
)
def mentoring(
    ctx: typer.Context,
    group: Annotated[str | None, typer.Option("--group", help=_("One group's workbook."))] = None,
    mentor: Annotated[
        str | None, typer.Option("--mentor", help=_("Every group of this mentor."))
    ] = None,
    session: Annotated[
        str | None,
        typer.Option("--session", help=_("Every group following up this session (its rows only).")),
    ] = None,
    on: common.OnOption = None,
    output: common.OutputOption = None,
    force: common.ForceOption = False,
) -> None:
    from koptrain.io import workbooks
    from koptrain.services.documents.pdf import check_target
    from koptrain.services.fieldbooks import mentoring as content
    from koptrain.services.fieldbooks import mentoring_book
    from koptrain.services.outcomes import records

    day = common.parse_on(on)
    with common.open_store(ctx).session() as db:
        groups, training = content.choose_groups(db, group=group, mentor=mentor, session=session)
        books = content.by_mentor(content.group_sheets(db, groups, day, training=training))
        indicators = records.list_indicators(db)
        targets = _targets(output, list(books), day)
        for target in targets.values():  # before the first is written: all or none
            check_target(target, force=force)
        for name, sheets in books.items():
            book = mentoring_book.workbook(name, sheets, day, indicators)
            path = workbooks.save(book, targets[name])
            count, rows = len(sheets), sum(len(s.rows) for s in sheets)
            typer.echo(
                _("Wrote {file}: {groups}, {rows} to follow up ({mentor}).").format(
                    file=path,
                    groups=ngettext("{n} group", "{n} groups", count).format(n=count),
                    rows=ngettext("{n} member", "{n} members", rows).format(n=rows),
                    mentor=name,
                )
            )


def _targets(output: Path | None, mentors: list[str], day) -> dict[str, Path]:
    """Where each mentor's workbook goes (see the command's help)."""
    from koptrain.errors import InvalidInput

    slugs: dict[str, str] = {}
    for name in mentors:
        slug = re.sub(r"\W+", "-", name).strip("-") or "pendamping"
        base, n = slug, 1
        while slug.lower() in (s.lower() for s in slugs.values()):
            n += 1
            slug = f"{base}-{n}"
        slugs[name] = slug
    if output is None or output.is_dir():
        folder = output or Path()
        return {m: folder / f"pendampingan-{s}-{day.isoformat()}.xlsx" for m, s in slugs.items()}
    if output.suffix.lower() != ".xlsx":
        raise InvalidInput(
            _("-o {file}: give a name ending in .xlsx, or a folder.").format(file=output)
        )
    if len(mentors) == 1:
        return {mentors[0]: output}
    return {m: output.with_name(f"{output.stem}-{s}.xlsx") for m, s in slugs.items()}
