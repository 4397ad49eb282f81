"""Bahasa Indonesia and English: complete catalogs, the language choice, language-free JSON."""

import gettext
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _catalog_tool():
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_in_the_code_has_an_indonesian_translation():
    tool = _catalog_tool()
    missing = tool.untranslated(tool.load("id"), tool.extract())
    assert missing == [], f"{len(missing)} messages lack Indonesian: run scripts/i18n.py"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_catalogs_compile_and_the_shipped_mo_matches_the_po(lang):
    tool = _catalog_tool()
    catalog = tool.load(lang)
    compiled = tool.compile_catalog(catalog)
    assert compiled
    shipped = tool.po_path(lang).with_suffix(".mo")
    with shipped.open("rb") as f:
        translations = gettext.GNUTranslations(f)
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):  # plural forms: one msgstr per form
            singular, plural = message.id
            for form, text in enumerate(message.string):
                if text:
                    n = 1 if len(message.string) > 1 and form == 0 else 2
                    assert translations.ngettext(singular, plural, n) == text, message.id
        elif message.string:
            assert translations.gettext(message.id) == message.string, message.id


def test_placeholders_survive_translation():
    """A translation that drops or renames a {placeholder} would crash at .format()."""
    import string

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}

    tool = _catalog_tool()
    for message in tool.load("id"):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(fields(i) for i in ids))
        for text in strings:
            assert fields(text) == expected, message.id


def _run(*args, env=None):
    clean = {k: v for k, v in os.environ.items() if k not in ("KOPTRAIN_LANG", "LANGUAGE")}
    clean.update({"LANG": "C.UTF-8", "LC_ALL": "", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "koptrain", *args], capture_output=True, text=True, env=clean
    )


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("--lang", "id", "--help"), {}),
        (("--help",), {"KOPTRAIN_LANG": "id"}),
        (("--help",), {"LANG": "id_ID.UTF-8"}),
    ],
)
def test_help_follows_the_chosen_language(args, env):
    done = _run(*args, env=env)
    assert done.returncode == 0
    assert "Koperasi dan orang" in done.stdout and "Opsi" in done.stdout
    assert "Cooperatives and people" not in done.stdout and "Options" not in done.stdout


def test_english_is_the_default_and_lang_beats_the_environment():
    assert "Cooperatives and people" in _run("--help").stdout
    forced = _run("--lang", "en", "--help", env={"KOPTRAIN_LANG": "id"}).stdout
    assert "Cooperatives and people" in forced and "Koperasi dan orang" not in forced


def test_json_and_exit_statuses_never_change_with_the_language(db_url):
    env = {"KOPTRAIN_DB": db_url}
    english = _run("--lang", "en", "policy", "show", "--format", "json", env=env)
    indonesian = _run("--lang", "id", "policy", "show", "--format", "json", env=env)
    assert english.stdout == indonesian.stdout and english.returncode == 0
    bad_en = _run("--lang", "en", "policy", "set", "nope", "1", env=env)
    bad_id = _run("--lang", "id", "policy", "set", "nope", "1", env=env)
    assert bad_en.returncode == bad_id.returncode == 2
    assert bad_en.stderr != bad_id.stderr


# --- Reports and refusals: language-free JSON/CSV and exit statuses, Indonesian tables ---


@pytest.fixture
def small_programme(store):
    """Two coops (one eligible, one whose RAT 2019 was late), a programme, one session, a seat."""
    import datetime as dt

    import factories

    with store.session() as session:
        good = factories.coop(session, "KSP Sejahtera")
        late = factories.coop(session, "KSP Telat", rat_held=dt.date(2020, 4, 14))
        programme = factories.program(session)
        training = factories.training(session, program=programme)
        seated = factories.person(session, good, name="Sri Wahyuni")
        late_member = factories.person(session, late, name="Budi Santoso", gender="L")
        factories.seat(session, training, seated, good, present_days=2)
        return {"late_coop": late.nik, "late_member": late_member.nik}


