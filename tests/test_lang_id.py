"""With --lang id no English word reaches the screen: every command's success and error
paths, the command-line framework's own messages and the operating system's file errors."""

from __future__ import annotations

import re

import pytest

COOP = "3572011234567890"
LATE = "3572029876543210"
PERSON = "3572010101900011"
OTHER = "3572010101900022"

# The interface's English vocabulary: statuses as codes and words, and the common words of its
# messages, tables and the framework's. None of them is an Indonesian word.
ENGLISH_TEXT = """
    enrolled waitlisted withdrawn completed not_completed open cancelled closed on_time late
    missing report_late report_missing report_pending not_due practicing partly not_yet stopped
    the and of is are was were with for from not yes has have this that which there
    Usage Options Arguments Commands Error Did you mean Missing Invalid required such option
    argument command Try help directory Permission denied exists message
    seat seats session sessions cooperative cooperatives people person name title date dates
    deadline held reported overdue due follow-up follow-ups followed mentoring group member
    members added recorded updated unchanged created enrolled logged rows rejected inserted
    eligible ligible reason reasons days day start end capacity free waitlist attended
    refused cannot unknown already nothing written left width shows every column shown
    programme programmes contact contacts obstacle obstacles coverage figure total participants
    female male role audience venue completion business phone born legal level type books
    close fiscal year rating score assessed counts trail when user entity key change
"""
ENGLISH = {w.lower() for w in ENGLISH_TEXT.split()}
WORD = re.compile(r"[A-Za-z][A-Za-z_'-]*")


def english_words(text: str) -> list[str]:
    """The English words of `text`, leaving out what is not language: option names and
    command lines, file paths, metavariables in capitals, and the test's own data."""
    text = re.sub(r"--[\w-]+|`[^`]*`|\S*/\S*|\b[A-Z][A-Z_.]+\b", " ", text)
    text = re.sub(r"koptrain(?: [a-z][\w-]*)*", " ", text)  # command names are the contract
    text = re.sub(r"\b\w+(?:\.\w+)+", " ", text)  # and so are setting keys (session.capacity)
    return [w for w in WORD.findall(text) if w.lower().strip("'") in ENGLISH]


@pytest.fixture
def run(koptrain, tmp_path):
    """`koptrain --lang id ARGS`, checked for its exit status and for English on screen."""

    def run_id(*args: str, code: int = 0, quiet: bool = False, allow: tuple = ()) -> str:
        done = koptrain("--lang", "id", *args, code=code)
        shown = done.stdout + done.stderr
        assert quiet or shown.strip(), f"{args}: nothing shown"
        found = [w for w in english_words(shown) if w not in allow]
        assert not found, f"koptrain {' '.join(args)}: English {found} in\n{shown}"
        return shown

    return run_id


def test_every_command_speaks_indonesian(run, tmp_path):
    run("coop", "add", "--nik", COOP, "--name", "Koperasi Sejahtera Bersama",
        "--kecamatan", "Sananwetan", "--members", "120")  # fmt: skip
    run("coop", "add", "--nik", LATE, "--name", "KSP Tertunda", "--kecamatan", "Sukorejo")
    run("rat", "record", COOP, "--year", "2019", "--held", "2020-03-02", "--reported",
        "2020-03-20", "--attendees", "80")  # fmt: skip
    run("rat", "record", LATE, "--year", "2019", "--held", "2020-04-14")
    run("coop", "health", COOP, "--year", "2019", "--rating", "sehat", "--assessed-on",
        "2020-02-24")  # fmt: skip
    run("coop", "health", LATE, "--year", "2019", "--rating", "cukup sehat")
    run("person", "add", "--nik", PERSON, "--name", "Siti Aminah", "--gender", "P", "--coop",
        COOP, "--role", "pengurus", "--has-business")  # fmt: skip
    run("person", "add", "--nik", OTHER, "--name", "Budi Santoso", "--gender", "L", "--coop",
        LATE, "--role", "anggota")  # fmt: skip
    run("program", "add", "BLT20", "--name", "Pelatihan Blitar", "--year", "2020")
    run("session", "create", "BLT20-01", "--title", "Akuntansi Dasar", "--start", "2020-06-16",
        "--end", "2020-06-18", "--program", "BLT20", "--capacity", "2")  # fmt: skip
    run("enroll", "BLT20-01", PERSON)
    run("attend", "BLT20-01", "--day", "16 Juni 2020", PERSON)
    run("group", "create", "KLP-1", "--mentor", "Bu Rina", "--session", "BLT20-01")
    run("group", "add", "KLP-1", PERSON)
    for listing in (
        ("coop", "list"),
        ("coop", "list", "--eligible-on", "2020-06-16"),
        ("coop", "show", COOP, "--on", "2020-06-16"),
        ("coop", "eligibility", LATE, "--on", "2020-06-16"),
        ("person", "list"),
        ("person", "show", PERSON),
        ("rat", "list"),
        ("program", "list"),
        ("session", "list"),
        ("session", "show", "BLT20-01"),
        ("group", "list"),
        ("group", "show", "KLP-1"),
        ("report", "roster", "BLT20-01"),
        ("report", "rat", "--year", "2019"),
        ("policy", "show"),
    ):
        run(*listing)
    run("session", "close", "BLT20-01")
    run("mentor", "log", PERSON, "--date", "2020-07-20", "--mentor", "Bu Rina", "--status",
        "Sebagian", "--obstacle", "modal:kurang modal", "--next", "2020-08-05")  # fmt: skip
    run("mentor", "log", PERSON, "--date", "2020-08-05", "--mentor", "Bu Rina", "--status",
        "belum")  # fmt: skip
    run("mentor", "due", "--on", "2020-12-01")
    run("report", "summary", "--on", "2020-12-01")
    run("report", "mentoring", "--on", "2020-12-01")
    run("report", "reminders", "--on", "2020-12-01")
    run("policy", "set", "reminders.session_days", "10")
    exported = tmp_path / "orang.csv"
    run("export", "people", "-o", str(exported), quiet=True)
    run("import", "people", str(exported), "--dry-run", allow=("people",))  # the kind, as typed
    run("db", "check")


