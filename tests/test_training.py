"""The training rules of SPEC §2, tested on the service without the CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import select

from koptrain.errors import InvalidInput, Refused
from koptrain.models import Attendance, Audit, Enrollment, HealthRating, Membership, Policy
from koptrain.parsing import mask_nik
from koptrain.services import training as ts

import factories as f

JUNE_16 = dt.date(2020, 6, 16)


def statuses(s, t) -> dict[str, str]:
    return {r["name"]: r["status"] for r in ts.roster(s, t)}


def only_refusal(outcomes) -> ts.Refusal:
    (outcome,) = outcomes
    assert outcome.refused
    (refusal,) = outcome.refusals
    return refusal


# --- sessions -------------------------------------------------------------------------


def test_create_session_takes_capacity_from_policy_and_audience_roles(store):
    with store.session() as s:
        s.add(Policy(key="session.capacity", value="25"))
        s.flush()
        t = ts.create_session(
            s,
            "BLT20-01",
            title="Laporan Keuangan",
            start=JUNE_16,
            end=dt.date(2020, 6, 18),
            audience="Pengurus, calon anggota",
            trainers=["Dr. Hadi", " ", "Ir. Sumarni"],
        )
        assert (t.capacity, t.audience, t.status) == (25, "pengurus,calon_anggota", "open")
        assert t.trainers == "Dr. Hadi; Ir. Sumarni"
        audit = s.exec(select(Audit).where(Audit.entity == "session")).one()
        assert json.loads(audit.change)["created"]["capacity"] == 25


def test_create_session_refuses_known_code_and_start_after_end(store):
    with store.session() as s:
        f.training(s, "BLT20-01")
        with pytest.raises(Refused, match="already exists"):
            ts.create_session(s, "blt20-01", title="x", start=JUNE_16, end=JUNE_16)
        with pytest.raises(InvalidInput, match="cannot start"):
            ts.create_session(s, "NEW", title="x", start=JUNE_16, end=dt.date(2020, 6, 15))


@pytest.mark.parametrize(("text", "share"), [("0.8", 0.8), ("80%", 0.8), ("0,5", 0.5), ("1", 1.0)])
def test_parse_share(text, share):
    assert ts.parse_share(text) == pytest.approx(share)


@pytest.mark.parametrize("text", ["80", "0", "-0.5", "abc", "120%"])
def test_parse_share_refuses_what_is_not_a_share(text):
    with pytest.raises(InvalidInput, match="not a share"):
        ts.parse_share(text)


# --- each enrollment rule and its message ----------------------------------------------


def test_enroll_gives_seats_then_waitlist_positions_with_the_coop_role(store):
    with store.session() as s:
        c = f.coop(s)
        t = f.training(s, capacity=2)
        people = [
            f.person(s, c, name=n, role=r)
            for n, r in [("A", "pengurus"), ("B", "anggota"), ("C", "calon_anggota")]
        ]
        outcomes = ts.enroll(s, t, [(p, None) for p in people])
        assert [(o.status, o.seat, o.position) for o in outcomes] == [
            ("enrolled", 1, None),
            ("enrolled", 2, None),
            ("waitlisted", None, 1),
        ]
        rows = {e.person_id: e for e in s.exec(select(Enrollment)).all()}
        assert [rows[p.id].role for p in people] == ["pengurus", "anggota", "calon_anggota"]
        assert ts.seat_holders_count(s, t) == 2


def test_cancelled_and_closed_sessions_refuse(store):
    with store.session() as s:
        c = f.coop(s)
        p = f.person(s, c, name="Sri")
        for status in ("cancelled", "closed"):
            t = f.training(s, f"S-{status}")
            t.status = status
            refusal = only_refusal(ts.enroll(s, t, [(p, None)]))
            assert refusal.rule == "session"
            assert refusal.text() == (
                f"Session S-{status} is {status}: Sri ({mask_nik(p.nik)}) cannot enroll."
            )


def test_not_a_member_of_the_coop_given(store):
    with store.session() as s:
        mine, other = f.coop(s, "KSP Mine"), f.coop(s, "KSP Other")
        p = f.person(s, mine, name="Sri")
        refusal = only_refusal(ts.enroll(s, f.training(s), [(p, other)]))
        assert refusal.rule == "member"
        assert refusal.text().endswith("is not a member of KSP Other.")
        assert "Sri (3572" in refusal.text()


def test_person_without_any_coop_is_refused(store):
    with store.session() as s:
        c = f.coop(s)
        p = f.person(s, c, name="Sri")
        s.delete(s.exec(select(Membership)).one())
        s.flush()
        refusal = only_refusal(ts.enroll(s, f.training(s), [(p, None)]))
        assert refusal.text().endswith("is not a member of any cooperative.")


def test_several_coops_without_a_choice_is_bad_usage_listing_them(store):
    with store.session() as s:
        a, b = f.coop(s, "KSP Alpha"), f.coop(s, "KSP Beta")
        p = f.person(s, a)
        s.add(Membership(person_id=p.id, coop_id=b.id, role="pengurus"))
        s.flush()
        with pytest.raises(InvalidInput, match=r"several cooperatives: KSP Alpha .*KSP Beta"):
            ts.enroll(s, f.training(s), [(p, None)])
        (outcome,) = ts.enroll(s, f.training(s, "S2"), [(p, b)])
        assert (outcome.status, outcome.role) == ("enrolled", "pengurus")


def test_role_not_in_audience_and_empty_audience_admits_all(store):
    with store.session() as s:
        c = f.coop(s, "KSP Sejahtera")
        p = f.person(s, c, name="Sri", role="calon_anggota")
        t = f.training(s, audience="pengurus,anggota")
        refusal = only_refusal(ts.enroll(s, t, [(p, None)]))
        assert refusal.rule == "audience"
        assert refusal.text().endswith(
            "is calon_anggota of KSP Sejahtera, but session BLT20-01 is only for pengurus, anggota."
        )
        open_to_all = f.training(s, "ALL", start=dt.date(2020, 7, 1), end=dt.date(2020, 7, 1))
        assert ts.enroll(s, open_to_all, [(p, None)])[0].status == "enrolled"


def test_business_required(store):
    with store.session() as s:
        c = f.coop(s)
        without = f.person(s, c, name="Sri")
        owner = f.person(s, c, name="Budi", has_business=True)
        t = f.training(s, requires_business=True)
        outcomes = ts.enroll(s, t, [(owner, None), (without, None)])
        assert [o.status for o in outcomes] == ["enrolled", "refused"]
        assert (
            outcomes[1]
            .refusals[0]
            .text()
            .endswith("has no business of their own, which session BLT20-01 requires.")
        )


def test_coop_not_eligible_on_the_first_day_gives_the_verdicts_reasons(store):
    with store.session() as s:
        late = f.coop(s, "KSU Telat", rat_held=dt.date(2020, 4, 14))
        p = f.person(s, late, name="Hendra")
        refusal = only_refusal(ts.enroll(s, f.training(s), [(p, None)]))
        assert refusal.rule == "eligibility"
        assert refusal.text().endswith(
            "cannot enroll for KSU Telat: it is not eligible on 2020-06-16. "
            "RAT 2019 held 2020-04-14, 14 days after the deadline 2020-03-31."
        )
        assert refusal.english() == refusal.text()


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("enrolled", "is already enrolled in session BLT20-01."),
        ("waitlisted", "is already on the waitlist of session BLT20-01."),
        ("completed", "has already completed session BLT20-01."),
        ("not_completed", "already took session BLT20-01 (not completed)."),
    ],
)
def test_already_enrolled_says_which(store, status, words):
    with store.session() as s:
        c = f.coop(s)
        p = f.person(s, c)
        t = f.training(s)
        f.seat(s, t, p, c, status=status)
        refusal = only_refusal(ts.enroll(s, t, [(p, None)]))
        assert refusal.rule == "duplicate"
        assert refusal.text().endswith(words)


def test_overlapping_seat_names_the_other_session_but_a_waitlist_place_does_not_count(store):
    with store.session() as s:
        c = f.coop(s)
        p, q = f.person(s, c, name="Sri"), f.person(s, c, name="Budi")
        other = f.training(s, "OTHER", start=dt.date(2020, 6, 18), end=dt.date(2020, 6, 19))
        f.seat(s, other, p, c)
        f.seat(s, other, q, c, status="waitlisted")
        t = f.training(s)
        outcomes = ts.enroll(s, t, [(p, None), (q, None)])
        assert [o.status for o in outcomes] == ["refused", "enrolled"]
        assert (
            outcomes[0]
            .refusals[0]
            .text()
            .endswith(
                "holds a seat in session OTHER (2020-06-18 to 2020-06-19), whose days overlap "
                "with session BLT20-01."
            )
        )


def test_full_session_without_waitlist_is_refused(store):
    with store.session() as s:
        c = f.coop(s)
        t = f.training(s, capacity=1)
        f.seat(s, t, f.person(s, c, name="First"), c)
        p = f.person(s, c, name="Sri")
        refusal = only_refusal(ts.enroll(s, t, [(p, None)], waitlist=False))
        assert refusal.rule == "capacity"
        assert refusal.text() == (
            f"Session BLT20-01 is full (1 seats) and Sri ({mask_nik(p.nik)}) was not "
            "waitlisted (--no-waitlist)."
        )
        assert ts.enroll(s, t, [(p, None)])[0].status == "waitlisted"


def test_check_enrollment_reports_every_rule_except_capacity(store):
    with store.session() as s:
        late = f.coop(s, "KSU Telat", rat_held=dt.date(2020, 4, 14))
        p = f.person(s, late, role="calon_anggota")
        t = f.training(s, capacity=0, audience="pengurus", requires_business=True)
        rules = [r.rule for r in ts.check_enrollment(s, t, p, late)]
        assert sorted(rules) == ["audience", "business", "eligibility"]
        assert ts.check_enrollment(s, t, p, late, override="Kepala Dinas") == []


# --- override, all-or-nothing, dry run -------------------------------------------------


def test_override_passes_eligibility_audience_business_and_is_kept(store):
    with store.session() as s:
        late = f.coop(s, "KSU Telat", rat_held=dt.date(2020, 4, 14))
        p = f.person(s, late, role="calon_anggota")
        t = f.training(s, audience="pengurus", requires_business=True)
        (outcome,) = ts.enroll(s, t, [(p, None)], override="Surat Kepala Dinas 12/2020")
        assert outcome.status == "enrolled"
        assert sorted(r.rule for r in outcome.overridden) == ["audience", "business", "eligibility"]
        enrollment = s.exec(select(Enrollment)).one()
        assert enrollment.override_reason == "Surat Kepala Dinas 12/2020"
        change = json.loads(s.exec(select(Audit).where(Audit.entity == "enrollment")).one().change)
        assert change["override_reason"] == "Surat Kepala Dinas 12/2020"
        assert len(change["overridden"]) == 3


def test_override_never_passes_membership_duplicates_overlap_cancelled_or_capacity(store):
    with store.session() as s:
        c, other = f.coop(s), f.coop(s, "KSP Other")
        p = f.person(s, c)
        t = f.training(s, capacity=1)
        f.seat(s, t, p, c)
        q = f.person(s, c, name="Q")
        assert only_refusal(ts.enroll(s, t, [(p, None)], override="x")).rule == "duplicate"
        assert only_refusal(ts.enroll(s, t, [(q, other)], override="x")).rule == "member"
        full = ts.enroll(s, t, [(q, None)], override="x", waitlist=False)
        assert only_refusal(full).rule == "capacity"
        overlap = f.training(s, "OVERLAP")
        assert only_refusal(ts.enroll(s, overlap, [(p, None)], override="x")).rule == "overlap"
        t.status = "cancelled"
        assert only_refusal(ts.enroll(s, t, [(q, None)], override="x")).rule == "session"


def test_one_refusal_means_nobody_is_written(store):
    with store.session() as s:
        c = f.coop(s)
        late = f.coop(s, "KSU Telat", rat_held=dt.date(2020, 4, 14))
        t = f.training(s)
        good = [f.person(s, c, name=f"P{i}") for i in range(3)]
        bad = f.person(s, late, name="Bad")
        outcomes = ts.enroll(s, t, [(p, None) for p in [*good, bad]])
        assert [o.status for o in outcomes] == ["enrolled"] * 3 + ["refused"]
        assert s.exec(select(Enrollment)).all() == []
        assert s.exec(select(Audit)).all() == []


def test_dry_run_computes_outcomes_and_writes_nothing(store):
    with store.session() as s:
        c = f.coop(s)
        t = f.training(s, capacity=1)
        people = [f.person(s, c, name=n) for n in "AB"]
        outcomes = ts.enroll(s, t, [(p, None) for p in people], dry_run=True)
        assert [o.status for o in outcomes] == ["enrolled", "waitlisted"]
        assert s.exec(select(Enrollment)).all() == []


def test_a_person_listed_twice_counts_once(store):
    with store.session() as s:
        c = f.coop(s)
        p = f.person(s, c)
        assert len(ts.enroll(s, f.training(s), [(p, None), (p, c)])) == 1


# --- withdrawing and the waitlist ------------------------------------------------------


def test_withdraw_moves_up_the_first_waitlisted_who_still_passes(store):
    with store.session() as s:
        c = f.coop(s)
        t = f.training(s, capacity=1)
        seated, first, second = (f.person(s, c, name=n) for n in ("Seated", "First", "Second"))
        ts.enroll(s, t, [(seated, None), (first, None), (second, None)])
        # First now holds a seat in an overlapping session: passed over, stays waitlisted.
        f.seat(s, f.training(s, "OTHER"), first, c)
        result = ts.withdraw(s, t, seated, reason="sakit")
        assert [o.person.name for o in result.promoted] == ["Second"]
        assert result.promoted[0].seat == 1
        assert [o.person.name for o in result.passed_over] == ["First"]
        assert result.passed_over[0].refusals[0].rule == "overlap"
        assert statuses(s, t) == {
            "Seated": "withdrawn",
            "First": "waitlisted",
            "Second": "enrolled",
        }
        changes = [json.loads(a.change) for a in s.exec(select(Audit).order_by(Audit.id)).all()]
        assert {"status": ["enrolled", "withdrawn"], "reason": "sakit"} in changes
        assert {"status": ["waitlisted", "enrolled"], "moved_up": True} in changes


def test_promotion_keeps_the_waitlisted_persons_override(store):
    with store.session() as s:
        c = f.coop(s)
        late = f.coop(s, "KSU Telat", rat_held=dt.date(2020, 4, 14))
        t = f.training(s, capacity=1)
        seated, waiting = f.person(s, c, name="Seated"), f.person(s, late, name="Waiting")
        ts.enroll(s, t, [(seated, None)])
        ts.enroll(s, t, [(waiting, None)], override="Kepala Dinas")
        result = ts.withdraw(s, t, seated)
        assert [o.person.name for o in result.promoted] == ["Waiting"]


def test_withdrawing_a_waitlisted_person_promotes_nobody(store):
    with store.session() as s:
        c = f.coop(s)
        t = f.training(s, capacity=1)
        a, b, c2 = (f.person(s, c, name=n) for n in "ABC")
        ts.enroll(s, t, [(a, None), (b, None), (c2, None)])
        result = ts.withdraw(s, t, b)
        assert (result.previous_status, result.promoted) == ("waitlisted", [])
        assert statuses(s, t) == {"A": "enrolled", "B": "withdrawn", "C": "waitlisted"}
        assert ts.roster(s, t)[1]["position"] == 1


def test_withdraw_someone_not_enrolled_is_refused(store):
    with store.session() as s:
        c = f.coop(s)
        t = f.training(s)
        p = f.person(s, c, name="Sri")
        with pytest.raises(Refused, match=r"Sri \(3572\*+\d\d\) is not enrolled in session"):
            ts.withdraw(s, t, p)
        f.seat(s, t, p, c, status="withdrawn")
        with pytest.raises(Refused, match="is not enrolled"):
            ts.withdraw(s, t, p)


def test_reenrolling_after_withdrawal_reuses_the_row_and_joins_the_back_of_the_queue(store):
    with store.session() as s:
        c = f.coop(s)
        t = f.training(s, capacity=1)
        a, b, c2 = (f.person(s, c, name=n) for n in "ABC")
        ts.enroll(s, t, [(a, None), (b, None)])
        ts.withdraw(s, t, b)
        ts.enroll(s, t, [(c2, None)])
        (again,) = ts.enroll(s, t, [(b, None)])
        assert (again.status, again.position) == ("waitlisted", 2)
        assert [r["name"] for r in ts.roster(s, t) if r["status"] == "waitlisted"] == ["C", "B"]
        assert len(s.exec(select(Enrollment)).all()) == 3


# --- attendance, cancelling, closing ---------------------------------------------------


def test_attendance_upserts_for_seat_holders(store):
    with store.session() as s:
        c = f.coop(s)
        t = f.training(s)
        a, b = f.person(s, c, name="A"), f.person(s, c, name="B")
        f.seat(s, t, a, c)
        f.seat(s, t, b, c)
        first = ts.attend(s, t, JUNE_16, [a, b])
        assert (first.added, first.changed, first.unchanged) == (2, 0, 0)
        second = ts.attend(s, t, JUNE_16, [b], present=False)
        assert (second.added, second.changed) == (0, 1)
        assert ts.attend(s, t, JUNE_16, [a]).unchanged == 1
        rows = {r["name"]: (r["days_attended"], r["days_absent"]) for r in ts.roster(s, t)}
        assert rows == {"A": (1, 0), "B": (0, 1)}


def test_attendance_outside_the_session_days_or_ahead_is_invalid(store):
    with store.session() as s:
        c = f.coop(s)
        t = f.training(s)
        p = f.person(s, c)
        f.seat(s, t, p, c)
        with pytest.raises(InvalidInput, match=r"2020-06-19 is not a day of session BLT20-01"):
            ts.attend(s, t, dt.date(2020, 6, 19), [p])
        with pytest.raises(InvalidInput, match="still ahead"):
            ts.attend(s, t, dt.date(2020, 6, 17), [p], today=JUNE_16)
        assert s.exec(select(Attendance)).all() == []


def test_attendance_for_someone_without_a_seat_writes_nothing(store):
    with store.session() as s:
        c = f.coop(s)
        t = f.training(s)
        seated, waiting = f.person(s, c, name="Seated"), f.person(s, c, name="Waiting")
        f.seat(s, t, seated, c)
        f.seat(s, t, waiting, c, status="waitlisted")
        with pytest.raises(Refused, match=r"No seat in session BLT20-01 for Waiting"):
            ts.attend(s, t, JUNE_16, [seated, waiting])
        assert s.exec(select(Attendance)).all() == []


def test_close_marks_completion_by_minimum_share(store):
    with store.session() as s:
        c = f.coop(s)
        t = f.training(s)  # three days
        t.min_attendance = 0.6
        for name, days in (("All", 3), ("Two", 2), ("One", 1), ("None", 0)):
            f.seat(s, t, f.person(s, c, name=name), c, present_days=days)
        f.seat(s, t, f.person(s, c, name="Waiting"), c, status="waitlisted")
        result = ts.close(s, t)
        assert (result.completed, result.not_completed, result.waitlisted) == (2, 2, 1)
        assert statuses(s, t) == {
            "All": "completed",
            "Two": "completed",
            "One": "not_completed",
            "None": "not_completed",
            "Waiting": "waitlisted",
        }
        assert t.status == "closed"
        with pytest.raises(Refused, match="is closed; only an open session can be closed"):
            ts.close(s, t)


def test_close_without_attendance_needs_all_attended(store):
    with store.session() as s:
        c = f.coop(s)
        t = f.training(s)
        for name in "AB":
            f.seat(s, t, f.person(s, c, name=name), c)
        with pytest.raises(Refused, match="No attendance is recorded for session BLT20-01"):
            ts.close(s, t)
        assert t.status == "open"
        result = ts.close(s, t, all_attended=True)
        assert (result.completed, result.filled_days) == (2, 6)
        assert all(r["days_attended"] == 3 for r in ts.roster(s, t))


def test_close_refuses_before_the_last_day_and_when_cancelled(store):
    with store.session() as s:
        c = f.coop(s)
        t = f.training(s)
        f.seat(s, t, f.person(s, c), c, present_days=3)
        with pytest.raises(Refused, match="runs until 2020-06-18"):
            ts.close(s, t, today=dt.date(2020, 6, 17))
        assert ts.close(s, t, today=dt.date(2020, 6, 18)).completed == 1
        cancelled = f.training(s, "GONE")
        ts.cancel(s, cancelled)
        with pytest.raises(Refused, match="is cancelled"):
            ts.close(s, cancelled)


def test_cancel_withdraws_every_enrollment(store):
    with store.session() as s:
        c = f.coop(s)
        t = f.training(s)
        f.seat(s, t, f.person(s, c, name="A"), c)
        f.seat(s, t, f.person(s, c, name="B"), c, status="waitlisted")
        assert ts.cancel(s, t) == 2
        assert set(statuses(s, t).values()) == {"withdrawn"}
        with pytest.raises(Refused, match="already cancelled"):
            ts.cancel(s, t)


def test_a_later_health_rating_can_make_a_waitlisted_person_fail(store):
    with store.session() as s:
        c = f.coop(s, "KSP Turun")
        t = f.training(s, capacity=1)
        seated, waiting = f.person(s, c, name="Seated"), f.person(s, c, name="Waiting")
        ts.enroll(s, t, [(seated, None), (waiting, None)])
        s.add(
            HealthRating(
                coop_id=c.id, year=2020, rating="tidak_sehat", assessed_on=dt.date(2020, 6, 1)
            )
        )
        s.flush()
        result = ts.withdraw(s, t, seated)
        assert result.promoted == []
        assert result.passed_over[0].refusals[0].rule == "eligibility"


# --- listings --------------------------------------------------------------------------


def test_roster_rows_and_session_listing(store):
    with store.session() as s:
        c = f.coop(s, "KSP Sejahtera")
        program = f.program(s)
        t = f.training(s, capacity=3, program=program)
        f.seat(s, t, f.person(s, c, name="Zed", role="pengurus"), c, present_days=2)
        f.seat(s, t, f.person(s, c, name="Amy"), c)
        f.seat(s, t, f.person(s, c, name="Wai"), c, status="waitlisted")
        rows = ts.roster(s, t)
        assert [r["name"] for r in rows] == ["Amy", "Zed", "Wai"]
        assert {
            "person_id",
            "nik",
            "name",
            "coop",
            "coop_nik",
            "role",
            "status",
            "days_attended",
            "days_total",
            "override_reason",
        } <= set(rows[0])
        assert (rows[1]["days_attended"], rows[1]["days_total"], rows[2]["position"]) == (2, 3, 1)
        (listed,) = ts.sessions(s, program=program)
        assert (listed["seat_holders"], listed["waitlisted"], listed["free_seats"]) == (2, 1, 1)
        assert ts.programs(s) == [
            {"code": "BLITAR-2020", "name": "Pelatihan 2020", "year": 2020, "sessions": 1}
        ]
