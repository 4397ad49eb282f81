"""The import kinds other than people: each row checked by the single command's rules, then
upserted on its natural key. These files are small (a city's coops, sessions, seats), so a
row at a time through the ORM is fine; the rules come from the registry, training and
mentoring services so that an imported row obeys exactly what `coop add`, `enroll`,
`attend` or `mentor log` would."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from sqlalchemy import func, or_
from sqlmodel import col, select

from koptrain.i18n import N_, _
from koptrain.models import (
    Attendance,
    Coop,
    Enrollment,
    GroupMember,
    HealthRating,
    MentorGroup,
    MentoringLog,
    Obstacle,
    Person,
    Program,
    Rat,
    Training,
)
from koptrain.parsing import (
    COOP_TYPES,
    LEVELS,
    OBSTACLE_CATEGORIES,
    PRACTICE_STATUSES,
    RATINGS,
    SEAT_STATUSES,
    parse_bool,
    parse_choice,
    parse_coop_nik,
    parse_date,
    parse_fiscal_year_end,
    parse_int,
    parse_optional_date,
    parse_roles,
    shown,
)
from koptrain.services import eligibility, refs
from koptrain.services import policy as policy_service
from koptrain.services.importing.base import (
    INSERTED,
    UNCHANGED,
    UPDATED,
    Handler,
    Problem,
    clean_text,
)


def _changes(obj: Any, new: dict[str, Any]) -> bool:
    """Set the fields of `obj` that differ; whether any did."""
    changed = False
    for key, value in new.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _upsert(session, row: Any, new: dict[str, Any], make) -> str:
    """Insert `make()` when no row is stored, else set the row's fields that differ."""
    if row is None:
        session.add(make())
        session.flush()
        return INSERTED
    return UPDATED if _changes(row, new) else UNCHANGED


def _today() -> dt.date:
    return dt.date.today()


class _Refs(Handler):
    """Lookups by the references files carry (cached per import)."""

    def __init__(self, session, *, labels):
        super().__init__(session, labels=labels)
        self._people: dict[str, Person | None] = {}
        self._trainings: dict[str, Training | None] = {}
        self._groups: dict[str, MentorGroup | None] = {}
        self.settings = policy_service.load(session)

    def person(self, rec, column="nik") -> Person:
        raw = str(self.need(rec, column))
        if raw not in self._people:
            nik = re.sub(r"[\s.\-]", "", raw)
            self._people[raw] = self.session.exec(select(Person).where(Person.nik == nik)).first()
        person = self._people[raw]
        if person is None:
            from koptrain.parsing import mask_nik

            raise Problem(
                column,
                _("No person has the NIK {nik}; import people first.").format(
                    nik=mask_nik(raw) if len(raw) == 16 else shown(raw)
                ),
            )
        return person

    def training(self, rec, column="session") -> Training:
        code = str(self.need(rec, column))
        if code not in self._trainings:
            try:
                self._trainings[code] = refs.training(self.session, code)
            except refs.NotFound:
                self._trainings[code] = None
        training = self._trainings[code]
        if training is None:
            raise Problem(column, _("No session has the code '{ref}'.").format(ref=shown(code)))
        return training

    def group(self, rec, column="group") -> MentorGroup:
        code = str(self.need(rec, column))
        if code not in self._groups:
            try:
                self._groups[code] = refs.group(self.session, code)
            except refs.NotFound:
                self._groups[code] = None
        group = self._groups[code]
        if group is None:
            raise Problem(
                column, _("No mentoring group has the code '{ref}'.").format(ref=shown(code))
            )
        return group


def _year(value: Any, what: str) -> int:
    from koptrain.services.registry import parse_year

    return parse_year(value, what=what)


# --- programs --------------------------------------------------------------------------------


class ProgramsHandler(_Refs):
    columns: ClassVar = {"code": ("kode",), "name": ("nama",), "year": ("tahun",)}
    required: ClassVar = (("code",), ("name",))

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
        year = self.field(rec, "year", lambda v: _year(v, N_("year")) if v else None)
        program = self.session.exec(
            select(Program).where(func.lower(Program.code) == code.lower())
        ).first()
        new = {"name": name}
        if self.has("year"):
            new["year"] = year
        return _upsert(self.session, program, new, lambda: Program(code=code, **new))


# --- coops -----------------------------------------------------------------------------------


