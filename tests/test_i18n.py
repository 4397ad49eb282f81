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
        if message.id and message.string and not message.fuzzy:
            assert translations.gettext(message.id) == message.string, message.id


def test_placeholders_survive_translation():
    """A translation that drops or renames a {placeholder} would crash at .format()."""
    import string

    tool = _catalog_tool()
    for message in tool.load("id"):
        if not message.id or not message.string:
            continue
        fields = {f for _, f, _, _ in string.Formatter().parse(message.id) if f is not None}
        translated = {f for _, f, _, _ in string.Formatter().parse(message.string) if f is not None}
        assert fields == translated, message.id


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
    assert "Perintah" in done.stdout and "Commands" not in done.stdout


def test_english_is_the_default_and_lang_beats_the_environment():
    assert "Commands" in _run("--help").stdout
    assert "Commands" in _run("--lang", "en", "--help", env={"KOPTRAIN_LANG": "id"}).stdout


def test_json_and_exit_statuses_never_change_with_the_language(db_url):
    env = {"KOPTRAIN_DB": db_url}
    english = _run("--lang", "en", "policy", "show", "--format", "json", env=env)
    indonesian = _run("--lang", "id", "policy", "show", "--format", "json", env=env)
    assert english.stdout == indonesian.stdout and english.returncode == 0
    bad_en = _run("--lang", "en", "policy", "set", "nope", "1", env=env)
    bad_id = _run("--lang", "id", "policy", "set", "nope", "1", env=env)
    assert bad_en.returncode == bad_id.returncode == 2
    assert bad_en.stderr != bad_id.stderr
