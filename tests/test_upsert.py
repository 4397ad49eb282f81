"""The one insert-or-update: field-level changes, written once, audited with old and new."""

from __future__ import annotations

import datetime as dt
import json

from sqlmodel import select

from koptrain.models import Audit, HealthRating
from koptrain.services import registry
from koptrain.services.upsert import INSERTED, UNCHANGED, UPDATED, FieldChange, upsert

import factories as f


def test_upsert_inserts_updates_what_differs_and_audits_old_and_new(store):
    with store.session() as db:
        coop = f.coop(db, healthy_for=None)

        def make():
            return HealthRating(coop_id=coop.id, year=2020, rating="sehat", score=80.0)

        first = upsert(
            db, None, {"rating": "sehat", "score": 80.0}, make=make, audit_as=("health", "k")
        )
        assert first.outcome == INSERTED
        assert set(first.changes) == {
            FieldChange("rating", None, "sehat"),
            FieldChange("score", None, 80.0),
        }
        row = first.row
        second = upsert(
            db, row, {"rating": "sehat", "score": 75.5}, make=make, audit_as=("health", "k")
        )
        assert second.outcome == UPDATED
        assert second.changes == (FieldChange("score", 80.0, 75.5),)
        assert row.score == 75.5
        third = upsert(
            db, row, {"rating": "sehat", "score": 75.5}, make=make, audit_as=("health", "k")
        )
        assert (third.outcome, third.changes) == (UNCHANGED, ())
        changes = [json.loads(a.change) for a in db.exec(select(Audit).order_by(Audit.id)).all()]
        assert changes == [
            {"rating": [None, "sehat"], "score": [None, 80.0]},
            {"score": [80.0, 75.5]},
        ]


def test_a_corrected_rat_audits_only_the_fields_that_changed(store):
    with store.session() as db:
        coop = f.coop(db, rat_held=None)
        held = dt.date(2021, 3, 1)
        _row, outcome = registry.record_rat(db, coop, fiscal_year=2020, held_on=held)
        assert outcome == registry.ADDED
        _row, outcome = registry.record_rat(
            db, coop, fiscal_year=2020, held_on=held, reported_on=dt.date(2021, 3, 20)
        )
        assert outcome == registry.UPDATED
        _row, outcome = registry.record_rat(
            db, coop, fiscal_year=2020, held_on=held, reported_on=dt.date(2021, 3, 20)
        )
        assert outcome == registry.UNCHANGED
        rats = db.exec(select(Audit).where(Audit.entity == "rat").order_by(Audit.id)).all()
        assert [json.loads(a.change) for a in rats] == [
            {"held_on": [None, "2021-03-01"]},
            {"reported_on": [None, "2021-03-20"]},
        ]
