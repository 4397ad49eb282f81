"""`koptrain enroll|withdraw|attend`: who holds a seat in a session, and who came."""

from typing import Annotated, Optional

import typer

from koptrain.cli import common
from koptrain.i18n import _


def register(app: typer.Typer) -> None:
    app.command(
        "enroll",
        help=_(
            "Enroll people in a session as one decision: if anyone is refused, nobody is "
            "written. E.g. `enroll BLT20-01 3572015705800001 12`."
        ),
    )(enroll)
    app.command(
        "withdraw",
        help=_(
            "Withdraw a person from a session; the first waitlisted person who passes moves up."
        ),
    )(withdraw)
    app.command(
        "attend", help=_("Record seat holders present (or --absent) on one day of a session.")
    )(attend)


SessionArg = Annotated[str, typer.Argument(help=_("The session's code."))]


def enroll(
    ctx: typer.Context,
    code: SessionArg,
    people: Annotated[list[str], typer.Argument(help=_("People: NIK or number from person list."))],
    coop: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--coop", help=_("The cooperative they enroll for (default: their only one).")
        ),
    ] = None,
    no_waitlist: Annotated[
        bool,
        typer.Option("--no-waitlist", help=_("Refuse instead of waitlisting when full.")),
    ] = False,
    override: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--override",
            metavar="REASON",
            help=_("Pass the eligibility and audience checks, for this reason (audited)."),
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Show the outcomes, write nothing."))
    ] = False,
) -> None:
    from koptrain.errors import InvalidInput, Refused
    from koptrain.services import refs, training

    if override is not None and not override.strip():
        raise InvalidInput(_("--override needs a reason."))
    with common.open_store(ctx, write=True).session() as db:
        found = refs.training(db, code)
        chosen = refs.coop(db, coop) if coop else None
        requests = [training.Request(refs.person(db, ref), chosen) for ref in people]
        outcomes = training.enroll(
            db,
            found,
            requests,
            waitlist=not no_waitlist,
            override=override.strip() if override else None,
            dry_run=dry_run,
        )
        refused = outcomes.refused
        lines = [_outcome_line(o, found.code, outcomes.written) for o in outcomes if not o.refused]
        for o in outcomes:
            lines.extend(_override_lines(o))
        reasons = [r.text() for o in refused for r in o.refusals]
    for line in lines:
        typer.echo(line)
    if dry_run:
        typer.echo(_("Dry run: nothing was written."))
    if not refused:
        return
    if len(outcomes) == 1:
        for reason in reasons[:-1]:
            typer.echo(f"koptrain: {reason}", err=True)
        raise Refused(reasons[-1])
    for reason in reasons:
        typer.echo(f"koptrain: {reason}", err=True)
    raise Refused(
        _("Nothing was written: {n} of {total} people were refused.").format(
            n=len(refused), total=len(outcomes)
        )
    )


def _outcome_line(outcome, session_code: str, written: bool) -> str:
    from koptrain.services.training import ENROLLED, person_label

    values = {
        "person": person_label(outcome.person),
        "coop": outcome.coop.name,
        "session": session_code,
        "seat": outcome.seat,
        "capacity": outcome.capacity,
        "position": outcome.position,
    }
    if outcome.status == ENROLLED:
        if written:
            return _("{person} enrolled in {session} for {coop}: seat {seat}/{capacity}.").format(
                **values
            )
        return _(
            "{person} would be enrolled in {session} for {coop}: seat {seat}/{capacity}."
        ).format(**values)
    if written:
        return _(
            "{person} waitlisted for {session} (for {coop}): position {position} on the waitlist."
        ).format(**values)
    return _(
        "{person} would be waitlisted for {session} (for {coop}): position {position} on the "
        "waitlist."
    ).format(**values)


def _override_lines(outcome) -> list[str]:
    return ["  " + _("Overridden: {reason}").format(reason=r.text()) for r in outcome.overridden]


def withdraw(
    ctx: typer.Context,
    code: SessionArg,
    person: Annotated[str, typer.Argument(help=_("The person: NIK or number from person list."))],
    reason: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--reason", help=_("Why (kept in the audit trail).")),
    ] = None,
) -> None:
    from koptrain.services import refs, training

    with common.open_store(ctx, write=True).session() as db:
        found = refs.training(db, code)
        who = refs.person(db, person)
        result = training.withdraw(db, found, who, reason=reason)
        values = {"person": training.person_label(who), "session": found.code}
        if result.previous_status == training.WAITLISTED:
            lines = [_("{person} left the waitlist of session {session}.").format(**values)]
        else:
            lines = [_("{person} withdrawn from session {session}.").format(**values)]
        for o in result.passed_over:
            for r in o.refusals:
                lines.append(
                    _("{person} stays on the waitlist: {reason}").format(
                        person=training.person_label(o.person), reason=r.text()
                    )
                )
        for o in result.promoted:
            lines.append(
                _("{person} moved up from the waitlist: seat {seat}/{capacity}.").format(
                    person=training.person_label(o.person), seat=o.seat, capacity=o.capacity
                )
            )
        if result.previous_status == training.ENROLLED and not result.promoted:
            if result.passed_over:
                lines.append(_("Nobody on the waitlist passes the rules; the seat stays free."))
            else:
                lines.append(_("The waitlist is empty; the seat stays free."))
    for line in lines:
        typer.echo(line)


def attend(
    ctx: typer.Context,
    code: SessionArg,
    day: Annotated[str, typer.Option("--day", help=_("The day of the session."))],
    people: Annotated[list[str], typer.Argument(help=_("People: NIK or number from person list."))],
    absent: Annotated[
        bool, typer.Option("--absent", help=_("Record them absent instead of present."))
    ] = False,
) -> None:
    from koptrain.parsing import format_date, parse_date
    from koptrain.services import refs, training

    date = parse_date(day, what="--day")
    with common.open_store(ctx, write=True).session() as db:
        found = refs.training(db, code)
        who = [refs.person(db, ref) for ref in people]
        result = training.attend(db, found, date, who, present=not absent)
        code = found.code
    from koptrain.i18n import current_language

    message = (
        _("Session {session}, {day}: {n} recorded absent ({added} new, {changed} changed).")
        if absent
        else _("Session {session}, {day}: {n} recorded present ({added} new, {changed} changed).")
    )
    typer.echo(
        message.format(
            session=code,
            day=format_date(date, current_language()),
            n=result.added + result.changed + result.unchanged,
            added=result.added,
            changed=result.changed,
        )
    )
