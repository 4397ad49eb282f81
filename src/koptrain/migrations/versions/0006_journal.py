"""the change journal behind `log` and `undo`

Revision ID: 0006_journal
Revises: 0005_outcomes
Create Date: 2026-11-29 03:00:00

- journal_entry: one numbered entry per transaction (when, who, the command, a summary).
- journal_change: the rows each entry changed, with their old and new values, or the
  runs of ids a bulk import inserted (see koptrain.storage.journal).
- journal_ref: the people, coops and sessions an entry touched, for `log --person` etc.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_journal"
down_revision = "0005_outcomes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "journal_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("os_user", sa.String(length=100), nullable=False),
        sa.Column("command", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("undoes", sa.Integer(), nullable=True),
        sa.Column("undone_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entry")),
    )
    op.create_index(op.f("ix_journal_entry_at"), "journal_entry", ["at"], unique=False)
    op.create_table(
        "journal_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("tbl", sa.String(length=40), nullable=False),
        sa.Column("op", sa.String(length=1), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=True),
        sa.Column("hi", sa.Integer(), nullable=True),
        sa.Column("key", sa.Text(), nullable=True),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_change")),
    )
    op.create_index(
        op.f("ix_journal_change_entry_id"), "journal_change", ["entry_id"], unique=False
    )
    op.create_index("ix_journal_change_row", "journal_change", ["tbl", "row_id", "hi"])
    op.create_index("ix_journal_change_key", "journal_change", ["tbl", "key"])
    op.create_table(
        "journal_ref",
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("ref", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("entry_id", "kind", "ref", name=op.f("pk_journal_ref")),
    )
    op.create_index("ix_journal_ref_kind_ref", "journal_ref", ["kind", "ref"])


def downgrade() -> None:
    op.drop_table("journal_ref")
    op.drop_table("journal_change")
    op.drop_table("journal_entry")
