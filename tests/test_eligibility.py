"""The selection rule, table-driven: RAT on time and a health rating the policy accepts."""

from __future__ import annotations

import datetime as dt

import pytest

from koptrain.models import Coop, HealthRating, Rat
from koptrain.parsing import RATINGS
from koptrain.services import eligibility
from koptrain.services import policy as policy_service
from koptrain.services.policy import DEFAULTS, Settings

import factories

D = dt.date
JUNE_16 = D(2020, 6, 16)
SEHAT_2019 = (2019, "sehat", None)


def settings(**overrides: str) -> Settings:
    return Settings({**DEFAULTS, **overrides})


def verdict(
    *,
    rats=(),
    ratings=(SEHAT_2019,),
    on=JUNE_16,
    level="primer",
    fiscal_year_end="12-31",
    policy=None,
):
    """Judge a coop built from (fy, held, reported) and (year, rating, assessed_on) tuples."""
    coop = Coop(id=1, nik="3572000000000001", name="KSP Uji", level=level)
    coop.fiscal_year_end = fiscal_year_end
    rat_rows = [
        Rat(coop_id=1, fiscal_year=fy, held_on=held, reported_on=reported)
        for fy, held, reported in rats
    ]
    rating_rows = [
        HealthRating(coop_id=1, year=year, rating=rating, assessed_on=assessed)
        for year, rating, assessed in ratings
    ]
    return eligibility.judge(coop, rat_rows, rating_rows, on, policy or settings())


RAT_CASES = {
    "on time": dict(
        rats=[(2019, D(2020, 3, 14), D(2020, 3, 30))],
        eligible=True,
        status="on_time",
        text="RAT 2019 held 2020-03-14 and reported 2020-03-30, on time (deadline 2020-03-31).",
    ),
    "held on the deadline day": dict(
        rats=[(2019, D(2020, 3, 31), D(2020, 4, 30))],
        eligible=True,
        status="on_time",
        text="RAT 2019 held 2020-03-31 and reported 2020-04-30, on time (deadline 2020-03-31).",
    ),
    "held late": dict(
        rats=[(2019, D(2020, 4, 14), D(2020, 4, 20))],
        eligible=False,
        status="late",
        text="RAT 2019 held 2020-04-14, 14 days after the deadline 2020-03-31.",
    ),
    "reported late": dict(
        rats=[(2019, D(2020, 3, 14), D(2020, 5, 3))],
        eligible=False,
        status="report_late",
        text="RAT 2019 held 2020-03-14 but reported 2020-05-03, 50 days after the meeting "
        "(20 days after the report deadline 2020-04-13).",
    ),
    "report missing": dict(
        rats=[(2019, D(2020, 3, 14), None)],
        eligible=False,
        status="report_missing",
        text="RAT 2019 held 2020-03-14 but not reported; the report was due by 2020-04-13.",
    ),
    "report pending": dict(
        rats=[(2019, D(2020, 3, 20), None)],
        on=D(2020, 4, 1),
        eligible=True,
        status="report_pending",
        text="RAT 2019 held 2020-03-20, on time (deadline 2020-03-31); "
        "the report is due by 2020-04-19.",
    ),
    "reported after the judging day counts as not yet reported": dict(
        rats=[(2019, D(2020, 3, 14), D(2020, 4, 10))],
        on=D(2020, 4, 1),
        eligible=True,
        status="report_pending",
        text="RAT 2019 held 2020-03-14, on time (deadline 2020-03-31); "
        "the report is due by 2020-04-13.",
    ),
    "RAT missing": dict(
        rats=[(2018, D(2019, 3, 10), D(2019, 3, 20))],
        eligible=False,
        status="missing",
        text="No RAT 2019 recorded; it was due by 2020-03-31.",
    ),
    "RAT held after the judging day is not held yet": dict(
        rats=[(2019, D(2020, 6, 20), D(2020, 6, 21))],
        eligible=False,
        status="missing",
        text="No RAT 2019 recorded; it was due by 2020-03-31.",
    ),
    "secondary coop with a June RAT": dict(
        level="sekunder",
        rats=[(2019, D(2020, 6, 10), D(2020, 6, 12))],
        eligible=True,
        status="on_time",
        text="RAT 2019 held 2020-06-10 and reported 2020-06-12, on time (deadline 2020-06-30).",
    ),
    "secondary coop that met in May is judged on that meeting": dict(
        level="sekunder",
        rats=[(2018, D(2019, 6, 1), D(2019, 6, 5)), (2019, D(2020, 5, 20), D(2020, 5, 25))],
        eligible=True,
        status="on_time",
        text="RAT 2019 held 2020-05-20 and reported 2020-05-25, on time (deadline 2020-06-30).",
    ),
    "secondary coop not yet met is judged on the year before": dict(
        level="sekunder",
        rats=[(2018, D(2019, 6, 1), D(2019, 6, 5))],
        eligible=True,
        status="on_time",
        text="RAT 2018 held 2019-06-01 and reported 2019-06-05, on time (deadline 2019-06-30).",
    ),
    "secondary coop held late in July": dict(
        level="sekunder",
        rats=[(2019, D(2020, 7, 10), D(2020, 7, 12))],
        on=D(2020, 8, 1),
        eligible=False,
        status="late",
        text="RAT 2019 held 2020-07-10, 10 days after the deadline 2020-06-30.",
    ),
    "fiscal year ending 30 June": dict(
        fiscal_year_end="06-30",
        rats=[(2019, D(2019, 9, 20), D(2019, 10, 1))],
        eligible=True,
        status="on_time",
        text="RAT 2019 held 2019-09-20 and reported 2019-10-01, on time (deadline 2019-09-30).",
    ),
    "fiscal year ending 30 June: a month-end stays a month-end": dict(
        fiscal_year_end="06-30",
        rats=[(2020, D(2020, 9, 30), D(2020, 10, 2))],
        on=D(2020, 10, 15),
        eligible=True,
        status="on_time",
        text="RAT 2020 held 2020-09-30 and reported 2020-10-02, on time (deadline 2020-09-30).",
    ),
    "fiscal year ending 30 June, RAT missing": dict(
        fiscal_year_end="06-30",
        rats=[(2019, D(2019, 9, 20), D(2019, 10, 1))],
        on=D(2020, 10, 15),
        eligible=False,
        status="missing",
        text="No RAT 2020 recorded; it was due by 2020-09-30.",
    ),
}


