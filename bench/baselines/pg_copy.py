#!/usr/bin/env python3
"""The PostgreSQL server's own floor for `koptrain import people`: psql's `\\copy`.

    python bench/baselines/pg_copy.py prepare DB_URL PEOPLE_CSV OUT_DIR
    python bench/baselines/pg_copy.py command DB_URL OUT_DIR      # prints the psql command

`prepare` (not timed) turns a people file into the rows koptrain writes for it — a person
row (id counted on from the database's largest, name and NIK as written, gender and role
as koptrain spells them, has_business true/false) and a membership row (person id, the
coop's id looked up by NIK Koperasi or legal number, role, position) — in two CSV files
under OUT_DIR, for a database holding the same coops.  The timed baseline is then one
`psql --single-transaction` that `\\copy`s both files into that database (the same schema,
indexes, foreign keys and triggers as koptrain's import sees): no parsing or checking in
Python at all, the least the server itself can take a million people in.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

PERSON = "person (id, nik, name, gender, birth_date, phone, has_business)"
MEMBERSHIP = "membership (person_id, coop_id, role, position)"


def libpq_url(url: str) -> str:
    """postgresql+psycopg://... as libpq (psql) takes it."""
    return "postgresql://" + url.split("://", 1)[1]


def prepare(url: str, people: str, out: str) -> None:
    import psycopg

    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    with psycopg.connect(libpq_url(url)) as conn:
        coops = dict(conn.execute("SELECT nik, id FROM coop WHERE nik IS NOT NULL").fetchall())
        coops.update(
            conn.execute(
                "SELECT legal_number, id FROM coop WHERE legal_number IS NOT NULL"
            ).fetchall()
        )
        next_id = (conn.execute("SELECT max(id) FROM person").fetchone()[0] or 0) + 1
    seen: set[str] = set()
    with (
        open(people, newline="", encoding="utf-8-sig") as source,
        open(out_dir / "person.csv", "w", newline="") as person_file,
        open(out_dir / "membership.csv", "w", newline="") as member_file,
    ):
        reader = csv.reader(source)
        header = [h.strip().lower() for h in next(reader)]
        col = {name: header.index(name) for name in header}
        person_out, member_out = csv.writer(person_file), csv.writer(member_file)
        for row in reader:
            nik = row[col["nik"]].strip()
            coop = coops.get(row[col["coop_nik"]].strip())
            if nik in seen or coop is None:
                continue
            seen.add(nik)
            business = row[col["has_business"]].strip().lower() in ("1", "ya", "yes", "true")
            person_out.writerow(
                (
                    next_id,
                    nik,
                    row[col["name"]].strip(),
                    row[col["gender"]].strip().upper(),
                    row[col["birth_date"]].strip(),
                    row[col["phone"]].strip(),
                    "t" if business else "f",
                )
            )
            member_out.writerow((next_id, coop, row[col["role"]].strip().lower(), ""))
            next_id += 1


def command(url: str, out: str) -> list[str]:
    out_dir = Path(out).resolve()
    return [
        "psql",
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "--single-transaction",
        "-d",
        libpq_url(url),
        "-c",
        f"\\copy {PERSON} FROM '{out_dir / 'person.csv'}' WITH (FORMAT csv)",
        "-c",
        f"\\copy {MEMBERSHIP} FROM '{out_dir / 'membership.csv'}' WITH (FORMAT csv)",
    ]


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "prepare":
        prepare(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "command":
        print(" ".join(command(*sys.argv[2:])))
    else:
        sys.exit(__doc__)
