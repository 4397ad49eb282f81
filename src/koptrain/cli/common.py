"""What every command shares: the options, the opened store, errors turned into exit statuses."""

import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from koptrain.cli import framework_i18n
from koptrain.errors import KoptrainError
from koptrain.i18n import _

framework_i18n.install()  # Typer's own help and usage-error texts in the chosen language

# Set by the console script (koptrain.__main__) to end its start-up once a command's store
# is open; never set when the app is called in-process (tests).
start_up_hook: Callable[[], None] | None = None

_CLICK_EXCEPTION = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


@dataclass
class AppContext:
    db: str | None = None
    reveal_nik: bool = False
    reveal_recorded: bool = False
    shows_niks: bool = False
    argv: tuple[str, ...] = ()

    @property
    def command_line(self) -> str:
        return "koptrain " + shlex.join(self.argv)


MESSAGE_LIMIT = 500  # no sentence koptrain prints is longer (SPEC §13)


def one_line(message: str, limit: int = MESSAGE_LIMIT) -> str:
    """A message as printed: at most `limit` characters, a long one shortened with …"""
    return message if len(message) <= limit else message[: limit - 1] + "…"


def fail(error: KoptrainError) -> typer.Exit:
    from koptrain.io.output import screen_dates
    from koptrain.io.tables import safe

    # what the user typed may come back in the sentence: shown, never sent to the terminal
    typer.echo(one_line(f"koptrain: {safe(screen_dates(str(error)))}"), err=True)
    return typer.Exit(error.exit_code)


class ErrorPrinter:
    """An import's row errors on stderr: the first ERROR_LINES, then one line saying how many
    more there are (a file of a million bad rows must not flood the terminal or a cron mail;
    --rejects gets them all)."""

    ERROR_LINES = 100

    def __init__(self) -> None:
        self.count = 0

    def add(self, line: str) -> None:
        self.count += 1
        if self.count <= self.ERROR_LINES:
            typer.echo(one_line(line), err=True)

    def finish(self, *, rejects_file=None) -> None:
        more = self.count - self.ERROR_LINES
        if more <= 0:
            return
        if rejects_file is not None:
            message = _("… and {n} more errors, all written to {file}.").format(
                n=more, file=rejects_file
            )
        else:
            message = _("… and {n} more errors (--rejects FILE writes them all).").format(n=more)
        typer.echo(one_line("koptrain: " + message), err=True)


def _not_text(args) -> KoptrainError | None:
    """An argument holding bytes that are not UTF-8 (Python keeps them as surrogates)."""
    from koptrain.errors import InvalidInput
    from koptrain.parsing import shown

    for arg in args:
        try:
            str(arg).encode("utf-8")
        except UnicodeEncodeError:
            return InvalidInput(
                _("The argument '{value}' holds bytes that are not text (not UTF-8).").format(
                    value=shown(
                        str(arg)
                        .encode("utf-8", "surrogateescape")
                        .decode("ascii", "backslashreplace")
                    )
                )
            )
    return None


def quiet_closed_pipe() -> None:
    """The reader closed the pipe (`| head`): whatever is still buffered goes nowhere,
    so Python's flush at exit cannot fail with a message (the idiom of Python's docs)."""
    import os
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout without a file descriptor (in-process runs)
        pass


class KoptrainGroup(TyperGroup):
    """The root group: the single place where errors become one sentence and an exit status."""

    command_order: tuple[str, ...] = ()  # the order of `--help`, set by cli/main.py

    def list_commands(self, ctx):
        names = super().list_commands(ctx)
        rank = {name: i for i, name in enumerate(self.command_order)}
        return sorted(names, key=lambda name: rank.get(name, len(rank)))

    def parse_args(self, ctx, args):
        ctx.meta["koptrain.argv"] = tuple(args)
        if (error := _not_text(args)) is not None:
            raise fail(error)
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KoptrainError as error:
            raise fail(error) from None
        except (typer.Exit, typer.Abort, _CLICK_EXCEPTION):
            raise
        except BrokenPipeError:  # the reader has all it wanted: end quietly
            quiet_closed_pipe()
            raise typer.Exit(0) from None
        except Exception as error:  # never a traceback for the user
            from koptrain.errors import DatabaseError

            try:
                from sqlalchemy import exc

                if isinstance(error, exc.SQLAlchemyError):
                    from koptrain.db import _database_message, resolve_url

                    url = resolve_url(app_context(ctx).db)
                    raise fail(DatabaseError(_database_message(url, error))) from None
            except ImportError:  # pragma: no cover
                pass
            typer.echo(
                one_line(
                    "koptrain: "
                    + _("unexpected error: {error}").format(
                        error=f"{type(error).__name__}: {error}"
                    )
                ),
                err=True,
            )
            raise typer.Exit(3) from None


