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
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Float, Integer, and_, cast, func, select
from sqlmodel import Session

from koptrain import models
from koptrain.errors import InvalidInput
from koptrain.i18n import _
from koptrain.models import Enrollment, Evaluation, Indicator, IndicatorValue, Training
from koptrain.parsing import PRACTICE_STATUSES, SEAT_STATUSES
from koptrain.services.outcomes.values import EVALUATION_ITEMS
from koptrain.storage import outcome_sums
from koptrain.storage.outcome_sums import SCORE_SUMS

E, T = Enrollment.__table__, Training.__table__
EV, IN, IV = Evaluation.__table__, Indicator.__table__, IndicatorValue.__table__
STATUSES = (*PRACTICE_STATUSES, "no_contact")
PRACTISING = ("practicing", "partly")
COUNTS = ("seats", "n", "below", "improved")


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _mean(total, n) -> float | None:
    return _r(total / n) if n else None


# --------------------------------------------------------------------------- the queries


def _sums(session: Session, on: dt.date, in_scope, covered: bool):
    """The rows of outcome_sums.score_sums and indicator_sums for the sessions in scope:
    the derived outcome rows when the follow-up rows cover `on` (`covered`), else worked
    out from the source tables."""
    from koptrain.services import mentoring

    if covered:
        picked = select(T.c.id).where(in_scope)
        os, oi = models.outcome_score, models.outcome_indicator
        return (
            select(os).where(os.c.session_id.in_(picked)),
            [(1, select(oi).where(oi.c.session_id.in_(picked)))],
        )
    seat = outcome_sums.seats(mentoring.followups(on, scope=in_scope), in_scope)
    rows = outcome_sums.value_rows(seat, on)
    return outcome_sums.score_sums(seat), [(1, outcome_sums.indicator_sums(rows))]


def _corrections(on: dt.date, in_scope):
    """What turns the derived indicator rows into the figures as of `on`: their follow-up
    values are the latest of any date, and one dated after `on` is no follow-up value as
    of `on`. The seats whose follow-up is dated after `on` (outcome_value, a range of its
    follow_date index) have it taken away and the latest on or before `on` (if any) added
    in its place (sums add up seat by seat)."""
    ov = models.outcome_value
    dated = select(ov).where(ov.c.follow_date > on).offset(0).subquery("dated")  # fenced
    late = (
        select(dated)
        .select_from(dated.join(T, T.c.id == dated.c.session_id))
        .where(in_scope)
        .subquery("late")
    )
    follow = outcome_sums.latest_value(
        late.c.person_id, late.c.indicator_id, IV.c.date > late.c.end, IV.c.date <= on
    )
    instead = select(
        late.c.session_id, late.c.status, late.c.indicator_id, late.c.base, follow.label("follow")
    ).subquery("instead")
    return [(-1, outcome_sums.indicator_sums(late)), (1, outcome_sums.indicator_sums(instead))]


def _gathered(session: Session, score_rows, indicator_rows, indicators: dict[int, str], by_session):
    """The sums of `score_rows` and of `indicator_rows` (each with its sign: +1, or -1 to
    be taken away), per session (`by_session`) or all together (key 0), each by practice
    status: {key: {status: seats}}, {key: score sums}, and per indicator code
    {key: {status: value sums}}."""

    def regrouped(rows, *keys, names):
        sub = rows.subquery("sums")
        key = [sub.c.session_id] if by_session else []
        # typed: PostgreSQL sums bigints into numeric, which Python reads as Decimal
        columns = [
            cast(func.sum(sub.c[name]), Integer if name in COUNTS else Float).label(name)
            for name in names
        ]
        group = [*key, sub.c.status, *(sub.c[k] for k in keys)]
        return select(*group, *columns).group_by(*group)

    practice: dict[int, dict[str, int]] = {}
    scores: dict[int, dict[str, float]] = {}
    if score_rows is not None:
        for r in session.execute(regrouped(score_rows, names=("seats", *SCORE_SUMS))):
            m = r._mapping
            key = m["session_id"] if by_session else 0
            practice.setdefault(key, {})[r.status] = int(r.seats)
            _add(scores.setdefault(key, {}), {k: m[k] for k in SCORE_SUMS})
    values: dict[str, dict[int, dict[str, dict[str, float]]]] = {c: {} for c in indicators.values()}
    for sign, rows in indicator_rows:
        query = regrouped(rows, "indicator_id", names=outcome_sums.INDICATOR_SUMS)
        for r in session.execute(query):
            m = r._mapping
            key = m["session_id"] if by_session else 0
            by_status = values[indicators[r.indicator_id]].setdefault(key, {})
            _add_signed(by_status.setdefault(r.status, {}), m, sign)
    return practice, scores, values


def _add_signed(into: dict[str, float], part, sign: int = 1) -> None:
    for name in outcome_sums.INDICATOR_SUMS:
        into[name] = into.get(name, 0) + sign * (part[name] or 0)