def _both(koptrain, *args, code=0):
    english = koptrain("--lang", "en", *args, code=code)
    indonesian = koptrain("--lang", "id", *args, code=code)
    return english, indonesian


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_report_summary_json_and_csv_are_the_same_in_both_languages(koptrain, small_programme, fmt):
    english, indonesian = _both(
        koptrain, "report", "summary", "--on", "2020-07-01", "--format", fmt
    )
    assert english.stdout == indonesian.stdout
    if fmt == "json":
        import json

        assert json.loads(english.stdout)["totals"]["participants"] == 1


def test_eligibility_json_is_english_in_both_languages(koptrain, small_programme):
    args = ("coop", "eligibility", small_programme["late_coop"], "--on", "2020-06-16")
    english, indonesian = _both(koptrain, *args, "--format", "json")
    assert english.stdout == indonesian.stdout
    assert "days after the deadline" in english.stdout
    table_en, table_id = _both(koptrain, *args)
    assert "NOT ELIGIBLE" in table_en.stdout and "days after the deadline" in table_en.stdout
    assert "TIDAK MEMENUHI SYARAT" in table_id.stdout
    assert "hari setelah batas waktu" in table_id.stdout and "deadline" not in table_id.stdout


def test_a_refused_enrollment_exits_1_in_both_languages_with_the_reason_translated(
    koptrain, small_programme
):
    ref = small_programme["late_member"]
    english, indonesian = _both(koptrain, "enroll", "BLT20-01", ref, code=1)
    assert "is not eligible on 16 June 2020" in english.stderr
    assert "tidak memenuhi syarat pada 16 Juni 2020" in indonesian.stderr
    assert "eligible" not in indonesian.stderr


def test_tables_show_long_indonesian_dates_numbers_and_statuses(koptrain, small_programme):
    english, indonesian = _both(koptrain, "session", "list")
    assert "16 June 2020" in english.stdout and "open" in english.stdout
    assert "16 Juni 2020" in indonesian.stdout and "dibuka" in indonesian.stdout
    assert "Kapasitas" in indonesian.stdout and "Capacity" not in indonesian.stdout
    from koptrain.parsing import format_number

    assert format_number(1234, "id") == "1.234" and format_number(1234, "en") == "1,234"


# --- Typer's and Click's own texts (cli/framework_i18n.py) ---


@pytest.mark.parametrize(
    ("args", "english", "indonesian"),
    [
        (("coop", "add"), "Missing option '--name'.", "Opsi '--name' belum diisi."),
        (("coop", "list", "--bogus"), "No such option: --bogus", "Opsi tidak dikenal: --bogus"),
        (
            ("coop", "list", "--format", "xml"),
            "Invalid value for '--format': use table, csv, json or xlsx (with -o FILE)",
            "Nilai tidak sah untuk '--format': gunakan table, csv, json atau xlsx (dengan -o FILE)",
        ),
        (
            ("log", "--limit", "x"),
            "Invalid value for '--limit': must be a whole number",
            "Nilai tidak sah untuk '--limit': harus bilangan bulat",
        ),
        (
            ("coop", "show", "a", "b"),
            "Got unexpected extra argument(s) (b)",
            "Ada argumen berlebih yang tidak dikenal (b)",
        ),
        (("log", "--limit"), "Option '--limit' requires an argument.", "Opsi '--limit' memerlukan"),
    ],
)
def test_usage_errors_speak_the_chosen_language(koptrain, args, english, indonesian):
    en, id_ = _both(koptrain, *args, code=2)
    assert english in " ".join(en.stderr.split())
    assert indonesian in " ".join(id_.stderr.split())
    if "Usage: koptrain" in en.stderr:  # the usage line comes with most usage errors
        assert "Penggunaan: koptrain" in id_.stderr and "Usage" not in id_.stderr


def test_command_help_has_no_click_english_in_indonesian(koptrain):
    en, id_ = _both(koptrain, "coop", "add", "--help")
    assert "Usage: koptrain coop add [OPTIONS]" in en.stdout
    assert "Show this message and exit." in en.stdout and "<str>" not in en.stdout
    assert "Penggunaan: koptrain coop add [OPSI]" in id_.stdout
    assert "Tampilkan bantuan ini lalu keluar." in id_.stdout
    for english in ("Usage", "[OPTIONS]", "Show this message", "<str>", "<bool>"):
        assert english not in id_.stdout
