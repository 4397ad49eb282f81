"""Parsers shared by every command and by import: dates, NIKs, booleans, enumerations."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from koptrain.errors import InvalidInput
from koptrain.i18n import N_, _, current_language
from koptrain.words import (
    ABSENT_MARKS,
    ALIASES,
    MONTH_NAMES,
    MONTHS,
    PRESENT_MARKS,
    TITLES,
    WEEKDAYS,
)

ROLES = ("pengurus", "anggota", "calon_anggota", "pengawas")
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


def shown(value: object, limit: int = 60) -> str:
    """A value as it may appear inside a one-line message: control characters escaped, cut short."""
    text = str(value)
    text = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")
_NAMED = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})$")
_WEEKDAY = re.compile(r"^([A-Za-z']+)\s*,\s*(.+)$")


def parse_date(text: str | dt.date | None, *, what: str = "date", past: bool = False) -> dt.date:
    """Read YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, 13/3/21 (20YY) or '16 Juni 2020' /
    '16 Jun 2020', each optionally after a weekday ('Sabtu, 13 Maret 2021') that must match.
    With `past` (a birth date), a two-digit year that would be in the future is 19YY."""
    if isinstance(text, dt.datetime):
        return check_year_range(text.date(), what=what)
    if isinstance(text, dt.date):
        return check_year_range(text, what=what)
    raw = " ".join(str(text or "").split())
    weekday = None
    if (m := _WEEKDAY.match(raw)) and m.group(1).lower() in WEEKDAYS:
        weekday, raw = m.group(1), m.group(2)
    year = month = day = None
    if m := _ISO.match(raw):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DMY.match(raw):
        day, month, year = (int(g) for g in m.groups())
        if len(m.group(3)) == 2:
            year += 2000
            if past and year > dt.date.today().year:
                year -= 100
    elif (m := _NAMED.match(raw)) and m.group(2).lower() in MONTHS:
        day, month, year = int(m.group(1)), MONTHS[m.group(2).lower()], int(m.group(3))
    if year is None:
        raise InvalidInput(
            _(
                "{what} '{value}' is not a date: use YYYY-MM-DD, DD/MM/YYYY or '16 Juni 2020'."
            ).format(what=_(what), value=shown(raw))
        )
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise InvalidInput(
            _("{what} '{value}' is not a real calendar date.").format(
                what=_(what), value=shown(raw)
            )
        ) from None
    if weekday is not None and WEEKDAYS[weekday.lower()] != date.weekday():
        raise InvalidInput(
            _("{what} '{value}': {date} is not a {weekday}.").format(
                what=_(what), value=shown(text), date=date.isoformat(), weekday=weekday
            )
        )
    return check_year_range(date, what=what)


FIRST_YEAR, LAST_YEAR = 1900, 2100  # every date koptrain accepts or computes (SPEC §13)


def check_year_range(day: dt.date, *, what: str = "date") -> dt.date:
    """A date from 1900 to 2100: wherever a date enters (option, cell, policy)."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        message = _("{what} {value} is outside the years {first} to {last}.")
        raise InvalidInput(
            message.format(what=_(what), value=day.isoformat(), first=FIRST_YEAR, last=LAST_YEAR)
        )
    return day


def parse_optional_date(
    text: str | dt.date | None, *, what: str = "date", past: bool = False
) -> dt.date | None:
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    return parse_date(text, what=what, past=past)


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
    alias = ALIASES.get(what, {}).get(key)
    if alias in choices:
        return alias
    raise InvalidInput(
        _("{what} '{value}' is not one of: {choices}.").format(
            what=_(what),
            value=shown((text or "").strip()),
            choices=", ".join(choice_word(c, what) for c in choices),
        )
    )


def choice_word(choice: str, what: str) -> str:
    """An enumerated value as a user types it in the interface language: the Indonesian
    word the parser accepts for it when there is one (`sebagian` for partly)."""
    if current_language() == "id" and _(choice) != choice:
        for word, value in ALIASES.get(what, {}).items():
            if value == choice:
                return word.replace("_", " ") if " " in _(choice) else word
    return choice


def parse_role(text: str | None) -> str:
    return parse_choice(text, ROLES, what=N_("role"))


def parse_gender(text: str | None) -> str:
    return parse_choice(text, GENDERS, what=N_("gender"))


def parse_role_title(text: str | None) -> tuple[str, str | None]:
    """A role cell: the role, and the title of a pengurus given as `Ketua`, `Bendahara`...
    (kept as the position in that coop), else None."""
    key = normalise_key(text or "")
    if key in TITLES:
        return "pengurus", key.replace("_", " ")
    return parse_role(text), None


def parse_roles(text: str | None) -> tuple[str, ...]:
    """A comma-separated audience; empty means every role."""
    parts = [p for p in re.split(r"[,;]", text or "") if p.strip()]
    return tuple(dict.fromkeys(parse_role(p) for p in parts))


