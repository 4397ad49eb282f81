"""Recording outcomes: test scores, indicators and their values, evaluations.

Each function checks everything before it writes, so a refused call writes nothing, and
is the one place its rule lives: `score record`, `baseline record`, `mentor log
--indicator` and the `scores`, `indicators` and `evaluations` imports all come here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlmodel import Session, col, select

from koptrain.errors import InvalidInput, Refused
from koptrain.i18n import _
from koptrain.models import Evaluation, Indicator, IndicatorValue, MentoringLog, Person, Score
from koptrain.models import Training as TrainingRow
from koptrain.parsing import mask_nik, normalise_key, shown
from koptrain.services import audit
from koptrain.services.outcomes.values import (
    parse_indicator_kind,
    parse_indicator_value,
    split_assignment,
)

INSERTED, UPDATED, UNCHANGED = "inserted", "updated", "unchanged"


def check_seat(session: Session, person: Person, training: TrainingRow) -> None:
    """Outcomes are recorded for seat holders only (Refused otherwise)."""
    from koptrain.services.mentoring import seat_in

    if not seat_in(session, person.id, training.id):
        raise Refused(
            _("{name} ({nik}) holds no seat in {session}.").format(
                name=person.name, nik=mask_nik(person.nik), session=training.code
            )
        )


# --------------------------------------------------------------------------- scores


def no_score_message() -> str:
    return _("Give a pre-test score, a post-test score or both.")


def record_score(
    session: Session,
    training: TrainingRow,
    person: Person,
    *,
    pre: float | None = None,
    post: float | None = None,
) -> tuple[Score, str]:
    """Set the pre- and/or post-test score of a seat holder (a blank one keeps its value)."""
    if pre is None and post is None:
        raise InvalidInput(no_score_message())
    check_seat(session, person, training)
    score = session.exec(
        select(Score).where(Score.session_id == training.id, Score.person_id == person.id)
    ).first()
    outcome = INSERTED
    if score is None:
        score = Score(session_id=training.id, person_id=person.id)
        session.add(score)
    else:
        outcome = UNCHANGED
    old = {"pre": score.pre, "post": score.post}
    for name, value in (("pre", pre), ("post", post)):
        if value is not None and getattr(score, name) != value:
            setattr(score, name, value)
            outcome = INSERTED if outcome == INSERTED else UPDATED
    if outcome != UNCHANGED:
        audit.record(
            session,
            entity="score",
            key=f"{training.code}/{person.nik}",
            change={"old": old, "new": {"pre": score.pre, "post": score.post}},
        )
    session.flush()
    return score, outcome


# --------------------------------------------------------------------------- indicators


def list_indicators(session: Session) -> list[Indicator]:
    return list(session.exec(select(Indicator).order_by(Indicator.id)).all())


def indicator(session: Session, code: str) -> Indicator:
    key = normalise_key(code)
    found = session.exec(select(Indicator).where(Indicator.code == key)).first()
    if found is None:
        known = ", ".join(i.code for i in list_indicators(session))
        raise InvalidInput(
            _("No indicator has the code '{code}'; known: {known}.").format(
                code=shown(code), known=known or "-"
            )
        )
    return found


def add_indicator(
    session: Session, code: str, *, name: str, kind: str, unit: str | None = None
) -> Indicator:
    key = normalise_key(code)
    if not key or len(key) > 40 or not key.replace("_", "").isalnum():
        raise InvalidInput(
            _("Indicator code '{code}' must be letters, digits and _ (at most 40).").format(
                code=shown(code)
            )
        )
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        raise InvalidInput(_("Give the indicator a name of at most 200 characters."))
    kind = parse_indicator_kind(kind)
    unit = " ".join((unit or "").split()) or None
    if session.exec(select(Indicator).where(Indicator.code == key)).first() is not None:
        raise Refused(_("The indicator {code} already exists.").format(code=key))
    row = Indicator(code=key, name=name, kind=kind, unit=unit)
    session.add(row)
    audit.record(
        session,
        entity="indicator",
        key=key,
        change={"name": name, "kind": kind, "unit": unit},
    )
    session.flush()
    return row


def parse_assignments(session: Session, items: Iterable[str]) -> list[tuple[Indicator, float]]:
    """`CODE=VALUE` texts checked against the indicators' kinds (InvalidInput at the first
    bad one); an indicator named twice is refused."""
    parsed: list[tuple[Indicator, float]] = []
    for item in items:
        code, raw = split_assignment(item)
        found = indicator(session, code)
        if any(i.id == found.id for i, _v in parsed):
            raise InvalidInput(_("The indicator {code} is given twice.").format(code=found.code))
        parsed.append((found, parse_indicator_value(raw, found.kind, code=found.code)))
    return parsed


def put_value(
    session: Session,
    person: Person,
    found: Indicator,
    value: float,
    *,
    date: dt.date,
    training: TrainingRow | None = None,
    log: MentoringLog | None = None,
) -> str:
    """Store a person's value of an indicator on a date (one value per person, indicator
    and day: a second one on the same day replaces it)."""
    row = session.exec(
        select(IndicatorValue).where(
            IndicatorValue.person_id == person.id,
            IndicatorValue.indicator_id == found.id,
            IndicatorValue.date == date,
        )
    ).first()
    fields = {
        "value": value,
        "session_id": training.id if training else None,
        "log_id": log.id if log else None,
    }
    if row is None:
        session.add(IndicatorValue(person_id=person.id, indicator_id=found.id, date=date, **fields))
        outcome = INSERTED
    else:
        if fields["log_id"] is None:  # a baseline over a contact's value keeps the contact
            fields["log_id"] = row.log_id
        if fields["session_id"] is None:
            fields["session_id"] = row.session_id
        old = {k: getattr(row, k) for k in fields}
        if old == fields:
            return UNCHANGED
        for k, v in fields.items():
            setattr(row, k, v)
        outcome = UPDATED
    audit.record(
        session,
        entity="indicator_value",
        key=f"{person.nik}/{found.code}/{date.isoformat()}",
        change={"value": value, "session": training.code if training else None},
    )
    session.flush()
    return outcome


def record_baseline(
    session: Session,
    person: Person,
    training: TrainingRow,
    *,
    date: dt.date,
    assignments: Iterable[str],
) -> list[tuple[Indicator, float, str]]:
    """`baseline record`: values measured on `date` for a seat holder of `training`."""
    items = list(assignments)
    if not items:
        raise InvalidInput(_("Give at least one --indicator CODE=VALUE."))
    parsed = parse_assignments(session, items)
    check_seat(session, person, training)
    return [
        (found, value, put_value(session, person, found, value, date=date, training=training))
        for found, value in parsed
    ]


def record_at_contact(
    session: Session, log: MentoringLog, parsed: list[tuple[Indicator, float]]
) -> None:
    """Values measured at a mentoring contact (`mentor log --indicator`), dated by it."""
    person = session.get(Person, log.person_id)
    training = session.get(TrainingRow, log.session_id) if log.session_id else None
    for found, value in parsed:
        put_value(session, person, found, value, date=log.date, training=training, log=log)


# --------------------------------------------------------------------------- evaluations


def put_evaluation(
    session: Session,
    training: TrainingRow,
    person: Person | None,
    marks: dict[str, int | None],
    saran: str | None,
) -> str:
    """A named evaluation is one per seat holder (updated in place); an anonymous one is
    matched by its content, so a file imported twice adds nothing the second time."""
    if person is not None:
        check_seat(session, person, training)
        row = session.exec(
            select(Evaluation).where(
                Evaluation.session_id == training.id, Evaluation.person_id == person.id
            )
        ).first()
        if row is not None:
            new = {**marks, "saran": saran}
            if all(getattr(row, k) == v for k, v in new.items()):
                return UNCHANGED
            for k, v in new.items():
                setattr(row, k, v)
            session.flush()
            return UPDATED
    session.add(
        Evaluation(
            session_id=training.id,
            person_id=person.id if person else None,
            saran=saran,
            **marks,
        )
    )
    session.flush()
    return INSERTED


def anonymous_count(
    session: Session, training: TrainingRow, marks: dict[str, int | None], saran: str | None
) -> int:
    """How many stored anonymous evaluations of `training` read exactly so."""
    query = select(Evaluation.id).where(
        Evaluation.session_id == training.id, col(Evaluation.person_id).is_(None)
    )
    for k, v in {**marks, "saran": saran}.items():
        column = getattr(Evaluation, k)
        query = query.where(col(column).is_(None) if v is None else column == v)
    return len(session.exec(query).all())
