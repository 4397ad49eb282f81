"""derived state for the province-wide reports

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 08:00:00

- followup, session_stats, participant, scope_coop: what `report summary`, `report
  mentoring` and `report reminders` read for a whole province instead of probing two
  million enrollments and three million contacts (see koptrain.storage.derived).
- derived_dirty and triggers on enrollment, attendance, mentoring_log, training and person:
  every change to those tables, by koptrain or by anything else, names the person, session
  or coop whose derived rows must be worked out again; koptrain does so before it commits.
- indexes mentoring_log (date) and obstacle (category).

The derived rows of a database that already holds data are worked out by the upgrade
itself (koptrain.db.upgrade refreshes whatever derived_dirty names).
"""

import sqlalchemy as sa
from alembic import op

from koptrain.storage import triggers

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COUNTS = (
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


def _counts():
    return [sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS]


def upgrade() -> None:
    op.create_table(
        "followup",
        sa.Column("enrollment_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=True),
        sa.Column("last_date", sa.Date(), nullable=True),
        sa.Column("last_next", sa.Date(), nullable=True),
        sa.Column("last_status", sa.String(length=12), nullable=True),
        sa.Column("ended", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("enrollment_id", name=op.f("pk_followup")),
    )
    op.create_index("ix_followup_person", "followup", ["person_id"], unique=False)
    op.create_index(
        "ix_followup_session_cover",
        "followup",
        ["session_id", "last_status", "ended"],
        unique=False,
    )
    op.create_index(
        "ix_followup_end_cover",
        "followup",
        ["end", "ended", "last_id", "last_date", "last_next"],
        unique=False,
    )
    op.create_table(
        "session_stats",
        sa.Column("session_id", sa.Integer(), autoincrement=False, nullable=False),
        *_counts(),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_session_stats")),
    )
    op.create_table(
        "participant",
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("scope_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("coop_id", sa.Integer(), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "scope_id", name=op.f("pk_participant")),
    )
    op.create_index(
        "ix_participant_scope_cover",
        "participant",
        ["scope_id", "coop_id", "role", "gender"],
        unique=False,
    )
    op.create_table(
        "scope_coop",
        sa.Column("scope_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("coop_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope_id", "coop_id", name=op.f("pk_scope_coop")),
    )
    op.create_table(
        "derived_dirty",
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("ref", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("kind", "ref", name=op.f("pk_derived_dirty")),
    )
    op.create_index("ix_mentoring_log_date", "mentoring_log", ["date"], unique=False)
    op.create_index("ix_obstacle_category", "obstacle", ["category"], unique=False)
    triggers.install(op.get_bind())
    # Whatever is already stored: every person with an enrollment, every session, every coop
    # with an enrollment, for koptrain.db.upgrade to refresh in the same transaction.
    op.execute(
        "INSERT INTO derived_dirty (kind, ref) SELECT DISTINCT 'p', person_id FROM enrollment"
    )
    op.execute("INSERT INTO derived_dirty (kind, ref) SELECT 's', id FROM training")
    op.execute("INSERT INTO derived_dirty (kind, ref) SELECT DISTINCT 'c', coop_id FROM enrollment")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in (*triggers.MARKS, "training"):
        for event in ("insert", "update", "delete"):
            op.execute(
                f"DROP TRIGGER IF EXISTS trg_{table}_{event}"
                + (f" ON {table}" if dialect == "postgresql" else "")
            )
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS koptrain_mark_{table}()")
    op.drop_index("ix_obstacle_category", table_name="obstacle")
    op.drop_index("ix_mentoring_log_date", table_name="mentoring_log")
    for table in ("derived_dirty", "scope_coop", "participant", "session_stats", "followup"):
        op.drop_table(table)
