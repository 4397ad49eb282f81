"""Import kinds of mentoring: groups and contacts."""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar, NamedTuple

from sqlalchemy import func
from sqlmodel import col, select

from koptrain.errors import InvalidInput, Refused
from koptrain.i18n import N_, _
from koptrain.models import (
    GroupMember,
    MentorGroup,
    MentoringLog,
    Obstacle,
    Person,
    Training,
)
from koptrain.parsing import (
    OBSTACLE_CATEGORIES,
    PRACTICE_STATUSES,
    parse_choice,
    parse_date,
    parse_optional_date,
)
from koptrain.services import validation
from koptrain.services.fieldbooks.mentoring_book import SHOWN_COLUMNS
from koptrain.services.importing.base import (
    INSERTED,
    UNCHANGED,
    UPDATED,
    Problem,
    clean_text,
)
from koptrain.services.importing.kinds.common import RefsHandler
from koptrain.services.upsert import upsert

# --- mentoring groups and contacts -----------------------------------------------------------


class GroupsHandler(RefsHandler):
    columns: ClassVar = {
        "group": ("kelompok", "code", "kode"),
        "mentor": ("pendamping", "narasumber"),
        "session": ("kode_pelatihan", "pelatihan"),
        "nik": (),
    }
    required: ClassVar = (("group",), ("mentor",), ("nik",))
    key_columns: ClassVar = ("group", "nik")

    def row(self, rec):
        from koptrain.services import mentoring

        code = self.valid("group", validation.code, self.need(rec, "group"), N_("group code"))
        mentor = clean_text(
            self.need(rec, "mentor"), validation.NAME_LIMIT, what=N_("mentor"), column="mentor"
        )
        training = self.training(rec) if rec.get("session") else None
        person = self.person(rec)
        group = self.db.exec(
            select(MentorGroup).where(func.lower(MentorGroup.code) == code.lower())
        ).first()
        outcome = UNCHANGED
        if group is None:
            values = {"mentor": mentor, "session_id": training.id if training else None}
            group = upsert(self.db, None, values, make=lambda: MentorGroup(code=code, **values)).row
            outcome = INSERTED
        else:
            if self.has("session") and (training.id if training else None) != group.session_id:
                raise Problem(
                    "session",
                    _("Group {group} belongs to another session.").format(group=group.code),
                )
            outcome = self.write(group, {"mentor": mentor}, make=MentorGroup)
        member = self.db.get(GroupMember, (group.id, person.id))
        if member is None:
            try:
                mentoring.add_members(self.db, group, [person])
            except (InvalidInput, Refused) as error:
                raise Problem("nik", str(error)) from None
            outcome = INSERTED
        self.db.flush()
        return outcome


class _Contact(NamedTuple):
    """One row's contact, logged for each person it names."""

    day: dt.date
    mentor: str
    status: str
    obstacles: list[tuple[str, str | None]]
    note: str | None
    next_date: dt.date | None


