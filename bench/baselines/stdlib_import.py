#!/usr/bin/env python3
"""The floor of `koptrain import people`: the least a correct importer must do, in stdlib.

    python bench/baselines/stdlib_import.py DB FILE

csv.reader over the people file (koptrain's canonical columns), a NIK format check
(16 digits, a real date in digits 7-12 with +40 for women), the coop looked up by its
NIK Koperasi or legal number, and the person and membership rows written with
`executemany` in batches inside one transaction, with koptrain's connection settings
(WAL, foreign keys on, synchronous NORMAL).  No upsert, no rule beyond the format: this is
the speed and memory a real importer is measured against.
"""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
import sys

BATCH = 10_000


def nik_ok(nik: str) -> bool:
    if len(nik) != 16 or not nik.isdigit():
        return False
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:
        day -= 40
    try:
        dt.date(2000 + year, month, day)
    except ValueError:
        return False
    return True


def main(db: str, path: str) -> int:
    conn = sqlite3.connect(db, isolation_level=None, timeout=10)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("BEGIN IMMEDIATE")
    coops = dict(conn.execute("SELECT nik, id FROM coop WHERE nik IS NOT NULL"))
    coops.update(conn.execute("SELECT legal_number, id FROM coop WHERE legal_number IS NOT NULL"))
    next_id = (conn.execute("SELECT max(id) FROM person").fetchone()[0] or 0) + 1
    people: list[tuple] = []
    members: list[tuple] = []
    rows = bad = 0
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader)]
        col = {name: header.index(name) for name in header}
        i_nik, i_name, i_gender = col["nik"], col["name"], col["gender"]
        i_birth, i_phone, i_coop = col["birth_date"], col["phone"], col["coop_nik"]
        i_role, i_business = col["role"], col["has_business"]
        for row in reader:
            rows += 1
            nik = row[i_nik].strip()
            coop = coops.get(row[i_coop].strip())
            if not nik_ok(nik) or coop is None:
                bad += 1
                continue
            people.append(
                (
                    next_id,
                    nik,
                    row[i_name].strip(),
                    row[i_gender].strip().upper(),
                    row[i_birth] or None,
                    row[i_phone] or None,
                    row[i_business].strip().lower() in ("1", "ya", "yes", "true"),
                )
            )
            members.append((next_id, coop, row[i_role].strip().lower()))
            next_id += 1
            if len(people) >= BATCH:
                flush(conn, people, members)
    flush(conn, people, members)
    conn.execute("COMMIT")
    conn.close()
    print(f"{rows} rows, {rows - bad} inserted, {bad} rejected")
    return 0 if not bad else 1


def flush(conn: sqlite3.Connection, people: list, members: list) -> None:
    conn.executemany(
        "INSERT INTO person (id, nik, name, gender, birth_date, phone, has_business) "
        "VALUES (?,?,?,?,?,?,?)",
        people,
    )
    conn.executemany("INSERT INTO membership (person_id, coop_id, role) VALUES (?,?,?)", members)
    people.clear()
    members.clear()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
