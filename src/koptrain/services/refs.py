"""Resolve what the user typed (a NIK, a list number, a code, a name's start) to a record."""

from __future__ import annotations

import re

from sqlmodel import Session, col, func, select

from koptrain.errors import Ambiguous, NotFound
from koptrain.i18n import _
from koptrain.models import Coop, MentorGroup, Person, Program, Training
from koptrain.parsing import mask_nik, shown
from koptrain.services.validation import NAME_LIMIT


def coop(db: Session, ref: str) -> Coop:
    """A coop by NIK Koperasi, legal number, number from `coop list`, or unique name start."""
    text = (ref or "").strip()
    if text.startswith("'"):
        text = text[1:]
    if not text:
        raise NotFound(_("No cooperative given."))
    found = db.exec(select(Coop).where(Coop.nik == text)).first()
    found = found or db.exec(select(Coop).where(Coop.legal_number == text)).first()
    if found is None and text.isdigit() and len(text) <= 9:
        found = db.get(Coop, int(text))
    if found is not None:
        return found
    if len(text) > NAME_LIMIT:  # no name starts with it (and SQL LIKE refuses long patterns)
        raise NotFound(_("No cooperative matches '{ref}'.").format(ref=shown(text)))
    pattern = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    matches = db.exec(
        select(Coop).where(func.lower(Coop.name).like(pattern, escape="\\")).limit(11)
    ).all()
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(_("No cooperative matches '{ref}'.").format(ref=shown(text)))
    exact = [m for m in matches if m.name.lower() == text.lower()]
    if len(exact) == 1:
        return exact[0]
    candidates = "; ".join(f"{m.id}: {m.name} ({m.nik or m.legal_number})" for m in matches[:10])
    raise Ambiguous(
        _("'{ref}' matches several cooperatives: {candidates}. Use the NIK or the number.").format(
            ref=shown(text), candidates=candidates
        )
    )


def person(db: Session, ref: str) -> Person:
    """A person by NIK or by number from `person list`."""
    text = "".join((ref or "").split()).lstrip("'")
    if re.fullmatch(r"\d(?:[.\-]?\d)*", text):  # a NIK typed with dots or hyphens
        text = re.sub(r"[.\-]", "", text)
    found = None
    if text.isdigit() and len(text) == 16:
        found = db.exec(select(Person).where(Person.nik == text)).first()
    elif text.isdigit() and len(text) <= 9:
        found = db.get(Person, int(text))
    if found is None:
        shown_ref = mask_nik(text) if len(text) == 16 else shown(text)
        raise NotFound(_("No person matches '{ref}'.").format(ref=shown_ref))
    return found


def _by_code(db: Session, model, code: str, message: str):
    text = (code or "").strip()
    found = db.exec(select(model).where(model.code == text)).first()
    if found is None:
        found = db.exec(select(model).where(func.lower(model.code) == text.lower())).first()
    if found is None:
        raise NotFound(message.format(ref=shown(text)))
    return found


def training(db: Session, code: str) -> Training:
    return _by_code(db, Training, code, _("No session has the code '{ref}'."))


def program(db: Session, code: str) -> Program:
    return _by_code(db, Program, code, _("No program has the code '{ref}'."))


def group(db: Session, code: str) -> MentorGroup:
    return _by_code(db, MentorGroup, code, _("No mentoring group has the code '{ref}'."))


def program_id_or_none(db: Session, code: str | None) -> int | None:
    return program(db, code).id if code else None


def coops_by_key(db: Session, keys: set[str]) -> dict[str, Coop]:
    """Bulk lookup for imports: a NIK Koperasi, or a legal number for a coop without one."""
    found: dict[str, Coop] = {}
    keys = {k for k in keys if k}
    for chunk in _chunks(sorted(keys), 500):
        for c in db.exec(select(Coop).where(col(Coop.nik).in_(chunk))).all():
            found[c.nik] = c
        rest = [k for k in chunk if k not in found]
        if rest:
            for c in db.exec(select(Coop).where(col(Coop.legal_number).in_(rest))).all():
                found[c.legal_number] = c
    return found


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]
