"""The parsers every command and import share."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koptrain.errors import InvalidInput
from koptrain.parsing import (
    RATINGS,
    format_date,
    format_number,
    mask_nik,
    mask_niks_in,
    nik_birth_date_matches,
    nik_gender,
    parse_bool,
    parse_choice,
    parse_date,
    parse_fiscal_year_end,
    parse_gender,
    parse_nik,
    parse_role,
    parse_roles,
)

JUNE_16 = dt.date(2020, 6, 16)


@pytest.mark.parametrize(
    "text",
    [
        "2020-06-16",
        "16/06/2020",
        "16-06-2020",
        "16 Juni 2020",
        "16 Jun 2020",
        "16 june 2020",
        " 16/6/2020 ",
        "16.06.2020",
    ],
)
def test_every_date_form_reads_the_same_day(text):
    assert parse_date(text) == JUNE_16


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("1 Pebruari 2020", 2),
        ("1 Februari 2020", 2),
        ("1 Nopember 2020", 11),
        ("1 Agustus 2020", 8),
        ("1 Mei 2020", 5),
        ("1 Okt 2020", 10),
        ("1 Des 2020", 12),
    ],
)
def test_indonesian_month_names_and_old_spellings(text, month):
    assert parse_date(text) == dt.date(2020, month, 1)


@pytest.mark.parametrize("text", ["2020-02-30", "31/04/2020", "yesterday", "", "16 Foo 2020"])
def test_impossible_or_unreadable_dates_are_one_clear_error(text):
    with pytest.raises(InvalidInput) as error:
        parse_date(text)
    assert "\n" not in str(error.value)
    assert str(error.value).endswith(".")


def test_long_date_forms_follow_the_language():
    assert format_date(JUNE_16, "id") == "16 Juni 2020"
    assert format_date(JUNE_16, "en") == "16 June 2020"
    assert format_number(1234567, "id") == "1.234.567"
    assert format_number(1234.5, "en", 1) == "1,234.5"
    assert format_number(1234.5, "id", 1) == "1.234,5"


def test_valid_nik_is_kept_and_separators_dropped():
    assert parse_nik("3572014506900001") == "3572014506900001"
    assert parse_nik("3572 0145 0690 0001") == "3572014506900001"


@pytest.mark.parametrize(
    ("nik", "words"),
    [
        ("357201450690001", "16 digits"),
        ("35720145069000012", "16 digits"),
        ("35720A4506900001", "digits only"),
        ("3572013206900001", "date part"),  # day 32
        ("3572018106900001", "date part"),  # day 81: stdnum alone would accept it
        ("3572013002900001", "date part"),  # 30 February
        ("0000014506900001", "region"),
    ],
)
def test_invalid_niks_say_why(nik, words):
    with pytest.raises(InvalidInput, match=words):
        parse_nik(nik)


def test_nik_encodes_gender_and_birth_date():
    woman = "3572014506900001"  # day 45 = 5 + 40
    assert nik_gender(woman) == "P"
    assert nik_gender("3572010506900001") == "L"
    assert nik_birth_date_matches(woman, dt.date(1990, 6, 5))
    assert not nik_birth_date_matches(woman, dt.date(1990, 6, 6))


def test_masking_keeps_province_city_and_last_two_digits():
    assert mask_nik("3572014506900001") == "3572**********01"
    assert mask_niks_in("person add --nik 3572014506900001 x") == (
        "person add --nik 3572**********01 x"
    )


@pytest.mark.parametrize("text", ["Cukup Sehat", "cukup-sehat", "cukup_sehat", "CUKUP SEHAT"])
def test_enumerations_ignore_case_spaces_and_hyphens(text):
    assert parse_choice(text, RATINGS, what="rating") == "cukup_sehat"


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Pengurus", "pengurus"),
        ("calon anggota", "calon_anggota"),
        ("Calon-Anggota", "calon_anggota"),
        ("anggota", "anggota"),
    ],
)
def test_roles_in_indonesian_spellings(text, role):
    assert parse_role(text) == role


@pytest.mark.parametrize(
    ("text", "gender"),
    [("L", "L"), ("p", "P"), ("Laki-laki", "L"), ("laki laki", "L"), ("Perempuan", "P")],
)
def test_genders_in_indonesian_spellings(text, gender):
    assert parse_gender(text) == gender


def test_audience_list_and_empty_audience():
    assert parse_roles("anggota, Calon Anggota") == ("anggota", "calon_anggota")
    assert parse_roles("") == ()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1", True),
        ("0", False),
        ("ya", True),
        ("Tidak", False),
        ("YES", True),
        ("no", False),
        ("true", True),
        ("False", False),
    ],
)
def test_booleans(text, value):
    assert parse_bool(text) is value


def test_unknown_boolean_is_an_error():
    with pytest.raises(InvalidInput, match="yes or no"):
        parse_bool("mungkin")


def test_fiscal_year_end():
    assert parse_fiscal_year_end("6-30") == "06-30"
    assert parse_fiscal_year_end("") == "12-31"
    with pytest.raises(InvalidInput):
        parse_fiscal_year_end("02-30")


def _value_or_clean_error(parser, text):
    try:
        parser(text)
    except InvalidInput as error:
        message = str(error)
        assert message and "\n" not in message and "Traceback" not in message


@given(st.text(max_size=40))
def test_arbitrary_text_is_a_date_or_one_clean_error(text):
    _value_or_clean_error(parse_date, text)


@given(st.text(alphabet="0123456789 -.x", max_size=24) | st.text(max_size=24))
def test_arbitrary_text_is_a_nik_or_one_clean_error(text):
    _value_or_clean_error(parse_nik, text)


@given(st.text(max_size=20))
def test_arbitrary_text_is_a_choice_or_one_clean_error(text):
    _value_or_clean_error(parse_role, text)
    _value_or_clean_error(parse_gender, text)
    _value_or_clean_error(parse_bool, text)
    _value_or_clean_error(parse_fiscal_year_end, text)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_every_date_round_trips_through_each_form(day):
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(format_date(day, "id")) == day
    assert parse_date(format_date(day, "en")) == day
