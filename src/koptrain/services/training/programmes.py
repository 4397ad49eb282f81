"""Training programmes: adding one, listing them."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from koptrain.errors import InvalidInput, Refused
from koptrain.i18n import N_, _
from koptrain.models import (
    Program,
    Training,
)
from koptrain.services import audit, validation


def add_program(db: Session, code: str, *, name: str, year: int | None = None) -> Program:
    code = validation.code(code, N_("program code"))
    name = validation.text(name, validation.NAME_LIMIT, what=N_("name"), field="name")
    if not name:
        raise InvalidInput(_("A program needs a name (--name)."))
    known = db.exec(select(Program).where(func.lower(Program.code) == code.lower())).first()
    if known is not None:
        raise Refused(
            _("A program with the code '{code}' already exists: {name}.").format(
                code=known.code, name=known.name
            )
        )
    program = Program(code=code, name=name, year=year)
    db.add(program)
    db.flush()
    audit.record(
        db,
        entity="program",
        key=code,
        change={"created": {"name": program.name, "year": year}},
    )
    return program


def programs(db: Session) -> list[dict]:
    counts = dict(
        db.exec(
            select(Training.program_id, func.count(col(Training.id))).group_by(Training.program_id)
        ).all()
    )
    return [
        {"code": p.code, "name": p.name, "year": p.year, "sessions": counts.get(p.id, 0)}
        for p in db.exec(select(Program).order_by(Program.code)).all()
    ]
