"""The words of the office's files, in Indonesian and English: month and weekday names and
the spellings of enumerated values, as parsing.py reads them."""

# Indonesian and English spellings a spreadsheet may carry, after normalisation.
ALIASES = {
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
    "status": {
        "menerapkan": "practicing",
        "sudah_menerapkan": "practicing",
        "sebagian": "partly",
        "belum": "not_yet",
        "belum_menerapkan": "not_yet",
        "berhenti": "stopped",
        # RAT statuses in the words the screens show in Indonesian.
        "tepat_waktu": "on_time",
        "terlambat": "late",
        "tidak_ada": "missing",
    },
}
ALIASES["role"].update({"supervisor": "pengawas", "supervisory_board": "pengawas"})

# A pengurus's title: the role is pengurus, the title is kept as the position (SPEC §7).
TITLES = ("ketua", "wakil_ketua", "sekretaris", "bendahara")
ALIASES["role"].update(dict.fromkeys(TITLES, "pengurus"))

WEEKDAYS = {  # date.weekday(): Monday is 0
    "senin": 0,
    "selasa": 1,
    "rabu": 2,
    "kamis": 3,
    "jumat": 4,
    "jum'at": 4,
    "sabtu": 5,
    "minggu": 6,
    "ahad": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}

# Attendance marks of a paper list: present, or absent with the reason kept.
PRESENT_MARKS = frozenset({"h", "hadir", "✓", "✔", "√", "v"})
ABSENT_MARKS = {
    "a": "alpa",
    "alpa": "alpa",
    "alpha": "alpa",
    "s": "sakit",
    "sakit": "sakit",
    "i": "izin",
    "izin": "izin",
    "ijin": "izin",
    "-": None,
    "x": None,
    "tidak_hadir": None,
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
