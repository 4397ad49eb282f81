"""User text reaches the terminal as typed: never read as Rich markup."""

from __future__ import annotations

import datetime as dt

import factories


def test_markup_in_user_text_prints_as_typed(koptrain, store):
    with store.session() as db:
        programme = factories.program(db, "P-1", "Program [bold]satu[/bold]")
        coop = factories.coop(db, "KSP [red]Maju")
        person = factories.person(db, coop, name="Sri [/] Wahyuni")
        training = factories.training(
            db, "AK-1", title="Akuntansi [/b] dasar", program=programme,
            start=dt.date(2020, 6, 1), end=dt.date(2020, 6, 2),
        )  # fmt: skip
        factories.seat(db, training, person, coop, present_days=1)
        nik = person.nik
    koptrain("group", "create", "KLP-[x]", "--mentor", "Bu Rina [/i]", "--session", "AK-1")
    koptrain("group", "add", "KLP-[x]", nik)
    summary = koptrain("report", "summary", "--program", "P-1", "--on", "2020-12-01").stdout
    assert "Akuntansi [/b] dasar" in summary
    assert "Program [bold]satu[/bold]" in summary
    shown = koptrain("group", "show", "KLP-[x]").stdout
    assert "Group KLP-[x] — mentor Bu Rina [/i], session AK-1" in shown
    assert "Sri [/] Wahyuni" in shown
    due = koptrain("mentor", "due", "--on", "2020-08-01").stdout
    assert "Mentor: Bu Rina [/i] — group KLP-[x] (1)" in due
    assert "Sri [/] Wahyuni" in due
