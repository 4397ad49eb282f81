"""One validator per outcome field, shared by the commands and the import rows."""

from __future__ import annotations

from koptrain.errors import InvalidInput
from koptrain.i18n import N_, _
from koptrain.parsing import normalise_key, parse_bool, parse_int, parse_money, shown

INDICATOR_KINDS = ("money", "count", "number", "yes_no")
EVALUATION_ITEMS = ("materi", "narasumber", "fasilitas", "manfaat")
_YES_NO = {"ya", "tidak", "yes", "no", "1", "0", "y", "n", "true", "false"}


def _number(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InvalidInput(
            _("{what} '{value}' is not a number.").format(what=_(what), value=shown(text))
        ) from None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_score(value, *, what: str = N_("score")) -> float | None:
    """A test score 0-100 with `,` or `.` as the decimal mark (`87,5`); blank = none."""
    if _blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        score = float(value)
    else:
        score = _number(str(value).strip().replace(",", "."), what)
    if not 0 <= score <= 100:
        raise InvalidInput(
            _("{what} {value} is outside 0 to 100.").format(what=_(what), value=shown(value))
        )
    return score


def parse_mark(value, *, what: str) -> int | None:
    """An evaluation mark: a whole number 1 to 5; blank = not given."""
    if _blank(value):
        return None
    text = str(value).strip()
    if text.endswith((".0", ",0")):
        text = text[:-2]
    if not text.isdigit() or not 1 <= int(text) <= 5:
        raise InvalidInput(
            _("{what} '{value}' is not a mark from 1 to 5.").format(
                what=_(what), value=shown(value)
            )
        )
    return int(text)


def parse_indicator_kind(value) -> str:
    key = normalise_key(str(value or ""))
    if key not in INDICATOR_KINDS:
        raise InvalidInput(
            _("Indicator kind '{value}' is not one of {kinds}.").format(
                value=shown(value), kinds=", ".join(INDICATOR_KINDS)
            )
        )
    return key


def parse_indicator_value(value, kind: str, *, code: str) -> float:
    """A value of an indicator of `kind`: money as `Rp 2.500.000` (`.` thousands, `,`
    decimals), counts as whole numbers (`1.250`), yes_no as ya/tidak, yes/no or 1/0.
    Money and counts are read by the project's one rule for each (parsing.py)."""
    what = _("value of {code}").format(code=code)
    if _blank(value):
        raise InvalidInput(_("The {what} is empty.").format(what=what))
    if isinstance(value, bool):
        value = int(value)
    numeric = isinstance(value, int | float)  # a number cell of a workbook
    text = repr(value) if numeric else str(value).strip()
    if kind == "yes_no":
        if text.lower() not in _YES_NO:
            raise InvalidInput(
                _("The {what} '{value}' is not yes or no: use ya/tidak, yes/no or 1/0.").format(
                    what=what, value=shown(value)
                )
            )
        return 1.0 if parse_bool(text) else 0.0
    if (value < 0) if numeric else text.startswith("-"):
        raise InvalidInput(_("The {what} must not be negative.").format(what=what))
    if kind == "money":
        return parse_money(value, what=what)
    if kind == "count":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return float(parse_int(value, what=what))
    if numeric:
        return float(value)
    text = text.replace(" ", "")
    return _number(text.replace(".", "").replace(",", ".") if "," in text else text, what)


def split_assignment(text: str) -> tuple[str, str]:
    """`CODE=VALUE` (as typed after --indicator) -> (code, value)."""
    code, sep, value = str(text).partition("=")
    if not sep or not code.strip():
        raise InvalidInput(
            _("'{text}' is not CODE=VALUE (for example omzet=2500000).").format(text=shown(text))
        )
    return normalise_key(code), value.strip()


def shown_value(value: float | None, kind: str) -> float | int | None:
    """A stored value as exported: whole numbers without `.0`."""
    if value is None:
        return None
    if kind == "yes_no" or value == int(value):
        return int(value)
    return value
