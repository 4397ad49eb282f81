"""The derived state's tables (koptrain.storage.derived): plain tables the reports read."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    Float,
    Index,
    Integer,
    String,
    Table,
)
from sqlmodel import SQLModel

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
    Index(
        "ix_followup_end_cover",
        *("end", "ended", "last_id", "last_date", "last_next", "person_id", "session_id"),
    ),
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


def _score_sums() -> list[Column]:
    """The columns of storage.outcome_sums.SCORE_SUMS with the seats they are over: one
    definition for the per-session and the per-block rows."""
    return [
        Column("seats", Integer, nullable=False),
        Column("n", Integer, nullable=False),
        *(Column(name, Float) for name in ("pre", "post", "gain", "gain2", "norm")),
        Column("below", Integer, nullable=False),
        Column("improved", Integer, nullable=False),
    ]


def _indicator_sums() -> list[Column]:
    """The columns of storage.outcome_sums.INDICATOR_SUMS (per session and per block)."""
    return [
        Column("n", Integer, nullable=False),
        Column("base", Float),
        Column("follow", Float),
        Column("improved", Integer, nullable=False),
    ]


outcome_score = Table(
    "outcome_score",
    _meta,
    Column("session_id", Integer, primary_key=True, autoincrement=False),
    Column("status", String(12), primary_key=True),
    *_score_sums(),
    Column("block", Integer, nullable=False),
    Index("ix_outcome_score_block", "block"),
)
"""Per session and practice status of its seat holders (their latest contact's status,
no_contact without one): seats, and the sums of the scores of those with both
(storage.outcome_sums.score_sums, every contact recorded); `block` is the session's
block (storage.outcome_sums.block)."""

outcome_indicator = Table(
    "outcome_indicator",
    _meta,
    Column("session_id", Integer, primary_key=True, autoincrement=False),
    Column("status", String(12), primary_key=True),
    Column("indicator_id", Integer, primary_key=True, autoincrement=False),
    *_indicator_sums(),
    Column("block", Integer, nullable=False),
    Index("ix_outcome_indicator_block", "block"),
)
"""Per session, practice status and indicator where someone has a baseline and a
follow-up value: the sums of both (storage.outcome_sums.indicator_sums, every value);
`block` as in outcome_score."""

outcome_score_block = Table(
    "outcome_score_block",
    _meta,
    Column("block", Integer, primary_key=True, autoincrement=False),
    Column("status", String(12), primary_key=True),
    *_score_sums(),
)
"""outcome_score summed per block of sessions and practice status: a province's totals
are a few hundred of these rows, not a sum over every session's."""

outcome_indicator_block = Table(
    "outcome_indicator_block",
    _meta,
    Column("block", Integer, primary_key=True, autoincrement=False),
    Column("status", String(12), primary_key=True),
    Column("indicator_id", Integer, primary_key=True, autoincrement=False),
    *_indicator_sums(),
)
"""outcome_indicator summed per block of sessions, practice status and indicator."""

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
    Column("prior", Float),
    Column("prior_date", Date),
    Index(
        "ix_outcome_value_late",
        *("follow_date", "session_id", "status", "indicator_id", "base", "follow"),
        *("prior_date", "prior", "person_id", "end"),
    ),
)
"""Each seat's baseline and follow-up value of an indicator where it has both
(storage.outcome_sums.value_rows, every value), with the follow-up's date, and the value
before that one (storage.outcome_sums.prior_value) with its date: the seats whose
follow-up is dated after a report's date are the only ones it changes (a range of the
index, which holds every column they are corrected with), and the prior value is their
follow-up as of any date from its own until the next."""

derived_dirty = Table(
    "derived_dirty",
    _meta,
    Column("kind", String(1), primary_key=True),
    Column("ref", Integer, primary_key=True, autoincrement=False),
)
"""What changed in this transaction (p = person, s = session, c = coop; b = a block of
sessions, named by the refresh after the sessions in it), written by the
triggers of migration 0003 and emptied by derived.flush before the commit. No foreign
keys on these tables: derived rows follow their sources, they never hold them back."""