class CoopsHandler(_Refs):
    columns: ClassVar = {
        "nik": ("nik_koperasi",),
        "name": ("nama", "nama_koperasi"),
        "type": ("jenis",),
        "level": ("jenjang",),
        "kecamatan": (),
        "kelurahan": (),
        "legal_number": ("no_badan_hukum", "nomor_badan_hukum"),
        "fiscal_year_end": ("akhir_tahun_buku",),
        "members": ("jumlah_anggota",),
    }
    required: ClassVar = (("nik", "legal_number"), ("name",))

    def row(self, rec):
        nik = self.field(rec, "nik", lambda v: parse_coop_nik(v) if v else None)
        legal = clean_text(
            rec.get("legal_number"), 120, what=N_("legal number"), column="legal_number"
        )
        if not nik and not legal:
            raise Problem(
                "nik" if self.has("nik") else "legal_number",
                _("A cooperative needs a NIK Koperasi or a legal number."),
            )
        name = clean_text(self.need(rec, "name"), 200, what=N_("name"), column="name")
        new: dict[str, Any] = {"name": name}
        if self.has("type"):
            new["type"] = self.field(
                rec, "type", lambda v: parse_choice(v, COOP_TYPES, what=N_("type")) if v else None
            )
        if self.has("level"):
            new["level"] = self.field(
                rec, "level", lambda v: parse_choice(v, LEVELS, what=N_("level")) if v else "primer"
            )
        for column in ("kecamatan", "kelurahan"):
            if self.has(column):
                new[column] = clean_text(rec[column], 80, what=column, column=column)
        if self.has("fiscal_year_end"):
            new["fiscal_year_end"] = self.field(rec, "fiscal_year_end", parse_fiscal_year_end)
        if self.has("members"):
            new["members"] = self.field(
                rec, "members", lambda v: parse_int(v, what=N_("members")) if v else None
            )
        by_nik = self.session.exec(select(Coop).where(Coop.nik == nik)).first() if nik else None
        by_legal = (
            self.session.exec(select(Coop).where(Coop.legal_number == legal)).first()
            if legal
            else None
        )
        # A key names one coop only, whichever column a reference is looked up in.
        clash = self.session.exec(
            select(Coop).where(
                or_(
                    col(Coop.nik).in_([k for k in (legal,) if k]),
                    col(Coop.legal_number).in_([k for k in (nik,) if k]),
                )
            )
        ).first()
        coop = by_nik or by_legal
        if clash is not None and clash is not coop:
            raise Problem(
                "nik" if nik else "legal_number",
                _("'{key}' is already the key of another cooperative ({name}).").format(
                    key=shown(nik or legal), name=clash.name
                ),
            )
        if by_nik and by_legal and by_nik is not by_legal:
            raise Problem(
                "legal_number",
                _("Legal number '{legal}' belongs to another cooperative ({name}).").format(
                    legal=shown(legal), name=by_legal.name
                ),
            )
        if coop is not None and coop.nik and nik is None and by_nik is None and self.has("nik"):
            # matched on the legal number, but the file says this coop has no NIK Koperasi
            nik = coop.nik
        if nik:
            new["nik"] = nik
        if self.has("legal_number") and (legal or coop is None or coop.nik):
            new["legal_number"] = legal
        if coop is None:
            self.session.add(Coop(**new))
            self.session.flush()
            return INSERTED
        old_keys = (coop.nik, coop.legal_number)
        if not _changes(coop, new):
            return UNCHANGED
        self.session.flush()
        self.forget_coop(*old_keys)
        return UPDATED


# --- health ratings and RATs -----------------------------------------------------------------


class HealthHandler(_Refs):
    columns: ClassVar = {
        "coop_nik": ("coop", "koperasi"),
        "year": ("tahun",),
        "rating": ("predikat",),
        "score": ("skor", "nilai"),
        "assessed_on": ("tanggal_penilaian",),
    }
    required: ClassVar = (("coop_nik",), ("year",), ("rating",))

    def row(self, rec):
        from koptrain.services.registry import _score

        coop_id = self.coop_id(rec)
        year = self.field(rec, "year", lambda v: _year(v, N_("year")))
        rating = self.field(rec, "rating", lambda v: parse_choice(v, RATINGS, what=N_("rating")))
        new: dict[str, Any] = {"rating": rating}
        if self.has("score"):
            new["score"] = self.field(rec, "score", _score)
        if self.has("assessed_on"):
            assessed = self.field(
                rec, "assessed_on", lambda v: parse_optional_date(v, what=N_("assessment date"))
            )
            if assessed is not None and assessed.year < year:
                raise Problem(
                    "assessed_on",
                    _("The assessment date {date} is before the year {year} it rates.").format(
                        date=assessed.isoformat(), year=year
                    ),
                )
            new["assessed_on"] = assessed
        row = self.session.exec(
            select(HealthRating).where(HealthRating.coop_id == coop_id, HealthRating.year == year)
        ).first()
        return _upsert(
            self.session, row, new, lambda: HealthRating(coop_id=coop_id, year=year, **new)
        )


