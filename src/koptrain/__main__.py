"""The `koptrain` console script: choose the language, then run the Typer app."""

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
    from koptrain.i18n import setup

    setup(_lang_from_argv(sys.argv[1:]))
    from koptrain.cli.main import app

    app(prog_name="koptrain")


if __name__ == "__main__":
    main()
