"""Export: every kind as the rows its import reads back, streamed from the database."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from koptrain.errors import InvalidInput
from koptrain.i18n import _
from koptrain.models import (
    Attendance,
    Coop,
    Enrollment,
    GroupMember,
    HealthRating,
    Membership,
    MentorGroup,
    MentoringLog,
    Obstacle,
    Person,
    Program,
    Rat,
    Training,
)
from koptrain.parsing import normalise_key, shown
from koptrain.services import audit
from koptrain.services.outcomes import export as outcome_export

C, P, M = Coop.__table__, Person.__table__, Membership.__table__
T, E, A = Training.__table__, Enrollment.__table__, Attendance.__table__
G, GM, L, OB = (
    MentorGroup.__table__,
    GroupMember.__table__,
    MentoringLog.__table__,
    Obstacle.__table__,
)
PR, H, R = Program.__table__, HealthRating.__table__, Rat.__table__

# kind -> (columns in import order, the numeric ones)
COLUMNS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    "programs": (("code", "name", "year"), frozenset({"year"})),
    "coops": (
        (
            "nik",
            "name",
            "type",
            "level",
            "kecamatan",
            "kelurahan",
            "legal_number",
            "fiscal_year_end",
            "members",
        ),
        frozenset({"members"}),
    ),
    "health": (
        ("coop_nik", "year", "rating", "score", "assessed_on"),
        frozenset({"year", "score"}),
    ),
    "rat": (
        ("coop_nik", "fiscal_year", "held_on", "reported_on", "attendees"),
        frozenset({"fiscal_year", "attendees"}),
    ),
    "people": (
        ("nik", "name", "gender", "birth_date", "phone", "coop_nik", "role", "has_business"),
        frozenset(),
    ),
    "sessions": (
        (
            "code",
            "program",
            "title",
            "start",
            "end",
            "capacity",
            "audience",
            "requires_business",
            "venue",
            "trainers",
            "min_attendance",
        ),
        frozenset({"capacity", "min_attendance"}),
    ),
    "enrollments": (("session", "nik", "coop_nik", "override_reason", "status"), frozenset()),
    "attendance": (("session", "nik", "day", "present"), frozenset()),
    "groups": (("group", "mentor", "session", "nik"), frozenset()),
    "mentoring": (
        (
            "nik",
            "group",
            "session",
            "date",
            "mentor",
            "status",
            "obstacle_category",
            "obstacle",
            "next",
            "note",
        ),
        frozenset(),
    ),
}
COLUMNS.update(outcome_export.COLUMNS)
KINDS = tuple(COLUMNS)
_CHUNK = 2000


def check_kind(kind: str) -> str:
    key = normalise_key(kind)
    if key not in COLUMNS:
        raise InvalidInput(
            _("'{kind}' is not a kind of export: use one of {kinds}.").format(
                kind=shown(kind), kinds=", ".join(KINDS)
            )
        )
    return key


def _coop_key():
    from sqlalchemy import func

    return func.coalesce(C.c.nik, C.c.legal_number)


def _query(kind: str):
    coop = _coop_key().label("coop_nik")
    if kind in outcome_export.COLUMNS:
        return outcome_export.query(kind)
    if kind == "programs":
        return select(PR.c.code, PR.c.name, PR.c.year).order_by(PR.c.code)
    if kind == "coops":
        return select(*(C.c[k] for k in COLUMNS["coops"][0])).order_by(C.c.id)
    if kind == "health":
        return (
            select(coop, H.c.year, H.c.rating, H.c.score, H.c.assessed_on)
            .select_from(H.join(C, C.c.id == H.c.coop_id))
            .order_by(H.c.coop_id, H.c.year)
        )
    if kind == "rat":
        return (
            select(coop, R.c.fiscal_year, R.c.held_on, R.c.reported_on, R.c.attendees)
            .select_from(R.join(C, C.c.id == R.c.coop_id))
            .order_by(R.c.coop_id, R.c.fiscal_year)
        )
    if kind == "people":
        return (
            select(
                P.c.nik,
                P.c.name,
                P.c.gender,
                P.c.birth_date,
                P.c.phone,
                coop,
                func.coalesce(M.c.position, M.c.role).label("role"),  # `ketua` reads back
                P.c.has_business,
            )
            .select_from(P.join(M, M.c.person_id == P.c.id).join(C, C.c.id == M.c.coop_id))
            .order_by(P.c.id, M.c.id)
        )
    if kind == "sessions":
        return (
            select(
                T.c.code,
                PR.c.code.label("program"),
                T.c.title,
                T.c.start,
                T.c.end,
                T.c.capacity,
                T.c.audience,
                T.c.requires_business,
                T.c.venue,
                T.c.trainers,
                T.c.min_attendance,
            )
            .select_from(T.outerjoin(PR, PR.c.id == T.c.program_id))
            .order_by(T.c.start, T.c.code)
        )
    if kind == "enrollments":
        return (
            select(
                T.c.code.label("session"),
                P.c.nik,
                coop,
                E.c.override_reason,
                E.c.status,
            )
            .select_from(
                E.join(T, T.c.id == E.c.session_id)
                .join(P, P.c.id == E.c.person_id)
                .join(C, C.c.id == E.c.coop_id)
            )
            .order_by(T.c.start, T.c.code, E.c.id)
        )
    if kind == "attendance":
        return (
            select(T.c.code.label("session"), P.c.nik, A.c.day, A.c.present, A.c.reason)
            .select_from(
                A.join(E, E.c.id == A.c.enrollment_id)
                .join(T, T.c.id == E.c.session_id)
                .join(P, P.c.id == E.c.person_id)
            )
            .order_by(T.c.start, T.c.code, E.c.id, A.c.day)
        )
    if kind == "groups":
        return (
            select(G.c.code.label("group"), G.c.mentor, T.c.code.label("session"), P.c.nik)
            .select_from(
                GM.join(G, G.c.id == GM.c.group_id)
                .join(P, P.c.id == GM.c.person_id)
                .outerjoin(T, T.c.id == G.c.session_id)
            )
            .order_by(G.c.code, P.c.id)
        )
    return (
        select(
            L.c.id,
            P.c.nik,
            G.c.code.label("group"),
            T.c.code.label("session"),
            L.c.date,
            L.c.mentor,
            L.c.status,
            OB.c.category,
            OB.c.text,
            L.c.next_date.label("next"),
            L.c.note,
        )
        .select_from(
            L.join(P, P.c.id == L.c.person_id)
            .outerjoin(G, G.c.id == L.c.group_id)
            .outerjoin(T, T.c.id == L.c.session_id)
            .outerjoin(OB, OB.c.log_id == L.c.id)
        )
        .order_by(L.c.id, OB.c.id)
    )


def _fixed(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    if kind in outcome_export.COLUMNS:
        return outcome_export.fixed(kind, row)
    if kind in ("people", "sessions") or kind == "attendance":
        for key in ("has_business", "requires_business", "present"):
            if key in row and row[key] is not None:
                row[key] = bool(row[key])
        if row.get("reason") and row.get("present") is False:
            row["present"] = row["reason"]  # `sakit` reads back as absent with its reason
    return row


def rows(db: Session, kind: str) -> Iterator[dict[str, Any]]:
    """The rows of `kind`, streamed in chunks (flat memory for a million people)."""
    kind = check_kind(kind)
    result = db.execute(_query(kind).execution_options(yield_per=_CHUNK))
    if kind != "mentoring":
        for row in result.mappings():
            yield _fixed(kind, dict(row))
        return
    current: dict[str, Any] | None = None
    current_id = None
    for row in result.mappings():
        if row["id"] != current_id:
            if current is not None:
                yield _joined(current)
            current_id = row["id"]
            current = {k: row[k] for k in COLUMNS["mentoring"][0] if k in row}
            current["obstacles"] = []
        if row["category"] is not None:
            current["obstacles"].append((row["category"], row["text"]))
    if current is not None:
        yield _joined(current)


def _joined(log: dict[str, Any]) -> dict[str, Any]:
    obstacles = log.pop("obstacles")
    log["obstacle_category"] = ";".join(c for c, _t in obstacles) or None
    texts = [t or "" for _c, t in obstacles]
    log["obstacle"] = "\n".join(texts) if any(texts) else None
    return log


def record_export(db: Session, kind: str, *, fmt: str, target: str) -> None:
    """Record an export in the audit trail: `export` writes full NIKs, so the trail says who
    exported what, where. The caller commits this before the first row is written, so an
    export that cannot be recorded shows nothing."""
    audit.record(
        db, entity="export", key=check_kind(kind), change={"format": fmt, "output": target}
    )


def export(
    db: Session,
    kind: str,
    write: Callable[[Iterator[dict[str, Any]], Sequence[str], frozenset[str]], Any],
) -> int:
    """Stream every row of `kind` to `write(rows, columns, numeric_columns)` (an io writer);
    returns how many rows. Recorded beforehand by record_export."""
    kind = check_kind(kind)
    columns, numeric = COLUMNS[kind]
    count = 0

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal count
        for row in rows(db, kind):
            count += 1
            yield row

    write(counted(), columns, numeric)
    return count