@pytest.mark.parametrize("case", list(RAT_CASES), ids=list(RAT_CASES))
def test_rat_rules(case):
    spec = dict(RAT_CASES[case])
    eligible, status, text = spec.pop("eligible"), spec.pop("status"), spec.pop("text")
    ratings = [(2019, "sehat", None)]
    result = verdict(ratings=ratings, **spec)
    assert result.rat.status == status
    assert result.reasons[0].english() == text
    assert result.reasons[0].text() == text  # English interface in tests
    assert result.reasons[0].ok is eligible
    assert result.eligible is eligible
    assert result.as_json()["reasons"][0] == text


EXTENSION = settings(**{"rat.extension.2019": "2020-06-30"})

EXTENSION_CASES = {
    "April RAT is late without the extension": dict(
        policy=settings(),
        rats=[(2019, D(2020, 4, 14), D(2020, 4, 30))],
        eligible=False,
        text="RAT 2019 held 2020-04-14, 14 days after the deadline 2020-03-31.",
    ),
    "April RAT is on time with the extension": dict(
        policy=EXTENSION,
        rats=[(2019, D(2020, 4, 14), D(2020, 4, 30))],
        eligible=True,
        text="RAT 2019 held 2020-04-14 and reported 2020-04-30, on time (deadline 2020-06-30).",
    ),
    "with the extension a coop yet to meet is judged on the year before": dict(
        policy=EXTENSION,
        rats=[(2018, D(2019, 3, 1), D(2019, 3, 5))],
        eligible=True,
        text="RAT 2018 held 2019-03-01 and reported 2019-03-05, on time (deadline 2019-03-31).",
    ),
    "after the extended deadline a missing RAT counts": dict(
        policy=EXTENSION,
        on=D(2020, 7, 15),
        rats=[(2018, D(2019, 3, 1), D(2019, 3, 5))],
        eligible=False,
        text="No RAT 2019 recorded; it was due by 2020-06-30.",
    ),
    "the extension is for one fiscal year only": dict(
        policy=EXTENSION,
        on=D(2021, 6, 16),
        rats=[(2020, D(2021, 4, 14), D(2021, 4, 30))],
        eligible=False,
        text="RAT 2020 held 2021-04-14, 14 days after the deadline 2021-03-31.",
    ),
}


