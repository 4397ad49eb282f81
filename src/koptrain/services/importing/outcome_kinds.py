"""The outcome import kinds (SPEC §12): `scores`, `evaluations` and `indicators`, each row
checked by the same validators and rules as `score record` and `baseline record`."""

from __future__ import annotations

from typing import Any, ClassVar

from koptrain.errors import Refused
from koptrain.i18n import N_
from koptrain.services.importing.base import Problem
from koptrain.services.importing.kinds.common import RefsHandler
from koptrain.services.outcomes import records
from koptrain.services.outcomes.values import (
    EVALUATION_ITEMS,
    parse_indicator_value,
    parse_mark,
    parse_score,
)


class _Outcomes(RefsHandler):
    def refused(self, call, column: str = "nik"):
        try:
            return call()
        except Refused as error:
            raise Problem(column, str(error)) from None


class ScoresHandler(_Outcomes):
    columns: ClassVar = {
        "session": ("kode_pelatihan", "pelatihan"),
        "nik": (),
        "pre": ("pre_test", "nilai_awal"),
        "post": ("post_test", "nilai_akhir"),
    }
    required: ClassVar = (("session",), ("nik",), ("pre", "post"))

    def row(self, rec: dict[str, Any]) -> str:
        training = self.training(rec)
        person = self.person(rec)
        pre = self.field(rec, "pre", lambda v: parse_score(v, what=N_("pre-test score")))
        post = self.field(rec, "post", lambda v: parse_score(v, what=N_("post-test score")))
        if pre is None and post is None:
            raise Problem("pre", records.no_score_message())
        _score, outcome = self.refused(
            lambda: records.record_score(self.db, training, person, pre=pre, post=post)
        )
        return outcome


class EvaluationsHandler(_Outcomes):
    columns: ClassVar = {
        "session": ("kode_pelatihan", "pelatihan"),
        "nik": (),
        **{item: () for item in EVALUATION_ITEMS},
        "saran": ("suggestion", "masukan"),
    }
    required: ClassVar = (("session",), EVALUATION_ITEMS)

    def __init__(self, db, *, labels):
        super().__init__(db, labels=labels)
        self._seen: dict[tuple, int] = {}  # anonymous rows of this file, by content

    def row(self, rec: dict[str, Any]) -> str:
        training = self.training(rec)
        person = self.person(rec) if rec.get("nik") else None
        marks = {
            item: self.field(rec, item, lambda v, item=item: parse_mark(v, what=item))
            for item in EVALUATION_ITEMS
        }
        saran = (str(rec.get("saran") or "")).strip() or None
        if person is None:
            # The n-th identical anonymous row of a file is new only when fewer than n
            # such evaluations are stored: a file imported twice adds nothing.
            key = (training.id, *marks.values(), saran)
            self._seen[key] = self._seen.get(key, 0) + 1
            if records.anonymous_count(self.db, training, marks, saran) >= self._seen[key]:
                return records.UNCHANGED
        return self.refused(lambda: records.put_evaluation(self.db, training, person, marks, saran))


class IndicatorsHandler(_Outcomes):
    columns: ClassVar = {
        "nik": (),
        "session": ("kode_pelatihan", "pelatihan"),
        "date": ("tanggal",),
        "indicator": ("indikator",),
        "value": ("nilai",),
    }
    required: ClassVar = (("nik",), ("session",), ("date",), ("indicator",), ("value",))

    def row(self, rec: dict[str, Any]) -> str:
        from koptrain.parsing import parse_date

        person = self.person(rec)
        training = self.training(rec)
        day = self.field(rec, "date", lambda v: parse_date(v, what=N_("date")))
        found = self.field(rec, "indicator", lambda v: records.indicator(self.db, str(v)))
        value = self.field(
            rec, "value", lambda v: parse_indicator_value(v, found.kind, code=found.code)
        )
        self.refused(lambda: records.check_seat(self.db, person, training))
        return records.put_value(self.db, person, found, value, date=day, training=training)


HANDLERS = {
    "scores": ScoresHandler,
    "evaluations": EvaluationsHandler,
    "indicators": IndicatorsHandler,
}