def test_every_error_speaks_indonesian(run, tmp_path):
    run("coop", "add", "--nik", COOP, "--name", "Koperasi Sejahtera", "--kecamatan", "Sukorejo")
    run("coop", "add", "--nik", LATE, "--name", "KSP Tertunda")
    run("rat", "record", LATE, "--year", "2019", "--held", "2020-04-14")
    run("coop", "health", LATE, "--year", "2019", "--rating", "sehat")
    run("person", "add", "--nik", OTHER, "--name", "Budi Santoso", "--gender", "L", "--coop",
        LATE, "--role", "anggota")  # fmt: skip
    run("session", "create", "S1", "--title", "Kelas", "--start", "2020-06-16", "--end",
        "2020-06-16")  # fmt: skip
    failures = [
        (("coop", "add", "--nik", "123", "--name", "X"), 2),  # a bad NIK
        (("coop", "add", "--nik", COOP, "--name", "Lagi"), 1),  # already there
        (("coop", "show", "Tidak Ada"), 2),  # unknown reference
        (("coop", "list", "--eligible-on", "kemarin"), 2),  # a bad date
        (("coop", "list", "--format", "pdf"), 2),  # a bad format
        (("coop", "health", COOP, "--year", "2019", "--rating", "bagus"), 2),  # not a rating
        (
            (
                "person",
                "add",
                "--nik",
                OTHER,
                "--name",
                "B",
                "--gender",
                "X",
                "--coop",
                LATE,
                "--role",
                "anggota",
            ),
            2,
        ),
        (("enroll", "S1", OTHER), 1),  # not eligible: the RAT was late
        (("attend", "S1", "--day", "2020-06-20", OTHER), 2),  # not a day of the session
        (
            (
                "session",
                "create",
                "S2",
                "--title",
                "T",
                "--start",
                "2020-07-02",
                "--end",
                "2020-07-01",
            ),
            2,
        ),
        (
            (
                "mentor",
                "log",
                OTHER,
                "--date",
                "2020-07-20",
                "--mentor",
                "Bu Rina",
                "--status",
                "bagus",
            ),
            2,
        ),
        (("rat", "list", "--status", "kemarin"), 2),
        (("import", "people", str(tmp_path / "tidak-ada.csv")), 2),  # no such file
        (("coop", "list", "-o", str(tmp_path / "tidak-ada" / "x.csv")), 2),  # no such folder
        (("log", "--limit", "0"), 2),  # below the minimum
        (("enrol", "S1"), 2),  # a typo: Did you mean
        (("coop", "list", "--tidak-ada"), 2),  # no such option
        (("coop", "show"), 2),  # a missing argument
        (("enroll", "S1"), 2),  # a missing argument of several values
        (("coop", "show", COOP, "lagi"), 2),  # an extra argument
        (("policy", "set", "rat.extension.2019", "besok"), 2),  # a bad date in a setting
    ]
    for args, code in failures:
        shown = run(*args, code=code)
        assert shown.count("\n") <= 12, shown  # one sentence (in the framework's panel)
    run("session", "close", "S1")
    run("session", "close", "S1", code=1)  # already closed: said in Indonesian


def test_english_words_are_found_where_they_are(koptrain):
    """The check itself: the English screen is full of the words it looks for."""
    koptrain("coop", "add", "--nik", COOP, "--name", "Koperasi Sejahtera")
    english = koptrain("coop", "show", COOP, "--on", "2020-06-16").stdout
    assert {"missing", "cooperative"} & {w.lower() for w in english_words(english)}
    usage = koptrain("enrol", code=2).stderr
    assert "Did" in english_words(usage)
