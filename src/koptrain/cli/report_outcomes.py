"""`koptrain report outcomes`: did the training work? (SPEC §12) — the command and its
renderers: the screen (a sentence per training, a bar chart, the indicators), CSV, XLSX."""

from pathlib import Path
from typing import Annotated, Any

import typer

from koptrain.cli import common
from koptrain.i18n import _

BAR_WIDTH = 30


def _check_format(value: str) -> str:
    value = value.lower()
    if value not in ("table", "csv", "json", "xlsx"):
        raise typer.BadParameter(_("use table, csv, json or xlsx"))
    return value


def register(report_app: typer.Typer) -> None:
    report_app.command(
        "outcomes",
        help=_(
            "Did the training work? Per session and in total: the participants' evaluation "
            "(means, 1-5), pre- and post-test scores (gain with its 95% interval, normalised "
            "gain), practice by the status of each participant's latest contact, and each "
            "indicator's baseline (latest value on or before the first day) and follow-up "
            "(latest value after the last day, up to --on), split by practice."
        ),
    )(outcomes)


def outcomes(
    ctx: typer.Context,
    program: Annotated[
        str | None, typer.Option("--program", help=_("Only this programme's sessions."))
    ] = None,
    session_code: Annotated[
        str | None, typer.Option("--session", help=_("Only this session."))
    ] = None,
    on: common.OnOption = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", help=_("Output format: table, csv, json or xlsx."), callback=_check_format
        ),
    ] = "table",
    output: common.OutputOption = None,
) -> None:
    from koptrain.errors import InvalidInput
    from koptrain.services import refs
    from koptrain.services.outcomes.report import outcomes as compute

    if fmt == "xlsx" and output is None:
        raise InvalidInput(_("An XLSX report needs a file: give -o FILE.xlsx."))
    day = common.parse_on(on)
    with common.open_store(ctx).session() as session:
        found_program = refs.program(session, program) if program else None
        training = refs.training(session, session_code) if session_code else None
        units = _units(session)
        report = compute(session, day, program=found_program, training=training)
        if fmt == "json":  # every session, streamed as it is worked out
            from koptrain.io.output import destination, write_json

            with destination(output) as out:
                write_json(report, out)
            return
        if fmt != "table":  # the files hold every session
            report["sessions"] = list(report["sessions"])
    if fmt == "xlsx":
        write_xlsx(report, output)
        return
    from koptrain.io.output import destination, write_csv

    with destination(output) as out:
        if fmt == "csv":
            rows = flat_rows(report)
            write_csv(rows, list(rows[0]), out)
        else:
            from koptrain.cli.outcomes_screen import render

            render(report, units, out)


def _units(session) -> dict[str, tuple[str, str | None]]:
    from koptrain.services.outcomes import records

    return {i.code: (i.kind, i.unit) for i in records.list_indicators(session)}


# --------------------------------------------------------------------------- CSV and XLSX


def _flat(prefix: str, values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}_{key}"
        if isinstance(value, dict):
            out.update(_flat(name, value))
        elif key == "gain_ci95":
            low, high = value if value else (None, None)
            out[f"{name}_low"], out[f"{name}_high"] = low, high
        else:
            out[name] = value
    return out


def flat_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per session, then a totals row (code `total`): nested keys joined by `_`
    (scores_gain_mean, practice_no_contact, omzet_by_practice_partly_change, ...)."""
    rows = []
    totals = {"code": "total", "title": None, **report["totals"]}
    for item in [*report["sessions"], totals]:
        row = {
            "code": item["code"],
            "title": item["title"],
            "participants": item["participants"],
            "seats": item.get("seats", item["participants"]),
        }
        for part in ("evaluation", "scores", "practice"):
            row.update(_flat(part, item[part]))
        for code, figures in item["indicators"].items():
            row.update(_flat(code, figures))
        rows.append(row)
    return rows


def write_xlsx(report: dict[str, Any], target: Path) -> None:
    """One sheet per table: sessions (as the CSV), practice, indicators."""
    from openpyxl import Workbook

    from koptrain.io.writers import neutralise
    from koptrain.services.outcomes.words import STATUS_NAMES

    def cell(value):
        return neutralise(value) if isinstance(value, str) else value

    workbook = Workbook(write_only=True)
    rows = flat_rows(report)
    sheet = workbook.create_sheet("sessions")
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append([cell(v) for v in row.values()])
    everything = [*report["sessions"], {"code": "total", **report["totals"]}]
    sheet = workbook.create_sheet("practice")
    sheet.append(["session", *STATUS_NAMES])
    for item in everything:
        sheet.append([cell(item["code"]), *item["practice"].values()])
    sheet = workbook.create_sheet("indicators")
    sheet.append(["session", "indicator", "n", "baseline", "followup", "change", "improved"])
    for item in everything:
        for code, f in item["indicators"].items():
            sheet.append(
                [
                    cell(item["code"]),
                    code,
                    f["n"],
                    f["baseline"],
                    f["followup"],
                    f["change"],
                    f["improved"],
                ]
            )
    workbook.save(target)
