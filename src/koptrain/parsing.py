"""Parsers shared by every command and by import: dates, NIKs, booleans, enumerations."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from koptrain.errors import InvalidInput
from koptrain.i18n import N_, _

ROLES = ("pengurus", "anggota", "calon_anggota")
GENDERS = ("L", "P")
COOP_TYPES = ("simpan_pinjam", "konsumen", "produsen", "pemasaran", "jasa", "serba_usaha")
LEVELS = ("primer", "sekunder")
RATINGS = (
    "sehat",
    "cukup_sehat",
    "dalam_pengawasan",
    "dalam_pengawasan_khusus",
    "kurang_sehat",
    "tidak_sehat",
)
ENROLLMENT_STATUSES = ("enrolled", "waitlisted", "withdrawn", "completed", "not_completed")
SEAT_STATUSES = ("enrolled", "completed", "not_completed")
PRACTICE_STATUSES = ("practicing", "partly", "not_yet", "stopped")
ENDING_STATUSES = ("practicing", "stopped")  # a contact recording either ends the follow-up
OBSTACLE_CATEGORIES = (
    "modal",
    "pemasaran",
    "bahan_baku",
    "produksi",
    "perizinan",
    "sdm",
    "teknologi",
    "lainnya",
)

# Indonesian and English spellings a spreadsheet may carry, after normalisation.
_ALIASES = {
    "role": {
        "calon": "calon_anggota",
        "board": "pengurus",
        "member": "anggota",
        "prospective_member": "calon_anggota",
    },
    "gender": {
        "laki_laki": "L",
        "lakilaki": "L",
        "pria": "L",
        "male": "L",
        "m": "L",
        "perempuan": "P",
        "wanita": "P",
        "female": "P",
        "f": "P",
        "w": "P",
    },
    "level": {"primary": "primer", "secondary": "sekunder"},
}

MONTHS = {
    "januari": 1,
    "jan": 1,
    "january": 1,
    "februari": 2,
    "pebruari": 2,
    "feb": 2,
    "peb": 2,
    "february": 2,
    "maret": 3,
    "mar": 3,
    "march": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "juni": 6,
    "jun": 6,
    "june": 6,
    "juli": 7,
    "jul": 7,
    "july": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "agus": 8,
    "aug": 8,
    "august": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "oct": 10,
    "october": 10,
    "november": 11,
    "nopember": 11,
    "nov": 11,
    "nop": 11,
    "desember": 12,
    "des": 12,
    "dec": 12,
    "december": 12,
}

MONTH_NAMES = {
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def shown(value: object, limit: int = 60) -> str:
    """A value as it may appear inside a one-line message: control characters escaped, cut short."""
    text = str(value)
    text = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_NAMED = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})$")


def parse_date(text: str | dt.date | None, *, what: str = "date") -> dt.date:
    """Read YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or '16 Juni 2020' / '16 Jun 2020'."""
    if isinstance(text, dt.datetime):
        return check_year_range(text.date(), what=what)
    if isinstance(text, dt.date):
        return check_year_range(text, what=what)
    raw = (text or "").strip()
    year = month = day = None
    if m := _ISO.match(raw):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DMY.match(raw):
        day, month, year = (int(g) for g in m.groups())
    elif (m := _NAMED.match(raw)) and m.group(2).lower() in MONTHS:
        day, month, year = int(m.group(1)), MONTHS[m.group(2).lower()], int(m.group(3))
    if year is None:
        raise InvalidInput(
            _(
                "{what} '{value}' is not a date: use YYYY-MM-DD, DD/MM/YYYY or '16 Juni 2020'."
            ).format(what=_(what), value=shown(raw))
        )
    try:
        day_ = dt.date(year, month, day)
    except ValueError:
        raise InvalidInput(
            _("{what} '{value}' is not a real calendar date.").format(
                what=_(what), value=shown(raw)
            )
        ) from None
    return check_year_range(day_, what=what)


FIRST_YEAR, LAST_YEAR = 1900, 2100  # every date koptrain accepts or computes (SPEC §13)


def check_year_range(day: dt.date, *, what: str = "date") -> dt.date:
    """A date from 1900 to 2100: wherever a date enters (option, cell, policy)."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        message = _("{what} {value} is outside the years {first} to {last}.")
        raise InvalidInput(
            message.format(what=_(what), value=day.isoformat(), first=FIRST_YEAR, last=LAST_YEAR)
        )
    return day


