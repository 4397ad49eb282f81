"""One gettext entry point for every user-facing string, and the choice of language."""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "koptrain"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("id", "en")

_translation: gettext.NullTranslations | None = None
_language = "en"


def language_from_environment(explicit: str | None = None) -> str:
    """`--lang`, then KOPTRAIN_LANG, then the locale (id_* is Indonesian), else English."""
    for candidate in (explicit, os.environ.get("KOPTRAIN_LANG")):
        if candidate:
            code = candidate.strip().lower()[:2]
            if code in LANGUAGES:
                return code
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return (
                "id" if value.lower().startswith(("id_", "id.", "in_")) or value == "id" else "en"
            )
    return "en"


def setup(lang: str | None = None) -> str:
    """Install the catalog for `lang` (or the environment's choice) and return its code.

    The default gettext domain is pointed at the same catalog so that the help and
    usage-error texts of Typer and its bundled Click are translated too.
    """
    global _translation, _language
    _language = language_from_environment(lang)
    _translation = gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[_language], fallback=True
    )
    gettext.bindtextdomain(DOMAIN, LOCALE_DIR)
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = _language
    _retranslate_typer_texts()
    return _language


# Typer's help and error panels take these texts through gettext once, when typer.rich_utils
# is first imported; a language chosen after that (a second --lang in one process) renews them.
_TYPER_TEXTS = {
    "DEPRECATED_STRING": "(deprecated) ",
    "DEFAULT_STRING": "[default: {}]",
    "ENVVAR_STRING": "[env var: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}


def _retranslate_typer_texts() -> None:
    import sys

    module = sys.modules.get("typer.rich_utils")
    if module is None or _translation is None:
        return
    for name, message in _TYPER_TEXTS.items():
        if hasattr(module, name):
            setattr(module, name, _translation.gettext(message))


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """Translate `message` into the current language."""
    if _translation is None:
        setup()
    assert _translation is not None
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if _translation is None:
        setup()
    assert _translation is not None
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it yet."""
    return message


# What the operating system says about a file, in the interface language (its own words are
# English whatever the locale: strerror comes from the C library).
_OS_REASONS = {
    "ENOENT": N_("No such file or directory"),
    "EACCES": N_("Permission denied"),
    "EPERM": N_("Operation not permitted"),
    "EISDIR": N_("Is a directory"),
    "ENOTDIR": N_("Not a directory"),
    "EEXIST": N_("File exists"),
    "ENOSPC": N_("No space left on device"),
    "EROFS": N_("Read-only file system"),
    "ENAMETOOLONG": N_("File name too long"),
    "EBUSY": N_("Device or resource busy"),
    "ELOOP": N_("Too many levels of symbolic links"),
    "EINVAL": N_("Invalid argument"),
    "EIO": N_("Input/output error"),
}


def os_reason(error: OSError) -> str:
    """Why a file could not be used (`No such file or directory`), in the interface language."""
    import errno

    name = errno.errorcode.get(error.errno or 0, "")
    if name in _OS_REASONS:
        return _(_OS_REASONS[name])
    return error.strerror or str(error)
