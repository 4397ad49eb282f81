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
    parse_roles,
)
from koptrain.services import refs, validation
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
)
from koptrain.services.upsert import field_changes, upsert

# --- programs --------------------------------------------------------------------------------


class ProgramsHandler(RefsHandler):
    columns: ClassVar = {"code": ("kode",), "name": ("nama",), "year": ("tahun",)}
    required: ClassVar = (("code",), ("name",))

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
        return upsert(self.db, program, new, make=lambda: Program(code=code, **new)).outcome


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
        "requires_business": ("wajib_usaha",),
        "venue": ("tempat",),
        "trainers": ("narasumber",),
        "min_attendance": ("minimal_kehadiran",),
    }
    required: ClassVar = (("code",), ("title",), ("start",), ("end",))

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
                rec, "requires_business", lambda v: parse_bool(v, what=N_("requires business"))
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
                rec, "min_attendance", lambda v: parse_share(v) if v not in ("", None) else 1.0
            )
        training = self.db.exec(
            select(Training).where(func.lower(Training.code) == code.lower())
        ).first()
        if training is None:
            new.setdefault("capacity", self.settings.int("session.capacity"))
        elif "capacity" in new:
            held = seat_holders_count(self.db, training)
            self.valid("capacity", validation.capacity_holds, training, new["capacity"], held)
        written = upsert(self.db, training, new, make=lambda: Training(code=code, **new))
        if written.outcome == UPDATED:
            self._trainings.clear()
        return written.outcome


# --- enrollments and attendance --------------------------------------------------------------


class EnrollmentsHandler(RefsHandler):
    columns: ClassVar = {
        "session": ("kode_pelatihan", "pelatihan", "kode_sesi"),
        "nik": (),
        "coop_nik": ("coop", "koperasi"),
        "override_reason": ("alasan", "override"),
    }
    required: ClassVar = (("session",), ("nik",))

    def __init__(self, db, *, labels):
        super().__init__(db, labels=labels)
        self.verdicts: dict = {}
        self.held: dict[int, int] = {}
        self.locked: set[int] = set()

    def _locked(self, training: Training) -> Training:
        if training.id not in self.locked:
            training = self.db.exec(
                select(Training)
                .where(Training.id == training.id)
                .with_for_update(key_share=True)
                .execution_options(populate_existing=True)
            ).one()
            self.locked.add(training.id)
        return training

    def row(self, rec):
        from koptrain.services import training as training_service

        training = self._locked(self.training(rec))
        person = self.person(rec)
        coop = self.coop(rec) if rec.get("coop_nik") else None
        reason = clean_text(
            rec.get("override_reason"),
            validation.REASON_LIMIT,
            what=N_("override reason"),
            column="override_reason",
        )
        existing = self.db.exec(
            select(Enrollment).where(
                Enrollment.session_id == training.id, Enrollment.person_id == person.id
            )
        ).first()
        if existing is not None and existing.status != training_service.WITHDRAWN:
            if coop is not None and existing.coop_id != coop.id:
                raise Problem(
                    "coop_nik",
                    _(
                        "{person} is already enrolled in session {session} for another "
                        "cooperative; withdraw first to change it."
                    ).format(person=training_service.person_label(person), session=training.code),
                )
            if self.has("override_reason") and existing.override_reason != reason:
                existing.override_reason = reason
                existing.updated_at = training_service.utc_now()
                self.db.flush()
                return UPDATED
            return UNCHANGED
        try:
            coop = training_service.coop_for(self.db, person, coop)
        except refs.InvalidInput as error:
            raise Problem("coop_nik", str(error)) from None
        refusals = training_service.check_enrollment(
            self.db,
            training,
            person,
            coop,
            override=reason,
            settings=self.settings,
            verdicts=self.verdicts,
        )
        if refusals:
            first = refusals[0]
            column = {
                "member": "coop_nik",
                "eligibility": "coop_nik",
                "session": "session",
            }.get(getattr(first, "rule", ""), "nik")
            raise Problem(column, " ".join(r.text() for r in refusals))
        if training.id not in self.held:
            self.held[training.id] = training_service.seat_holders_count(self.db, training)
        status = training_service.ENROLLED
        if self.held[training.id] >= training.capacity:
            status = training_service.WAITLISTED
        else:
            self.held[training.id] += 1
        role = self.db.exec(
            select(col(_membership().role)).where(
                _membership().person_id == person.id, _membership().coop_id == coop.id
            )
        ).first()
        now = training_service.utc_now()
        enrollment = existing or Enrollment(session_id=training.id, person_id=person.id)
        enrollment.coop_id = coop.id
        enrollment.role = role
        enrollment.status = status
        enrollment.override_reason = reason
        enrollment.created_at = now
        enrollment.updated_at = now
        self.db.add(enrollment)
        self.db.flush()
        return INSERTED


def _membership():
    from koptrain.models import Membership

    return Membership


class AttendanceHandler(RefsHandler):
    columns: ClassVar = {
        "session": ("kode_pelatihan", "pelatihan"),
        "nik": (),
        "day": ("tanggal", "date", "hari"),
        "present": ("hadir",),
    }
    required: ClassVar = (("session",), ("nik",), ("day",))
    batch_size: ClassVar = 1000

    def row(self, rec):
        training = self.training(rec)
        person = self.person(rec)
        day = self.field(rec, "day", lambda v: parse_date(v, what=N_("day")))
        present = (
            self.field(
                rec, "present", lambda v: parse_bool(v, what=N_("present")) if v != "" else True
            )
            if self.has("present")
            else True
        )
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
            self.valid("day", validation.attendance_day, training, day, today=today())
        record = self.db.exec(
            select(Attendance).where(
                Attendance.enrollment_id == enrollment.id, Attendance.day == day
            )
        ).first()
        values = {"present": present}
        if record is not None and not field_changes(record, values):
            return UNCHANGED
        self.valid("day", validation.attendance_day, training, day, today=today())
        self.valid("session", validation.attendance_open, training)
        return upsert(
            self.db,
            record,
            values,
            make=lambda: Attendance(enrollment_id=enrollment.id, day=day, **values),
        ).outcome
