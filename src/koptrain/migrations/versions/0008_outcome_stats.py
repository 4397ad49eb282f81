"""derived outcome sums for `report outcomes` at province scale

Revision ID: 0008_outcome_stats
Revises: 0007_membership_position
Create Date: 2026-11-29 04:10:00

- outcome_score, outcome_indicator: per session and practice status, the sums
  `report outcomes` is made of (koptrain.storage.outcome_sums), the same summed per block
  of 256 sessions (outcome_score_block, outcome_indicator_block: the totals), and
  outcome_value, each seat's baseline and follow-up value (with the value before it),
  kept exact like the other derived rows of 0003.
- triggers on score and indicator_value naming the session or person they touch.
- index indicator_value (date): whether the rows cover a date is one probe.

The rows of a database that already holds data are worked out here when the other
derived rows are current; otherwise the rebuild that follows the upgrade does it.
"""

import sqlalchemy as sa
from alembic import op

from koptrain.storage import derived, triggers

revision = "0008_outcome_stats"
down_revision = "0007_membership_position"
branch_labels = None
depends_on = None

SUMS = ("pre", "post", "gain", "gain2", "norm")
# outcome_value's index of the late follow-ups: every column they are corrected with
LATE = (
    *("follow_date", "session_id", "status", "indicator_id", "base", "follow"),
    *("prior_date", "prior", "person_id", "end"),
)


def _score_table(name: str, key: str, *more) -> None:
    op.create_table(
        name,
        sa.Column(key, sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        *(sa.Column(column, sa.Float(), nullable=True) for column in SUMS),
        sa.Column("below", sa.Integer(), nullable=False),
        sa.Column("improved", sa.Integer(), nullable=False),
        *more,
        sa.PrimaryKeyConstraint(key, "status", name=op.f(f"pk_{name}")),
    )


def _indicator_table(name: str, key: str, *more) -> None:
    op.create_table(
        name,
        sa.Column(key, sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("indicator_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("base", sa.Float(), nullable=True),
        sa.Column("follow", sa.Float(), nullable=True),
        sa.Column("improved", sa.Integer(), nullable=False),
        *more,
        sa.PrimaryKeyConstraint(key, "status", "indicator_id", name=op.f(f"pk_{name}")),
    )


def upgrade() -> None:
    block = sa.Column("block", sa.Integer(), nullable=False)
    _score_table("outcome_score", "session_id", block)
    op.create_index("ix_outcome_score_block", "outcome_score", ["block"], unique=False)
    block = sa.Column("block", sa.Integer(), nullable=False)
    _indicator_table("outcome_indicator", "session_id", block)
    op.create_index("ix_outcome_indicator_block", "outcome_indicator", ["block"], unique=False)
    _score_table("outcome_score_block", "block")
    _indicator_table("outcome_indicator_block", "block")
    op.create_table(
        "outcome_value",
        sa.Column("session_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("indicator_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("base", sa.Float(), nullable=False),
        sa.Column("follow", sa.Float(), nullable=False),
        sa.Column("follow_date", sa.Date(), nullable=False),
        sa.Column("prior", sa.Float(), nullable=True),
        sa.Column("prior_date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint(
            "session_id", "person_id", "indicator_id", name=op.f("pk_outcome_value")
        ),
    )
    op.create_index(
        "ix_outcome_value_late",
        "outcome_value",
        list(LATE),
        unique=False,
    )
    op.create_index("ix_indicator_value_date", "indicator_value", ["date"], unique=False)
    conn = op.get_bind()
    triggers.install(conn)
    if derived.current(conn):
        derived.work_out_outcomes(conn)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in triggers.OUTCOME_MARKS:
        for event in ("insert", "update", "delete"):
            op.execute(
                f"DROP TRIGGER IF EXISTS trg_{table}_{event}"
                + (f" ON {table}" if dialect == "postgresql" else "")
            )
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS koptrain_mark_{table}()")
    op.drop_index("ix_indicator_value_date", table_name="indicator_value")
    op.drop_index("ix_outcome_value_late", table_name="outcome_value")
    op.drop_table("outcome_value")
    op.drop_table("outcome_indicator_block")
    op.drop_table("outcome_score_block")
    op.drop_index("ix_outcome_indicator_block", table_name="outcome_indicator")
    op.drop_table("outcome_indicator")
    op.drop_index("ix_outcome_score_block", table_name="outcome_score")
    op.drop_table("outcome_score")
