"""Property tests: whatever bytes or rows arrive, import answers with exit 0, 1 or 2, never
a traceback."""

from __future__ import annotations

import csv
import io
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from koptrain.cli.main import app

KINDS = ["coops", "health", "rat", "people", "sessions", "enrollments", "attendance", "mentoring"]
COLUMNS = [
    "nik",
    "name",
    "Nama",
    "gender",
    "jenis_kelamin",
    "coop_nik",
    "role",
    "birth_date",
    "has_business",
    "session",
    "day",
    "present",
    "code",
    "title",
    "start",
    "end",
    "year",
    "rating",
    "fiscal_year",
    "held_on",
    "date",
    "mentor",
    "status",
    "group",
    "legal_number",
]
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "3572014106609646",
            "3572019999999999",
            "L",
            "Perempuan",
            "anggota",
            "calon anggota",
            "2020-06-16",
            "31/02/2020",
            "16 Juni 2020",
            "ya",
            "=1+1",
            "'",
            "BLT20-01",
            "sehat",
            "practicing",
            "99999999999999999999999",
        ]
    ),
    st.text(max_size=20),
)
_counter = itertools.count()
_runner = CliRunner()


def run(tmp_path, kind: str, data: bytes, suffix: str = ".csv"):
    path = tmp_path / f"f{next(_counter)}{suffix}"
    path.write_bytes(data)
    result = _runner.invoke(app, ["import", kind, str(path), "--skip-invalid"])
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output, result.exception)
    assert not (result.exception and not isinstance(result.exception, SystemExit)), result.exception
    assert "Traceback" not in result.output
    return result


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(kind=st.sampled_from(KINDS), data=st.binary(max_size=300), xlsx=st.booleans())
def test_random_bytes(koptrain, tmp_path, kind, data, xlsx):
    run(tmp_path, kind, data, ".xlsx" if xlsx else ".csv")


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    kind=st.sampled_from(KINDS),
    header=st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=8, unique=True),
    rows=st.lists(st.lists(CELLS, max_size=9), max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_random_rows(koptrain, tmp_path, kind, header, rows, delimiter):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    run(tmp_path, kind, out.getvalue().encode("utf-8", "surrogatepass"))