def parse_optional_date(text: str | dt.date | None, *, what: str = "date") -> dt.date | None:
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    return parse_date(text, what=what)


def format_date(value: dt.date | None, lang: str = "en") -> str:
    """A date in the language's long form: '16 Juni 2020' / '16 June 2020'."""
    if value is None:
        return ""
    names = MONTH_NAMES.get(lang, MONTH_NAMES["en"])
    return f"{value.day} {names[value.month - 1]} {value.year}"


def format_number(value: float | int, lang: str = "en", decimals: int = 0) -> str:
    """Thousands and decimal separators of the language (1.234,5 in Indonesian)."""
    text = f"{value:,.{decimals}f}"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def normalise_key(text: str) -> str:
    """Case-insensitive, spaces and hyphens equal to '_' (enumerated values, import headers)."""
    return re.sub(r"[\s\-]+", "_", (text or "").strip().lower())


def parse_choice(text: str | None, choices: tuple[str, ...], *, what: str) -> str:
    """Match an enumerated value case-insensitively, with Indonesian spellings."""
    key = normalise_key(text or "")
    for choice in choices:
        if key == choice.lower():
            return choice
    alias = _ALIASES.get(what, {}).get(key)
    if alias in choices:
        return alias
    raise InvalidInput(
        _("{what} '{value}' is not one of: {choices}.").format(
            what=_(what), value=shown((text or "").strip()), choices=", ".join(choices)
        )
    )


def parse_role(text: str | None) -> str:
    return parse_choice(text, ROLES, what=N_("role"))


def parse_gender(text: str | None) -> str:
    return parse_choice(text, GENDERS, what=N_("gender"))


def parse_roles(text: str | None) -> tuple[str, ...]:
    """A comma-separated audience; empty means every role."""
    parts = [p for p in re.split(r"[,;]", text or "") if p.strip()]
    return tuple(dict.fromkeys(parse_role(p) for p in parts))


_TRUE = {"1", "ya", "y", "yes", "true", "t", "benar"}
_FALSE = {"0", "tidak", "tdk", "no", "n", "false", "f", "salah", ""}


def parse_bool(text: str | bool | int | None, *, what: str = "value") -> bool:
    if isinstance(text, bool):
        return text
    if isinstance(text, int) and text in (0, 1):
        return bool(text)
    key = str(text if text is not None else "").strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise InvalidInput(
        _("{what} '{value}' is not yes or no: use 1/0, ya/tidak, yes/no or true/false.").format(
            what=_(what), value=shown(key)
        )
    )


COUNT_LIMIT = 10_000_000  # members, attendees: the largest count any field holds (SPEC §13)


def parse_int(
    text: str | int | None, *, what: str, minimum: int = 0, maximum: int = COUNT_LIMIT
) -> int:
    """A whole number from `minimum` to `maximum` (a count unless the caller says otherwise)."""
    raw = "" if isinstance(text, int) else str(text).strip()
    if not isinstance(text, int) and not re.fullmatch(r"[+-]?\d+", raw):
        message = _("{what} '{value}' is not a whole number.")
        raise InvalidInput(message.format(what=_(what), value=shown(text)))
    value = text if isinstance(text, int) else int(raw) if len(raw) <= 19 else maximum + 1  # huge
    if not minimum <= value <= maximum:
        message = _("{what} {value} is not between {minimum} and {maximum}.")
        value = shown(raw or value, 24)
        raise InvalidInput(
            message.format(what=_(what), value=value, minimum=minimum, maximum=maximum)
        )
    return value