_TRUE = {"1", "ya", "y", "yes", "true", "t", "benar", "ada", "punya"}
_FALSE = {"0", "tidak", "tdk", "no", "n", "false", "f", "salah", "", "tidak ada", "tidak punya"}


def parse_bool(text: str | bool | int | None, *, what: str = "value") -> bool:
    if isinstance(text, bool):
        return text
    if isinstance(text, int) and text in (0, 1):
        return bool(text)
    key = " ".join(str(text if text is not None else "").lower().split())
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise InvalidInput(
        _("{what} '{value}' is not yes or no: use 1/0, ya/tidak, yes/no or true/false.").format(
            what=_(what), value=shown(key)
        )
    )


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}([. \u00a0\u202f]\d{3})+$")
COUNT_LIMIT = 10_000_000  # members, attendees: the largest count any field holds (SPEC §13)


def parse_int(
    text: str | int | None, *, what: str, minimum: int = 0, maximum: int = COUNT_LIMIT
) -> int:
    """A whole number from `minimum` to `maximum` (a count unless the caller says otherwise),
    `.` or spaces allowed as thousands separators (`1.250`)."""
    raw = "" if isinstance(text, int) else str(text).strip()
    if _THOUSANDS.match(raw):
        raw = re.sub(r"[. \u00a0\u202f]", "", raw)
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


def parse_presence(text: str | bool | None) -> tuple[bool, str | None] | None:
    """An attendance mark: (present, reason of an absence); None for a blank cell.
    `H`, `hadir`, `✓`, `v` and the true answers are present; `A`/`alpa`, `S`/`sakit`,
    `I`/`izin` (the reason kept), `-`, `x` and the false answers absent."""
    if isinstance(text, bool):
        return text, None
    key = normalise_key(str(text if text is not None else ""))
    if not key:
        return None
    if key in PRESENT_MARKS:
        return True, None
    if key in ABSENT_MARKS:
        return False, ABSENT_MARKS[key]
    try:
        return parse_bool(key.replace("_", " "), what=N_("present")), None
    except InvalidInput:
        raise InvalidInput(
            _(
                "Attendance '{value}' is not a mark: use H (hadir), S (sakit), I (izin), "
                "A (alpa), ✓ or -."
            ).format(value=shown(str(text).strip()))
        ) from None


def parse_money(text: str | int | float | None, *, what: str) -> float:
    """An amount of rupiah: `Rp 2.500.000`, `2.500.000,50`, `2500000`."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text)
    raw = re.sub(r"[\s\u00a0]", "", re.sub(r"^rp\.?", "", str(text or "").strip().lower()))
    raw = raw.replace(".", ",") if re.fullmatch(r"\d+\.\d{1,2}", raw) else raw  # 2500.50
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?|\d+(,\d+)?", raw):
        return float(raw.replace(".", "").replace(",", "."))
    raise InvalidInput(
        _("{what} '{value}' is not an amount of money, e.g. Rp 2.500.000.").format(
            what=_(what), value=shown(str(text).strip())
        )
    )


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


_NIK_IN_TEXT = re.compile(r"(?<![\d.\-])\d(?:[ .\-]?\d){15}(?![\d]|[ .\-]\d)")  # 3572-0141-…


def mask_niks_in(text: str) -> str:
    """Mask every NIK in free text, typed with separators or not (the audit trail's command
    line): shown as 16 digits masked, as parse_nik would store it."""
    return _NIK_IN_TEXT.sub(lambda m: mask_nik(re.sub(r"[ .\-]", "", m.group())), text)


def parse_fiscal_year_end(text: str | None) -> str:
    """MM-DD, the day a coop's books close (default 12-31); also `30 Juni`."""
    if isinstance(text, dt.date):  # a spreadsheet's date cell: its day and month
        return f"{text.month:02d}-{text.day:02d}"
    raw = " ".join(str(text or "").split()) or "12-31"
    if iso := re.match(r"^\d{4}-(\d{2})-(\d{2})$", raw):  # a date cell: its month and day
        raw = f"{iso.group(1)}-{iso.group(2)}"
    m = re.match(r"^(\d{1,2})[-/](\d{1,2})$", raw)
    named = re.match(r"^(\d{1,2})\s+([A-Za-z]+)\.?$", raw)
    if named and named.group(2).lower() in MONTHS:
        m = named
    if m:
        if m is named:
            day, month = int(named.group(1)), MONTHS[named.group(2).lower()]
        else:
            month, day = int(m.group(1)), int(m.group(2))
        try:
            dt.date(2001, month, day)  # a non-leap year: 02-29 is not a valid books close
            return f"{month:02d}-{day:02d}"
        except ValueError:
            pass
    raise InvalidInput(
        _("Fiscal-year end '{value}' must be a month and day: MM-DD (12-31) or 30 Juni.").format(
            value=shown(raw)
        )
    )
