"""Every listing, show and report screen on a real terminal (a pseudo-terminal) at 80, 100 and
160 columns, over data with long names, long titles and `[...]` in every text field: no line
is wider than the terminal, no NIK, code or date is broken, user text is shown as typed."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import struct
import sys
import termios
import threading

import pytest
from rich.cells import cell_len

from koptrain.cli.main import app

COOP_NIK = "3572011234567890"
OTHER_NIK = "3572029876543210"
PEOPLE = {
    "3572010101900011": "Raden Ajeng [bold]Siti Nurhaliza[/] Kusumawardhani Binti Abdul Rahman",
    "3572010101900022": "Muhammad [i]Rizky[/i] Pratama Adi Nugroho Wicaksono Putra",
    "3572010101900033": "Sri [/] Wahyuningsih",
}
MENTOR = "Bu Rina [/i] Kusumawati Wardhani"
TITLE = "Akuntansi [/b] dasar untuk pengurus koperasi simpan pinjam dan serba usaha se-Kota Blitar"
CODE = "AKUNTANSI-2020-01"
ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][A-Z0-9])")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


@pytest.fixture
def hostile(koptrain, store):
    """Two coops, three people, a session with a long bracketed title, a group, contacts."""
    koptrain(
        "coop", "add", "--nik", COOP_NIK,
        "--name", "Koperasi Serba Usaha [b]Karya Bersama[/b] Mandiri Sejahtera Sentosa Abadi",
        "--kecamatan", "[red]Kepanjenkidul[/red]", "--kelurahan", "[i]Bendogerit Sananwetan",
        "--members", "1250",
    )  # fmt: skip
    koptrain(
        "coop", "add", "--nik", OTHER_NIK, "--name", "KSP [/] Tepat Waktu",
        "--legal-number", "518/[b]/BH/XIV.10/2001",
    )  # fmt: skip
    # koptrain refuses an escape character in a name (SPEC §13), but a database written
    # by an older release or by hand may hold one: the screens must still show it harmlessly
    from sqlalchemy import update

    from koptrain.models import Coop

    with store.session() as db:
        db.exec(
            update(Coop).where(Coop.nik == OTHER_NIK).values(name="KSP [/] Tepat\x1b[31m Waktu")
        )
    for nik in (COOP_NIK, OTHER_NIK):
        koptrain("rat", "record", nik, "--year", "2019", "--held", "2020-03-02", "--reported",
                 "2020-03-20", "--attendees", "213")  # fmt: skip
        koptrain("coop", "health", nik, "--year", "2019", "--rating", "sehat", "--score", "86,5",
                 "--assessed-on", "2020-02-24")  # fmt: skip
    for nik, name in PEOPLE.items():
        koptrain("person", "add", "--nik", nik, "--name", name, "--gender", "P", "--coop",
                 COOP_NIK, "--role", "pengurus", "--phone", "081234567890",
                 "--has-business")  # fmt: skip
    koptrain("program", "add", "BLITAR-[2020]", "--name", "Pelatihan [b]Perkoperasian[/b] 2020")
    koptrain("session", "create", CODE, "--title", TITLE, "--start", "2020-06-16", "--end",
             "2020-06-19", "--program", "BLITAR-[2020]", "--capacity", "2",
             "--venue", "Aula [link=x]Dinas[/link] Koperasi")  # fmt: skip
    koptrain("enroll", CODE, *PEOPLE, "--override", "[/i] disetujui Kepala Dinas [b]lisan[/b]")
    for day in ("2020-06-16", "2020-06-17", "2020-06-18", "2020-06-19"):
        koptrain("attend", CODE, "--day", day, *list(PEOPLE)[:2])
    koptrain("session", "close", CODE)
    koptrain("group", "create", "KLP-[01]", "--mentor", MENTOR, "--session", CODE)
    koptrain("group", "add", "KLP-[01]", *list(PEOPLE)[:2])
    koptrain("mentor", "log", "--group", "KLP-[01]", "--date", "2020-07-20", "--mentor", MENTOR,
             "--status", "partly", "--obstacle", "modal:[red]kurang modal kerja[/red] [/]",
             "--note", "[/b] catatan", "--next", "2020-08-05")  # fmt: skip
    return koptrain


SCREENS = [
    ("coop", "list"),
    ("coop", "list", "--eligible-on", "2020-06-16"),
    ("coop", "show", COOP_NIK, "--on", "2020-06-16"),
    ("coop", "eligibility", OTHER_NIK, "--on", "2020-06-16"),
    ("person", "list"),
    ("person", "show", "3572010101900011"),
    ("rat", "list"),
    ("program", "list"),
    ("session", "list"),
    ("session", "show", CODE),
    ("group", "list"),
    ("group", "show", "KLP-[01]"),
    ("mentor", "due", "--on", "2020-09-01"),
    ("report", "summary", "--on", "2020-09-01"),
    ("report", "roster", CODE),
    ("report", "rat", "--year", "2019"),
    ("report", "mentoring", "--on", "2020-09-01"),
    ("report", "reminders", "--on", "2020-09-01"),
    ("policy", "show"),
    ("log",),
]


def on_terminal(args: list[str], width: int) -> tuple[int, str]:
    """Run `koptrain ARGS` in-process with its standard output on a pseudo-terminal
    `width` columns wide; the exit status and what the terminal received."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, width, 0, 0))
    received: list[bytes] = []

    def drain() -> None:
        with contextlib.suppress(OSError):
            while chunk := os.read(master, 65536):
                received.append(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    terminal = open(slave, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    saved, sys.stdout = sys.stdout, terminal
    os.environ["COLUMNS"] = str(width)  # what Rich reads first; the window size says the same
    try:
        app([str(a) for a in args], prog_name="koptrain", standalone_mode=False)
        code = 0
    except SystemExit as done:
        code = done.code or 0
    except Exception as error:  # a usage error, unhandled: report it as such
        code = getattr(error, "exit_code", 99)
    finally:
        sys.stdout = saved
        terminal.close()
        os.close(slave)
        reader.join(timeout=10)
        os.close(master)
    text = b"".join(received).decode("utf-8").replace("\r\n", "\n")
    return code, ANSI.sub("", text)


def check_screen(text: str, width: int) -> None:
    lines = text.splitlines()
    assert lines, "nothing shown"
    for line in lines:
        assert cell_len(line) <= width, f"{cell_len(line)} > {width}: {line!r}\n{text}"
        assert line == line.rstrip(), f"trailing spaces: {line!r}"
    flat = text
    # NIKs (full or masked) and codes are whole wherever they appear
    for partial in re.finditer(r"3572[0-9*]*", flat):
        assert len(partial.group()) == 16, f"broken NIK {partial.group()!r}\n{text}"
    for partial in re.finditer(r"AKUNTANSI[-0-9]*", flat):
        assert partial.group() == CODE, f"broken code {partial.group()!r}\n{text}"
    # a date never loses its month or year to the next line
    for match in re.finditer(rf"\b\d{{1,2}} ({MONTHS})\b(.?)", flat):
        assert match.group(2) in (" ", ""), f"broken date near {match.group()!r}"
        rest = flat[match.end() :]
        assert re.match(r"\d{4}", rest) or match.group(2) == "", f"broken date: {match.group()}"


@pytest.mark.parametrize("width", [80, 100, 160])
def test_every_screen_fits_the_terminal_and_breaks_no_identifier(hostile, width):
    for args in SCREENS:
        code, text = on_terminal(list(args), width)
        assert code == 0, f"{args}: exit {code}\n{text}"
        check_screen(text, width)


def test_user_text_is_shown_as_typed_never_as_markup(hostile):
    _code, group = on_terminal(["group", "show", "KLP-[01]"], 100)
    assert MENTOR in group  # "[/i]" shown, not read as the end of italics
    _code, session = on_terminal(["session", "show", CODE], 160)
    assert "Akuntansi [/b] dasar" in session and "[link=x]Dinas[/link]" in session
    _code, coops = on_terminal(["coop", "list"], 160)
    assert "[b]Karya Bersama[/b]" in coops and "[red]Kepanjenkidul[/red]" in coops
    # an escape character typed into a name is shown, not sent to the terminal
    assert "KSP [/] Tepat\\x1b[31m Waktu" in coops


def test_a_long_title_is_shortened_between_words_at_80_columns(hostile):
    _code, text = on_terminal(["session", "list"], 80)
    lines = text.splitlines()
    first = next(n for n, line in enumerate(lines) if line.startswith(CODE))
    row = [lines[first]] + [line for line in lines[first + 1 :] if line.startswith(" ")]
    assert "Akuntansi [/b]" in row[0] and len(row) <= 2  # two lines at most, then "…"
    allowed = {*TITLE.split(), CODE, "…", "closed", "June", "2020"}
    for token in " ".join(row).split():
        whole = token in allowed or token.isdigit() or token.endswith("…")
        assert whole, f"{token!r} is not a whole word of the title: {row}"
    assert row[-1].rstrip().endswith("…") or "…" in row[-1]


def test_a_table_too_wide_for_the_terminal_becomes_one_block_per_row():
    from koptrain.io.tables import Grid, Spec

    specs = [Spec(f"Column {n}", "code", 1) for n in range(6)]
    grid = Grid(specs, [[f"VALUE-{n}-{'X' * 12}" for n in range(6)]])
    lines = [line.plain for line in grid.lines(80)]
    assert lines[0].startswith("Column 0") and "VALUE-0-XXXXXXXXXXXX" in lines[0]
    assert len(lines) == 6 and all(len(line) <= 80 for line in lines)


def test_piped_listings_are_plain_without_trailing_spaces(hostile, monkeypatch):
    monkeypatch.delenv("COLUMNS")
    done = hostile("coop", "list")
    lines = done.stdout.splitlines()
    assert all(line == line.rstrip() for line in lines)
    assert "\x1b[" not in done.stdout and lines[0] == "Cooperatives"
    assert max(map(len, lines)) <= 160
    programs = hostile("program", "list").stdout.splitlines()
    assert max(map(len, programs)) < 80  # as wide as its content, not padded to 160


def test_log_entries_take_one_or_two_lines(hostile):
    _code, text = on_terminal(["log", "--limit", "10"], 80)
    body = text.split("─\n", 1)[1].split("\n\n", 1)[0]
    heights: list[int] = []
    for line in body.splitlines():
        if re.match(r"\s*\d+\s+\d{1,2} \w+ \d{4} \d\d:\d\d", line):  # entry, when
            heights.append(1)
        elif line.startswith(" "):
            heights[-1] += 1
    assert len(heights) == 10 and max(heights) <= 3 and sum(heights) <= 22, body


def test_the_demo_summary_on_a_real_terminal(tmp_path):
    """`koptrain demo` as a newcomer runs it, in its own process, at 80 columns."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal 80 columns wide
        fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 80, 0, 0))
        env = {**os.environ, "COLUMNS": "80", "KOPTRAIN_LANG": "id"}
        os.execve(
            sys.executable,
            [sys.executable, "-m", "koptrain", "demo", "--db", str(tmp_path / "d.sqlite3")],
            env,
        )
    received = []
    with contextlib.suppress(OSError):
        while chunk := os.read(fd, 65536):
            received.append(chunk)
    _pid, status = os.waitpid(pid, 0)
    os.close(fd)
    text = ANSI.sub("", b"".join(received).decode("utf-8").replace("\r\n", "\n"))
    assert os.waitstatus_to_exitcode(status) == 0, text
    summary = text.split("Contoh data ada di", 1)[0]
    check_screen(summary, 80)
    assert "Peserta per pelatihan" in text and "16–19 Juni 2020" in text
    assert len(summary.splitlines()) <= 60  # one screenful and a half, not pages
