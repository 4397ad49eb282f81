"""Import kinds of the registry: coops, health ratings, RATs."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import or_
from sqlmodel import col, select

from koptrain.i18n import N_, _
from koptrain.models import (
    Coop,
    HealthRating,
    Rat,
)
from koptrain.parsing import (
    COOP_TYPES,
    LEVELS,
    RATINGS,
    parse_choice,
    parse_coop_nik,
    parse_date,
    parse_fiscal_year_end,
    parse_int,
    parse_optional_date,
    shown,
)
from koptrain.services import validation
from koptrain.services.importing.base import (
    UPDATED,
    Problem,
    clean_text,
)
from koptrain.services.importing.kinds.common import (
    RefsHandler,
    today,
)
from koptrain.services.upsert import upsert

# --- coops -----------------------------------------------------------------------------------


class CoopsHandler(RefsHandler):
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
            rec.get("legal_number"),
            validation.LEGAL_NUMBER_LIMIT,
            what=N_("legal number"),
            column="legal_number",
        )
        if not nik and not legal:
            raise Problem(
                "nik" if self.has("nik") else "legal_number",
                _("A cooperative needs a NIK Koperasi or a legal number."),
            )
        name = clean_text(
            self.need(rec, "name"), validation.NAME_LIMIT, what=N_("name"), column="name"
        )
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
                new[column] = clean_text(
                    rec[column], validation.PLACE_LIMIT, what=column, column=column
                )
        if self.has("fiscal_year_end"):
            new["fiscal_year_end"] = self.field(rec, "fiscal_year_end", parse_fiscal_year_end)
        if self.has("members"):
            new["members"] = self.field(
                rec, "members", lambda v: parse_int(v, what=N_("members")) if v else None
            )
        by_nik = self.db.exec(select(Coop).where(Coop.nik == nik)).first() if nik else None
        by_legal = (
            self.db.exec(select(Coop).where(Coop.legal_number == legal)).first() if legal else None
        )
        # A key names one coop only, whichever column a reference is looked up in.
        clash = self.db.exec(
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
        old_keys = (coop.nik, coop.legal_number) if coop else ()
        written = upsert(self.db, coop, new, make=lambda: Coop(**new))
        if written.outcome == UPDATED:
            self.forget_coop(*old_keys)
        return written.outcome


# --- health ratings and RATs -----------------------------------------------------------------


class HealthHandler(RefsHandler):
    columns: ClassVar = {
        "coop_nik": ("coop", "koperasi"),
        "year": ("tahun",),
        "rating": ("predikat",),
        "score": ("skor", "nilai"),
        "assessed_on": ("tanggal_penilaian",),
    }
    required: ClassVar = (("coop_nik",), ("year",), ("rating",))

    def row(self, rec):
        coop_id = self.coop_id(rec)
        year = self.field(rec, "year", lambda v: validation.year(v, what=N_("year")))
        rating = self.field(rec, "rating", lambda v: parse_choice(v, RATINGS, what=N_("rating")))
        new: dict[str, Any] = {"rating": rating}
        if self.has("score"):
            new["score"] = self.field(rec, "score", validation.score)
        if self.has("assessed_on"):
            assessed = self.field(
                rec, "assessed_on", lambda v: parse_optional_date(v, what=N_("assessment date"))
            )
            self.valid("assessed_on", validation.assessed_on, assessed, year)
            new["assessed_on"] = assessed
        row = self.db.exec(
            select(HealthRating).where(HealthRating.coop_id == coop_id, HealthRating.year == year)
        ).first()
        return upsert(
            self.db, row, new, make=lambda: HealthRating(coop_id=coop_id, year=year, **new)
        ).outcome


class RatHandler(RefsHandler):
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
        fiscal_year = self.field(
            rec, "fiscal_year", lambda v: validation.year(v, what=N_("fiscal year"))
        )
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
        self.valid(
            "held_on", validation.rat_dates, coop, fiscal_year, held, reported, today=today()
        )
        row = self.db.exec(
            select(Rat).where(Rat.coop_id == coop.id, Rat.fiscal_year == fiscal_year)
        ).first()
        return upsert(
            self.db, row, new, make=lambda: Rat(coop_id=coop.id, fiscal_year=fiscal_year, **new)
        ).outcome
