"""outcomes: test scores, evaluations, business indicators and their values (SPEC §12)

Revision ID: 0005_outcomes
Revises: 0004_certificates
Create Date: 2026-11-29 03:00:00

- score: pre- and post-test per seat (session, person).
- evaluation: a participant's marks (1-5) for a session; person NULL = anonymous.
- indicator with the four defaults (omzet, tenaga_kerja, pembukuan, jualan_online), and
  indicator_value: a person's value on a date, as a baseline or taken at a contact.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_outcomes"
down_revision = "0004_certificates"
branch_labels = None
depends_on = None

DEFAULT_INDICATORS = (
    ("omzet", "Omzet per bulan", "money", "Rp"),
    ("tenaga_kerja", "Jumlah tenaga kerja", "count", "orang"),
    ("pembukuan", "Melakukan pembukuan", "yes_no", None),
    ("jualan_online", "Berjualan online", "yes_no", None),
)


def upgrade() -> None:
    op.create_table(
        "score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("pre", sa.Float(), nullable=True),
        sa.Column("post", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name="fk_score_person_id_person"),
        sa.ForeignKeyConstraint(
            ["session_id"], ["training.id"], name="fk_score_session_id_training"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_score"),
        sa.UniqueConstraint("session_id", "person_id", name="uq_score_session_id"),
    )
    op.create_index("ix_score_person_id", "score", ["person_id"], unique=False)
    op.create_table(
        "evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("materi", sa.Integer(), nullable=True),
        sa.Column("narasumber", sa.Integer(), nullable=True),
        sa.Column("fasilitas", sa.Integer(), nullable=True),
        sa.Column("manfaat", sa.Integer(), nullable=True),
        sa.Column("saran", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name="fk_evaluation_person_id_person"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["training.id"], name="fk_evaluation_session_id_training"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_evaluation"),
    )
    op.create_index("ix_evaluation_session_id", "evaluation", ["session_id"], unique=False)
    op.create_index("ix_evaluation_person_id", "evaluation", ["person_id"], unique=False)
    indicator = op.create_table(
        "indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_indicator"),
        sa.UniqueConstraint("code", name="uq_indicator_code"),
    )
    op.create_table(
        "indicator_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("log_id", sa.Integer(), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicator.id"], name="fk_indicator_value_indicator_id_indicator"
        ),
        sa.ForeignKeyConstraint(
            ["log_id"],
            ["mentoring_log.id"],
            name="fk_indicator_value_log_id_mentoring_log",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name="fk_indicator_value_person_id_person"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["training.id"], name="fk_indicator_value_session_id_training"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_indicator_value"),
        sa.UniqueConstraint(
            "person_id", "indicator_id", "date", name="uq_indicator_value_person_id"
        ),
    )
    op.create_index(
        "ix_indicator_value_probe",
        "indicator_value",
        ["person_id", "indicator_id", "date", "value"],
        unique=False,
    )
    for column in ("indicator_id", "session_id", "log_id"):
        op.create_index(f"ix_indicator_value_{column}", "indicator_value", [column], unique=False)
    op.bulk_insert(
        indicator,
        [
            {"code": code, "name": name, "kind": kind, "unit": unit}
            for code, name, kind, unit in DEFAULT_INDICATORS
        ],
    )


def downgrade() -> None:
    op.drop_table("indicator_value")
    op.drop_table("indicator")
    op.drop_table("evaluation")
    op.drop_table("score")
