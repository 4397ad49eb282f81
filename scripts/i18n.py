"""Keep the message catalogs in step with the code: extract, update and compile.

    python scripts/i18n.py            # extract messages, update id/en catalogs, compile .mo
    python scripts/i18n.py --check    # exit 1 if any message lacks an Indonesian translation

Needs Babel (in the `test` extra). English msgstrs are left empty: gettext then shows the
msgid itself, which is the English text.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "koptrain"
LOCALE = PACKAGE / "locale"
DOMAIN = "koptrain"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
# Texts Typer itself passes to gettext (typer/rich_utils.py, typer/core.py), translated through
# the same catalog (see i18n.setup). Click's hard-coded texts are in koptrain/cli/framework_i18n.py.
FRAMEWORK = [
    "Arguments",
    "Options",
    "Commands",
    "Error",
    "Aborted.",
    "Aborted!",
    "Try [blue]'{command_path} {help_option}'[/] for help.",
    "[default: {}]",
    "[required]",
    "[env var: {}]",
    "(deprecated) ",
    "(dynamic)",
    "default: {default}",
    "required",
    "env var: {var}",
    "Missing command.",
    "No such command {name!r}.",
]


def extract() -> Catalog:
    catalog = Catalog(project="koptrain", domain=DOMAIN, charset="utf-8")
    for filename, lineno, message, comments, _context in extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("i18n:",)
    ):
        catalog.add(
            message, locations=[(f"src/koptrain/{filename}", lineno)], auto_comments=comments
        )
    for message in FRAMEWORK:
        catalog.add(message, locations=[("typer", 0)])
    return catalog


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, project="koptrain", charset="utf-8")
    with path.open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


def compile_catalog(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def untranslated(catalog: Catalog, template: Catalog) -> list[str]:
    missing = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id)
        strings = translated.string if translated is not None else ""
        complete = all(strings) if isinstance(strings, tuple) else bool(strings)
        if translated is None or not complete or translated.fuzzy:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def update() -> None:
    template = extract()
    LOCALE.mkdir(parents=True, exist_ok=True)
    with (LOCALE / f"{DOMAIN}.pot").open("wb") as f:
        write_po(f, template, omit_header=True, sort_output=True, width=100, include_lineno=False)
    for lang in ("id", "en"):
        catalog = load(lang)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(
                f,
                catalog,
                omit_header=True,
                sort_output=True,
                width=100,
                include_previous=False,
                include_lineno=False,
            )
        path.with_suffix(".mo").write_bytes(compile_catalog(catalog))
    missing = untranslated(load("id"), template)
    print(f"{len(template)} messages; {len(missing)} without an Indonesian translation")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.check:
        missing = untranslated(load("id"), extract())
        for message in missing:
            print(f"untranslated: {message!r}")
        return 1 if missing else 0
    update()
    return 0


if __name__ == "__main__":
    sys.exit(main())
