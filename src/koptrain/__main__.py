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


def main() -> None:
    # Start-up (Typer, SQLAlchemy, pydantic, the models, opening the store) makes some
    # 100,000 objects that live as long as the process and almost no garbage, yet the
    # collector would walk them all again and again (about 40 ms a command) and several
    # more times at exit (over 100 ms). So it is off until the store is open
    # (common.end_start_up freezes what exists and turns it back on for the command's
    # work), and what is left at exit is frozen so that exiting does not walk it.
    gc.disable()
    try:
        from koptrain.i18n import setup

        setup(_lang_from_argv(sys.argv[1:]))
        from koptrain.cli import common

        common.gc_held_for_start_up = True
        from koptrain.cli.main import app

        app(prog_name="koptrain")
    finally:
        gc.freeze()


if __name__ == "__main__":
    main()