@cache
def _region_exists(code: str) -> bool:
    """Whether a province+city code (first four digits) is in python-stdnum's register."""
    from stdnum import numdb

    return bool(numdb.get("id/loc").info(code)[0][1])


def nik_problem(value: str) -> str | None:
    """Why a person's NIK is invalid, or None when it is valid.

    Format, length and region are checked against python-stdnum's `stdnum.id.nik`
    register; the date part is checked here too because stdnum reduces the day
    modulo 40 and so accepts days such as 81 that no NIK can carry.
    """
    if not value.isdigit() or not value.isascii():
        return _("must contain digits only")
    if len(value) != 16:
        return _("must be 16 digits long, not {n}").format(n=len(value))
    if not _region_exists(value[:4]):
        return _("region code {code} does not exist").format(code=value[:4])
    day, month, year = int(value[6:8]), int(value[8:10]), int(value[10:12])
    if day > 40:
        day -= 40
    try:
        dt.date(2000 + year, month, day)
    except ValueError:
        return _("its date part {part} is not a real date").format(part=value[6:12])
    return None


def parse_nik(text: str | None) -> str:
    """A person's 16-digit NIK, with separators removed."""
    value = re.sub(r"[\s.\-]", "", str(text or ""))
    if value.startswith("'"):
        value = value[1:]
    problem = nik_problem(value)
    if problem:
        raise InvalidInput(
            _("NIK '{value}' is invalid: {problem}.").format(value=shown(value), problem=problem)
        )
    return value


def nik_birth_date_matches(nik: str, birth_date: dt.date) -> bool:
    day = int(nik[6:8]) % 40 or 40
    return (day, int(nik[8:10]), int(nik[10:12])) == (
        birth_date.day,
        birth_date.month,
        birth_date.year % 100,
    )


def nik_gender(nik: str) -> str:
    return "P" if int(nik[6:8]) > 40 else "L"


def parse_coop_nik(text: str | None) -> str:
    """A NIK Koperasi: a digit string (usually 16 digits; no check digit is published)."""
    value = re.sub(r"[\s.\-]", "", str(text or ""))
    if not value.isdigit() or not value.isascii() or not 6 <= len(value) <= 20:
        raise InvalidInput(
            _("NIK Koperasi '{value}' is invalid: it must be a string of digits.").format(
                value=shown((text or "").strip())
            )
        )
    return value


def mask_nik(nik: str | None) -> str:
    """3572**********01: province and city kept, the last two digits kept."""
    if not nik:
        return ""
    if len(nik) <= 6:
        return "*" * len(nik)
    return nik[:4] + "*" * (len(nik) - 6) + nik[-2:]


# 16 digits, as typed: a space, dot or hyphen may stand between any two (3572-0141-…)
_NIK_IN_TEXT = re.compile(r"(?<![\d.\-])\d(?:[ .\-]?\d){15}(?![\d]|[ .\-]\d)")


def mask_niks_in(text: str) -> str:
    """Mask every NIK in free text, typed with separators or not (the audit trail's command
    line): shown as 16 digits masked, as parse_nik would store it."""
    return _NIK_IN_TEXT.sub(lambda m: mask_nik(re.sub(r"[ .\-]", "", m.group())), text)


def parse_fiscal_year_end(text: str | None) -> str:
    """MM-DD, the day a coop's books close (default 12-31)."""
    raw = (text or "").strip() or "12-31"
    m = re.match(r"^(\d{1,2})[-/](\d{1,2})$", raw)
    if m:
        month, day = int(m.group(1)), int(m.group(2))
        try:
            dt.date(2001, month, day)  # a non-leap year: 02-29 is not a valid books close
            return f"{month:02d}-{day:02d}"
        except ValueError:
            pass
    raise InvalidInput(
        _("Fiscal-year end '{value}' must be a month and day as MM-DD, e.g. 12-31.").format(
            value=shown(raw)
        )
    )
