"""`--format xlsx -o FILE` on reports and listings: a sheet per table, native bar charts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook

import factories as f

D = dt.date


@pytest.fixture
def programme(store):
    with store.session() as s:
        program = f.program(s)
        k1 = f.coop(s, "KSP Sejahtera", kecamatan="Kepanjenkidul")
        k2 = f.coop(s, '=HYPERLINK("http://x")', kecamatan="Sukorejo")
        s1 = f.training(s, "S1", program=program)
        s2 = f.training(s, "S2", start=D(2020, 7, 10), end=D(2020, 7, 11), program=program)
        for i, (coop, status) in enumerate(
            [(k1, "completed"), (k1, "not_completed"), (k2, "completed"), (k2, "withdrawn")]
        ):
            person = f.person(s, coop, name=f"Peserta {i}", gender="LP"[i % 2])
            f.seat(s, s1, person, coop, status=status, present_days=3 if i < 3 else None)
        f.seat(s, s2, f.person(s, k2, name="Eko"), k2, status="completed", present_days=2)


def charts(ws) -> list:
    return ws._charts


def test_summary_workbook_has_a_sheet_per_table_and_charts_where_the_screen_has_bars(
    koptrain, programme, tmp_path
):
    out = tmp_path / "summary.xlsx"
    args = ("report", "summary", "--program", "BLITAR-2020", "--on", "2020-08-10")
    koptrain(*args, "--format", "xlsx", "-o", out)
    figures = json.loads(koptrain(*args, "--format", "json").stdout)
    book = load_workbook(out)
    names = book.sheetnames
    for sheet in ("sessions", "totals", "by_role", "by_gender", "by_kecamatan", "mentoring"):
        assert sheet in names
    sessions = book["sessions"]
    header = [c.value for c in sessions[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sessions.iter_rows(2, values_only=True)]
    assert [r["code"] for r in rows] == ["S1", "S2"]
    assert [r["completed"] for r in rows] == [s["completed"] for s in figures["sessions"]]
    assert rows[0]["start"].date() == D(2020, 6, 16)  # a real date cell, not text
    for sheet in ("sessions", "totals", "by_role", "by_gender", "by_kecamatan"):
        assert len(charts(book[sheet])) == 1, sheet
    assert charts(book["mentoring"]) == []
    chart = charts(book["sessions"])[0]
    assert len(chart.series) == 3  # seats taken, attended, completed
    gender = {k: v for k, v in book["by_gender"].iter_rows(2, values_only=True)}
    assert gender == figures["by_gender"]


@pytest.mark.parametrize(
    "args",
    [
        ("report", "roster", "S1"),
        ("report", "rat", "--on", "2020-08-10"),
        ("report", "mentoring", "--on", "2020-12-31"),
        ("report", "reminders", "--on", "2020-08-10"),
        ("coop", "list"),
        ("session", "list"),
        ("person", "list"),
    ],
)
def test_every_report_and_listing_writes_a_workbook(koptrain, programme, tmp_path, args):
    out = tmp_path / "out.xlsx"
    result = koptrain(*args, "--format", "xlsx", "-o", out)
    assert result.stdout == ""
    book = load_workbook(out)
    assert book.sheetnames
    assert sum(ws.max_row for ws in book) > 1


def test_listing_rows_and_formula_like_text_is_kept_as_text(koptrain, programme, tmp_path):
    out = tmp_path / "coops.xlsx"
    koptrain("coop", "list", "--format", "xlsx", "-o", out)
    ws = load_workbook(out).active
    header = [c.value for c in ws[1]]
    names = [r[header.index("name")] for r in ws.iter_rows(2, values_only=True)]
    assert "KSP Sejahtera" in names
    assert '\'=HYPERLINK("http://x")' in names  # never a formula
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_xlsx_needs_a_file(koptrain, programme, tmp_path):
    result = koptrain("report", "summary", "--format", "xlsx", code=2)
    assert "-o FILE" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    result = koptrain("coop", "list", "--format", "xlsx", "-o", "-", code=2)
    assert "-o FILE" in result.stderr
    koptrain("coop", "list", "--format", "pdf", code=2)
