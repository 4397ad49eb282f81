"""covering indexes for the province-scale reports

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 06:00:00

- enrollment (session_id, status, person_id, coop_id, role) replaces (session_id, status):
  the per-session counts, the follow-ups of a session range and the participant
  breakdowns read their columns from the index alone.
- mentoring_log (person_id, date, id, session_id, status, next_date) replaces
  (person_id, date): a follow-up's latest counted contact, and whether a contact ended
  it, are found in the index without reading the table (id makes "latest by date, then
  id" the index order).
- attendance (enrollment_id, present): "came at least one day" is one index probe.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.drop_index("ix_enrollment_session_status")
        batch_op.create_index(
            "ix_enrollment_session_cover",
            ["session_id", "status", "person_id", "coop_id", "role"],
            unique=False,
        )
    with op.batch_alter_table("mentoring_log", schema=None) as batch_op:
        batch_op.drop_index("ix_mentoring_log_person_date")
        batch_op.create_index(
            "ix_mentoring_log_person_cover",
            ["person_id", "date", "id", "session_id", "status", "next_date"],
            unique=False,
        )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(
            "ix_attendance_enrollment_present", ["enrollment_id", "present"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index("ix_attendance_enrollment_present")
    with op.batch_alter_table("mentoring_log", schema=None) as batch_op:
        batch_op.drop_index("ix_mentoring_log_person_cover")
        batch_op.create_index("ix_mentoring_log_person_date", ["person_id", "date"], unique=False)
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.drop_index("ix_enrollment_session_cover")
        batch_op.create_index(
            "ix_enrollment_session_status", ["session_id", "status"], unique=False
        )