def _corrected(values, corrections, keys) -> None:
    """Add to `values` the corrections of the sessions `keys` ({key: session ids}), then
    drop what leaves nobody with both values."""
    for code, per_key in values.items():
        for key, ids in keys.items():
            for session_id in ids:
                for status, part in corrections.get(code, {}).get(session_id, {}).items():
                    _add_signed(per_key.setdefault(key, {}).setdefault(status, {}), part)
        for key, by_status in list(per_key.items()):
            for status in [s for s, part in by_status.items() if not part["n"]]:
                del by_status[status]
            if not by_status:
                del per_key[key]


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


class Sessions(Sequence):
    """The report's sessions, each worked out when it is read: the screen shows a
    province's first and last ten of 50,000, the files read them all (in one pass)."""

    def __init__(self, trainings, figures) -> None:
        self._trainings = trainings
        self._figures = figures  # ids (None: every one) -> {id: the session's figures}

    def __len__(self) -> int:
        return len(self._trainings)

    def __getitem__(self, index):
        picked = self._trainings[index]
        if isinstance(index, slice):
            rows = self._figures([t.id for t in picked])
            return [rows[t.id] for t in picked]
        return self._figures([picked.id])[picked.id]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        rows = self._figures(None)
        return (rows[t.id] for t in self._trainings)


def outcomes(session: Session, on: dt.date, *, program=None, training=None) -> dict[str, Any]:
    """The §12 report as a dict, sessions in order of their first day (a Sessions:
    `list()` it for every session at once)."""
    from koptrain.storage import derived

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
    indicators = dict(session.execute(select(IN.c.id, IN.c.code).order_by(IN.c.id)).all())
    evaluations = _evaluations(session, select(T.c.id).where(in_scope))

    covered = derived.covers(session, on)
    corrections = {}
    if covered:
        corrections = _gathered(session, None, _corrections(on, in_scope), indicators, True)[2]

    def figures(ids) -> dict[int, dict[str, Any]]:
        picked = in_scope if ids is None else and_(in_scope, T.c.id.in_(ids))
        practice, scores, values = _gathered(
            session, *_sums(session, on, picked, covered), indicators, True
        )
        chosen = [t.id for t in trainings] if ids is None else ids
        _corrected(values, corrections, {i: [i] for i in chosen})
        intervals = _t_quantiles(scores)
        # Sessions without evaluations or indicator values share their figures over
        # nobody (read-only), not one copy each.
        nobody_evaluated = _evaluation_figures({})
        nobody_scored = _score_figures({}, intervals)
        nobody_measured = _indicator_figures({})
        rows = {}
        wanted = None if ids is None else set(ids)
        for t in trainings if wanted is None else [t for t in trainings if t.id in wanted]:
            counts = practice.get(t.id, {})
            evaluation = evaluations.get(t.id)
            score = scores.get(t.id)
            rows[t.id] = {
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
                    for code in indicators.values()
                },
            }
        return rows

    practice, scores, values = _gathered(
        session, *_sums(session, on, in_scope, covered), indicators, False
    )
    _corrected(values, corrections, {0: [t.id for t in trainings]})
    return {
        "scope": scope,
        "on": on.isoformat(),
        "sessions": Sessions(trainings, figures),
        "totals": _totals(
            _participants(session, on, in_scope, program, training),
            practice.get(0, {}),
            scores.get(0, {}),
            evaluations,
            {code: values[code].get(0, {}) for code in indicators.values()},
        ),
    }


def _participants(session: Session, on: dt.date, in_scope, program, training) -> int:
    """Distinct people holding a seat in scope: the derived participant rows (one per
    person and programme) when current, else counted over the seats."""
    from koptrain.storage import derived

    if training is None and derived.current(session):
        scope_id = program.id if program is not None else 0
        pa = models.participant
        query = select(func.count()).select_from(pa).where(pa.c.scope_id == scope_id)
    else:
        query = (
            select(func.count(func.distinct(E.c.person_id)))
            .select_from(T.join(E, E.c.session_id == T.c.id))
            .where(in_scope, E.c.status.in_(SEAT_STATUSES))
        )
    return int(session.execute(query).scalar() or 0)


def _totals(people, counts, score_sum, evaluations, values) -> dict[str, Any]:
    evaluation_sum: dict[str, float] = {}
    for part in evaluations.values():
        _add(evaluation_sum, part)
    counts = {status: counts.get(status, 0) for status in STATUSES}
    return {
        "participants": people,
        "seats": sum(counts.values()),
        "evaluation": _evaluation_figures(evaluation_sum),
        "scores": _score_figures(score_sum, _t_quantiles({0: score_sum})),
        "practice": counts,
        "indicators": {code: _indicator_figures(by_status) for code, by_status in values.items()},
    }
