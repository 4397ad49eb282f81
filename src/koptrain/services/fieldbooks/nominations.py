"""The nomination form (SPEC §11): a workbook a coop fills in to propose people for a
session. Its heading says what the session is and who may come, and names the session,
the coop and the quota in cells that `import nominations` reads back
(services.importing.nominations); its table has the people kind's columns under their
Indonesian names, NIK and phone as Text, drop-downs for gender, role and has-business,
as many rows as the quota."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from koptrain.errors import InvalidInput, Refused
from koptrain.i18n import _
from koptrain.io.workbooks import Column, add_instructions, add_table, new_workbook
from koptrain.io.writers import neutralise
from koptrain.models import Coop, Training
from koptrain.parsing import ROLES
from koptrain.services.documents.facts import date_span
from koptrain.services.training.base import OPEN, audience_roles
from koptrain.services.training.sessions import seat_holders_count
from koptrain.words import TITLES

# The heading cells read back: label (column A) -> what it names; the value is in column B.
HEADING = {"kode_pelatihan": "session", "kode_koperasi": "coop", "kuota": "quota"}
LABELS = {"session": "Kode pelatihan", "coop": "Kode koperasi", "quota": "Kuota"}
QUOTA_LIMIT = 10_000  # a session's largest capacity
GENDERS = ("Laki-laki", "Perempuan")
ANSWERS = ("Ya", "Tidak")
# (column of the people kind, its header: an Indonesian name that import reads back)
FIELDS = (
    ("nik", "NIK"),
    ("name", "Nama"),
    ("gender", "Jenis Kelamin"),
    ("birth_date", "Tanggal Lahir"),
    ("phone", "Telepon"),
    ("role", "Jabatan"),
    ("has_business", "Punya Usaha"),
    ("coop_nik", "NIK Koperasi"),
)


@dataclass(frozen=True)
class Form:
    """What a nomination form says, read from the database once."""

    code: str
    title: str
    start: dt.date
    end: dt.date
    audience: tuple[str, ...]
    requires_business: bool
    coop_key: str | None  # NIK Koperasi, else legal number; None: the coop writes it in
    coop_name: str | None
    quota: int | None


def form_for(
    db: Session, training: Training, coop: Coop | None = None, quota: int | None = None
) -> Form:
    """The form of a session (for one coop, or blank for the coop to name itself); the
    quota defaults to the free seats. A session that is not open, or full without a
    quota given, is refused."""
    if training.status != OPEN:
        raise Refused(
            _("Session {session} is {status}: it takes no nominations.").format(
                session=training.code, status=_(training.status)
            )
        )
    if quota is None:
        quota = training.capacity - seat_holders_count(db, training)
        if quota < 1:
            raise Refused(
                _(
                    "Session {session} has no free seat: give --quota N to collect "
                    "nominations for its waitlist."
                ).format(session=training.code)
            )
    elif not 1 <= quota <= QUOTA_LIMIT:
        raise InvalidInput(
            _("--quota must be between 1 and {limit}.").format(limit=f"{QUOTA_LIMIT:,}")
        )
    return form_of(training, coop, quota)


def form_of(training: Training, coop: Coop | None, quota: int | None) -> Form:
    return Form(
        code=training.code,
        title=training.title,
        start=training.start,
        end=training.end,
        audience=audience_roles(training),
        requires_business=bool(training.requires_business),
        coop_key=(coop.nik or coop.legal_number) if coop else None,
        coop_name=coop.name if coop else None,
        quota=quota,
    )


def _roles(form: Form) -> tuple[str, ...]:
    roles = form.audience or ROLES
    shown = [r.replace("_", " ") for r in roles]
    if "pengurus" in roles:  # a pengurus may be named by their title
        shown += [t.replace("_", " ") for t in TITLES]
    return tuple(shown)


def columns(form: Form) -> list[Column]:
    kinds = {
        "nik": Column("NIK", 20, input=True),
        "name": Column("Nama", 30, input=True),
        "gender": Column("Jenis Kelamin", 14, "choice", GENDERS, input=True),
        "birth_date": Column("Tanggal Lahir", 14, "date", input=True),
        "phone": Column("Telepon", 16, input=True),
        "role": Column("Jabatan", 16, "choice", _roles(form), input=True),
        "has_business": Column("Punya Usaha", 12, "choice", ANSWERS, input=True),
        "coop_nik": Column("NIK Koperasi", 22, input=form.coop_key is None),
    }
    return [kinds[name] for name, _header in FIELDS]


def heading(form: Form) -> list[str]:
    """The lines above the table; the last three are the labels of the cells read back."""
    audience = ", ".join(r.replace("_", " ") for r in form.audience) or _("every role")
    business = (
        _("Only people who run a business of their own may be nominated.")
        if form.requires_business
        else _("Nominees need not run a business of their own.")
    )
    lines = [
        _("NOMINATION FORM: {title}").format(title=form.title),
        _("Session {code}, {days}.").format(code=form.code, days=date_span(form.start, form.end)),
        _("For: {audience}. {business}").format(audience=audience, business=business),
        _("Cooperative: {coop}").format(coop=form.coop_name or _("(write its code below)")),
        _("At most {quota} people; leave the rows you do not need empty.").format(quota=form.quota),
    ]
    return [*lines, LABELS["session"], LABELS["coop"], LABELS["quota"]]


def instructions(form: Form) -> list[str]:
    return [
        _("Write one person per row in the sheet of the form, at most {quota} people.").format(
            quota=form.quota
        ),
        _(
            "NIK: the 16 digits of the identity card, typed as they are (the cells are Text, "
            "so no digit is lost). Telepon: with its leading 0."
        ),
        _("Choose Jenis Kelamin, Jabatan and Punya Usaha from the lists in their cells."),
        _(
            "Every person must be a member of the cooperative named at the top; a person who "
            "is not yet is registered as its member by the import."
        ),
        _("Send the workbook back as it is. Rows left empty are ignored."),
    ]


def build(form: Form, rows: Sequence[Sequence[Any]] | None = None, *, error: bool = False):
    """The form's workbook: `rows` empty ones for the quota (default), or given rows (the
    rejects of an import, with an `error` column when `error`)."""
    workbook = new_workbook()
    add_instructions(workbook, _("How to fill in the nomination form"), instructions(form))
    table_columns = columns(form)
    if error:
        table_columns.append(Column("error", 60))
    if rows is None:
        rows = [[None] * (len(FIELDS) - 1) + [form.coop_key]] * (form.quota or 0)
    above = heading(form)
    sheet = add_table(workbook, _("Nominations"), table_columns, rows, above=above)
    _heading_values(sheet, len(above), form)
    return workbook


def _heading_values(sheet, last: int, form: Form) -> None:
    """The values of the heading cells read back, in column B next to their labels; the
    coop's is a Text cell to type in when the form names no coop."""
    from openpyxl.styles import Protection

    values = (form.code, form.coop_key or "", form.quota)
    for row, value in zip(range(last - 2, last + 1), values, strict=True):
        cell = sheet.cell(row=row, column=2)
        if isinstance(value, int):
            cell.value = value
        else:
            cell.value = neutralise(value) if value else None
            cell.data_type = "s"
            cell.number_format = "@"
    if form.coop_key is None:
        sheet.cell(row=last - 1, column=2).protection = Protection(locked=False)


def nomination_rejects(form: Form, mapping: list[tuple[int, str]]):
    """For import: a writer of the rejected rows (as read, with their error) as a form of
    the same session, coop and quota, its columns in the form's order."""
    where = dict((name, index) for index, name in mapping)

    def write(rejected: Sequence[tuple[list[Any], str]]):
        rows = []
        for values, message in rejected:
            row = [
                values[where[name]] if name in where and where[name] < len(values) else None
                for name, _header in FIELDS
            ]
            row[-1] = row[-1] or form.coop_key  # the column of the form's coop
            rows.append([*row, message])
        return build(form, rows, error=True)

    return write
