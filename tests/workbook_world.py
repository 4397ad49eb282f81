"""What the mentoring-workbook tests share: a small world of two sessions and three groups,
writing Bu Rina's workbook and filling it in as she would."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook

import factories as f

D = dt.date
ON = D(2020, 8, 1)  # after both sessions, inside their follow-up windows


def build_world(store, koptrain):
    """Two sessions; Bu Rina mentors KLP-A (BLT20-01: Sri, Budi, Ani) and the group
    `KLP/[B]:*?` (BLT20-02: Joko); Pak Eko mentors KLP-C (BLT20-02: Wati)."""
    with store.session() as s:
        coop = f.coop(s, 'KSP Sejahtera "Maju" [Blitar]')
        t1 = f.training(s, "BLT20-01")
        t2 = f.training(s, "BLT20-02", start=D(2020, 7, 1), end=D(2020, 7, 2), title="Pemasaran")
        people = {}
        for key, name, training in [
            ("sri", "Sri Wahyuni", t1),
            ("budi", "Budi Santoso", t1),
            ("ani", "Ani Lestari", t1),
            ("joko", "Joko Susilo", t2),
            ("wati", "Wati Ningsih", t2),
        ]:
            p = f.person(s, coop, name=name)
            seat = f.seat(s, training, p, coop, present_days=1)
            people[key] = {"nik": p.nik, "seat": seat.id, "id": p.id}
        s.commit()
    koptrain("group", "create", "KLP-A", "--mentor", "Bu Rina", "--session", "BLT20-01")
    koptrain("group", "add", "KLP-A", *(people[k]["nik"] for k in ("sri", "budi", "ani")))
    koptrain("group", "create", "KLP/[B]:*?", "--mentor", "Bu Rina", "--session", "BLT20-02")
    koptrain("group", "add", "KLP/[B]:*?", people["joko"]["nik"])
    koptrain("group", "create", "KLP-C", "--mentor", "Pak Eko", "--session", "BLT20-02")
    koptrain("group", "add", "KLP-C", people["wati"]["nik"])
    return {"store": store, "people": people}


def write_sheet(koptrain, tmp_path, *args, name="rina.xlsx"):
    out = tmp_path / name
    koptrain("sheet", "mentoring", *args, "--on", ON.isoformat(), "-o", out)
    return out


def table(sheet):
    """The header and data rows of a group sheet, as values."""
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == "ref")
    return rows[start], [r for r in rows[start + 1 :] if any(v is not None for v in r)]


def fill(path, sheet_name, name, **cells):
    """Type into the row of `name` as a mentor would (openpyxl ignores the protection just
    as typing into the unlocked cells does)."""
    book = load_workbook(path)
    sheet = book[sheet_name]
    header, _rows = table(sheet)
    row = next(r for r in sheet.iter_rows() if r[1].value == name)
    for column, value in cells.items():
        row[header.index(column)].value = value
    book.save(path)


NOTE = 'Sudah pakai buku kas; "rapi" [bulan ini] — señora Ñ, café'


def returned(koptrain, tmp_path):
    """Bu Rina's workbook, filled in: Ani with date cells, Budi with a date typed as text,
    Sri left empty, Joko with a status typed over the drop-down."""
    path = write_sheet(koptrain, tmp_path, "--mentor", "Bu Rina")
    fill(
        path,
        "KLP-A",
        "Ani Lestari",
        tanggal=dt.datetime(2020, 7, 25),
        status="sebagian",
        kategori_kendala="bahan baku",
        kendala="harga kedelai naik",
        kunjungan_berikut=dt.datetime(2020, 8, 25),
        catatan=NOTE,
        omzet=2500000,
        pembukuan="Ya",
    )
    fill(
        path,
        "KLP-A",
        "Budi Santoso",
        tanggal="05/03/2021",
        status="menerapkan",
        catatan="kunjungan ke-2 [ok]",
    )
    fill(path, "KLP--B----", "Joko Susilo", tanggal=dt.datetime(2020, 8, 3), status="sudah")
    return path


def contacts(store):
    from sqlmodel import select

    from koptrain.models import IndicatorValue, MentoringLog, Obstacle, Person, Training

    with store.session() as s:
        out = []
        for log in s.exec(select(MentoringLog).order_by(MentoringLog.id)).all():
            obstacles = s.exec(select(Obstacle).where(Obstacle.log_id == log.id)).all()
            values = s.exec(select(IndicatorValue).where(IndicatorValue.log_id == log.id)).all()
            out.append(
                (
                    s.get(Person, log.person_id).name,
                    s.get(Training, log.session_id).code,
                    log.group_id,
                    log.date,
                    log.mentor,
                    log.status,
                    log.next_date,
                    log.note,
                    [(o.category, o.text) for o in obstacles],
                    sorted(v.value for v in values),
                )
            )
        return out


def retype(path, sheet_name, name, ref):
    """Put another ref on a member's row (pasted over the locked cell, as a copy would)."""
    fill(path, sheet_name, name, ref=ref)
