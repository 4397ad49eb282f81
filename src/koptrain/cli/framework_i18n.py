"""Typer's own help and usage-error texts in the interface language.

Why this module exists: Typer >= 0.26 bundles Click as `typer._click`, and that copy has its
help and usage-error texts ("Usage: ", "[OPTIONS]", "Show this message and exit.",
"Missing option", "No such option", "Invalid value for", "Got unexpected extra argument(s)",
type metavars such as <str>) hard-coded in English, not behind gettext. (Typer's own panel
titles do use gettext; i18n.setup() points the default domain at our catalog for those.)
`install()` wraps the few places that produce these texts so that they go through our `_()`
when they are rendered — so the language chosen with --lang, which may change after import,
is honoured. It is idempotent, patches nothing else, and English output is unchanged
because the English catalog shows each msgid as is.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from koptrain.i18n import N_, _

USAGE_PREFIX = N_("Usage: ")
OPTIONS_METAVAR = N_("[OPTIONS]")
COMMAND_METAVAR = N_("COMMAND [ARGS]...")
HELP_OPTION_HELP = N_("Show this message and exit.")

# Type metavars Typer shows in the options panel for options without a metavar of their own.
TYPE_NAMES = {
    "<str>": N_("<text>"),
    "<int>": N_("<integer>"),
    "<float>": N_("<number>"),
    "<path>": N_("<path>"),
    "<file>": N_("<file>"),
    "<bool>": N_("<yes/no>"),
}

# Usage errors as Click words them, and the message each becomes. Each group is kept as is.
_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Missing option (?P<name>.+)\.$"), N_("Missing option {name}.")),
    (re.compile(r"^Missing argument (?P<name>.+)\.$"), N_("Missing argument {name}.")),
    (re.compile(r"^Missing parameter (?P<name>.+)\.$"), N_("Missing parameter {name}.")),
    (
        re.compile(r"^No such option: (?P<name>\S+) \(Possible options: (?P<options>.*)\)$"),
        N_("No such option: {name} (possible options: {options})"),
    ),
    (re.compile(r"^No such option: (?P<name>\S+)$"), N_("No such option: {name}")),
    (
        re.compile(r"^Invalid value for (?P<name>.+?): (?P<message>.*)$", re.S),
        N_("Invalid value for {name}: {message}"),
    ),
    (re.compile(r"^Invalid value: (?P<message>.*)$", re.S), N_("Invalid value: {message}")),
    (
        re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)$", re.S),
        N_("Got unexpected extra argument(s) ({args})"),
    ),
    (
        re.compile(r"^Option (?P<name>.+) requires an argument\.$"),
        N_("Option {name} requires an argument."),
    ),
    (
        re.compile(r"^Option (?P<name>.+) requires (?P<n>\d+) arguments\.$"),
        N_("Option {name} requires {n} arguments."),
    ),
    (
        re.compile(r"^Option (?P<name>.+) does not take a value\.$"),
        N_("Option {name} does not take a value."),
    ),
    (
        re.compile(r"^Argument (?P<name>.+) takes (?P<n>\d+) values\.$"),
        N_("Argument {name} takes {n} values."),
    ),
    (
        re.compile(r"^Value (?P<value>.+) is not a valid (?P<type>\w+)\.$"),
        N_("Value {value} is not a valid {type}."),
    ),
]

# What Typer's value checks (Pydantic) say about a bad value, after "Invalid value for X: ".
_VALUE_PROBLEMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Input should be a valid integer\b.*$", re.S), N_("must be a whole number")),
    (re.compile(r"^Input should be a valid number\b.*$", re.S), N_("must be a number")),
    (
        re.compile(r"^Input should be greater than or equal to (?P<n>\S+)$"),
        N_("must be at least {n}"),
    ),
    (
        re.compile(r"^Input should be less than or equal to (?P<n>\S+)$"),
        N_("must be at most {n}"),
    ),
    (re.compile(r"^Input should be greater than (?P<n>\S+)$"), N_("must be more than {n}")),
    (re.compile(r"^Input should be less than (?P<n>\S+)$"), N_("must be less than {n}")),
]

# Plain metavariables for options that have none of their own (help shows TEXT, not <str>).
METAVARS = {
    "str": N_("TEXT"),
    "int": N_("N"),
    "float": N_("NUMBER"),
    "path": N_("FILE"),
    "file": N_("FILE"),
}

# Options that take a date (SPEC §3 lists each with DATE), when they do not name their metavar.
DATE_OPTIONS = frozenset(
    {"--date", "--day", "--on", "--start", "--end", "--held", "--reported", "--birth-date",
     "--assessed-on", "--next", "--eligible-on", "--as-of"}
)  # fmt: skip
DATE_METAVAR = N_("DATE")

_SUGGESTION = re.compile(r"^(?P<message>.*?)\.? Did you mean (?P<suggestions>.+)\?$", re.S)

_installed = False


def translate_usage_error(message: str) -> str:
    """A usage-error message of Click in the interface language (others are returned as is)."""
    suggested = _SUGGESTION.match(message)
    if suggested:  # Typer's "Did you mean ...?" after an unknown command
        return _("{message}. Did you mean {suggestions}?").format(
            message=translate_usage_error(suggested["message"] + ".").rstrip("."),
            suggestions=suggested["suggestions"].replace("', '", "' " + _("or") + " '"),
        )
    for pattern, template in _ERRORS:
        match = pattern.match(message)
        if match:
            values = match.groupdict()
            if "type" in values:
                values["type"] = _(TYPE_NAMES.get(f"<{values['type']}>", values["type"]))
            if "message" in values:
                values["message"] = _translate_value_problem(values["message"])
            return _(template).format(**values)
    return message


def _translate_value_problem(message: str) -> str:
    for pattern, template in _VALUE_PROBLEMS:
        match = pattern.match(message)
        if match:
            return _(template).format(**match.groupdict())
    return message


def _translated_pieces(pieces: list[str]) -> list[str]:
    known = {OPTIONS_METAVAR, COMMAND_METAVAR}
    return [_(piece) if piece in known else piece for piece in pieces]


def install() -> None:
    """Route Typer's and Click's hard-coded help and error texts through `_()` (once)."""
    global _installed
    if _installed:
        return
    _installed = True

    from typer import _click, core

    formatting = _click.formatting
    original_write_usage = formatting.HelpFormatter.write_usage

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        original_write_usage(self, prog, args, _(USAGE_PREFIX) if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage

    for cls in {_click.core.Command, core.TyperCommand, core.TyperGroup}:
        if "collect_usage_pieces" in vars(cls):
            original_pieces = vars(cls)["collect_usage_pieces"]

            def collect_usage_pieces(self, ctx, _original=original_pieces):
                return _translated_pieces(_original(self, ctx))

            cls.collect_usage_pieces = collect_usage_pieces

    original_help_option = _click.core.Command.get_help_option

    def get_help_option(self, ctx):
        option = original_help_option(self, ctx)
        if option is not None:
            option.help = _(HELP_OPTION_HELP)
        return option

    _click.core.Command.get_help_option = get_help_option

    core.TyperOption.display_type_rich = _option_metavar
    core.TyperArgument.display_type_rich = lambda self, ctx: None  # its name is its metavar
    core.TyperArgument.display_name_raw = property(
        lambda self: self.metavar or (self.name or "").upper()
    )
    core.TyperArgument._rich_display_name = _argument_name
    core.TyperArgument._usage_display_name = _argument_usage

    exceptions = _click.exceptions
    for cls in (
        exceptions.UsageError,
        exceptions.BadParameter,
        exceptions.MissingParameter,
        exceptions.NoSuchOption,
    ):
        cls.format_message = _translating(vars(cls).get("format_message", cls.format_message))


def _translating(format_message: Callable) -> Callable:
    def translated(self) -> str:
        from koptrain.parsing import shown

        # what the user typed may be echoed: escapes shown as text, 500 characters at most
        return shown(translate_usage_error(format_message(self)), 500)

    return translated


def _argument_name(self) -> str:
    """An argument as help names it: its metavar, or its name in capitals; `...` when it
    takes several values (PERSON...)."""
    name = self.metavar or (self.name or "").upper()
    if self.nargs != 1 and not name.endswith("..."):
        name += "..."
    return name


def _argument_usage(self) -> str:
    """An argument on the usage line: PERSON..., or [PERSON] when it may be left out."""
    name = _argument_name(self)
    if not self.required and not name.startswith("["):
        name = f"[{name.removesuffix('...')}]" + ("..." if name.endswith("...") else "")
    return name


def _option_metavar(self, ctx) -> str | None:
    """An option's value in help: its own metavar, else a plain word for its type (TEXT, N,
    FILE), never a Python type; a flag shows none."""
    if self.is_flag or self.count:
        return None
    if self.metavar is not None:
        return self.metavar
    if DATE_OPTIONS.intersection(self.opts):
        return _(DATE_METAVAR)
    descriptor = self.type_descriptor
    annotation = descriptor.annotation
    if descriptor.is_list:
        from typing import get_args

        annotation = (get_args(annotation) or (str,))[0]
    if descriptor.is_choice:
        return "|".join(str(c) for c in descriptor.choices or ())
    kind = "path" if descriptor.is_path else getattr(annotation, "__name__", "str")
    word = _(METAVARS.get(kind, METAVARS["str"]))
    return word + ("..." if self.nargs != 1 else "")
