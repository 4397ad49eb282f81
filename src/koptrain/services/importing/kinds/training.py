"""Import kinds of training: programmes, sessions, enrollments, attendance."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import func
from sqlmodel import col, select

from koptrain.i18n import N_, _
from koptrain.models import (
    Attendance,
    Enrollment,
    Program,
    Training,
)
from koptrain.parsing import (
    SEAT_STATUSES,
    parse_bool,
    parse_date,
    parse_presence,
    parse_roles,
)
from koptrain.services import refs, validation
from koptrain.services.importing.base import (
    UNCHANGED,
    UPDATED,
    Problem,
    clean_text,
)
from koptrain.services.importing.kinds.common import (
    RefsHandler,
    today,
)
from koptrain.services.upsert import field_changes

# --- programs --------------------------------------------------------------------------------


class ProgramsHandler(RefsHandler):
    columns: ClassVar = {"code": ("kode",), "name": ("nama",), "year": ("tahun",)}
    required: ClassVar = (("code",), ("name",))
    key_columns: ClassVar = ("code",)

    def row(self, rec):
        code = self.valid("code", validation.code, self.need(rec, "code"), N_("program code"))
        name = clean_text(
            self.need(rec, "name"), validation.NAME_LIMIT, what=N_("name"), column="name"
        )
        year = self.field(rec, "year", lambda v: validation.year(v, what=N_("year")) if v else None)
        program = self.db.exec(
            select(Program).where(func.lower(Program.code) == code.lower())
        ).first()
        new = {"name": name}
        if self.has("year"):
            new["year"] = year
        return self.write(program, new, make=lambda: Program(code=code, **new))


# --- sessions --------------------------------------------------------------------------------


class SessionsHandler(RefsHandler):
    columns: ClassVar = {
        "code": ("kode",),
        "program": ("program_code", "kode_program"),
        "title": ("judul",),
        "start": ("mulai", "tanggal_mulai"),
        "end": ("selesai", "tanggal_selesai"),
        "capacity": ("kapasitas",),
        "audience": ("peserta", "sasaran"),
        "requires_business": ("wajib_usaha", "khusus_pemilik_usaha", "wajib_punya_usaha"),
        "venue": ("tempat",),
        "trainers": ("narasumber",),
        "min_attendance": ("minimal_kehadiran",),
    }
    required: ClassVar = (("code",), ("title",), ("start",), ("end",))
    key_columns: ClassVar = ("code",)

    def row(self, rec):
        from koptrain.services.training import parse_share, seat_holders_count

        code = self.valid("code", validation.code, self.need(rec, "code"), N_("session code"))
        title = self.valid("title", validation.title, self.need(rec, "title"))
        start = self.field(rec, "start", lambda v: parse_date(v, what=N_("start")))
        end = self.field(rec, "end", lambda v: parse_date(v, what=N_("end")))
        self.valid("end", validation.session_dates, start, end)
        new: dict[str, Any] = {"title": title, "start": start, "end": end}
        if self.has("program"):
            new["program_id"] = (
                self.field(rec, "program", lambda v: refs.program(self.db, v).id)
                if rec["program"]
                else None
            )
        if rec.get("capacity"):
            new["capacity"] = self.valid("capacity", validation.capacity, rec["capacity"])
        if self.has("audience"):
            new["audience"] = ",".join(self.field(rec, "audience", parse_roles))
        if self.has("requires_business"):
            new["requires_business"] = self.field(
                rec,
                "requires_business",
                lambda v: parse_bool(v, what=N_("requires business")) if v != "" else None,
            )
        if self.has("venue"):
            new["venue"] = self.valid(
                "venue", validation.text, rec["venue"], validation.VENUE_LIMIT, what=N_("venue")
            )
        if self.has("trainers"):
            new["trainers"] = self.valid(
                "trainers",
                validation.text,
                rec["trainers"],
                validation.TRAINERS_LIMIT,
                what=N_("trainers"),
            )
        if self.has("min_attendance"):
            new["min_attendance"] = self.field(
                rec, "min_attendance", lambda v: parse_share(v) if v not in ("", None) else None
            )
        training = self.db.exec(
            select(Training).where(func.lower(Training.code) == code.lower())
        ).first()
        if training is None:
            new.setdefault("capacity", self.settings.int("session.capacity"))
        elif "capacity" in new:
            held = seat_holders_count(self.db, training)
            self.valid("capacity", validation.capacity_holds, training, new["capacity"], held)
        outcome = self.write(training, new, make=lambda: Training(code=code, **new))
        if outcome == UPDATED:
            self._trainings.clear()
        return outcome


# --- attendance ------------------------------------------------------------------------------


class AttendanceHandler(RefsHandler):
    """The long form: a row per person and day. A file whose header has columns headed by
    dates is the wide form (the attendance grid of `sheet attendance`), read by
    AttendanceGrid, which turns each cell into this form's record."""

    columns: ClassVar = {
        "session": ("kode_pelatihan", "pelatihan"),
        "nik": (),
        "ref": ("kode_kursi",),
        "day": ("tanggal", "date", "hari"),
        "present": ("hadir",),
    }
    required: ClassVar = (("session",), ("nik", "ref"), ("day",))
    key_columns: ClassVar = ("session", "nik", "ref", "day")
    batch_size: ClassVar = 1000

    @classmethod
    def for_header(cls, header):
        from koptrain.services.importing.kinds.attendance_grid import grid_for

        return grid_for(cls, header) or cls

    def row(self, rec):
        return self.store(self.checked(rec))

    def checked(self, rec) -> tuple | None:
        """A record checked against the rules, nothing written: what `store` writes (None
        when it is stored already as the record says)."""
        training = self.training(rec)
        person = None if self.by_ref(rec) else self.person(rec)
        day = self.field(rec, "day", lambda v: parse_date(v, what=N_("day")))
        mark = self.field(rec, "present", parse_presence) if "present" in rec else None
        enrollment = self.seat(rec, training, person)
        if not training.start <= day <= training.end:
            self.valid("day", validation.attendance_day, training, day, today=today())
        record = self.db.exec(
            select(Attendance).where(
                Attendance.enrollment_id == enrollment.id, Attendance.day == day
            )
        ).first()
        if mark is None:  # no mark: present for a new record, a stored one kept
            mark = (True, None) if record is None else (record.present, record.reason)
        values = {"present": mark[0], "reason": mark[1]}
        if record is not None and not field_changes(record, values):
            return None
        self.valid("day", validation.attendance_day, training, day, today=today())
        self.valid("session", validation.attendance_open, training)
        return enrollment, day, record, values

    def store(self, plan: tuple | None) -> str:
        if plan is None:
            return UNCHANGED
        enrollment, day, record, values = plan
        return self.write(
            record,
            values,
            make=lambda: Attendance(enrollment_id=enrollment.id, day=day, **values),
            clears=("reason",),  # `H` after `S`: present, the reason of the absence gone
        )

    def by_ref(self, rec) -> bool:
        """Whether the row names its seat by `ref` (the attendance grid's key), not by NIK."""
        return bool(rec.get("ref")) or ("ref" in rec and not rec.get("nik"))

    def seat(self, rec, training: Training, person=None) -> Enrollment:
        """The seat the row names: by `ref`, else the seat of `person` (by NIK)."""
        if person is None:
            from koptrain.services.importing.kinds.attendance_grid import seat_by_ref

            return seat_by_ref(self, rec, training)
        enrollment = self.db.exec(
            select(Enrollment).where(
                Enrollment.session_id == training.id,
                Enrollment.person_id == person.id,
                col(Enrollment.status).in_(SEAT_STATUSES),
            )
        ).first()
        if enrollment is None:
            raise Problem(
                "nik",
                _("{person} holds no seat in session {session}.").format(
                    person=person.name, session=training.code
                ),
            )
        return enrollment
