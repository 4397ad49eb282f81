"""SQLModel tables: the registry, trainings, mentoring, policy and the audit trail."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Table,
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


# --------------------------------------------------------------------------- derived state
# Kept up to date from the tables above by koptrain.storage.derived, in the transaction
# that changes them (migration 0003): what the province-wide reports read instead of
# probing two million enrollments. Plain tables, not SQLModel classes: nothing edits them
# through the ORM, and declaring them costs no start-up time.

_meta = SQLModel.metadata

followup = Table(
    "followup",
    _meta,
    Column("enrollment_id", Integer, primary_key=True, autoincrement=False),
    Column("person_id", Integer, nullable=False),
    Column("session_id", Integer, nullable=False),
    Column("end", Date, nullable=False),
    Column("last_id", Integer),
    Column("last_date", Date),
    Column("last_next", Date),
    Column("last_status", String(12)),
    Column("ended", Integer, nullable=False),
    Index("ix_followup_person", "person_id"),
    Index("ix_followup_session_cover", "session_id", "last_status", "ended"),
    Index("ix_followup_end_cover", "end", "ended", "last_id", "last_date", "last_next"),
)
"""One row per follow-up (a seat holder of a session that is not cancelled, not absent on
every day) with its latest contact and whether a contact ended it, counting every contact
recorded: the same figures as mentoring.followups() on any date after the latest contact."""

session_stats = Table(
    "session_stats",
    _meta,
    Column("session_id", Integer, primary_key=True, autoincrement=False),
    *(
        Column(name, Integer, nullable=False)
        for name in (
            "enrolled",
            "waitlisted",
            "withdrawn",
            "attended",
            "completed",
            "cooperatives",
            "followups",
            "contacted",
            "practicing",
            "partly",
            "not_yet",
            "stopped",
            "ended",
        )
    ),
)
"""Per session: the summary's seat counts and the follow-up outcomes of its follow-ups."""

participant = Table(
    "participant",
    _meta,
    Column("person_id", Integer, primary_key=True, autoincrement=False),
    Column("scope_id", Integer, primary_key=True, autoincrement=False),
    Column("enrollment_id", Integer, nullable=False),
    Column("role", String(20), nullable=False),
    Column("coop_id", Integer, nullable=False),
    Column("gender", String(1), nullable=False),
    Index("ix_participant_scope_cover", "scope_id", "coop_id", "role", "gender"),
)
"""Each participant once per scope (0 = every programme, else the programme's id), with
the role and coop of their latest seat there and their gender."""

scope_coop = Table(
    "scope_coop",
    _meta,
    Column("scope_id", Integer, primary_key=True, autoincrement=False),
    Column("coop_id", Integer, primary_key=True, autoincrement=False),
    Column("seats", Integer, nullable=False),
)
"""Seats held through each coop per scope (rows only where there are some)."""

outcome_score = Table(
    "outcome_score",
    _meta,
    Column("session_id", Integer, primary_key=True, autoincrement=False),
    Column("status", String(12), primary_key=True),
    Column("seats", Integer, nullable=False),
    Column("n", Integer, nullable=False),
    *(Column(name, Float) for name in ("pre", "post", "gain", "gain2", "norm")),
    Column("below", Integer, nullable=False),
    Column("improved", Integer, nullable=False),
)
"""Per session and practice status of its seat holders (their latest contact's status,
no_contact without one): seats, and the sums of the scores of those with both
(storage.outcome_sums.score_sums, every contact recorded)."""

outcome_indicator = Table(
    "outcome_indicator",
    _meta,
    Column("session_id", Integer, primary_key=True, autoincrement=False),
    Column("status", String(12), primary_key=True),
    Column("indicator_id", Integer, primary_key=True, autoincrement=False),
    Column("n", Integer, nullable=False),
    Column("base", Float),
    Column("follow", Float),
    Column("improved", Integer, nullable=False),
)
"""Per session, practice status and indicator where someone has a baseline and a
follow-up value: the sums of both (storage.outcome_sums.indicator_sums, every value)."""

outcome_value = Table(
    "outcome_value",
    _meta,
    Column("session_id", Integer, primary_key=True, autoincrement=False),
    Column("person_id", Integer, primary_key=True, autoincrement=False),
    Column("indicator_id", Integer, primary_key=True, autoincrement=False),
    Column("status", String(12), nullable=False),
    Column("end", Date, nullable=False),
    Column("base", Float, nullable=False),
    Column("follow", Float, nullable=False),
    Column("follow_date", Date, nullable=False),
    Index("ix_outcome_value_follow_date", "follow_date"),
)
"""Each seat's baseline and follow-up value of an indicator where it has both
(storage.outcome_sums.value_rows, every value), with the follow-up's date: the seats
whose follow-up is dated after a report's date are the only ones it changes."""

