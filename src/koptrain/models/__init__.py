"""SQLModel tables: the registry, trainings, mentoring, policy and the audit trail; the
derived state, documents, outcomes and the change journal in the modules beside this one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Column,
    Index,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

# Stable constraint names, so migrations can alter constraints on SQLite and PostgreSQL alike.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class CoopBase(SQLModel):
    nik: str | None = Field(default=None, max_length=20, unique=True)
    legal_number: str | None = Field(default=None, max_length=120, unique=True)
    name: str = Field(max_length=200)
    type: str | None = Field(default=None, max_length=30)
    level: str = Field(default="primer", max_length=10)
    kecamatan: str | None = Field(default=None, max_length=80)
    kelurahan: str | None = Field(default=None, max_length=80)
    fiscal_year_end: str = Field(default="12-31", max_length=5)
    members: int | None = None


class Coop(CoopBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(default_factory=_now)


class Rat(SQLModel, table=True):
    """One RAT (annual members' meeting) of a coop for one fiscal year."""

    __table_args__ = (UniqueConstraint("coop_id", "fiscal_year"),)
    id: int | None = Field(default=None, primary_key=True)
    coop_id: int = Field(foreign_key="coop.id", index=True)
    fiscal_year: int
    held_on: dt.date
    reported_on: dt.date | None = None
    attendees: int | None = None


class HealthRating(SQLModel, table=True):
    """The health assessment (penilaian kesehatan) of a coop for one year."""

    __tablename__ = "health_rating"
    __table_args__ = (UniqueConstraint("coop_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    coop_id: int = Field(foreign_key="coop.id", index=True)
    year: int
    rating: str = Field(max_length=30)
    score: float | None = None
    assessed_on: dt.date | None = None


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    nik: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=200)
    gender: str = Field(max_length=1)
    birth_date: dt.date | None = None
    phone: str | None = Field(default=None, max_length=40)
    has_business: bool = False


class Membership(SQLModel, table=True):
    """A person's role in one coop; a person may belong to several coops."""

    __table_args__ = (UniqueConstraint("person_id", "coop_id"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    coop_id: int = Field(foreign_key="coop.id", index=True)
    role: str = Field(max_length=20)
    position: str | None = Field(default=None, max_length=40)  # ketua, bendahara, ... (pengurus)


class Program(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=200)
    year: int | None = None


class Training(SQLModel, table=True):
    """One training session (SPEC's 'session'); named so as not to clash with DB sessions."""

    __tablename__ = "training"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    program_id: int | None = Field(default=None, foreign_key="program.id", index=True)
    title: str = Field(max_length=300)
    start: dt.date = Field(index=True)
    end: dt.date = Field(index=True)
    capacity: int = 40
    venue: str | None = Field(default=None, max_length=200)
    audience: str = Field(default="", max_length=100)  # comma-separated roles; empty = all
    requires_business: bool = False
    min_attendance: float = 1.0
    trainers: str | None = Field(default=None, max_length=300)
    status: str = Field(default="open", max_length=12)  # open, cancelled, closed


class Enrollment(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("session_id", "person_id"),
        # Covering: per-session counts and follow-ups read no table rows (migration 0002).
        Index(
            "ix_enrollment_session_cover", "session_id", "status", "person_id", "coop_id", "role"
        ),
        Index("ix_enrollment_person_status", "person_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="training.id")
    person_id: int = Field(foreign_key="person.id")
    coop_id: int = Field(foreign_key="coop.id", index=True)
    role: str = Field(max_length=20)
    status: str = Field(max_length=16)
    override_reason: str | None = Field(default=None, max_length=500)
    created_at: dt.datetime = Field(default_factory=_now)
    updated_at: dt.datetime = Field(default_factory=_now)


class Attendance(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("enrollment_id", "day"),
        Index("ix_attendance_enrollment_present", "enrollment_id", "present"),
    )
    id: int | None = Field(default=None, primary_key=True)
    enrollment_id: int = Field(foreign_key="enrollment.id")
    day: dt.date
    present: bool = True
    reason: str | None = Field(default=None, max_length=10)  # sakit, izin, alpa


class MentorGroup(SQLModel, table=True):
    """A mentoring group (kelompok) with its mentor."""

    __tablename__ = "mentor_group"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    mentor: str = Field(max_length=200)
    session_id: int | None = Field(default=None, foreign_key="training.id", index=True)


class GroupMember(SQLModel, table=True):
    __tablename__ = "group_member"
    group_id: int = Field(foreign_key="mentor_group.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True)


class MentoringLog(SQLModel, table=True):
    """One follow-up contact (pendampingan) with a participant."""

    __tablename__ = "mentoring_log"
    # Covering: a follow-up's latest contact is found in the index alone (migration 0002).
    __table_args__ = (
        Index(
            "ix_mentoring_log_person_cover",
            "person_id",
            "date",
            "id",
            "session_id",
            "status",
            "next_date",
        ),
        Index("ix_mentoring_log_date", "date"),  # the latest contact's date (migration 0003)
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    session_id: int | None = Field(default=None, foreign_key="training.id", index=True)
    group_id: int | None = Field(default=None, foreign_key="mentor_group.id", index=True)
    date: dt.date
    mentor: str = Field(max_length=200)
    status: str = Field(max_length=12)
    note: str | None = Field(default=None, sa_column=Column(Text))
    next_date: dt.date | None = None


class Obstacle(SQLModel, table=True):
    """An obstacle (kendala) recorded at a contact: a category and the words as typed."""

    __table_args__ = (Index("ix_obstacle_category", "category"),)  # migration 0003
    id: int | None = Field(default=None, primary_key=True)
    log_id: int = Field(foreign_key="mentoring_log.id", index=True)
    category: str = Field(max_length=20)
    text: str | None = Field(default=None, sa_column=Column(Text))


class Policy(SQLModel, table=True):
    key: str = Field(primary_key=True, max_length=60)
    value: str = Field(max_length=200)


class Audit(SQLModel, table=True):
    """The audit trail: who changed what, when, with which command."""

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=_now, index=True)
    os_user: str = Field(max_length=100)
    command: str = Field(sa_column=Column(Text, nullable=False))
    entity: str = Field(max_length=40)
    key: str = Field(max_length=200)
    change: str = Field(sa_column=Column(Text, nullable=False))


# The other tables, one module each; imported here so that every table is registered with
# the metadata and reachable as koptrain.models.NAME.
from koptrain.models.derived import *  # noqa: E402, F403
from koptrain.models.journal import *  # noqa: E402, F403
from koptrain.models.outcomes import *  # noqa: E402, F403