@pytest.mark.parametrize("case", list(EXTENSION_CASES), ids=list(EXTENSION_CASES))
def test_extension_for_one_fiscal_year(case):
    spec = dict(EXTENSION_CASES[case])
    eligible, text = spec.pop("eligible"), spec.pop("text")
    on = spec.get("on", JUNE_16)
    result = verdict(ratings=[(on.year - 1, "sehat", None)], **spec)
    assert result.reasons[0].english() == text
    assert result.eligible is eligible


@pytest.mark.parametrize(
    ("accepted", "rating", "ok"),
    [("sehat", r, r == "sehat") for r in RATINGS]
    + [("sehat,cukup_sehat", r, r in ("sehat", "cukup_sehat")) for r in RATINGS],
)
def test_each_health_rating_of_both_scales_against_the_accepted_set(accepted, rating, ok):
    rats = [(2019, D(2020, 3, 14), D(2020, 3, 30))]
    result = verdict(
        rats=rats, ratings=[(2019, rating, None)], policy=settings(**{"health.accepted": accepted})
    )
    reason = result.reasons[1]
    if ok:
        assert reason.english() == f"Health rating 2019: {rating}."
    else:
        assert reason.english() == (
            f"Health rating 2019: {rating}, not in the accepted ratings "
            f"({accepted.replace(',', ', ')})."
        )
    assert reason.ok is ok
    assert result.eligible is ok
    assert result.as_json()["health_rating"] == rating


HEALTH_CASES = {
    "no rating at all": dict(
        ratings=[], eligible=False, text="No health rating dated on or before 2020-06-16."
    ),
    "an undated rating counts from 31 December of its year": dict(
        ratings=[(2020, "sehat", None)],
        eligible=False,
        text="No health rating dated on or before 2020-06-16.",
    ),
    "an undated rating of last year counts": dict(
        ratings=[(2019, "sehat", None)], eligible=True, text="Health rating 2019: sehat."
    ),
    "an undated rating does not count before 31 December": dict(
        ratings=[(2019, "sehat", None)],
        on=D(2019, 12, 30),
        eligible=False,
        text="No health rating dated on or before 2019-12-30.",
    ),
    "a dated rating counts from its assessment": dict(
        ratings=[(2019, "sehat", None), (2020, "cukup_sehat", D(2020, 5, 2))],
        eligible=False,
        text="Health rating 2020: cukup_sehat, not in the accepted ratings (sehat).",
    ),
    "a rating assessed after the day does not count yet": dict(
        ratings=[(2019, "sehat", None), (2020, "tidak_sehat", D(2020, 6, 17))],
        eligible=True,
        text="Health rating 2019: sehat.",
    ),
    "the latest rating wins over an older good one": dict(
        ratings=[(2018, "sehat", None), (2019, "kurang_sehat", None)],
        eligible=False,
        text="Health rating 2019: kurang_sehat, not in the accepted ratings (sehat).",
    ),
}


@pytest.mark.parametrize("case", list(HEALTH_CASES), ids=list(HEALTH_CASES))
def test_health_rules(case):
    spec = dict(HEALTH_CASES[case])
    eligible, text = spec.pop("eligible"), spec.pop("text")
    on = spec.get("on", JUNE_16)
    fy = 2019 if on >= D(2020, 3, 31) else 2018
    rats = [(fy, D(fy + 1, 3, 1), D(fy + 1, 3, 5))]
    result = verdict(rats=rats, **spec)
    assert result.reasons[0].ok
    assert result.reasons[1].english() == text
    assert result.eligible is eligible


