"""Certificates (SPEC §10) and the outcomes of a training (SPEC §12)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Column,
    Index,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel


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
