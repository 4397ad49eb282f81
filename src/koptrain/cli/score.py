"""`koptrain score`: pre- and post-test scores of a training's participants."""

from typing import Annotated

import typer

from koptrain.cli import common
from koptrain.i18n import _

app = typer.Typer(help=_("Record the pre- and post-test scores of participants (0-100)."))


@app.command(
    "record",
    help=_(
        "Record a participant's pre-test and/or post-test score, 0 to 100 (`87,5` or `87.5`), "
        "e.g. `score record BLT-01 3572015705800001 --pre 60 --post 85`."
    ),
)
def record(
    ctx: typer.Context,
    session_code: Annotated[str, typer.Argument(metavar="SESSION", help=_("The session code."))],
    person_ref: Annotated[
        str, typer.Argument(metavar="PERSON", help=_("NIK or number of the person."))
    ],
    pre: Annotated[str | None, typer.Option("--pre", help=_("The pre-test score."))] = None,
    post: Annotated[str | None, typer.Option("--post", help=_("The post-test score."))] = None,
) -> None:
    from koptrain.i18n import N_
    from koptrain.services import refs
    from koptrain.services.outcomes import records
    from koptrain.services.outcomes.values import parse_score

    pre_score = parse_score(pre, what=N_("pre-test score"))
    post_score = parse_score(post, what=N_("post-test score"))
    with common.open_store(ctx, write=True).session() as session:
        training = refs.training(session, session_code)
        person = refs.person(session, person_ref)
        score, _outcome = records.record_score(
            session, training, person, pre=pre_score, post=post_score
        )
        message = _("Scores of {name} in {session}: pre {pre}, post {post}.").format(
            name=person.name,
            session=training.code,
            pre=_shown(score.pre),
            post=_shown(score.post),
        )
    typer.echo(message)


def _shown(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}"
