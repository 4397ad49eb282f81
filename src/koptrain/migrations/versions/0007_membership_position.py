"""the position on a membership and the reason of an absence

Revision ID: 0007_membership_position
Revises: 0006_journal
Create Date: 2026-11-29 03:00:00

- membership.position: the title a pengurus holds in that coop (ketua, wakil ketua,
  sekretaris, bendahara), kept as the file gave it (SPEC §7).
- attendance.reason: why someone was absent (sakit, izin, alpa), when the list says.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_membership_position"
down_revision = "0006_journal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.String(length=40), nullable=True))
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_column("reason")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_column("position")