def app_context(ctx: typer.Context) -> AppContext:
    root = ctx.find_root()
    if not isinstance(root.obj, AppContext):
        root.obj = AppContext(argv=root.meta.get("koptrain.argv", ()))
    return root.obj


def open_store(ctx: typer.Context, *, write: bool = False, announce: bool = True):
    """The database of this command, up to date, with the command line kept for the audit.
    A database made by a writing command is announced on stderr (`announce=False` for the
    demo, whose whole point is a new database)."""
    from koptrain.db import Store, resolve_url

    app = app_context(ctx)
    # only a command that shows NIKs (it asked for nik_shower) reveals anything
    reveal = app.reveal_nik and app.shows_niks and not app.reveal_recorded
    store = Store(resolve_url(app.db), write=write or reveal, create=write)
    if store.created and announce:
        typer.echo(
            "koptrain: "
            + _("created a new database at {path}.").format(
                path=store.url.removeprefix("sqlite:///")
            ),
            err=True,
        )
    store.command = app.command_line
    ctx.call_on_close(store.close)
    end_start_up()
    if reveal:
        # --reveal-nik shows personal data: the audit trail says who asked, committed with the
        # command's transaction, which ends before anything is shown; when it cannot be
        # written the command fails (exit 3) and shows nothing.
        from koptrain.services import audit

        store.owed.append(audit.record_reveal)
        app.reveal_recorded = True
    return store


def end_start_up() -> None:
    """The command's modules are imported and its store is open: the entry point's hook
    (if any) runs once, now."""
    global start_up_hook
    hook, start_up_hook = start_up_hook, None
    if hook is not None:
        hook()


def nik_shower(ctx: typer.Context) -> Callable[[str | None], str]:
    """Masked NIKs unless --reveal-nik, which open_store then records in the audit trail:
    call it before open_store."""
    from koptrain.parsing import mask_nik

    app = app_context(ctx)
    app.shows_niks = True  # asked before the store is opened, which records a reveal
    if app.reveal_nik:
        return lambda nik: nik or ""
    return mask_nik


def check_format(value: str) -> str:
    value = value.lower()
    if value not in ("table", "csv", "json", "xlsx"):
        raise typer.BadParameter(_("use table, csv, json or xlsx (with -o FILE)"))
    return value


FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        help=_("Output format: table, csv, json or xlsx (with -o FILE)."),
        callback=check_format,
    ),
]
OutputOption = Annotated[
    Optional[Path],  # noqa: UP045 (Typer reads this annotation at run time)
    typer.Option("-o", "--output", help=_("Write the output to this file instead of the screen.")),
]
OnOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--on", help=_("The date to judge on (default: today).")),
]


def parse_on(value: str | None):
    """--on/--as-of: a date in any accepted form, default today."""
    import datetime as dt

    from koptrain.parsing import parse_date

    return parse_date(value, what="--on") if value else dt.date.today()


ForceOption = Annotated[
    bool, typer.Option("--force", help=_("Replace the output file if it already exists."))
]


def output_file(output: Path | None, default_name: str, suffix: str, *, force: bool) -> Path:
    """Where a document or workbook goes: -o as given, else `default_name` + `suffix` in
    this folder. Checked before any work: an existing file stays unless --force (a
    returned workbook may carry the name it went out with)."""
    from koptrain.services.documents.pdf import check_target

    path = output or Path.cwd() / (default_name.replace("/", "-").replace("\\", "-") + suffix)
    check_target(path, force=force)
    return path
