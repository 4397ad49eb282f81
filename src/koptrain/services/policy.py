"""Policy settings: every figure of the rules, with its default, stored per database."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from koptrain.errors import InvalidInput
from koptrain.i18n import N_, _
from koptrain.models import Policy
from koptrain.parsing import RATINGS, normalise_key, parse_date, parse_int, shown
from koptrain.services import audit
from koptrain.services.validation import CAPACITY_MAX

DEFAULTS: dict[str, str] = {
    "rat.months_primary": "3",
    "rat.months_secondary": "6",
    "rat.report_days": "30",
    "health.accepted": "sehat",
    "session.capacity": "40",
    "followup.first_days": "30",
    "followup.interval_days": "30",
    "followup.window_days": "180",
    "reminders.session_days": "7",
}
DAYS_MAX, MONTHS_MAX = 3_650, 24  # so that no report's date arithmetic leaves 1900-2100
# key -> (minimum, maximum); every other number is a day count from 1 to DAYS_MAX
_RANGES: dict[str, tuple[int, int]] = {
    "rat.months_primary": (0, MONTHS_MAX),
    "rat.months_secondary": (0, MONTHS_MAX),
    "rat.report_days": (0, DAYS_MAX),
    "session.capacity": (1, CAPACITY_MAX),
}

# The printed documents' texts (SPEC §10): free text, empty until the office sets them.
TEXTS: dict[str, str] = {
    "office.name": "",
    "office.address": "",
    "office.city": "",
    "office.head_name": "",
    "office.head_title": "",
    "office.head_nip": "",
    "office.logo": "",
    "certificate.number_format": "{seq:03d}/{session}/{year}",
}
DEFAULTS.update(TEXTS)
_EXTENSION = re.compile(r"^rat\.extension\.(\d{4})$")


@dataclass(frozen=True)
class Settings:
    """The policy in force, read once per command."""

    values: dict[str, str]

    def int(self, key: str) -> int:
        # a value stored before the ranges existed is held to them, so reports keep working
        minimum, maximum = _RANGES.get(key, (1, DAYS_MAX))
        return max(minimum, min(int(self.values[key]), maximum))

    @property
    def accepted_ratings(self) -> tuple[str, ...]:
        return tuple(v for v in self.values["health.accepted"].split(",") if v)

    def extension(self, fiscal_year: int) -> dt.date | None:
        value = self.values.get(f"rat.extension.{fiscal_year}")
        return dt.date.fromisoformat(value) if value else None


def load(db: Session) -> Settings:
    values = dict(DEFAULTS)
    for row in db.exec(select(Policy)).all():
        values[row.key] = row.value
    return Settings(values)


def validate(key: str, value: str) -> tuple[str, str]:
    """The canonical key and value, or InvalidInput with one sentence."""
    key = key.strip().lower()
    if _EXTENSION.match(key):
        return key, parse_date(value, what=N_("deadline")).isoformat()
    if key not in DEFAULTS:
        known = ", ".join([*DEFAULTS, "rat.extension.<FY>"])
        raise InvalidInput(
            _("Unknown policy setting '{key}'; known settings: {known}.").format(
                key=shown(key), known=known
            )
        )
    if key in TEXTS:
        return key, _text(key, value)
    if key == "health.accepted":
        ratings = [normalise_key(v) for v in value.split(",") if v.strip()]
        bad = [r for r in ratings if r not in RATINGS]
        if bad or not ratings:
            raise InvalidInput(
                _("health.accepted takes ratings separated by commas, from: {choices}.").format(
                    choices=", ".join(RATINGS)
                )
            )
        return key, ",".join(dict.fromkeys(ratings))
    minimum, maximum = _RANGES.get(key, (1, DAYS_MAX))
    return key, str(parse_int(value, what=key, minimum=minimum, maximum=maximum))


def _text(key: str, value: str) -> str:
    value = value.strip()
    if key == "certificate.number_format":
        from koptrain.services.certificates import check_number_format

        return check_number_format(value)
    if key == "office.logo" and value and not Path(value).is_file():
        raise InvalidInput(
            _("office.logo takes an image file; {path} is not a file.").format(path=value)
        )
    return str(Path(value).resolve()) if key == "office.logo" and value else value


def set_value(db: Session, key: str, value: str) -> tuple[str, str]:
    key, value = validate(key, value)
    row = db.get(Policy, key)
    old = row.value if row else DEFAULTS.get(key)
    if row is None:
        db.add(Policy(key=key, value=value))
    else:
        row.value = value
    audit.record(db, entity="policy", key=key, change={"value": [old, value]})
    return key, value


def rows(db: Session) -> list[dict[str, str]]:
    settings = load(db)
    return [
        {"key": key, "value": value, "default": DEFAULTS.get(key, "")}
        for key, value in sorted(settings.values.items())
    ]
