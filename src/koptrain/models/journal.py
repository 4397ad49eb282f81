"""The change journal's tables (koptrain.storage.journal)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlmodel import SQLModel

_meta = SQLModel.metadata

# --------------------------------------------------------------------------- change journal
# What every transaction changed, row by row, so that `log` can show it and `undo` can
# reverse it (koptrain.storage.journal, migration 0006_journal).

journal_entry = Table(
    "journal_entry",
    _meta,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("os_user", String(100), nullable=False),
    Column("command", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("changes", Integer, nullable=False),
    Column("undoes", Integer),
    Column("undone_by", Integer),
)
"""One numbered entry per transaction: when, who, the command (NIKs masked), what the
audit trail said of it, how many rows it changed, and which entry it undoes or undid it."""

journal_change = Table(
    "journal_change",
    _meta,
    Column("id", Integer, primary_key=True),
    Column("entry_id", Integer, nullable=False, index=True),
    Column("tbl", String(40), nullable=False),
    Column("op", String(1), nullable=False),
    Column("row_id", Integer),
    Column("hi", Integer),
    Column("key", Text),
    Column("old", Text),
    Column("new", Text),
    Index("ix_journal_change_row", "tbl", "row_id", "hi"),
    Index("ix_journal_change_key", "tbl", "key"),
)
"""One row changed (op i/u/d: key, old and new values as JSON), or a run of inserted ids
(op I: row_id..hi), or a chunk of deleted rows (op D: old holds them, row_id..hi their ids)."""

journal_ref = Table(
    "journal_ref",
    _meta,
    Column("entry_id", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(1), primary_key=True),
    Column("ref", Integer, primary_key=True, autoincrement=False),
    Index("ix_journal_ref_kind_ref", "kind", "ref"),
)
"""The people (p), coops (c) and sessions (s) an entry touched, for `log --person` etc."""