def test_both_reasons_are_given_when_both_rules_fail():
    result = verdict(rats=[], ratings=[(2019, "cukup_sehat", None)])
    assert [r.english() for r in result.reasons] == [
        "No RAT 2019 recorded; it was due by 2020-03-31.",
        "Health rating 2019: cukup_sehat, not in the accepted ratings (sehat).",
    ]
    assert result.as_json() == {
        "coop": "KSP Uji",
        "coop_nik": "3572000000000001",
        "coop_id": 1,
        "on": "2020-06-16",
        "eligible": False,
        "reasons": [r.english() for r in result.reasons],
        "rat_status": "missing",
        "rat_fiscal_year": 2019,
        "health_rating": "cukup_sehat",
    }


@pytest.mark.parametrize(
    ("fye", "level", "fy", "deadline"),
    [
        ("12-31", "primer", 2019, D(2020, 3, 31)),
        ("12-31", "sekunder", 2019, D(2020, 6, 30)),
        ("06-30", "primer", 2020, D(2020, 9, 30)),
        ("06-30", "sekunder", 2020, D(2020, 12, 31)),
        ("03-31", "primer", 2020, D(2020, 6, 30)),
        ("11-30", "primer", 2019, D(2020, 2, 29)),
        ("03-15", "primer", 2020, D(2020, 6, 15)),
    ],
)
def test_rat_deadline_from_fiscal_year_end_and_level(fye, level, fy, deadline):
    coop = Coop(name="x", level=level, fiscal_year_end=fye)
    assert eligibility.rat_deadline(coop, fy, settings()) == deadline


def test_deadlines_follow_the_policy_months_and_report_days():
    coop = Coop(name="x", level="primer", fiscal_year_end="12-31")
    policy = settings(**{"rat.months_primary": "4", "rat.report_days": "10"})
    assert eligibility.rat_deadline(coop, 2019, policy) == D(2020, 4, 30)
    rat = Rat(coop_id=1, fiscal_year=2019, held_on=D(2020, 4, 14), reported_on=D(2020, 4, 30))
    judged = eligibility.judge_rat(coop, 2019, rat, JUNE_16, policy)
    assert judged.status == "report_late"
    assert judged.report_deadline == D(2020, 4, 24)


# --- through the database: the policy as stored, many coops at once ---------------------------


def test_verdicts_read_the_stored_policy(store):
    with store.session() as session:
        good = factories.coop(session, "KSP Baik")
        fair = factories.coop(session, "KSP Cukup", healthy_for=None)
        session.add(
            Rat(coop_id=fair.id, fiscal_year=2019, held_on=D(2020, 3, 1), reported_on=D(2020, 3, 9))
        )
        session.add(HealthRating(coop_id=fair.id, year=2019, rating="cukup_sehat"))
        session.flush()
        late = factories.coop(session, "KSP Telat", rat_held=D(2020, 4, 14))
        before = {v.coop.name: v.eligible for v in eligibility.verdicts(session, JUNE_16)}
        policy_service.set_value(session, "health.accepted", "Sehat, Cukup Sehat")
        policy_service.set_value(session, "rat.extension.2019", "30/06/2020")
        after = {v.coop.name: v.eligible for v in eligibility.verdicts(session, JUNE_16)}
        single = eligibility.verdict(session, good, JUNE_16)
        assert late.id and single.eligible
    assert before == {"KSP Baik": True, "KSP Cukup": False, "KSP Telat": False}
    # cukup_sehat is now accepted; the April RAT is on time with the extended deadline.
    assert after == {"KSP Baik": True, "KSP Cukup": True, "KSP Telat": True}


def test_one_day_late_is_said_in_the_singular():
    import datetime as dt

    from koptrain.models import Coop, HealthRating, Rat
    from koptrain.services.eligibility import judge
    from koptrain.services.policy import DEFAULTS, Settings

    coop = Coop(id=1, name="KSP Tepat", level="primer", fiscal_year_end="12-31")
    rat = Rat(coop_id=1, fiscal_year=2019, held_on=dt.date(2020, 4, 1))
    rating = HealthRating(coop_id=1, year=2019, rating="sehat")
    verdict = judge(coop, [rat], [rating], dt.date(2020, 6, 16), Settings(dict(DEFAULTS)))
    assert verdict.as_json()["reasons"][0] == (
        "RAT 2019 held 2020-04-01, 1 day after the deadline 2020-03-31."
    )
