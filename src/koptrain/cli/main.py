"""The root `koptrain` app: global options, and one command group per module."""

from typing import Annotated, Optional

import typer

from koptrain import __version__
from koptrain.cli import baseline as baseline_cli
from koptrain.cli import certificate as certificate_cli
from koptrain.cli import common
from koptrain.cli import coop as coop_cli
from koptrain.cli import db as db_cli
from koptrain.cli import demo as demo_cli
from koptrain.cli import enroll as enroll_cli
from koptrain.cli import group as group_cli
from koptrain.cli import indicator as indicator_cli
from koptrain.cli import log as log_cli
from koptrain.cli import mentor as mentor_cli
from koptrain.cli import person as person_cli
from koptrain.cli import policy as policy_cli
from koptrain.cli import printing as printing_cli
from koptrain.cli import program as program_cli
from koptrain.cli import rat as rat_cli
from koptrain.cli import report as report_cli
from koptrain.cli import report_outcomes as report_outcomes_cli
from koptrain.cli import score as score_cli
from koptrain.cli import session as session_cli
from koptrain.cli import sheet as sheet_cli
from koptrain.cli import sheet_forms as sheet_forms_cli
from koptrain.cli import transfer as transfer_cli
from koptrain.cli import undo as undo_cli
from koptrain.i18n import _

app = typer.Typer(
    name="koptrain",
    cls=common.KoptrainGroup,
    help=_(
        "Run training programmes for cooperatives: eligibility, enrollment, attendance, "
        "mentoring and reports."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)

app.add_typer(coop_cli.app, name="coop")
app.add_typer(rat_cli.app, name="rat")
app.add_typer(person_cli.app, name="person")
app.add_typer(program_cli.app, name="program")
app.add_typer(session_cli.app, name="session")
enroll_cli.register(app)
app.add_typer(group_cli.app, name="group")
app.add_typer(mentor_cli.app, name="mentor")
app.add_typer(report_cli.app, name="report")
app.add_typer(policy_cli.app, name="policy")
app.add_typer(db_cli.app, name="db")
log_cli.register(app)
transfer_cli.register(app)
demo_cli.register(app)
app.add_typer(printing_cli.app, name="print")
app.add_typer(certificate_cli.app, name="certificate")
app.add_typer(score_cli.app, name="score")
app.add_typer(baseline_cli.app, name="baseline")
app.add_typer(indicator_cli.app, name="indicator")
report_outcomes_cli.register(report_cli.app)
undo_cli.register(app)
app.add_typer(sheet_cli.app, name="sheet")
sheet_forms_cli.register(sheet_cli.app)


def _arrange_help_panels() -> None:
    """Group the commands in `--help` by the staff member's tasks, in the order of a day."""
    panels = {
        _("Cooperatives and people"): ("coop", "rat", "person"),
        _("Trainings"): ("program", "session", "enroll", "withdraw", "attend"),
        _("Mentoring"): ("group", "mentor", "sheet"),
        _("Outcomes"): ("score", "baseline", "indicator"),
        _("Reports"): ("report",),
        _("Documents"): ("print", "certificate"),
        _("Data and administration"): ("import", "export", "demo", "policy", "db", "log", "undo"),
    }
    panel_of = {name: panel for panel, names in panels.items() for name in names}
    order = [name for names in panels.values() for name in names]
    for infos in (app.registered_commands, app.registered_groups):
        for info in infos:
            info.rich_help_panel = panel_of[info.name]
    common.KoptrainGroup.command_order = tuple(order)


_arrange_help_panels()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"koptrain {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--db",
            help=_("Database file or URL (default: $KOPTRAIN_DB, else the user data directory)."),
        ),
    ] = None,
    lang: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--lang", help=_("Language of the interface: id or en.")),
    ] = None,
    reveal_nik: Annotated[
        bool,
        typer.Option("--reveal-nik", help=_("Show full NIKs (recorded in the audit trail).")),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help=_("Show the version and exit.")
        ),
    ] = False,
) -> None:
    from koptrain.i18n import current_language, setup

    if lang and lang.lower()[:2] not in ("id", "en"):
        raise typer.BadParameter(_("use id or en"), param_hint="--lang")
    if lang and lang.lower()[:2] != current_language():
        setup(lang)
    state = common.app_context(ctx)
    state.db = db
    state.reveal_nik = reveal_nik