class MentoringHandler(RefsHandler):
    columns: ClassVar = {
        "nik": (),
        "group": ("kelompok",),
        "session": ("kode_pelatihan", "pelatihan"),
        "date": ("tanggal",),
        "mentor": ("pendamping", "narasumber"),
        "status": (),
        "obstacle_category": ("kategori_kendala",),
        "obstacle": ("kendala",),
        "next": ("kunjungan_berikut", "next_date"),
        "note": ("catatan",),
        "ref": (),  # the seat of a row of the mentoring workbook (SPEC §11)
    }
    required: ClassVar = (("nik", "group", "ref"), ("date",), ("mentor",), ("status",))
    key_columns: ClassVar = ("nik", "group", "ref", "date")
    workbook_key: ClassVar = "ref"
    quiet_columns: ClassVar = frozenset(SHOWN_COLUMNS)

    def extra_columns(self, header):
        """In the mentoring workbook, a column per indicator, headed by its code."""
        if not self.has("ref"):
            return []
        from koptrain.services.importing.kinds.mentoring_workbook import indicator_columns

        return indicator_columns(self.db, header)

    def _obstacles(self, rec) -> list[tuple[str, str | None]]:
        categories = [c for c in re.split(r"[,;]", rec.get("obstacle_category") or "") if c.strip()]
        text = (
            self.valid("obstacle", validation.note, rec.get("obstacle"), what=N_("obstacle")) or ""
        )
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
            for c in categories
        ]
        texts = text.split("\n") if len(parsed) > 1 else [text]
        texts += [""] * (len(parsed) - len(texts))
        return [(c, (t.strip() or None)) for c, t in zip(parsed, texts, strict=False)]

    def contact(self, rec, *, mentor: str | None = None) -> _Contact:
        """The row's contact, each cell checked (the mentor's column, else `mentor`)."""
        day = self.field(rec, "date", lambda v: parse_date(v, what=N_("date")))
        mentor = clean_text(
            rec.get("mentor") or mentor or self.need(rec, "mentor"),
            validation.NAME_LIMIT,
            what=N_("mentor"),
            column="mentor",
        )
        self.need(rec, "status")
        status = self.field(
            rec, "status", lambda v: parse_choice(v, PRACTICE_STATUSES, what=N_("status"))
        )
        next_date = self.field(rec, "next", lambda v: parse_optional_date(v, what=N_("next visit")))
        self.valid("next", validation.next_visit, day, next_date)
        note = self.valid("note", validation.note, rec.get("note"), what=N_("note"))
        try:
            obstacles = self._obstacles(rec)
        except Problem as problem:
            raise Problem("obstacle_category", problem.message) from None
        return _Contact(day, mentor, status, obstacles, note, next_date)

    def row(self, rec):
        if self.has("ref"):
            from koptrain.services.importing.kinds.mentoring_workbook import workbook_row

            return workbook_row(self, rec)
        contact = self.contact(rec)
        group = self.group(rec) if rec.get("group") else None
        training = self.training(rec) if rec.get("session") else None
        if rec.get("nik"):
            people = [self.person(rec)]
        elif group is not None:
            people = list(
                self.db.exec(
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
                training = self.db.get(Training, group.session_id)
        else:
            raise Problem("nik", _("Give a NIK or a group."))
        outcomes = [self._one(person, training, group, contact) for person in people]
        if INSERTED in outcomes:
            return INSERTED
        return UPDATED if UPDATED in outcomes else UNCHANGED

    def find_log(self, person, session_id, group_id, contact: _Contact) -> MentoringLog | None:
        """The contact already stored: same person, day, mentor, session and group."""
        query = select(MentoringLog).where(
            MentoringLog.person_id == person.id,
            MentoringLog.date == contact.day,
            MentoringLog.mentor == contact.mentor,
        )
        query = query.where(
            MentoringLog.session_id == session_id
            if session_id is not None
            else col(MentoringLog.session_id).is_(None)
        )
        # A group meeting and a personal visit on the same day are two contacts.
        query = query.where(
            MentoringLog.group_id == group_id
            if group_id is not None
            else col(MentoringLog.group_id).is_(None)
        )
        return self.db.exec(query).first()

    def contact_values(self, contact: _Contact, log: MentoringLog | None) -> dict:
        return {
            "status": contact.status,
            "note": contact.note if self.has("note") else (log.note if log else None),
            "next_date": contact.next_date,
        }

    def update_log(self, log: MentoringLog, contact: _Contact) -> bool:
        """The stored contact brought in line with the row: whether anything changed (a
        blank obstacle keeps the stored ones)."""
        obstacles = contact.obstacles
        old_obstacles = [
            (o.category, o.text)
            for o in self.db.exec(
                select(Obstacle).where(Obstacle.log_id == log.id).order_by(Obstacle.id)
            ).all()
        ]
        changed = self.apply(log, self.contact_values(contact, log))
        if obstacles and old_obstacles != obstacles:  # a blank cell keeps them
            for o in self.db.exec(select(Obstacle).where(Obstacle.log_id == log.id)):
                self.db.delete(o)
            for category, words in obstacles:
                self.db.add(Obstacle(log_id=log.id, category=category, text=words))
            changed = True
        self.db.flush()
        return changed

    def _one(self, person, training, group, contact: _Contact) -> str:
        from koptrain.services import mentoring

        day, mentor, _status, obstacles, _note, _next_date = contact
        session_id = training.id if training else None
        group_id = group.id if group else None
        log = self.find_log(person, session_id, group_id, contact)
        if log is not None:
            return UPDATED if self.update_log(log, contact) else UNCHANGED
        new = self.contact_values(contact, None)
        try:
            mentoring.check_contact(self.db, person, training, day)
        except Refused as error:
            raise Problem("nik", str(error)) from None
        log = upsert(
            self.db,
            None,
            new,
            make=lambda: MentoringLog(
                person_id=person.id,
                session_id=session_id,
                group_id=group_id,
                date=day,
                mentor=mentor,
                **new,
            ),
        ).row
        for category, words in obstacles:
            self.db.add(Obstacle(log_id=log.id, category=category, text=words))
        self.db.flush()
        return INSERTED
