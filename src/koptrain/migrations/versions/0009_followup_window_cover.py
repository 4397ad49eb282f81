"""the due follow-ups read from one index

Revision ID: 0009_followup_window_cover
Revises: 0008_outcome_stats
Create Date: 2026-11-29 08:30:00

ix_followup_end_cover (the follow-ups whose window is open, by the session's last day)
also holds person_id and session_id, every column `report reminders`, `mentor due` and
the summary's due counts read of a follow-up: PostgreSQL answers them by an index-only
scan instead of visiting 17,500 heap pages at province scale (issue 22).
"""

from alembic import op

revision = "0009_followup_window_cover"
down_revision = "0008_outcome_stats"
branch_labels = None
depends_on = None

BEFORE = ["end", "ended", "last_id", "last_date", "last_next"]


def upgrade() -> None:
    op.drop_index("ix_followup_end_cover", table_name="followup")
    op.create_index(
        "ix_followup_end_cover", "followup", [*BEFORE, "person_id", "session_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_followup_end_cover", table_name="followup")
    op.create_index("ix_followup_end_cover", "followup", BEFORE, unique=False)
