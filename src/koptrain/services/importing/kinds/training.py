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
    parse_int,
    parse_presence,
    parse_roles,
    shown,
)
from koptrain.services import refs
from koptrain.services.importing.base import (
    INSERTED,
    UNCHANGED,
    UPDATED,
    Problem,
    clean_text,
)
from koptrain.services.importing.kinds.common import (
    RefsHandler,
    today,
    year_cell,
)

# --- programs --------------------------------------------------------------------------------


class ProgramsHandler(RefsHandler):
    columns: ClassVar = {"code": ("kode",), "name": ("nama",), "year": ("tahun",)}
    required: ClassVar = (("code",), ("name",))
    key_columns: ClassVar = ("code",)

    def row(self, rec):
        code = self.need(rec, "code")
        if len(code) > 40 or any(ch.isspace() for ch in code):
            raise Problem(
                "code",
                _("{what} '{value}' must be 1 to 40 characters without spaces.").format(
                    what=_("program code"), value=shown(code)
                ),
            )
        name = clean_text(self.need(rec, "name"), 200, what=N_("name"), column="name")
        year = self.field(rec, "year", lambda v: year_cell(v, N_("year")) if v else None)
        program = self.db.exec(
            select(Program).where(func.lower(Program.code) == code.lower())
        ).first()
        new = {"name": name}
        if self.has("year"):
            new["year"] = year
        return self.upsert(program, new, lambda: Program(code=code, **new))


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

        code = self.need(rec, "code")
        if len(code) > 40 or any(ch.isspace() for ch in code):
            raise Problem(
                "code",
                _("{what} '{value}' must be 1 to 40 characters without spaces.").format(
                    what=_("session code"), value=shown(code)
                ),
            )
        title = clean_text(self.need(rec, "title"), 300, what=N_("title"), column="title")
        start = self.field(rec, "start", lambda v: parse_date(v, what=N_("start")))
        end = self.field(rec, "end", lambda v: parse_date(v, what=N_("end")))
        if start > end:
            raise Problem(
                "end",
                _("The session cannot start ({start}) after it ends ({end}).").format(
                    start=start.isoformat(), end=end.isoformat()
                ),
            )
        new: dict[str, Any] = {"title": title, "start": start, "end": end}
        if self.has("program"):
            new["program_id"] = (
                self.field(rec, "program", lambda v: refs.program(self.db, v).id)
                if rec["program"]
                else None
            )
        capacity = self.field(
            rec,
            "capacity",
            lambda v: (
                parse_int(v, what=N_("capacity"), minimum=1)
                if v
                else self.settings.int("session.capacity")
            ),
        )
        if self.has("capacity") or True:
            new["capacity"] = capacity
        if self.has("audience"):
            new["audience"] = ",".join(self.field(rec, "audience", parse_roles))
        if self.has("requires_business"):
            new["requires_business"] = self.field(
                rec,
                "requires_business",
                lambda v: parse_bool(v, what=N_("requires business")) if v != "" else None,
            )
        if self.has("venue"):
            new["venue"] = clean_text(rec["venue"], 200, what=N_("venue"), column="venue")
        if self.has("trainers"):
            new["trainers"] = clean_text(
                rec["trainers"], 300, what=N_("trainers"), column="trainers"
            )
        if self.has("min_attendance"):
            new["min_attendance"] = self.field(
                rec, "min_attendance", lambda v: parse_share(v) if v not in ("", None) else None
            )
        training = self.db.exec(
            select(Training).where(func.lower(Training.code) == code.lower())
        ).first()
        if training is None:
            if not self.has("capacity") or not rec.get("capacity"):
                new["capacity"] = self.settings.int("session.capacity")
            kept = {k: v for k, v in new.items() if v is not None}
            self.db.add(Training(code=code, status="open", **kept))
            self.db.flush()
            return INSERTED
        if not self.has("capacity") or not rec.get("capacity"):
            new.pop("capacity")
        held = seat_holders_count(self.db, training)
        if new.get("capacity", training.capacity) < held:
            raise Problem(
                "capacity",
                _("Session {code} already has {n} seat holders, more than {capacity}.").format(
                    code=training.code, n=held, capacity=new["capacity"]
                ),
            )
        if not self.apply(training, new):
            return UNCHANGED
        self.db.flush()
        self._trainings.clear()
        return UPDATED


# --- attendance ------------------------------------------------------------------------------


class AttendanceHandler(RefsHandler):
    columns: ClassVar = {
        "session": ("kode_pelatihan", "pelatihan"),
        "nik": (),
        "day": ("tanggal", "date", "hari"),
        "present": ("hadir",),
    }
    required: ClassVar = (("session",), ("nik",), ("day",))
    key_columns: ClassVar = ("session", "nik", "day")
    batch_size: ClassVar = 1000

    def row(self, rec):
        training = self.training(rec)
        person = self.person(rec)
        day = self.field(rec, "day", lambda v: parse_date(v, what=N_("day")))
        mark = self.field(rec, "present", parse_presence) if self.has("present") else None
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
        if not training.start <= day <= training.end:
            raise Problem(
                "day",
                _("{day} is not a day of session {session} ({start} to {end}).").format(
                    day=day.isoformat(),
                    session=training.code,
                    start=training.start.isoformat(),
                    end=training.end.isoformat(),
                ),
            )
        record = self.db.exec(
            select(Attendance).where(
                Attendance.enrollment_id == enrollment.id, Attendance.day == day
            )
        ).first()
        if mark is None:  # no mark: present for a new record, a stored one kept
            mark = (True, None) if record is None else (record.present, record.reason)
        present, reason = mark
        if record is not None and (record.present, record.reason) == mark:
            return UNCHANGED
        if day > today():
            raise Problem(
                "day",
                _("{day} is still ahead: attendance is recorded on or after the day.").format(
                    day=day.isoformat()
                ),
            )
        if training.status != "open":
            raise Problem(
                "session",
                _("Session {session} is {status}: its attendance can no longer change.").format(
                    session=training.code, status=training.status
                ),
            )
        if record is None:
            self.db.add(
                Attendance(enrollment_id=enrollment.id, day=day, present=present, reason=reason)
            )
            self.db.flush()
            return INSERTED
        self.apply(record, {"present": present})
        if record.reason != reason:
            self.note("reason", record.reason, reason)
            record.reason = reason
        self.db.flush()
        return UPDATED
