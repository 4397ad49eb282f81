"""`person find` and the history `person show` gives: finding people as staff remember them."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlmodel import Session, col, func, or_, select

from koptrain.errors import InvalidInput
from koptrain.i18n import _
from koptrain.models import (
    Attendance,
    Coop,
    Enrollment,
    GroupMember,
    Membership,
    MentorGroup,
    MentoringLog,
    Obstacle,
    Person,
    Training,
)

MAX_FOUND = 50


def folded(text: str) -> str:
    """Lower case without accents: "Siti Ḥasanah" and "siti hasanah" are one name."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def find(db: Session, text: str) -> list[dict[str, Any]]:
    """People whose name holds every word of TEXT (any case, any accents), whose NIK ends
    with TEXT's digits, or whose phone number holds them; with their coops and trainings."""
    words = folded(text).split()
    digits = re.sub(r"\D", "", text)
    if not words:
        raise InvalidInput(_("Give a name, the end of a NIK or a phone number to look for."))
    ids: list[int] = []
    if digits and re.fullmatch(r"[\d\s.+()-]+", text):  # a NIK ending or a phone number
        phone = col(Person.phone)
        for mark in ("-", " ", ".", "+", "(", ")"):  # phones are kept as typed
            phone = func.replace(phone, mark, "")
        query = select(Person.id).where(
            or_(col(Person.nik).endswith(digits), phone.contains(digits))
        )
        ids = list(db.exec(query.order_by(Person.id).limit(MAX_FOUND)).all())
    else:
        # Accents cannot be folded in SQL on SQLite and PostgreSQL alike: names are
        # streamed and compared here (a second or two for a province's million).
        for person_id, name in db.exec(select(Person.id, Person.name).order_by(Person.id)):
            key = folded(name)
            if all(w in key for w in words):
                ids.append(person_id)
                if len(ids) >= MAX_FOUND:
                    break
    return _with_coops_and_trainings(db, ids)


def _with_coops_and_trainings(db: Session, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    people = db.exec(select(Person).where(col(Person.id).in_(ids)).order_by(Person.id)).all()
    coops: dict[int, list[str]] = {}
    for person_id, name in db.exec(
        select(Membership.person_id, Coop.name)
        .join(Coop, col(Coop.id) == col(Membership.coop_id))
        .where(col(Membership.person_id).in_(ids))
        .order_by(Coop.name)
    ):
        coops.setdefault(person_id, []).append(name)
    trainings: dict[int, list[str]] = {}
    for person_id, code, status in db.exec(
        select(Enrollment.person_id, Training.code, Enrollment.status)
        .join(Training, col(Training.id) == col(Enrollment.session_id))
        .where(col(Enrollment.person_id).in_(ids))
        .order_by(Training.start)
    ):
        trainings.setdefault(person_id, []).append(f"{code} ({_(status)})")
    return [
        {
            "id": p.id,
            "nik": p.nik,
            "name": p.name,
            "phone": p.phone,
            "coops": coops.get(p.id, []),
            "trainings": trainings.get(p.id, []),
        }
        for p in people
    ]


def history(db: Session, person: Person) -> dict[str, Any]:
    """What `person show` adds to the details: days present and absent per enrollment,
    the groups, and every mentoring contact with its number."""
    days: dict[str, dict[str, list]] = {}
    for code, day, present in db.exec(
        select(Training.code, Attendance.day, Attendance.present)
        .join(Enrollment, col(Enrollment.id) == col(Attendance.enrollment_id))
        .join(Training, col(Training.id) == col(Enrollment.session_id))
        .where(Enrollment.person_id == person.id)
        .order_by(Attendance.day)
    ):
        entry = days.setdefault(code, {"present": [], "absent": []})
        entry["present" if present else "absent"].append(day)
    groups = [
        {"group": code, "mentor": mentor}
        for code, mentor in db.exec(
            select(MentorGroup.code, MentorGroup.mentor)
            .join(GroupMember, col(GroupMember.group_id) == col(MentorGroup.id))
            .where(GroupMember.person_id == person.id)
            .order_by(MentorGroup.code)
        )
    ]
    obstacles: dict[int, list[str]] = {}
    for log_id, category, words in db.exec(
        select(Obstacle.log_id, Obstacle.category, Obstacle.text)
        .join(MentoringLog, col(MentoringLog.id) == col(Obstacle.log_id))
        .where(MentoringLog.person_id == person.id)
    ):
        obstacles.setdefault(log_id, []).append(f"{category}:{words or ''}".rstrip(":"))
    contacts = [
        {
            "log": log.id,
            "date": log.date,
            "session": code,
            "mentor": log.mentor,
            "status": log.status,
            "obstacles": obstacles.get(log.id, []),
            "next": log.next_date,
            "note": log.note,
        }
        for log, code in db.exec(
            select(MentoringLog, Training.code)
            .outerjoin(Training, col(Training.id) == col(MentoringLog.session_id))
            .where(MentoringLog.person_id == person.id)
            .order_by(MentoringLog.date, MentoringLog.id)
        )
    ]
    return {"attendance": days, "groups": groups, "contacts": contacts}