derived_dirty = Table(
    "derived_dirty",
    _meta,
    Column("kind", String(1), primary_key=True),
    Column("ref", Integer, primary_key=True, autoincrement=False),
)
"""What changed in this transaction (p = person, s = session, c = coop), written by the
triggers of migration 0003 and emptied by derived.flush before the commit. No foreign
keys on these tables: derived rows follow their sources, they never hold them back."""


class Certificate(SQLModel, table=True):
    """A certificate given to a completed seat holder (SPEC §10): its number and its
    verification code are given once, at the first print, and never change."""

    __table_args__ = (UniqueConstraint("session_id", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    enrollment_id: int = Field(foreign_key="enrollment.id", unique=True)
    session_id: int = Field(foreign_key="training.id")
    seq: int
    number: str = Field(max_length=120)
    code: str = Field(max_length=16, unique=True)
    issued: dt.date


# --------------------------------------------------------------------------- outcomes (§12)
# Reaction, learning and results of a training (migration 0005_outcomes); behaviour is
# the mentoring status above.


class Score(SQLModel, table=True):
    """A participant's pre- and post-test scores (0-100) in one session."""

    __table_args__ = (UniqueConstraint("session_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="training.id")
    person_id: int = Field(foreign_key="person.id", index=True)
    pre: float | None = None
    post: float | None = None


class Evaluation(SQLModel, table=True):
    """A participant's evaluation of a session (1-5 per item); person_id NULL = anonymous."""

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="training.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    materi: int | None = None
    narasumber: int | None = None
    fasilitas: int | None = None
    manfaat: int | None = None
    saran: str | None = Field(default=None, sa_column=Column(Text))


class Indicator(SQLModel, table=True):
    """A business indicator measured before and after a training (omzet, tenaga_kerja, ...)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=10)  # money, count, number, yes_no
    unit: str | None = Field(default=None, max_length=40)


class IndicatorValue(SQLModel, table=True):
    """One measured value of an indicator for a person on a date: a baseline, or taken at a
    mentoring contact (log_id). yes_no values are 1 or 0."""

    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint("person_id", "indicator_id", "date"),
        # Covering: a person's latest value before or after a date is one index probe.
        Index("ix_indicator_value_probe", "person_id", "indicator_id", "date", "value"),
        Index("ix_indicator_value_date", "date"),  # the latest value: derived rows cover it
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    session_id: int | None = Field(default=None, foreign_key="training.id", index=True)
    log_id: int | None = Field(
        default=None, foreign_key="mentoring_log.id", index=True, ondelete="CASCADE"
    )
    date: dt.date
    value: float


# --------------------------------------------------------------------------- change journal
# What every transaction changed, row by row, so that `log` can show it and `undo` can
# reverse it (koptrain.storage.journal, migration 0006_journal).

journal_entry = Table(
    "journal_entry",
    _meta,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("os_user", String(100), nullable=False),
    Column("command", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("changes", Integer, nullable=False),
    Column("undoes", Integer),
    Column("undone_by", Integer),
)
"""One numbered entry per transaction: when, who, the command (NIKs masked), what the
audit trail said of it, how many rows it changed, and which entry it undoes or undid it."""

journal_change = Table(
    "journal_change",
    _meta,
    Column("id", Integer, primary_key=True),
    Column("entry_id", Integer, nullable=False, index=True),
    Column("tbl", String(40), nullable=False),
    Column("op", String(1), nullable=False),
    Column("row_id", Integer),
    Column("hi", Integer),
    Column("key", Text),
    Column("old", Text),
    Column("new", Text),
    Index("ix_journal_change_row", "tbl", "row_id", "hi"),
    Index("ix_journal_change_key", "tbl", "key"),
)
"""One row changed (op i/u/d: key, old and new values as JSON), or a run of inserted ids
(op I: row_id..hi), or a chunk of deleted rows (op D: old holds them, row_id..hi their ids)."""

journal_ref = Table(
    "journal_ref",
    _meta,
    Column("entry_id", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(1), primary_key=True),
    Column("ref", Integer, primary_key=True, autoincrement=False),
    Index("ix_journal_ref_kind_ref", "kind", "ref"),
)
"""The people (p), coops (c) and sessions (s) an entry touched, for `log --person` etc."""
