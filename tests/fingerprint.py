"""A database's fingerprint: every row of every table, hashed, to show that a refused or
invalid command wrote nothing."""

from __future__ import annotations

import hashlib

from sqlalchemy import text


def fingerprint(store) -> str:
    from sqlmodel import SQLModel

    import koptrain.models  # noqa: F401  (registers the tables)

    digest = hashlib.sha256()
    with store.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            rows = conn.execute(text(f'SELECT * FROM "{table.name}"')).all()
            digest.update(table.name.encode())
            for row in sorted(repr(tuple(row)) for row in rows):
                digest.update(row.encode())
    return digest.hexdigest()
