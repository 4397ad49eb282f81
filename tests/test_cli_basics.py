"""What every command shares: help, version, bad usage, no tracebacks."""

import os
import subprocess
import sys

import pytest


def run(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "koptrain", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def test_help_lists_only_real_commands():
    done = run("--help")
    assert done.returncode == 0
    assert "policy" in done.stdout and "log" in done.stdout


def test_version(koptrain):
    from koptrain import __version__

    assert koptrain("--version").stdout.strip() == f"koptrain {__version__}"


@pytest.mark.parametrize(
    "args",
    [
        ("policy", "set"),
        ("policy", "set", "session.capacity", "many"),
        ("log", "--limit", "0"),
        ("log", "--format", "xml"),
        ("--lang", "fr", "policy", "show"),
        ("no-such-command",),
    ],
)
def test_bad_usage_is_exit_2_without_traceback(koptrain, args):
    result = koptrain(*args, code=2)
    assert "Traceback" not in result.output


def test_errors_are_one_sentence_on_stderr(db_url):
    done = run("policy", "set", "bogus", "1", env={"KOPTRAIN_DB": db_url})
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("koptrain: ") and done.stderr.count("\n") == 1


def test_no_colour_codes_when_output_is_not_a_terminal(db_url):
    done = run("policy", "show", env={"KOPTRAIN_DB": db_url})
    assert done.returncode == 0 and "\x1b[" not in done.stdout


def test_output_option_writes_a_file(koptrain, tmp_path):
    target = tmp_path / "policy.csv"
    koptrain("policy", "show", "--format", "csv", "-o", target)
    assert target.read_text().splitlines()[0] == "key,value,default"


def test_table_cells_show_brackets_as_typed(koptrain):
    koptrain("policy", "set", "health.accepted", "sehat,cukup_sehat")
    assert "value: sehat → sehat,cukup_sehat" in koptrain("log").stdout
