"""Certificates (SPEC §10): numbers from `certificate.number_format` and random verification
codes, given once to each completed seat holder and the same on every reprint."""

from __future__ import annotations

import datetime as dt
import secrets
import string
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from koptrain.errors import InvalidInput, Refused
from koptrain.i18n import _
from koptrain.models import Certificate, Coop, Enrollment, Person, Training
from koptrain.services import audit
from koptrain.services import policy as policy_service
from koptrain.services.documents.facts import SeatHolder, seat_holders

# No look-alikes: 0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B, U/V are left out, so a code read aloud
# or typed from paper cannot be mistaken for another.
ALPHABET = "34679ACEFGHJKMNPRTWXY"
CODE_LENGTH = 10  # 21**10 ≈ 1.7e13 codes: guessing one is hopeless
DEFAULT_NUMBER_FORMAT = "{seq:03d}/{session}/{year}"
COMPLETED = "completed"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """A code as typed: case, spaces and hyphens do not matter."""
    return "".join(ch for ch in text.upper() if ch not in " -\t")


def grouped(code: str) -> str:
    """The code as printed and shown: ACEFG-HJKMN."""
    return code[:5] + "-" + code[5:]


def check_number_format(value: str) -> str:
    """`certificate.number_format`: {seq} must be there; {session} and {year} may be."""
    try:
        fields = {name for _t, name, _s, _c in string.Formatter().parse(value) if name is not None}
        ok = "seq" in fields and fields <= {"seq", "session", "year"}
        if ok:
            value.format(seq=1, session="X", year=2020)
    except (ValueError, IndexError, KeyError):
        ok = False
    if not ok:
        raise InvalidInput(
            _(
                "certificate.number_format takes a pattern with {{seq}} and optionally "
                "{{session}} and {{year}}, such as {example}; not '{value}'."
            ).format(example=DEFAULT_NUMBER_FORMAT, value=value)
        )
    return value


@dataclass
class Issue:
    """What `print certificates` prints and leaves out."""

    training: Training
    certificates: list[dict] = field(default_factory=list)
    left_out: list[dict] = field(default_factory=list)  # name, nik, status


def issue(
    db: Session, training: Training, people: list[Person] | None = None, *, today: dt.date
) -> Issue:
    """The certificates of the session's completed seat holders (or of `people` among them):
    numbers and codes given to those who have none yet. Refused when nobody is left."""
    # One printer at a time per session numbers its certificates (PostgreSQL row lock;
    # a SQLite write transaction is exclusive already).
    db.exec(select(Training.id).where(Training.id == training.id).with_for_update()).one()
    holders = seat_holders(db, training)
    result = Issue(training)
    if people:
        wanted = {p.id for p in people}
        found = {h.person.id for h in holders}
        holders = [h for h in holders if h.person.id in wanted]
        result.left_out += [
            {"name": p.name, "nik": p.nik, "status": None} for p in people if p.id not in found
        ]
    existing = {
        c.enrollment_id: c
        for c in db.exec(select(Certificate).where(Certificate.session_id == training.id)).all()
    }
    number_format = check_number_format(
        policy_service.load(db).values.get("certificate.number_format", DEFAULT_NUMBER_FORMAT)
    )
    seq = _last_seq(db, training, number_format)
    for holder in holders:
        if holder.enrollment.status != COMPLETED:
            result.left_out.append(
                {
                    "name": holder.person.name,
                    "nik": holder.person.nik,
                    "status": holder.enrollment.status,
                }
            )
            continue
        certificate = existing.get(holder.enrollment.id)
        if certificate is None:
            seq += 1
            certificate = _new(db, training, holder, seq, number_format, today)
        result.certificates.append(_row(certificate, holder.person, holder.coop, training))
    if not result.certificates:
        raise Refused(
            _("Nobody in {code} has completed the training: no certificate to print.").format(
                code=training.code
            )
        )
    return result


def _last_seq(db: Session, training: Training, number_format: str) -> int:
    """The last number given: per session, or per year over every session when the
    format does not name the session (so that numbers never repeat)."""
    query = select(func.max(Certificate.seq))
    if "{session" in number_format:
        query = query.where(Certificate.session_id == training.id)
    else:
        year_end = dt.date(training.end.year, 12, 31)
        year_start = dt.date(training.end.year, 1, 1)
        query = query.join(Training, col(Training.id) == col(Certificate.session_id)).where(
            col(Training.end).between(year_start, year_end)
        )
    return int(db.exec(query).one() or 0)


def _new(
    db: Session,
    training: Training,
    holder: SeatHolder,
    seq: int,
    number_format: str,
    today: dt.date,
) -> Certificate:
    number = number_format.format(seq=seq, session=training.code, year=training.end.year)
    code = new_code()
    while db.exec(select(Certificate.id).where(Certificate.code == code)).first():
        code = new_code()  # pragma: no cover (one chance in 10**13)
    certificate = Certificate(
        enrollment_id=holder.enrollment.id,
        session_id=training.id,
        seq=seq,
        number=number,
        code=code,
        issued=today,
    )
    db.add(certificate)
    audit.record(
        db,
        entity="certificate",
        key=number,
        change={"session": training.code, "nik": holder.person.nik, "issued": today},
    )
    return certificate


def _row(certificate: Certificate, person: Person, coop: Coop, training: Training) -> dict:
    """SPEC §10's JSON keys (the NIK in full: the caller masks it), and what a page needs."""
    return {
        "code": certificate.code,
        "number": certificate.number,
        "name": person.name,
        "nik": person.nik,
        "session": training.code,
        "title": training.title,
        "start": training.start,
        "end": training.end,
        "issued": certificate.issued,
        "coop": coop.name,
        "venue": training.venue,
    }


def _query():
    return (
        select(Certificate, Person, Coop, Training)
        .join(Enrollment, col(Enrollment.id) == col(Certificate.enrollment_id))
        .join(Person, col(Person.id) == col(Enrollment.person_id))
        .join(Coop, col(Coop.id) == col(Enrollment.coop_id))
        .join(Training, col(Training.id) == col(Certificate.session_id))
    )


def verify(db: Session, code: str) -> dict:
    """Whose certificate a code is; Refused (exit 1) for a code never given."""
    found = db.exec(_query().where(Certificate.code == normalise_code(code))).first()
    if found is None:
        raise Refused(
            _("No certificate has the code {code}: it was not issued by this office.").format(
                code=code.strip()
            )
        )
    return _row(*found)


def listing(db: Session, *, training: Training | None = None) -> list[dict]:
    query = _query()
    if training is not None:
        query = query.where(Certificate.session_id == training.id)
    rows = db.exec(query.order_by(Training.start, Training.code, Certificate.seq)).all()
    return [_row(*found) for found in rows]
