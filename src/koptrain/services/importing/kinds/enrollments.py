"""Import kind enrollments: a seat for each row, by the rules of `enroll`; an exported
status that only a command reaches (withdrawn, completed) comes back as it was."""

from __future__ import annotations

from typing import ClassVar

from sqlmodel import col, select

from koptrain.errors import InvalidInput
from koptrain.i18n import N_, _
from koptrain.models import Enrollment, Training
from koptrain.parsing import ENROLLMENT_STATUSES, parse_choice
from koptrain.services import validation
from koptrain.services.importing.base import (
    INSERTED,
    UNCHANGED,
    UPDATED,
    Problem,
    clean_text,
)
from koptrain.services.importing.kinds.common import RefsHandler
from koptrain.services.upsert import upsert


class EnrollmentsHandler(RefsHandler):
    columns: ClassVar = {
        "session": ("kode_pelatihan", "pelatihan", "kode_sesi"),
        "nik": (),
        "coop_nik": ("coop", "koperasi", "nik_koperasi"),
        "override_reason": ("alasan", "override"),
        "status": ("status_pendaftaran",),
    }
    required: ClassVar = (("session",), ("nik",))
    key_columns: ClassVar = ("session", "nik")

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
        given = self._status(rec, existing, person, training)
        if given == training_service.WITHDRAWN and (existing is None or existing.status == given):
            return self._withdrawn(existing, training, person, coop, reason)
        if existing is not None and existing.status != training_service.WITHDRAWN:
            if coop is not None and existing.coop_id != coop.id:
                raise Problem(
                    "coop_nik",
                    _(
                        "{person} is already enrolled in session {session} for another "
                        "cooperative; withdraw first to change it."
                    ).format(person=training_service.person_label(person), session=training.code),
                )
            if self.has("override_reason"):
                values = {"override_reason": reason}
                if upsert(self.db, existing, values, make=Enrollment).outcome == UPDATED:
                    existing.updated_at = training_service.utc_now()
                    self.db.flush()
                    return UPDATED
            return UNCHANGED
        try:
            coop = training_service.coop_for(self.db, person, coop)
        except InvalidInput as error:
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

    def _status(self, rec, existing, person, training) -> str | None:
        """The status a row gives (an export carries it): a status that only a command can
        reach (withdrawn, completed, not completed) must match the stored one."""
        from koptrain.services import training as training_service

        if not self.has("status") or not rec.get("status"):
            return None
        given = self.field(
            rec,
            "status",
            lambda v: parse_choice(v, ENROLLMENT_STATUSES, what=N_("enrollment status")),
        )
        settled = (training_service.WITHDRAWN, "completed", "not_completed")
        stored = existing.status if existing is not None else None
        if given == stored or (given not in settled and stored not in settled):
            return given
        if given == training_service.WITHDRAWN and stored is None:
            return given
        raise Problem(
            "status",
            _(
                "{person} is {stored} in session {session}, not {given}: change it with "
                "koptrain withdraw, enroll or session close."
            ).format(
                person=training_service.person_label(person),
                stored=stored or _("not enrolled"),
                session=training.code,
                given=given,
            ),
        )

    def _withdrawn(self, existing, training, person, coop, reason) -> str:
        """A withdrawn enrollment as an export gave it: stored as withdrawn, no seat taken."""
        from koptrain.services import training as training_service

        if existing is not None:
            return UNCHANGED
        try:
            coop = training_service.coop_for(self.db, person, coop)
        except InvalidInput as error:
            raise Problem("coop_nik", str(error)) from None
        if coop is None:
            raise Problem(
                "coop_nik",
                _("{person} is a member of no cooperative.").format(
                    person=training_service.person_label(person)
                ),
            )
        role = self.db.exec(
            select(col(_membership().role)).where(
                _membership().person_id == person.id, _membership().coop_id == coop.id
            )
        ).first()
        if role is None:
            raise Problem(
                "coop_nik",
                _("{person} is not a member of {coop}.").format(
                    person=training_service.person_label(person), coop=coop.name
                ),
            )
        now = training_service.utc_now()
        self.db.add(
            Enrollment(
                session_id=training.id,
                person_id=person.id,
                coop_id=coop.id,
                role=role,
                status=training_service.WITHDRAWN,
                override_reason=reason,
                created_at=now,
                updated_at=now,
            )
        )
        self.db.flush()
        return INSERTED


def _membership():
    from koptrain.models import Membership

    return Membership
