"""`report outcomes` (SPEC §12): per session and in total, the four levels of a training.

Every figure is a sum or a count worked out in SQL per session and practice status
(storage.outcome_sums), so the totals are the sums of the sessions' parts. When the
derived rows are current and cover the date, they are read instead: per session for the
sessions shown, per block of sessions for the totals of the whole register (a few hundred
rows for a province's fifty thousand sessions), and only the seats whose follow-up value
is dated after the report's date are corrected. Means, shares and the interval are made
from those sums at the end. Seats are counted once per session: a person in two
trainings counts in both (totals.seats), while `participants` in the totals counts
distinct people.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import and_, case, func, literal, null, select
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
OS, OI, OV = models.outcome_score, models.outcome_indicator, models.outcome_value
OSB, OIB = models.outcome_score_block, models.outcome_indicator_block
STATUSES = (*PRACTICE_STATUSES, "no_contact")
PRACTISING = ("practicing", "partly")


CHUNK = 2000  # sessions worked out at once when every one is read


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _mean(total, n) -> float | None:
    return _r(total / n) if n else None


# --------------------------------------------------------------------------- the queries


def _sums(on: dt.date, in_scope, covered: bool, *, totals: bool = False, every: bool = False):
    """The score rows and the signed indicator rows ([(+1 or -1, rows)]) the figures of
    the sessions in scope add up: outcome_sums.score_sums and indicator_sums from the
    source tables, or when the derived rows cover `on` (`covered`) their rows, per
    session or, for every session at once (`every`: the totals of the whole register),
    per block, with the corrections of the follow-ups dated after `on` (for the
    `totals`, not kept apart by session)."""
    if not covered:
        from koptrain.services import mentoring

        seat = outcome_sums.seats(mentoring.followups(on, scope=in_scope), in_scope)
        rows = outcome_sums.value_rows(seat, on)
        return outcome_sums.score_sums(seat), [(1, outcome_sums.indicator_sums(rows))]
    if every:  # the blocks hold every session that is not cancelled
        return select(OSB), [(1, select(OIB)), *_corrections(on, None, totals)]
    picked = select(T.c.id).where(in_scope)
    indicators = select(OI).where(OI.c.session_id.in_(picked))
    return (
        select(OS).where(OS.c.session_id.in_(picked)),
        [(1, indicators), *_corrections(on, picked, totals)],
    )


def _corrections(on: dt.date, picked, totals: bool):
    """What turns the derived indicator rows into the figures as of `on`: their follow-up
    values are the latest of any date, and one dated after `on` is no follow-up value as
    of `on`. The seats whose follow-up is dated after `on` (outcome_value, a range of its
    index; of the sessions `picked`, None: any) have it taken away and the follow-up as of
    `on` added in its place (sums add up seat by seat): the value before it when that is
    dated on or before `on` (none when there is none), else the latest on or before `on`.
    For the `totals` the seats are summed as if of one session (fewer groups to sort)."""
    columns = [literal(0).label(c.name) if totals and c is OV.c.session_id else c for c in OV.c]
    late = select(*columns).where(OV.c.follow_date > on)
    if picked is not None:
        late = late.where(OV.c.session_id.in_(picked))
    late = late.offset(0).subquery("late")  # fenced: found by the index, read once
    follow = case(
        (late.c.prior_date <= on, late.c.prior),
        (late.c.prior_date.is_(None), null()),
        else_=outcome_sums.latest_value(
            late.c.person_id, late.c.indicator_id, IV.c.date > late.c.end, IV.c.date <= on
        ),
    )
    instead = select(
        late.c.session_id, late.c.status, late.c.indicator_id, late.c.base, follow.label("follow")
    ).subquery("instead")
    return [(-1, outcome_sums.indicator_sums(late)), (1, outcome_sums.indicator_sums(instead))]


def _gathered(session: Session, score_rows, indicator_rows, indicators: dict[int, str], by_session):
    """The sums of `score_rows` and of `indicator_rows` (each with its sign: +1, or -1 to
    be taken away), per session (`by_session`) or all together (key 0), each by practice
    status: {key: {status: seats}}, {key: score sums}, and per indicator code
    {key: {status: value sums}} (only where someone has both values)."""
    key = ("session_id",) if by_session else ()
    practice: dict[int, dict[str, int]] = {}
    scores: dict[int, dict[str, float]] = {}
    names = ("seats", *SCORE_SUMS)
    for r in session.execute(outcome_sums.regrouped(score_rows, (*key, "status"), names)):
        m = r._mapping
        at = m["session_id"] if by_session else 0
        practice.setdefault(at, {})[r.status] = int(r.seats)
        _add(scores.setdefault(at, {}), {k: m[k] for k in SCORE_SUMS})
    values: dict[str, dict[int, dict[str, dict[str, float]]]] = {c: {} for c in indicators.values()}
    keys = (*key, "status", "indicator_id")
    for sign, rows in indicator_rows:
        for r in session.execute(outcome_sums.regrouped(rows, keys, outcome_sums.INDICATOR_SUMS)):
            m = r._mapping
            by_status = values[indicators[r.indicator_id]].setdefault(
                m["session_id"] if by_session else 0, {}
            )
            into = by_status.setdefault(r.status, {})
            for name in outcome_sums.INDICATOR_SUMS:
                into[name] = into.get(name, 0) + sign * (m[name] or 0)
    for per_key in values.values():  # what the corrections left with nobody
        for at, by_status in list(per_key.items()):
            for status in [s for s, part in by_status.items() if not part["n"]]:
                del by_status[status]
            if not by_status:
                del per_key[at]
    return practice, scores, values


def _evaluations(session: Session, in_scope, *, by_session: bool) -> dict[int, dict[str, Any]]:
    """The sums and counts of the evaluation marks of the sessions in scope, per session
    (`by_session`) or all together (key 0)."""
    sums = []
    for item in EVALUATION_ITEMS:
        sums += [func.sum(EV.c[item]).label(item), func.count(EV.c[item]).label(f"{item}_n")]
    key = [EV.c.session_id] if by_session else []
    query = (
        select(*key, func.count().label("n"), *sums)
        .select_from(EV.join(T, T.c.id == EV.c.session_id))
        .where(in_scope)
        .group_by(*key)
    )
    return {r.session_id if by_session else 0: dict(r._mapping) for r in session.execute(query)}


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
    """The report's sessions in order of their first day, each read and worked out when it
    is asked for: the screen shows a province's first and last ten of 50,000 (a count and
    two short reads), the files read them all (CHUNK sessions at a time)."""

    def __init__(self, session: Session, in_scope, figures) -> None:
        self._session = session
        self._in_scope = in_scope
        self._figures = figures  # (trainings, every one?) -> their figures, in order
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            query = select(func.count()).select_from(T).where(self._in_scope)
            self._count = int(self._session.execute(query).scalar() or 0)
        return self._count

    def _trainings(self, offset: int = 0, limit: int | None = None) -> list:
        """`limit` trainings from the `offset`-th (every one when None); a part nearer
        the end is read from the end."""
        listed = select(T.c.id, T.c.code, T.c.title).where(self._in_scope)
        if limit is None:
            return self._session.execute(listed.order_by(T.c.start, T.c.code)).all()
        if offset + limit / 2 <= len(self) / 2:
            return self._session.execute(
                listed.order_by(T.c.start, T.c.code).offset(offset).limit(limit)
            ).all()
        backwards = listed.order_by(T.c.start.desc(), T.c.code.desc())
        skipped = len(self) - offset - limit
        return self._session.execute(backwards.offset(skipped).limit(limit)).all()[::-1]

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if stop <= start:
                return []
            return self._figures(self._trainings(start, stop - start), False)[::step]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return self._figures(self._trainings(index % len(self), 1), False)[0]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Every session, worked out CHUNK sessions at a time (a province's 50,000 at once
        held ~900 MB of figures)."""
        trainings = self._trainings()
        if len(trainings) <= CHUNK:
            yield from self._figures(trainings, True)
            return
        for start in range(0, len(trainings), CHUNK):
            yield from self._figures(trainings[start : start + CHUNK], False)


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
    indicators = dict(session.execute(select(IN.c.id, IN.c.code).order_by(IN.c.id)).all())
    covered = derived.covers(session, on)

    def figures(trainings, every: bool) -> list[dict[str, Any]]:
        picked = in_scope if every else and_(in_scope, T.c.id.in_([t.id for t in trainings]))
        practice, scores, values = _gathered(session, *_sums(on, picked, covered), indicators, True)
        evaluations = _evaluations(session, picked, by_session=True)
        intervals = _t_quantiles(scores)
        # Sessions without evaluations or indicator values share their figures over
        # nobody (read-only), not one copy each.
        nobody_evaluated = _evaluation_figures({})
        nobody_scored = _score_figures({}, intervals)
        nobody_measured = _indicator_figures({})
        rows = []
        for t in trainings:
            counts = practice.get(t.id, {})
            evaluation = evaluations.get(t.id)
            score = scores.get(t.id)
            rows.append(
                {
                    "code": t.code,
                    "title": t.title,
                    "participants": sum(counts.values()),
                    "evaluation": (
                        _evaluation_figures(evaluation) if evaluation else nobody_evaluated
                    ),
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
            )
        return rows

    every = program is None and training is None
    practice, scores, values = _gathered(
        session, *_sums(on, in_scope, covered, totals=True, every=every), indicators, False
    )
    return {
        "scope": scope,
        "on": on.isoformat(),
        "sessions": Sessions(session, in_scope, figures),
        "totals": _totals(
            _participants(session, on, in_scope, program, training),
            practice.get(0, {}),
            scores.get(0, {}),
            _evaluations(session, in_scope, by_session=False).get(0, {}),
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


def _totals(people, counts, score_sum, evaluation_sum, values) -> dict[str, Any]:
    counts = {status: counts.get(status, 0) for status in STATUSES}
    return {
        "participants": people,
        "seats": sum(counts.values()),
        "evaluation": _evaluation_figures(evaluation_sum),
        "scores": _score_figures(score_sum, _t_quantiles({0: score_sum})),
        "practice": counts,
        "indicators": {code: _indicator_figures(by_status) for code, by_status in values.items()},
    }