class RatHandler(_Refs):
    columns: ClassVar = {
        "coop_nik": ("coop", "koperasi"),
        "fiscal_year": ("tahun_buku", "year", "tahun"),
        "held_on": ("tanggal_rat", "held"),
        "reported_on": ("tanggal_lapor", "reported"),
        "attendees": ("jumlah_hadir",),
    }
    required: ClassVar = (("coop_nik",), ("fiscal_year",), ("held_on",))

    def row(self, rec):
        coop = self.coop(rec)
        fiscal_year = self.field(rec, "fiscal_year", lambda v: _year(v, N_("fiscal year")))
        held = self.field(rec, "held_on", lambda v: parse_date(v, what=N_("RAT date")))
        new: dict[str, Any] = {"held_on": held}
        reported = None
        if self.has("reported_on"):
            reported = self.field(
                rec, "reported_on", lambda v: parse_optional_date(v, what=N_("report date"))
            )
            new["reported_on"] = reported
        if self.has("attendees"):
            new["attendees"] = self.field(
                rec, "attendees", lambda v: parse_int(v, what=N_("attendees")) if v else None
            )
        books_close = eligibility.fiscal_year_end(coop.fiscal_year_end, fiscal_year)
        if held <= books_close:
            raise Problem(
                "held_on",
                _(
                    "The RAT for fiscal year {fy} cannot be held on {held}: that fiscal year "
                    "ends on {end}."
                ).format(fy=fiscal_year, held=held.isoformat(), end=books_close.isoformat()),
            )
        if reported is not None and reported < held:
            raise Problem(
                "reported_on",
                _("The report date {reported} is before the RAT was held ({held}).").format(
                    reported=reported.isoformat(), held=held.isoformat()
                ),
            )
        for column, day in (("held_on", held), ("reported_on", reported)):
            if day is not None and day > _today():
                raise Problem(
                    column,
                    _("{what} {date} is in the future.").format(
                        what=self.label(column), date=day.isoformat()
                    ),
                )
        row = self.session.exec(
            select(Rat).where(Rat.coop_id == coop.id, Rat.fiscal_year == fiscal_year)
        ).first()
        return _upsert(
            self.session, row, new, lambda: Rat(coop_id=coop.id, fiscal_year=fiscal_year, **new)
        )


# --- sessions --------------------------------------------------------------------------------


class SessionsHandler(_Refs):
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
                self.field(rec, "program", lambda v: refs.program(self.session, v).id)
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
                rec, "requires_business", lambda v: parse_bool(v, what=N_("requires business"))
            )
        if self.has("venue"):
            new["venue"] = clean_text(rec["venue"], 200, what=N_("venue"), column="venue")
        if self.has("trainers"):
            new["trainers"] = clean_text(
                rec["trainers"], 300, what=N_("trainers"), column="trainers"
            )
        if self.has("min_attendance"):
            new["min_attendance"] = self.field(
                rec, "min_attendance", lambda v: parse_share(v) if v not in ("", None) else 1.0
            )
        training = self.session.exec(
            select(Training).where(func.lower(Training.code) == code.lower())
        ).first()
        if training is None:
            if not self.has("capacity") or not rec.get("capacity"):
                new["capacity"] = self.settings.int("session.capacity")
            self.session.add(Training(code=code, status="open", **new))
            self.session.flush()
            return INSERTED
        if not self.has("capacity") or not rec.get("capacity"):
            new.pop("capacity")
        held = seat_holders_count(self.session, training)
        if new.get("capacity", training.capacity) < held:
            raise Problem(
                "capacity",
                _("Session {code} already has {n} seat holders, more than {capacity}.").format(
                    code=training.code, n=held, capacity=new["capacity"]
                ),
            )
        if not _changes(training, new):
            return UNCHANGED
        self.session.flush()
        self._trainings.clear()
        return UPDATED


# --- enrollments and attendance --------------------------------------------------------------


