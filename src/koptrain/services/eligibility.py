"""The selection rule: RAT held and reported on time, and a health rating the policy accepts."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from koptrain.i18n import N_, _
from koptrain.models import Coop, HealthRating, Rat
from koptrain.services import policy as policy_service
from koptrain.services.policy import Settings

# RAT statuses (as `report reminders` lists them): the values scripts read.
ON_TIME = "on_time"
REPORT_PENDING = "report_pending"  # held on time, report deadline still ahead: counts as on time
LATE = "late"
REPORT_MISSING = "report_missing"
REPORT_LATE = "report_late"
MISSING = "missing"
NOT_DUE = "not_due"  # no RAT yet, deadline still ahead
GOOD_STATUSES = (ON_TIME, REPORT_PENDING)


@dataclass(frozen=True)
class Reason:
    """A reason in words a person understands, kept as a message id and its values.

    Tables show it in the interface language; JSON always carries the English text, so
    a script's output never changes with the language.
    """

    message: str
    values: dict = field(default_factory=dict)
    ok: bool = True

    def text(self) -> str:
        return _(self.message).format(**self.values)

    def english(self) -> str:
        return self.message.format(**self.values)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months; a month-end stays a month-end (30 June + 3 = 30 September)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    is_month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return dt.date(year, month, last if is_month_end else min(day.day, last))


def fiscal_year_end(coop_fye: str, fiscal_year: int) -> dt.date:
    month, day = (int(p) for p in coop_fye.split("-"))
    return dt.date(fiscal_year, month, day)


def rat_deadline(coop: Coop, fiscal_year: int, settings: Settings) -> dt.date:
    """The day the RAT for `fiscal_year` must be held by, honouring a policy extension."""
    extension = settings.extension(fiscal_year)
    if extension:
        return extension
    months = settings.int(
        "rat.months_secondary" if coop.level == "sekunder" else "rat.months_primary"
    )
    return add_months(fiscal_year_end(coop.fiscal_year_end, fiscal_year), months)


@dataclass(frozen=True)
class RatJudgement:
    fiscal_year: int
    deadline: dt.date
    status: str
    rat: Rat | None
    report_deadline: dt.date | None

    @property
    def on_time(self) -> bool:
        return self.status in GOOD_STATUSES

    def reason(self) -> Reason:
        fy, deadline = self.fiscal_year, self.deadline.isoformat()
        rat = self.rat
        if self.status == MISSING:
            return Reason(
                N_("No RAT {fy} recorded; it was due by {deadline}."),
                {"fy": fy, "deadline": deadline},
                ok=False,
            )
        if self.status == NOT_DUE:
            return Reason(
                N_("RAT {fy} not held yet; it is due by {deadline}."),
                {"fy": fy, "deadline": deadline},
            )
        assert rat is not None and self.report_deadline is not None
        values = {
            "fy": fy,
            "held": rat.held_on.isoformat(),
            "deadline": deadline,
            "reported": rat.reported_on.isoformat() if rat.reported_on else "",
            "report_deadline": self.report_deadline.isoformat(),
        }
        if self.status == LATE:
            values["days"] = (rat.held_on - self.deadline).days
            return Reason(
                N_("RAT {fy} held {held}, {days} days after the deadline {deadline}.")
                if values["days"] != 1
                else N_("RAT {fy} held {held}, {days} day after the deadline {deadline}."),
                values,
                ok=False,
            )
        if self.status == REPORT_MISSING:
            return Reason(
                N_(
                    "RAT {fy} held {held} but not reported; the report was due by "
                    "{report_deadline}."
                ),
                values,
                ok=False,
            )
        if self.status == REPORT_LATE:
            values["days"] = (rat.reported_on - self.report_deadline).days
            values["after"] = (rat.reported_on - rat.held_on).days
            return Reason(
                N_(
                    "RAT {fy} held {held} but reported {reported}, {after} days after the "
                    "meeting ({days} days after the report deadline {report_deadline})."
                )
                if values["days"] != 1
                else N_(
                    "RAT {fy} held {held} but reported {reported}, {after} days after the "
                    "meeting ({days} day after the report deadline {report_deadline})."
                ),
                values,
                ok=False,
            )
        if self.status == REPORT_PENDING:
            return Reason(
                N_(
                    "RAT {fy} held {held}, on time (deadline {deadline}); the report is due by "
                    "{report_deadline}."
                ),
                values,
            )
        return Reason(
            N_("RAT {fy} held {held} and reported {reported}, on time (deadline {deadline})."),
            values,
        )


def judge_rat(
    coop: Coop, fiscal_year: int, rat: Rat | None, on: dt.date, settings: Settings
) -> RatJudgement:
    """The status of one fiscal year's RAT as seen on `on`."""
    deadline = rat_deadline(coop, fiscal_year, settings)
    if rat is None or rat.held_on > on:
        status = MISSING if deadline < on else NOT_DUE
        return RatJudgement(fiscal_year, deadline, status, None, None)
    report_deadline = rat.held_on + dt.timedelta(days=settings.int("rat.report_days"))
    if rat.held_on > deadline:
        status = LATE
    elif rat.reported_on is None or rat.reported_on > on:
        status = REPORT_PENDING if on <= report_deadline else REPORT_MISSING
    elif rat.reported_on > report_deadline:
        status = REPORT_LATE
    else:
        status = ON_TIME
    return RatJudgement(fiscal_year, deadline, status, rat, report_deadline)


