"""The mentoring workbook's content (SPEC §11): the groups asked for (by group, mentor or
session), and for each a row per member whose follow-up is open, by the follow-up rules of
koptrain.services.mentoring."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlmodel import Session

from koptrain.errors import InvalidInput, NotFound
from koptrain.i18n import _
from koptrain.models import Coop, Enrollment, GroupMember, MentorGroup, Person, Training
from koptrain.parsing import shown
from koptrain.services import mentoring, refs
from koptrain.services import policy as policy_service
from koptrain.services.fieldbooks.refs import seat_ref
from koptrain.storage.queries import days, followups

G = MentorGroup.__table__
GM = GroupMember.__table__
P = Person.__table__
E = Enrollment.__table__
C = Coop.__table__


@dataclass(frozen=True)
class MemberRow:
    """One member's open follow-up, as the workbook shows it (the NIK is masked there)."""

    ref: str
    name: str
    nik: str
    coop: str
    session: str
    last_status: str | None
    last_date: dt.date | None
    due: dt.date


@dataclass
class GroupSheet:
    code: str
    mentor: str
    session: str | None
    rows: list[MemberRow] = field(default_factory=list)


def choose_groups(
    db: Session, *, group: str | None, mentor: str | None, session: str | None
) -> tuple[list[MentorGroup], Training | None]:
    """The groups of exactly one of --group, --mentor, --session (with --session, also
    the session, which then limits the rows)."""
    if sum(x is not None for x in (group, mentor, session)) != 1:
        raise InvalidInput(_("Give exactly one of --group, --mentor or --session."))
    if group is not None:
        return [refs.group(db, group)], None
    if mentor is not None:
        wanted = " ".join(mentor.split()).lower()
        found = list(
            db.exec(
                select(MentorGroup)
                .where(func.lower(MentorGroup.mentor) == wanted)
                .order_by(G.c.code)
            ).scalars()
        )
        if not found:
            mentors = db.exec(select(MentorGroup.mentor).distinct().order_by(MentorGroup.mentor))
            raise NotFound(
                _("No mentoring group has the mentor '{mentor}'; mentors: {known}.").format(
                    mentor=shown(mentor), known=", ".join(m for (m,) in mentors) or "-"
                )
            )
        return found, None
    training = refs.training(db, session)
    # the session's own groups, and the groups tied to no session that hold its seat holders
    members = select(E.c.person_id).where(E.c.session_id == training.id)
    untied = select(GM.c.group_id).where(GM.c.person_id.in_(members))
    found = list(
        db.exec(
            select(MentorGroup)
            .where(
                (MentorGroup.session_id == training.id)
                | (MentorGroup.session_id.is_(None) & MentorGroup.id.in_(untied))
            )
            .order_by(G.c.mentor, G.c.code)
        ).scalars()
    )
    if not found:
        raise NotFound(
            _("No mentoring group follows up session {session}.").format(session=training.code)
        )
    return found, training


def group_sheets(
    db: Session, groups: list[MentorGroup], on: dt.date, *, training: Training | None = None
) -> list[GroupSheet]:
    """A sheet per group, each with its members whose follow-up is open on `on` (of
    `training` only, when given), by due date then name. A follow-up belongs to the group
    `mentor due` shows it under (mentoring.followup_group)."""
    schedule = mentoring.Schedule.from_settings(policy_service.load(db))
    ids = [g.id for g in groups]
    members = select(GM.c.person_id).where(GM.c.group_id.in_(ids))
    fu = followups(
        on,
        scope=Training.__table__.c.id == training.id if training is not None else None,
        open_window_days=schedule.window_days,
        dated_from=on - days(schedule.window_days),
        people=lambda person_id: person_id.in_(members),
    )
    open_ = (
        select(fu, mentoring.followup_group(fu).label("group_id"))
        .where(mentoring.open_condition(fu, on, schedule))
        .subquery("open_fu")
    )
    query = (
        select(
            open_.c.enrollment_id,
            open_.c.group_id,
            open_.c.code,
            open_.c.end,
            open_.c.last_status,
            open_.c.last_date,
            open_.c.last_next,
            P.c.name,
            P.c.nik,
            C.c.name.label("coop"),
        )
        .select_from(
            open_.join(P, P.c.id == open_.c.person_id)
            .join(E, E.c.id == open_.c.enrollment_id)
            .join(C, C.c.id == E.c.coop_id)
        )
        .where(open_.c.group_id.in_(ids))
    )
    sheets = {
        g.id: GroupSheet(
            g.code, g.mentor, db.get(Training, g.session_id).code if g.session_id else None
        )
        for g in groups
    }
    for r in db.execute(query):
        sheets[r.group_id].rows.append(
            MemberRow(
                ref=seat_ref(r.enrollment_id),
                name=r.name,
                nik=r.nik,
                coop=r.coop,
                session=r.code,
                last_status=r.last_status,
                last_date=r.last_date,
                due=schedule.due(r.end, r.last_date, r.last_next),
            )
        )
    for sheet in sheets.values():
        sheet.rows.sort(key=lambda m: (m.due, m.name.lower(), m.session, m.ref))
    return list(sheets.values())


def by_mentor(sheets: list[GroupSheet]) -> dict[str, list[GroupSheet]]:
    """The sheets of each mentor (a workbook each), mentors and groups in name order;
    spellings that differ only in case or spaces are one mentor."""
    out: dict[str, list[GroupSheet]] = {}
    names: dict[str, str] = {}
    for sheet in sorted(sheets, key=lambda s: (s.mentor.lower(), s.code.lower())):
        key = " ".join(sheet.mentor.split()).lower()
        out.setdefault(names.setdefault(key, sheet.mentor), []).append(sheet)
    return out