class EnrollmentsHandler(_Refs):
    columns: ClassVar = {
        "session": ("kode_pelatihan", "pelatihan", "kode_sesi"),
        "nik": (),
        "coop_nik": ("coop", "koperasi"),
        "override_reason": ("alasan", "override"),
    }
    required: ClassVar = (("session",), ("nik",))

    def __init__(self, session, *, labels):
        super().__init__(session, labels=labels)
        self.verdicts: dict = {}
        self.held: dict[int, int] = {}
        self.locked: set[int] = set()

    def _locked(self, training: Training) -> Training:
        if training.id not in self.locked:
            training = self.session.exec(
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
            rec.get("override_reason"), 500, what=N_("override reason"), column="override_reason"
        )
        existing = self.session.exec(
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
                existing.updated_at = training_service._now()
                self.session.flush()
                return UPDATED
            return UNCHANGED
        try:
            coop = training_service.coop_for(self.session, person, coop)
        except refs.InvalidInput as error:
            raise Problem("coop_nik", str(error)) from None
        refusals = training_service.check_enrollment(
            self.session,
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
            self.held[training.id] = training_service.seat_holders_count(self.session, training)
        status = training_service.ENROLLED
        if self.held[training.id] >= training.capacity:
            status = training_service.WAITLISTED
        else:
            self.held[training.id] += 1
        role = self.session.exec(
            select(col(_membership().role)).where(
                _membership().person_id == person.id, _membership().coop_id == coop.id
            )
        ).first()
        now = training_service._now()
        enrollment = existing or Enrollment(session_id=training.id, person_id=person.id)
        enrollment.coop_id = coop.id
        enrollment.role = role
        enrollment.status = status
        enrollment.override_reason = reason
        enrollment.created_at = now
        enrollment.updated_at = now
        self.session.add(enrollment)
        self.session.flush()
        return INSERTED


def _membership():
    from koptrain.models import Membership

    return Membership


class AttendanceHandler(_Refs):
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
        enrollment = self.session.exec(
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
        record = self.session.exec(
            select(Attendance).where(
                Attendance.enrollment_id == enrollment.id, Attendance.day == day
            )
        ).first()
        if record is not None and record.present == present:
            return UNCHANGED
        if day > _today():
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
            self.session.add(Attendance(enrollment_id=enrollment.id, day=day, present=present))
            self.session.flush()
            return INSERTED
        record.present = present
        self.session.flush()
        return UPDATED


# --- mentoring groups and contacts -----------------------------------------------------------


class GroupsHandler(_Refs):
    columns: ClassVar = {
        "group": ("kelompok", "code", "kode"),
        "mentor": ("pendamping",),
        "session": ("kode_pelatihan", "pelatihan"),
        "nik": (),
    }
    required: ClassVar = (("group",), ("mentor",), ("nik",))

    def row(self, rec):
        from koptrain.services import mentoring

        code = self.need(rec, "group")
        if len(code) > 40:
            raise Problem(
                "group",
                _("{what} is longer than {limit} characters.").format(what=_("group"), limit=40),
            )
        mentor = clean_text(self.need(rec, "mentor"), 200, what=N_("mentor"), column="mentor")
        training = self.training(rec) if rec.get("session") else None
        person = self.person(rec)
        group = self.session.exec(
            select(MentorGroup).where(func.lower(MentorGroup.code) == code.lower())
        ).first()
        outcome = UNCHANGED
        if group is None:
            group = MentorGroup(
                code=code, mentor=mentor, session_id=training.id if training else None
            )
            self.session.add(group)
            self.session.flush()
            outcome = INSERTED
        else:
            if self.has("session") and (training.id if training else None) != group.session_id:
                raise Problem(
                    "session",
                    _("Group {group} belongs to another session.").format(group=group.code),
                )
            if group.mentor != mentor:
                group.mentor = mentor
                outcome = UPDATED
        member = self.session.get(GroupMember, (group.id, person.id))
        if member is None:
            try:
                mentoring.add_members(self.session, group, [person])
            except refs.InvalidInput as error:
                raise Problem("nik", str(error)) from None
            except Exception as error:
                from koptrain.errors import Refused

                if isinstance(error, Refused):
                    raise Problem("nik", str(error)) from None
                raise
            outcome = INSERTED
        self.session.flush()
        return outcome


class MentoringHandler(_Refs):
    columns: ClassVar = {
        "nik": (),
        "group": ("kelompok",),
        "session": ("kode_pelatihan", "pelatihan"),
        "date": ("tanggal",),
        "mentor": ("pendamping",),
        "status": (),
        "obstacle_category": ("kategori_kendala",),
        "obstacle": ("kendala",),
        "next": ("kunjungan_berikut", "next_date"),
        "note": ("catatan",),
    }
    required: ClassVar = (("nik", "group"), ("date",), ("mentor",), ("status",))

    def _obstacles(self, rec) -> list[tuple[str, str | None]]:
        categories = [c for c in re.split(r"[,;]", rec.get("obstacle_category") or "") if c.strip()]
        text = (rec.get("obstacle") or "").strip()
        if not categories and not text:
            return []
        if not categories:
            categories = ["lainnya"]
        parsed = [
            self.field(
                {"c": c},
                "c",
                lambda v: parse_choice(v, OBSTACLE_CATEGORIES, what=N_("obstacle category")),
            )
            if True
            else None
            for c in categories
        ]
        texts = text.split("\n") if len(parsed) > 1 else [text]
        texts += [""] * (len(parsed) - len(texts))
        return [(c, (t.strip() or None)) for c, t in zip(parsed, texts, strict=False)]

    def row(self, rec):
        from koptrain.errors import Refused
        from koptrain.services import mentoring

        day = self.field(rec, "date", lambda v: parse_date(v, what=N_("date")))
        mentor = clean_text(self.need(rec, "mentor"), 200, what=N_("mentor"), column="mentor")
        status = self.field(
            rec, "status", lambda v: parse_choice(v, PRACTICE_STATUSES, what=N_("status"))
        )
        next_date = self.field(rec, "next", lambda v: parse_optional_date(v, what=N_("next visit")))
        if next_date is not None and next_date <= day:
            raise Problem(
                "next",
                _("The next visit ({next}) must come after the contact ({date}).").format(
                    next=next_date.isoformat(), date=day.isoformat()
                ),
            )
        note = (rec.get("note") or "").strip() or None
        try:
            obstacles = self._obstacles(rec)
        except Problem as problem:
            raise Problem("obstacle_category", problem.message) from None
        group = self.group(rec) if rec.get("group") else None
        training = self.training(rec) if rec.get("session") else None
        if rec.get("nik"):
            people = [self.person(rec)]
        elif group is not None:
            people = list(
                self.session.exec(
                    select(Person)
                    .join(GroupMember, GroupMember.person_id == Person.id)
                    .where(GroupMember.group_id == group.id)
                    .order_by(Person.id)
                ).all()
            )
            if not people:
                raise Problem(
                    "group", _("Group {group} has no members yet.").format(group=group.code)
                )
            if training is None and group.session_id:
                training = self.session.get(Training, group.session_id)
        else:
            raise Problem("nik", _("Give a NIK or a group."))
        outcomes = []
        for person in people:
            outcomes.append(
                self._one(
                    person,
                    training,
                    group,
                    day,
                    mentor,
                    status,
                    obstacles,
                    note,
                    next_date,
                    mentoring,
                    Refused,
                )
            )
        if INSERTED in outcomes:
            return INSERTED
        return UPDATED if UPDATED in outcomes else UNCHANGED

    def _one(
        self,
        person,
        training,
        group,
        day,
        mentor,
        status,
        obstacles,
        note,
        next_date,
        mentoring,
        refused,
    ):
        session_id = training.id if training else None
        query = select(MentoringLog).where(
            MentoringLog.person_id == person.id,
            MentoringLog.date == day,
            MentoringLog.mentor == mentor,
        )
        query = query.where(
            MentoringLog.session_id == session_id
            if session_id is not None
            else col(MentoringLog.session_id).is_(None)
        )
        # A group meeting and a personal visit on the same day are two contacts.
        group_id = group.id if group else None
        query = query.where(
            MentoringLog.group_id == group_id
            if group_id is not None
            else col(MentoringLog.group_id).is_(None)
        )
        log = self.session.exec(query).first()
        new = {
            "status": status,
            "note": note if self.has("note") else (log.note if log else None),
            "next_date": next_date,
        }
        if log is not None:
            old_obstacles = [
                (o.category, o.text)
                for o in self.session.exec(
                    select(Obstacle).where(Obstacle.log_id == log.id).order_by(Obstacle.id)
                ).all()
            ]
            changed = _changes(log, new)
            if old_obstacles != obstacles:
                for o in self.session.exec(select(Obstacle).where(Obstacle.log_id == log.id)):
                    self.session.delete(o)
                for category, words in obstacles:
                    self.session.add(Obstacle(log_id=log.id, category=category, text=words))
                changed = True
            self.session.flush()
            return UPDATED if changed else UNCHANGED
        try:
            mentoring._check_contact(self.session, person, training, day)
        except refused as error:
            raise Problem("nik", str(error)) from None
        log = MentoringLog(
            person_id=person.id,
            session_id=session_id,
            group_id=group_id,
            date=day,
            mentor=mentor,
            **new,
        )
        self.session.add(log)
        self.session.flush()
        for category, words in obstacles:
            self.session.add(Obstacle(log_id=log.id, category=category, text=words))
        self.session.flush()
        return INSERTED
