"""The Kota Blitar 2020 sample: where it lives and how it is loaded (through the importer)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from koptrain.errors import DatabaseError, Refused
from koptrain.i18n import _
from koptrain.models import Coop, Person, Program, Training

# The order the sample's README gives: each kind refers only to kinds loaded before it.
SAMPLE_FILES = (
    ("programs", "programs.csv"),
    ("coops", "coops.csv"),
    ("rat", "rat.xlsx"),
    ("health", "health.csv"),
    ("people", "people.csv"),
    ("sessions", "sessions.csv"),
    ("enrollments", "enrollments.csv"),
    ("attendance", "attendance.csv"),
    ("groups", "groups.csv"),
    ("mentoring", "mentoring.csv"),
    ("scores", "scores.csv"),
    ("evaluations", "evaluations.csv"),
    ("indicators", "indicators.csv"),
)
PROGRAM = "BLITAR-2020"
# The summary is shown as the Dinas saw it at the end of 2020, after the mentoring rounds.
AS_OF = "2020-12-31"
# The letterhead of the sample's documents (no person's name: the signature line stays blank).
OFFICE = {
    "office.name": "Dinas Koperasi dan Usaha Mikro Kota Blitar",
    "office.city": "Blitar",
    "office.head_title": "Kepala Dinas Koperasi dan Usaha Mikro",
}


def sample_dir() -> Path:
    """The sample inside the installed package, or data/ of a source checkout."""
    packaged = resources.files("koptrain") / "sample" / "blitar-2020"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[3] / "data" / "blitar-2020"
    if checkout.is_dir():
        return checkout
    raise DatabaseError(_("The sample data is missing from this installation of koptrain."))


def ensure_empty(db: Session, where: str) -> None:
    """The demo loads into a new database only: it never mixes with real records."""
    for model in (Coop, Person, Program, Training):
        if db.execute(select(func.count()).select_from(model)).scalar():
            raise Refused(
                _(
                    "The database {db} already holds data; the demo loads into a new database "
                    "only (use --db with a new file)."
                ).format(db=where)
            )


def load(db: Session, directory: Path | None = None) -> list:
    """Import every sample file in order, then close the trainings, in the caller's
    transaction; the import results."""
    from koptrain.io.readers import open_rows
    from koptrain.services import importing

    directory = directory or sample_dir()
    results = []
    for kind, name in SAMPLE_FILES:
        source = open_rows(str(directory / name))
        try:
            result = importing.run(db, kind, source)
        finally:
            source.close()
        if result.rejected:
            first = result.errors[0]
            raise DatabaseError(
                _("The sample file {file} did not import: {error}").format(
                    file=name, error=first.located(name)
                )
            )
        results.append(result)
    close_trainings(db)
    from koptrain.services import policy

    for key, value in OFFICE.items():
        policy.set_value(db, key, value)
    return results


def close_trainings(db: Session) -> None:
    """The Dinas closed each training on its last day: seats become completed or not."""
    from koptrain.parsing import parse_date
    from koptrain.services import training

    for t in db.exec(select(Training).order_by(Training.start)).scalars():
        training.close(db, t, today=parse_date(AS_OF))
