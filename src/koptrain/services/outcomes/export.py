"""The outcome kinds as `export` writes them: the columns their import reads back."""

from __future__ import annotations

from sqlalchemy import select

from koptrain.models import Evaluation, Indicator, IndicatorValue, Person, Score, Training

T, P, SC = Training.__table__, Person.__table__, Score.__table__
EV, IV, IN = Evaluation.__table__, IndicatorValue.__table__, Indicator.__table__

# kind -> (columns in import order, the numeric ones)
COLUMNS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    "scores": (("session", "nik", "pre", "post"), frozenset({"pre", "post"})),
    "evaluations": (
        ("session", "nik", "materi", "narasumber", "fasilitas", "manfaat", "saran"),
        frozenset({"materi", "narasumber", "fasilitas", "manfaat"}),
    ),
    "indicators": (("nik", "session", "date", "indicator", "value"), frozenset({"value"})),
}


def query(kind: str):
    if kind == "scores":
        return (
            select(T.c.code.label("session"), P.c.nik, SC.c.pre, SC.c.post)
            .select_from(SC.join(T, T.c.id == SC.c.session_id).join(P, P.c.id == SC.c.person_id))
            .order_by(T.c.start, T.c.code, SC.c.id)
        )
    if kind == "evaluations":
        return (
            select(
                T.c.code.label("session"),
                P.c.nik,
                EV.c.materi,
                EV.c.narasumber,
                EV.c.fasilitas,
                EV.c.manfaat,
                EV.c.saran,
            )
            .select_from(
                EV.join(T, T.c.id == EV.c.session_id).outerjoin(P, P.c.id == EV.c.person_id)
            )
            .order_by(T.c.start, T.c.code, EV.c.id)
        )
    return (
        select(
            P.c.nik,
            T.c.code.label("session"),
            IV.c.date,
            IN.c.code.label("indicator"),
            IV.c.value,
            IN.c.kind,
        )
        .select_from(
            IV.join(P, P.c.id == IV.c.person_id)
            .join(IN, IN.c.id == IV.c.indicator_id)
            .outerjoin(T, T.c.id == IV.c.session_id)
        )
        .order_by(IV.c.person_id, IN.c.id, IV.c.date)
    )


def fixed(kind: str, row: dict) -> dict:
    """Whole numbers without `.0` (a score of 80, an omzet of 2500000, yes/no as 1/0)."""
    from koptrain.services.outcomes.values import shown_value

    if kind == "indicators":
        row["value"] = shown_value(row["value"], row.pop("kind"))
    elif kind == "scores":
        for key in ("pre", "post"):
            row[key] = shown_value(row[key], "number")
    return row
