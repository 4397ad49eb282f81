"""The sums `report outcomes` (SPEC §12) is made of, as SQLAlchemy query builders: per
session and practice status, the seats and the sums of the scores; per session, practice
status and indicator, the sums of the baseline and follow-up values. The exact report
(koptrain.services.outcomes.report) and the derived rows outcome_score and
outcome_indicator (koptrain.storage.derived) are both built from them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, Integer, and_, case, cast, func, literal, select

from koptrain.models import Enrollment, Indicator, IndicatorValue, Score, Training
from koptrain.parsing import SEAT_STATUSES
from koptrain.storage.queries import count_where

E, T, SC = Enrollment.__table__, Training.__table__, Score.__table__
IV, IN = IndicatorValue.__table__, Indicator.__table__

SCORE_SUMS = ("n", "pre", "post", "gain", "gain2", "norm", "below", "improved")
INDICATOR_SUMS = ("n", "base", "follow", "improved")
COUNTS = ("seats", "n", "below", "improved")  # the sums that are counts
BLOCK = 256  # sessions per block: the derived sums are kept per session and per block


def block(session_id):
    """The block of sessions a session id falls in (ids 0-255 in block 0, ...)."""
    return session_id // BLOCK


def regrouped(rows, keys, names):
    """The sums of the columns `names` of `rows` (a select) per the columns `keys`: how
    sums worked out per session become sums per block, per session and status, or in
    total. Typed, as PostgreSQL sums bigints into numeric (read as Decimal)."""
    sub = rows.subquery("sums")
    group = [sub.c[key] for key in keys]
    columns = [
        cast(func.sum(sub.c[name]), Integer if name in COUNTS else Float).label(name)
        for name in names
    ]
    return select(*group, *columns).group_by(*group)


def seats(fu, condition):
    """Each seat holder of a session meeting `condition` (on T and E) with the status of
    the latest contact counted for that seat in `fu` (follow-up rows: enrollment_id,
    last_status), 'no_contact' without one."""
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
        .where(T.c.status != "cancelled", E.c.status.in_(SEAT_STATUSES), condition)
        .offset(0)  # fenced: worked out once, read by the sums below
        .subquery("seat")
    )


def score_sums(seat):
    """Per (session_id, status) of `seat`: seats, then SCORE_SUMS over those with both
    scores (n, Σpre, Σpost, Σgain, Σgain², Σ normalised gain over `below` = those with
    pre < 100, how many improved)."""
    row = (
        select(seat.c.session_id, seat.c.status, SC.c.pre, SC.c.post)
        .select_from(
            seat.outerjoin(
                SC, and_(SC.c.session_id == seat.c.session_id, SC.c.person_id == seat.c.person_id)
            )
        )
        .subquery("row")
    )
    both = and_(row.c.pre.is_not(None), row.c.post.is_not(None))
    gain = row.c.post - row.c.pre
    below = and_(both, row.c.pre < 100)
    return select(
        row.c.session_id,
        row.c.status,
        func.count().label("seats"),
        count_where(both).label("n"),
        func.sum(case((both, row.c.pre))).label("pre"),
        func.sum(case((both, row.c.post))).label("post"),
        func.sum(case((both, gain))).label("gain"),
        func.sum(case((both, gain * gain))).label("gain2"),
        func.sum(case((below, gain / (100 - row.c.pre)))).label("norm"),
        count_where(below).label("below"),
        count_where(and_(both, row.c.post > row.c.pre)).label("improved"),
    ).group_by(row.c.session_id, row.c.status)


def latest_value(person_id, indicator_id, *conditions, column=IV.c.value):
    """A person's latest value of an indicator meeting `conditions` (its `column`): one
    probe of ix_indicator_value_probe."""
    return (
        select(column)
        .where(IV.c.person_id == person_id, IV.c.indicator_id == indicator_id, *conditions)
        .order_by(IV.c.date.desc())
        .limit(1)
        .scalar_subquery()
    )


def value_rows(seat, on: dt.date | None, *, dated: bool = False):
    """Per seat of `seat` and indicator with a value recorded: session_id, status,
    indicator_id, person_id, end, the baseline (the latest value on or before the first
    day), the follow-up value (the latest after the last day and on or before `on`, any
    date when None), and with `dated` its date."""
    who, which = seat.c.person_id, IN.c.id
    # the indicators this seat holder has a value of (one probe of the person's values: a
    # seat without any adds nothing to a sum, which counts those with both values)
    # (a scalar probe, not EXISTS: PostgreSQL would turn EXISTS into a join over every value)
    measured = latest_value(who, which, column=IV.c.id).is_not(None)
    after = [IV.c.date > seat.c.end, *([] if on is None else [IV.c.date <= on])]
    return (
        select(
            seat.c.session_id,
            seat.c.status,
            which.label("indicator_id"),
            who,
            seat.c.end,
            latest_value(who, which, IV.c.date <= seat.c.start).label("base"),
            latest_value(who, which, *after).label("follow"),
            *(
                [latest_value(who, which, *after, column=IV.c.date).label("follow_date")]
                if dated
                else []
            ),
        )
        .select_from(seat.join(IN, measured))
        .offset(0)
        .subquery("row")
    )


def prior_value(row, column=IV.c.value):
    """For each row of `row` (value_rows with follow_date): the latest value (its
    `column`) after the last day and before the follow-up's date, that is the follow-up
    value as of any date from its own date until the day before follow_date."""
    return latest_value(
        row.c.person_id,
        row.c.indicator_id,
        IV.c.date > row.c.end,
        IV.c.date < row.c.follow_date,
        column=column,
    )


def indicator_sums(row):
    """Per (session_id, status, indicator_id) of `row` (value_rows, or rows with the same
    columns) where someone has both values: INDICATOR_SUMS (n, Σbaseline, Σfollow-up,
    how many went up)."""
    has = and_(row.c.base.is_not(None), row.c.follow.is_not(None))
    n = count_where(has)
    return (
        select(
            row.c.session_id,
            row.c.status,
            row.c.indicator_id,
            n.label("n"),
            func.sum(case((has, row.c.base))).label("base"),
            func.sum(case((has, row.c.follow))).label("follow"),
            count_where(and_(has, row.c.follow > row.c.base)).label("improved"),
        )
        .group_by(row.c.session_id, row.c.status, row.c.indicator_id)
        .having(n > 0)
    )
