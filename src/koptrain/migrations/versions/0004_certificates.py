"""certificates

Revision ID: 0004_certificates
Revises: 0003
Create Date: 2026-11-29 02:50:00

- certificate: the number and verification code given to a completed seat holder at the
  first print of their certificate (SPEC §10), one per enrollment, kept for every reprint.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_certificates"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=120), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("issued", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollment.id"],
            name="fk_certificate_enrollment_id_enrollment",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["training.id"], name="fk_certificate_session_id_training"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_certificate"),
        sa.UniqueConstraint("code", name="uq_certificate_code"),
        sa.UniqueConstraint("enrollment_id", name="uq_certificate_enrollment_id"),
        sa.UniqueConstraint("session_id", "seq", name="uq_certificate_session_id"),
    )


def downgrade() -> None:
    op.drop_table("certificate")
