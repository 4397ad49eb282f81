"""`koptrain export`: the columns import reads, full NIKs, formulas neutralised, round trips."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlmodel import select
from test_import import COOP, NIKS, ORDER, SAMPLE, counts, load_sample, one_coop

from koptrain.models import Audit, Person

KINDS = [kind for kind, _name in ORDER]


@pytest.mark.slow
def test_export_then_import_of_every_kind_is_all_unchanged(koptrain, tmp_path):
    load_sample(koptrain)
    for kind in KINDS:
        path = tmp_path / f"{kind}.csv"
        koptrain("export", kind, "-o", path)
        result = counts(koptrain("import", kind, path, "--format", "json"))
        assert result["rows"] > 0, kind
        assert result["unchanged"] == result["rows"], (kind, result)
    for kind in ("people", "sessions", "mentoring"):
        path = tmp_path / f"{kind}.xlsx"
        koptrain("export", kind, "--format", "xlsx", "-o", path)
        result = counts(koptrain("import", kind, path, "--format", "json"))
        assert result["unchanged"] == result["rows"] > 0, (kind, result)


def test_export_writes_full_niks_and_is_audited(koptrain, store, tmp_path):
    koptrain("import", "people", SAMPLE / "people.csv", code=2)  # no coops yet: nothing written
    one_coop(koptrain, tmp_path)
    path = tmp_path / "p.csv"
    path.write_text(f"nik,name,gender,coop_nik,role\n{NIKS[0]},Heni,P,{COOP},anggota\n")
    koptrain("import", "people", path)
    out = koptrain("export", "people").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows == [
        {
            "nik": NIKS[0],
            "name": "Heni",
            "gender": "P",
            "birth_date": "",
            "phone": "",
            "coop_nik": COOP,
            "role": "anggota",
            "has_business": "0",
        }
    ]
    with store.session() as session:
        entries = session.exec(select(Audit.entity, Audit.key)).all()
    assert ("export", "people") in entries


def test_formula_cells_are_neutralised_and_come_back_exact(koptrain, store, tmp_path):
    one_coop(koptrain, tmp_path)
    names = ["=HYPERLINK(1)", "+62 812", "-minus", "@at", "'quoted"]
    path = tmp_path / "p.csv"
    path.write_text(
        "nik,name,gender,coop_nik,role,phone\n"
        + "".join(
            f'{nik},"{name}",L,{COOP},anggota,+62812\n'.replace(f'"{name}"', f'"\'{name}"')
            for nik, name in zip(NIKS, names[:4], strict=True)
        )
    )
    koptrain("import", "people", path)
    out = koptrain("export", "people").stdout
    exported = list(csv.DictReader(io.StringIO(out)))
    assert [r["name"] for r in exported] == ["'" + n for n in names[:4]]
    assert all(r["phone"] == "'+62812" for r in exported)
    with store.session() as session:
        stored = sorted(session.exec(select(Person.name)).all())
    assert stored == sorted(names[:4])
    xlsx = tmp_path / "p.xlsx"
    koptrain("export", "people", "--format", "xlsx", "-o", xlsx)
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).worksheets[0]
    cells = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert cells == ["'" + n for n in names[:4]]  # text, never a formula
    result = counts(koptrain("import", "people", xlsx, "--format", "json"))
    assert result["unchanged"] == 4


def test_numbers_stay_numbers_and_json_is_an_array(koptrain, tmp_path):
    one_coop(koptrain, tmp_path)
    health = tmp_path / "h.csv"
    health.write_text(f"coop_nik,year,rating,score\n{COOP},2019,sehat,-1\n{COOP},2018,sehat,85.5\n")
    koptrain("import", "health", health, "--skip-invalid", code=1)  # -1 is not a score
    data = json.loads(koptrain("export", "health", "--format", "json").stdout)
    assert data == [
        {
            "coop_nik": COOP,
            "year": 2018,
            "rating": "sehat",
            "score": 85.5,
            "assessed_on": None,
        }
    ]
    xlsx = tmp_path / "h.xlsx"
    koptrain("export", "health", "--format", "xlsx", "-o", xlsx)
    from openpyxl import load_workbook

    row = next(load_workbook(xlsx).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert row[1:4] == (2018, "sehat", 85.5)


def test_unknown_kind_or_format(koptrain):
    assert "not a kind of export" in koptrain("export", "cats", code=2).stderr
    koptrain("export", "people", "--format", "pdf", code=2)