def latest_fiscal_year_due(coop: Coop, on: dt.date, settings: Settings) -> int:
    """The latest fiscal year whose RAT deadline is before `on`."""
    year = on.year + 1
    while rat_deadline(coop, year, settings) >= on:
        year -= 1
    return year


def latest_rat(coop: Coop, rats: dict[int, Rat], on: dt.date, settings: Settings) -> RatJudgement:
    """The RAT eligibility judges: the next fiscal year's RAT if already held by `on`, else
    the latest one due."""
    due_year = latest_fiscal_year_due(coop, on, settings)
    following = rats.get(due_year + 1)
    if following is not None and following.held_on <= on:
        return judge_rat(coop, due_year + 1, following, on, settings)
    return judge_rat(coop, due_year, rats.get(due_year), on, settings)


def effective_date(rating: HealthRating) -> dt.date:
    """A rating counts from its assessment, or from 31 December of its year."""
    return rating.assessed_on or dt.date(rating.year, 12, 31)


def latest_rating(ratings: Iterable[HealthRating], on: dt.date) -> HealthRating | None:
    dated = [r for r in ratings if effective_date(r) <= on]
    return max(dated, key=lambda r: (effective_date(r), r.year), default=None)


def health_reason(rating: HealthRating | None, on: dt.date, settings: Settings) -> Reason:
    accepted = settings.accepted_ratings
    if rating is None:
        return Reason(
            N_("No health rating dated on or before {on}."), {"on": on.isoformat()}, ok=False
        )
    values = {"year": rating.year, "rating": rating.rating, "accepted": ", ".join(accepted)}
    if rating.rating in accepted:
        return Reason(N_("Health rating {year}: {rating}."), values)
    return Reason(
        N_("Health rating {year}: {rating}, not in the accepted ratings ({accepted})."),
        values,
        ok=False,
    )


@dataclass(frozen=True)
class Verdict:
    coop: Coop
    on: dt.date
    rat: RatJudgement
    rating: HealthRating | None
    reasons: tuple[Reason, ...]

    @property
    def eligible(self) -> bool:
        return all(r.ok for r in self.reasons)

    def as_json(self) -> dict:
        """The JSON of `coop eligibility`; reasons in English whatever the interface language.

        `coop_nik` is the NIK Koperasi or, for a coop without one, its legal number (as
        in import files), so a script can always pass it back as a COOP reference.
        """
        return {
            "coop": self.coop.name,
            "coop_nik": self.coop.nik or self.coop.legal_number,
            "coop_id": self.coop.id,
            "on": self.on.isoformat(),
            "eligible": self.eligible,
            "reasons": [r.english() for r in self.reasons],
            "rat_status": self.rat.status,
            "rat_fiscal_year": self.rat.fiscal_year,
            "health_rating": self.rating.rating if self.rating else None,
        }


def judge(
    coop: Coop,
    rats: Iterable[Rat],
    ratings: Iterable[HealthRating],
    on: dt.date,
    settings: Settings,
) -> Verdict:
    """The verdict for one coop on `on` from its records (pure: no database access)."""
    rat = latest_rat(coop, {r.fiscal_year: r for r in rats}, on, settings)
    rating = latest_rating(ratings, on)
    reasons = (rat.reason(), health_reason(rating, on, settings))
    return Verdict(coop, on, rat, rating, reasons)


def verdicts(
    db: Session,
    on: dt.date,
    coops: list[Coop] | None = None,
    settings: Settings | None = None,
) -> list[Verdict]:
    """Verdicts for many coops with two queries, not two per coop."""
    settings = settings or policy_service.load(db)
    if coops is None:
        coops = list(db.exec(select(Coop).order_by(Coop.id)).all())
    ids = [c.id for c in coops]
    rats: dict[int, list[Rat]] = {i: [] for i in ids}
    ratings: dict[int, list[HealthRating]] = {i: [] for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for r in db.exec(select(Rat).where(col(Rat.coop_id).in_(chunk))).all():
            rats[r.coop_id].append(r)
        for h in db.exec(select(HealthRating).where(col(HealthRating.coop_id).in_(chunk))).all():
            ratings[h.coop_id].append(h)
    return [judge(c, rats[c.id], ratings[c.id], on, settings) for c in coops]


def verdict(db: Session, coop: Coop, on: dt.date, settings: Settings | None = None) -> Verdict:
    return verdicts(db, on, [coop], settings)[0]
