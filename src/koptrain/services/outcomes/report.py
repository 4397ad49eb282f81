"""`report outcomes` (SPEC §12): per session and in total, the four levels of a training.

Every figure is a sum or a count worked out in SQL per session (and per practice status
for the indicators), so the totals are the sums of the sessions' parts and a province's
fifty thousand sessions cost a few grouped scans, not a Python loop over every seat.
Means, shares and the interval are made from those sums at the end. Seats are counted
once per session: a person in two trainings counts in both (totals.seats), while
`participants` in the totals counts distinct people.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlmodel import Session

from koptrain import models
from koptrain.errors import InvalidInput
from koptrain.i18n import _
from koptrain.models import Enrollment, Evaluation, Indicator, IndicatorValue, Score, Training
from koptrain.parsing import PRACTICE_STATUSES, SEAT_STATUSES
from koptrain.services.mentoring import count_where
from koptrain.services.outcomes.values import EVALUATION_ITEMS

E, T, SC = Enrollment.__table__, Training.__table__, Score.__table__
EV, IV, IN = Evaluation.__table__, IndicatorValue.__table__, Indicator.__table__
STATUSES = (*PRACTICE_STATUSES, "no_contact")
SCORE_SUMS = ("n", "pre", "post", "gain", "gain2", "norm", "below", "improved")
PRACTISING = ("practicing", "partly")


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _mean(total, n) -> float | None:
    return _r(total / n) if n else None


# --------------------------------------------------------------------------- the queries


def _seats(session: Session, on: dt.date, in_scope):
    """Each seat holder of a session in scope with the status of the latest contact counted
    for that session as of `on` (mentoring's definition of it), 'no_contact' without one."""
    from koptrain.services import mentoring
    from koptrain.storage import derived

    condition = and_(T.c.status != "cancelled", E.c.status.in_(SEAT_STATUSES), in_scope)
    # The derived follow-up rows hold each seat's latest contact when no contact is
    # dated after `on`; otherwise the follow-ups are worked out as of `on`.
    fu = models.followup if derived.covers(session, on) else mentoring.followups(on, scope=in_scope)
    joined = T.join(E, E.c.session_id == T.c.id).outerjoin(fu, fu.c.enrollment_id == E.c.id)
    return (
        select(
            E.c.session_id,
            E.c.person_id,
            T.c.start,
            T.c.end,
            func.coalesce(fu.c.last_status, literal("no_contact")).label("status"),
        )
        .select_from(joined)
        .where(condition)
        .offset(0)  # fenced: worked out once, read by every query below
        .subquery("seat")
    )


def _per_status(session: Session, seat, indicators: list[tuple[int, str]], on: dt.date):
    """One pass over the seats, grouped by (session, practice status): seats, the sums of
    the scores of those with both, and per indicator those with a baseline and a follow-up
    value, the sums of both and how many went up. Each value is one probe of
    ix_indicator_value_probe; indicators nobody has a value of are not probed."""

    def latest(indicator_id: int, *conditions):
        return (
            select(IV.c.value)
            .where(
                IV.c.person_id == seat.c.person_id, IV.c.indicator_id == indicator_id, *conditions
            )
            .order_by(IV.c.date.desc())
            .limit(1)
            .correlate(seat)
            .scalar_subquery()
        )

    probes = []
    for indicator_id, code in indicators:
        probes += [
            latest(indicator_id, IV.c.date <= seat.c.start).label(f"{code}__base"),
            latest(indicator_id, IV.c.date > seat.c.end, IV.c.date <= on).label(f"{code}__follow"),
        ]
    row = (
        select(seat.c.session_id, seat.c.status, SC.c.pre, SC.c.post, *probes)
        .select_from(
            seat.outerjoin(
                SC, and_(SC.c.session_id == seat.c.session_id, SC.c.person_id == seat.c.person_id)
            )
        )
        .offset(0)
        .subquery("row")
    )
    both = and_(row.c.pre.is_not(None), row.c.post.is_not(None))
    gain = row.c.post - row.c.pre
    below = and_(both, row.c.pre < 100)
    columns = [
        func.count().label("seats"),
        count_where(both).label("n"),
        func.sum(case((both, row.c.pre))).label("pre"),
        func.sum(case((both, row.c.post))).label("post"),
        func.sum(case((both, gain))).label("gain"),
        func.sum(case((both, gain * gain))).label("gain2"),
        func.sum(case((below, gain / (100 - row.c.pre)))).label("norm"),
        count_where(below).label("below"),
        count_where(and_(both, row.c.post > row.c.pre)).label("improved"),
    ]
    for _id, code in indicators:
        base, follow = row.c[f"{code}__base"], row.c[f"{code}__follow"]
        has = and_(base.is_not(None), follow.is_not(None))
        columns += [
            count_where(has).label(f"{code}__n"),
            func.sum(case((has, base))).label(f"{code}__base"),
            func.sum(case((has, follow))).label(f"{code}__follow"),
            count_where(and_(has, follow > base)).label(f"{code}__improved"),
        ]
    query = select(row.c.session_id, row.c.status, *columns).group_by(
        row.c.session_id, row.c.status
    )
    practice: dict[int, dict[str, int]] = {}
    scores: dict[int, dict[str, float]] = {}
    values: dict[str, dict[int, dict[str, dict[str, float]]]] = {c: {} for _i, c in indicators}
    for r in session.execute(query):
        m = r._mapping
        practice.setdefault(r.session_id, {})[r.status] = int(r.seats)
        _add(scores.setdefault(r.session_id, {}), {k: m[k] for k in SCORE_SUMS})
        for _id, code in indicators:
            part = {k: m[f"{code}__{k}"] for k in ("n", "base", "follow", "improved")}
            if part["n"]:
                values[code].setdefault(r.session_id, {})[r.status] = part
    return practice, scores, values


def _evaluations(session: Session, ids_in_scope) -> dict[int, dict[str, float]]:
    sums = []
    for item in EVALUATION_ITEMS:
        sums += [func.sum(EV.c[item]).label(item), func.count(EV.c[item]).label(f"{item}_n")]
    query = (
        select(EV.c.session_id, func.count().label("n"), *sums)
        .where(EV.c.session_id.in_(ids_in_scope))
        .group_by(EV.c.session_id)
    )
    return {r.session_id: dict(r._mapping) for r in session.execute(query)}


def _measured(session: Session) -> list[tuple[int, str]]:
    """The indicators with at least one value recorded (one index probe each)."""
    found = []
    for indicator_id, code in session.execute(select(IN.c.id, IN.c.code).order_by(IN.c.id)):
        probe = select(IV.c.id).where(IV.c.indicator_id == indicator_id).limit(1)
        if session.execute(probe).first() is not None:
            found.append((indicator_id, code))
    return found


# --------------------------------------------------------------------------- the figures


def _add(into: dict[str, float], part: dict[str, Any] | None) -> None:
    for key, value in (part or {}).items():
        if key not in ("session_id", "status") and value is not None:
            into[key] = into.get(key, 0) + value


def _t_quantiles(score_sums: dict[int, dict[str, float]]) -> dict[int, float]:
    """The 97.5% quantile of Student's t for each sample size n >= 2 among `score_sums`,
    from SciPy (scipy.special.stdtrit is what scipy.stats.t.ppf computes; the special
    functions alone load in a third of the time of scipy.stats)."""
    sizes = sorted({int(s.get("n", 0)) for s in score_sums.values()} - {0, 1})
    if not sizes:
        return {}
    from scipy.special import stdtrit

    return {n: float(stdtrit(n - 1, 0.975)) for n in sizes}


def _ci95(n: int, gain: float, gain2: float, quantiles: dict[int, float]) -> list[float] | None:
    """The Student's t 95% interval of the mean gain, from n, Σgain and Σgain²."""
    if n < 2:
        return None
    mean = gain / n
    variance = max((gain2 - n * mean * mean) / (n - 1), 0.0)
    half = quantiles[n] * math.sqrt(variance / n)
    return [_r(mean - half), _r(mean + half)]


def _evaluation_figures(s: dict[str, float]) -> dict[str, Any]:
    out: dict[str, Any] = {"n": int(s.get("n", 0))}
    for item in EVALUATION_ITEMS:
        out[item] = _mean(s.get(item, 0), s.get(f"{item}_n", 0))
    return out


def _score_figures(s: dict[str, float], quantiles: dict[int, float]) -> dict[str, Any]:
    n = int(s.get("n", 0))
    return {
        "n": n,
        "pre_mean": _mean(s.get("pre"), n),
        "post_mean": _mean(s.get("post"), n),
        "gain_mean": _mean(s.get("gain"), n),
        "gain_ci95": _ci95(n, s.get("gain", 0.0), s.get("gain2", 0.0), quantiles),
        "normalized_gain": _mean(s.get("norm"), int(s.get("below", 0))),
        "improved": _mean(s.get("improved"), n),
    }


def _indicator_figures(by_status: dict[str, dict[str, float]]) -> dict[str, Any]:
    total: dict[str, float] = {}
    for part in by_status.values():
        _add(total, part)
    n = int(total.get("n", 0))
    base, follow = _mean(total.get("base"), n), _mean(total.get("follow"), n)
    by_practice = {}
    for status in STATUSES:
        part = by_status.get(status, {})
        k = int(part.get("n", 0))
        change = (part["follow"] - part["base"]) / k if k else None
        by_practice[status] = {"n": k, "change": _r(change)}
    return {
        "n": n,
        "baseline": base,
        "followup": follow,
        "change": _r((total["follow"] - total["base"]) / n) if n else None,
        "improved": _mean(total.get("improved"), n),
        "by_practice": by_practice,
        # what the screen compares: practising (practicing, partly) against the rest
        "practising": _group_change(by_status, PRACTISING),
        "not_practising": _group_change(by_status, [s for s in STATUSES if s not in PRACTISING]),
    }


def _group_change(by_status: dict[str, dict[str, float]], statuses) -> dict[str, Any]:
    part: dict[str, float] = {}
    for status in statuses:
        _add(part, by_status.get(status))
    n = int(part.get("n", 0))
    return {"n": n, "change": _r((part["follow"] - part["base"]) / n) if n else None}


def outcomes(session: Session, on: dt.date, *, program=None, training=None) -> dict[str, Any]:
    """The §12 report as a dict, sessions in order of their first day."""
    if program is not None and training is not None:
        raise InvalidInput(_("Give --program or --session, not both."))
    in_scope = T.c.status != "cancelled"
    scope: dict[str, str | None] = {"program": None, "session": None}
    if program is not None:
        in_scope = and_(in_scope, T.c.program_id == program.id)
        scope["program"] = program.code
    if training is not None:
        in_scope = and_(in_scope, T.c.id == training.id)
        scope["session"] = training.code
    trainings = session.execute(
        select(T.c.id, T.c.code, T.c.title).where(in_scope).order_by(T.c.start, T.c.code)
    ).all()
    seat = _seats(session, on, in_scope)
    measured = _measured(session)
    practice, scores, values = _per_status(session, seat, measured, on)
    evaluations = _evaluations(session, select(T.c.id).where(in_scope))
    indicators = session.execute(select(IN.c.id, IN.c.code).order_by(IN.c.id)).all()
    for _i, code in indicators:
        values.setdefault(code, {})
    intervals = _t_quantiles(scores)

    rows = []
    # A province has 50,000 sessions, most without evaluations or indicator values: their
    # figures over nobody are one shared object each (read-only), not 50,000 copies.
    nobody_evaluated = _evaluation_figures({})
    nobody_scored = _score_figures({}, intervals)
    nobody_measured = _indicator_figures({})
    for t in trainings:
        counts = practice.get(t.id, {})
        evaluation = evaluations.get(t.id)
        score = scores.get(t.id)
        rows.append(
            {
                "code": t.code,
                "title": t.title,
                "participants": sum(counts.values()),
                "evaluation": _evaluation_figures(evaluation) if evaluation else nobody_evaluated,
                "scores": _score_figures(score, intervals) if score else nobody_scored,
                "practice": {status: counts.get(status, 0) for status in STATUSES},
                "indicators": {
                    code: (
                        _indicator_figures(values[code][t.id])
                        if t.id in values[code]
                        else nobody_measured
                    )
                    for _i, code in indicators
                },
            }
        )
    return {
        "scope": scope,
        "on": on.isoformat(),
        "sessions": rows,
        "totals": _totals(session, seat, practice, scores, evaluations, values, indicators),
    }


def _totals(session, seat, practice, scores, evaluations, values, indicators) -> dict[str, Any]:
    score_sum: dict[str, float] = {}
    for part in scores.values():
        _add(score_sum, part)
    evaluation_sum: dict[str, float] = {}
    for part in evaluations.values():
        _add(evaluation_sum, part)
    counts = {status: 0 for status in STATUSES}
    for per_session in practice.values():
        for status, n in per_session.items():
            counts[status] += n
    indicator_totals = {}
    for _i, code in indicators:
        by_status: dict[str, dict[str, float]] = {}
        for per_session in values[code].values():
            for status, part in per_session.items():
                _add(by_status.setdefault(status, {}), part)
        indicator_totals[code] = _indicator_figures(by_status)
    people = session.execute(select(func.count(func.distinct(seat.c.person_id)))).scalar()
    return {
        "participants": int(people or 0),
        "seats": sum(counts.values()),
        "evaluation": _evaluation_figures(evaluation_sum),
        "scores": _score_figures(score_sum, _t_quantiles({0: score_sum})),
        "practice": counts,
        "indicators": indicator_totals,
    }
