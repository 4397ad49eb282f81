"""The `koptrain` console script: choose the language, then run the Typer app."""

import gc
import sys


def _lang_from_argv(argv: list[str]) -> str | None:
    """`--lang` must be known before the help texts are built, i.e. before parsing."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _collect_for_the_command() -> None:
    """The store is open: what exists now lives until exit, so it is frozen out of the
    collector's walks, and the collector is on again for the command's own work, with a
    larger first generation: a large import allocates millions of short-lived, acyclic
    objects, and collecting every 700 of them was a fifth of the time of a million-row
    import."""
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    gc.enable()


def main() -> None:
    # This is the one place that tunes the garbage collector. Start-up (Typer, SQLAlchemy,
    # pydantic, the models, opening the store) makes some 100,000 objects that live as long
    # as the process and almost no garbage, yet the collector would walk them all again and
    # again (about 40 ms a command) and several more times at exit (over 100 ms). So it is
    # off until the store is open (common.end_start_up calls _collect_for_the_command), and
    # what is left at exit is frozen so that exiting does not walk it.
    gc.disable()
    try:
        from koptrain.i18n import setup

        setup(_lang_from_argv(sys.argv[1:]))
        from koptrain.cli import common

        common.start_up_hook = _collect_for_the_command
        from koptrain.cli.main import app

        try:
            app(prog_name="koptrain")
        finally:
            _flush_or_quiet()
    finally:
        gc.freeze()


def _flush_or_quiet() -> None:
    """Flush stdout now: a reader that closed the pipe (`| head`) ends the command quietly,
    without Python's "Exception ignored" message at exit."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        from koptrain.cli.common import quiet_closed_pipe

        quiet_closed_pipe()


if __name__ == "__main__":
    main()
