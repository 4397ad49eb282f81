"""The `ref` of a seat (an enrollment) in a field workbook: a key that is not the NIK,
`K` + the enrollment's number + a Luhn check digit, so a mistyped ref is caught."""

from __future__ import annotations

import re

from stdnum import luhn
from stdnum.exceptions import ValidationError

from koptrain.errors import InvalidInput
from koptrain.i18n import _
from koptrain.parsing import shown

PREFIX = "K"
_REF = re.compile(r"K(\d{2,18})")


def seat_ref(enrollment_id: int) -> str:
    """K1234 + check digit, e.g. seat_ref(7) == 'K75'."""
    digits = str(int(enrollment_id))
    return PREFIX + digits + luhn.calc_check_digit(digits)


def parse_ref(text: object) -> int:
    """The enrollment number in a ref as typed (case, spaces and a leading `'` ignored);
    InvalidInput (field `ref`) when it is not a ref or its check digit does not match."""
    raw = "".join(str(text if text is not None else "").split()).lstrip("'").upper()
    match = _REF.fullmatch(raw)
    if match is None:
        raise InvalidInput(
            _("'{ref}' is not a ref (K followed by digits, as written in the workbook).").format(
                ref=shown(str(text))
            ),
            field="ref",
        )
    try:
        luhn.validate(match.group(1))
    except ValidationError:
        raise InvalidInput(
            _("'{ref}' is not a valid ref: a digit is mistyped.").format(ref=shown(raw)),
            field="ref",
        ) from None
    return int(match.group(1)[:-1])
