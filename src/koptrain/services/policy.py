"""Policy settings: every figure of the rules, with its default, stored per database."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlmodel import Session, select

from koptrain.errors import InvalidInput
from koptrain.i18n import _
from koptrain.models import Policy
from koptrain.parsing import RATINGS, normalise_key, parse_date
from koptrain.services import audit

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
_EXTENSION = re.compile(r"^rat\.extension\.(\d{4})$")


@dataclass(frozen=True)
class Settings:
    """The policy in force, read once per command."""

    values: dict[str, str]

    def int(self, key: str) -> int:
        return int(self.values[key])

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
        return key, parse_date(value, what="deadline").isoformat()
    if key not in DEFAULTS:
        known = ", ".join([*DEFAULTS, "rat.extension.<FY>"])
        raise InvalidInput(
            _("Unknown policy setting '{key}'; known settings: {known}.").format(
                key=key, known=known
            )
        )
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
    if not value.strip().isdigit() or (key != "rat.report_days" and int(value) == 0):
        raise InvalidInput(
            _("{key} takes a whole number of at least 1, not '{value}'.").format(
                key=key, value=value
            )
        )
    return key, str(int(value))


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
