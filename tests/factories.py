"""Small builders for test data, written straight to the store (no CLI, no rules)."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlmodel import Session

from koptrain.models import (
    Attendance,
    Coop,
    Enrollment,
    HealthRating,
    Membership,
    Person,
    Program,
    Rat,
    Training,
)

_serial = itertools.count(1)


def nik(gender: str = "L", birth: dt.date = dt.date(1980, 5, 17), region: str = "357201") -> str:
    """A structurally valid, made-up Kota Blitar NIK; a new serial each call."""
    day = birth.day + (40 if gender == "P" else 0)
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{next(_serial) % 10000:04d}"


def coop(
    session: Session,
    name: str = "KSP Sejahtera",
    *,
    nik: str | None = None,
    level: str = "primer",
    kecamatan: str = "Kepanjenkidul",
    fiscal_year_end: str = "12-31",
    healthy_for: int | None = 2019,
    rat_held: dt.date | None = dt.date(2020, 3, 14),
    rat_reported: dt.date | None = dt.date(2020, 3, 30),
) -> Coop:
    """A coop; by default eligible for a session in June 2020 (RAT 2019 on time, sehat)."""
    c = Coop(
        nik=nik or f"3572{next(_serial):012d}",
        name=name,
        level=level,
        kecamatan=kecamatan,
        kelurahan=kecamatan,
        fiscal_year_end=fiscal_year_end,
        type="simpan_pinjam",
    )
    session.add(c)
    session.flush()
    if rat_held and healthy_for:
        session.add(
            Rat(coop_id=c.id, fiscal_year=healthy_for, held_on=rat_held, reported_on=rat_reported)
        )
    if healthy_for:
        session.add(HealthRating(coop_id=c.id, year=healthy_for, rating="sehat"))
    session.flush()
    return c


def person(
    session: Session,
    coop: Coop,
    *,
    name: str = "Sri Wahyuni",
    gender: str = "P",
    role: str = "anggota",
    has_business: bool = False,
) -> Person:
    p = Person(nik=nik(gender), name=name, gender=gender, has_business=has_business)
    session.add(p)
    session.flush()
    session.add(Membership(person_id=p.id, coop_id=coop.id, role=role))
    session.flush()
    return p


def training(
    session: Session,
    code: str = "BLT20-01",
    *,
    start: dt.date = dt.date(2020, 6, 16),
    end: dt.date = dt.date(2020, 6, 18),
    capacity: int = 40,
    audience: str = "",
    requires_business: bool = False,
    program: Program | None = None,
    title: str = "Penyusunan dan Analisa Laporan Keuangan",
) -> Training:
    t = Training(
        code=code,
        title=title,
        start=start,
        end=end,
        capacity=capacity,
        audience=audience,
        requires_business=requires_business,
        program_id=program.id if program else None,
    )
    session.add(t)
    session.flush()
    return t


def program(session: Session, code: str = "BLITAR-2020", name: str = "Pelatihan 2020") -> Program:
    p = Program(code=code, name=name, year=2020)
    session.add(p)
    session.flush()
    return p


def seat(
    session: Session,
    training: Training,
    person: Person,
    coop: Coop,
    *,
    status: str = "enrolled",
    role: str = "anggota",
    present_days: int | None = None,
) -> Enrollment:
    """An enrollment written directly, with attendance on the first `present_days` days
    (and absence on the rest) when given."""
    e = Enrollment(
        session_id=training.id, person_id=person.id, coop_id=coop.id, role=role, status=status
    )
    session.add(e)
    session.flush()
    if present_days is not None:
        days = (training.end - training.start).days + 1
        for i in range(days):
            session.add(
                Attendance(
                    enrollment_id=e.id,
                    day=training.start + dt.timedelta(days=i),
                    present=i < present_days,
                )
            )
        session.flush()
    return e
