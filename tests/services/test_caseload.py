"""The caseload: children on a plan by their latest complete conference, with plan-length and overdue flags."""

from __future__ import annotations

from datetime import date

from cpchair.services import caseload as cl
from cpchair.services import conferences as svc

from .records import child, valid_answers

TODAY = date(2027, 6, 21)  # a Monday


def _complete(session, answers) -> str:
    cid = svc.create(session, answers)
    svc.complete(session, cid)
    return cid


def _by_ref(entries):
    return {e.case_ref: e for e in entries}


def test_latest_complete_conference_decides_who_is_on_a_plan(session):
    # Amy: plan started 10/03/2026, continued 09/06/2026 -> on a plan 15 months, review due 09/12/2026: overdue.
    _complete(
        session, valid_answers("initial", "2026-03-10", [child("A1", "Amy", "plan_started", plan_start="2026-03-10")])
    )
    amy_review = _complete(
        session,
        valid_answers("review", "2026-06-09", [child("A1", "Amy", "plan_continues", plan_start="2026-03-10")]),
    )
    # Ben: on a plan since 2025, but his latest review ended it.
    _complete(
        session,
        valid_answers(
            "initial", "2025-03-10", [child("B1", "Ben", "plan_started", plan_start="2025-03-10")], family_ref="F2"
        ),
    )
    _complete(
        session,
        valid_answers(
            "review", "2025-09-09", [child("B1", "Ben", "plan_ended_cin", plan_start="2025-03-10")], family_ref="F2"
        ),
    )
    # Cara: 18 months exactly, reviewed recently: not overdue.
    _complete(
        session,
        valid_answers(
            "review",
            "2027-06-01",
            [child("C1", "Cara", "plan_continues", category="physical", plan_start="2025-12-21")],
            family_ref="F3",
            family_name="Jones",
        ),
    )
    # Dan: a plan 24+ months.
    _complete(
        session,
        valid_answers(
            "review", "2027-05-04", [child("D1", "Dan", "plan_continues", plan_start="2025-05-20")], family_ref="F4"
        ),
    )
    # Eve: one day short of 15 months: no plan-length flag.
    _complete(
        session,
        valid_answers(
            "review", "2027-06-14", [child("E1", "Eve", "plan_continues", plan_start="2026-03-22")], family_ref="F5"
        ),
    )
    # Fay: only a draft says she is on a plan: a draft is not a decision.
    svc.create(
        session, valid_answers("initial", "2027-06-01", [child("F1", "Fay", "plan_started", plan_start="2027-06-01")])
    )

    entries = cl.caseload(session, TODAY)
    by_ref = _by_ref(entries)
    assert set(by_ref) == {"A1", "C1", "D1", "E1"}

    amy = by_ref["A1"]
    assert amy.conference_id == amy_review
    assert amy.months_on_plan == 15 and amy.plan_start == date(2026, 3, 10)
    assert amy.next_review_due == date(2026, 12, 9)
    assert amy.flags == ("15", cl.OVERDUE) and amy.review_overdue
    assert amy.flag_text == "On plan 15+ months; Review overdue"

    cara = by_ref["C1"]
    assert cara.months_on_plan == 18 and cara.flags == ("18",)
    assert cara.family_name == "Jones" and cara.category_label == "Physical abuse"
    assert not cara.review_overdue

    assert by_ref["D1"].flags == ("24",) and by_ref["D1"].months_on_plan == 25
    assert by_ref["E1"].months_on_plan == 14 and by_ref["E1"].flags == ()
    # Longest plans first.
    assert [e.case_ref for e in entries] == ["D1", "C1", "A1", "E1"]


def test_deleted_conference_no_longer_puts_a_child_on_the_caseload(session):
    cid = _complete(session, valid_answers("initial", "2027-06-01"))
    assert [e.case_ref for e in cl.caseload(session, TODAY)] == ["C1"]
    svc.delete(session, cid)
    assert cl.caseload(session, TODAY) == []


def test_completed_record_edited_back_to_draft_drops_out(session):
    cid = _complete(session, valid_answers("initial", "2027-06-01"))
    answers = svc.get(session, cid).answers
    answers["conference_date"] = None  # now invalid: the conference returns to draft
    svc.save(session, cid, answers)
    assert cl.caseload(session, TODAY) == []


def test_initial_plan_review_due_three_months_and_overdue_the_day_after():
    due = date(2026, 6, 10)
    assert cl.plan_flags(3, due, date(2026, 6, 10)) == ()
    assert cl.plan_flags(3, due, date(2026, 6, 11)) == (cl.OVERDUE,)


def test_months_between_counts_calendar_months():
    assert cl.months_between(date(2026, 1, 31), date(2026, 2, 28)) == 1
    assert cl.months_between(date(2026, 1, 31), date(2026, 2, 27)) == 0
    assert cl.months_between(date(2025, 3, 10), date(2026, 6, 9)) == 14
    assert cl.months_between(date(2025, 3, 10), date(2026, 6, 10)) == 15
    assert cl.months_between(date(2026, 6, 10), date(2026, 1, 1)) == 0


def test_plan_flags_show_highest_threshold_reached():
    today = date(2027, 1, 1)
    assert cl.plan_flags(14, None, today) == ()
    assert cl.plan_flags(15, None, today) == ("15",)
    assert cl.plan_flags(17, None, today) == ("15",)
    assert cl.plan_flags(18, None, today) == ("18",)
    assert cl.plan_flags(23, None, today) == ("18",)
    assert cl.plan_flags(24, date(2026, 12, 31), today) == ("24", cl.OVERDUE)


def test_latest_conference_dates_per_family(session):
    _complete(session, valid_answers("initial", "2026-03-10", family_ref="F1"))
    _complete(session, valid_answers("review", "2026-06-09", family_ref="F1"))
    svc.create(session, valid_answers("review", "2026-12-08", family_ref="F1"))  # a draft replaces nothing
    _complete(session, valid_answers("initial", "2026-04-07", family_ref="F2"))
    assert cl.latest_conference_dates(session, {"F1", "F2", "F3", ""}) == {
        "F1": date(2026, 6, 9),
        "F2": date(2026, 4, 7),
    }
    assert cl.latest_conference_dates(session, ["F1", "F2"], after=date(2026, 4, 7)) == {"F1": date(2026, 6, 9)}
    assert cl.latest_conference_dates(session, []) == {}


# --- questionnaire version 2 -------------------------------------------------------------------------------


def test_a_plan_taken_over_at_a_transfer_in_counts_from_its_real_start(session):
    answers = valid_answers("transfer_in", "2027-03-02", [child("T1", "Tia", "plan_started")])
    answers["children"][0]["original_plan_start_date"] = "2025-06-01"
    _complete(session, answers)
    tia = _by_ref(cl.caseload(session, TODAY))["T1"]
    assert tia.plan_start == date(2025, 6, 1) and tia.started_elsewhere
    assert tia.months_on_plan == 24 and "24" in tia.flags  # not 3 months, as the local start would say
    assert tia.plan_start_text == "01/06/2025 (in another authority)"


def test_a_plan_ended_without_a_conference_leaves_the_caseload_from_that_date(session):
    answers = valid_answers("initial", "2027-03-02", [child("E1", "Eli", "plan_started")])
    answers["children"][0].update(plan_end_reason="moved_to_other_authority", plan_end_date="2027-05-10")
    cid = _complete(session, answers)
    assert "E1" in _by_ref(cl.caseload(session, date(2027, 5, 9)))
    assert "E1" not in _by_ref(cl.caseload(session, TODAY))
    [ended] = cl.ended_without_conference(session, TODAY)
    assert (ended.case_ref, ended.reason_label, ended.ended_on, ended.conference_id) == (
        "E1",
        "Moved to another authority",
        date(2027, 5, 10),
        cid,
    )
    assert session.get(svc.Conference, cid).next_review_due is None  # no review is due for an ended plan


def test_the_local_review_target_is_flagged_before_the_statutory_date_and_follows_the_setting(session):
    from cpchair import settings

    review = valid_answers("review", "2027-01-05", [child("L1", "Lou", "plan_continues", plan_start="2026-07-07")])
    cid = _complete(session, review)
    row = session.get(svc.Conference, cid)
    assert (row.next_review_due, row.next_review_local_due) == (date(2027, 7, 5), date(2027, 7, 5))
    assert cl.caseload(session, TODAY)[0].flags == ()
    settings.put(session, "review_interval_months", 5)
    assert svc.recompute_review_targets(session) >= 1
    session.refresh(row)
    assert (row.next_review_due, row.next_review_local_due) == (date(2027, 7, 5), date(2027, 6, 5))
    [lou] = cl.caseload(session, TODAY)
    assert lou.flags == ("past_local_target",) and lou.flag_text == "Past the local review target"
    # the review itself keeps the due date it was held against, and whether it was late
    held = svc.get(session, cid).answers  # previous conference 05/10/2026, second review: due 6 months on
    assert (held["review_due_date"], held["review_within_timescale"]) == ("2027-04-05", True)


def test_a_pre_birth_plan_continues_after_birth_without_a_new_plan(session):
    pre = valid_answers("pre_birth_initial", "2026-11-03", [child("B1", "Baby Ash", "plan_started")])
    pre["children"][0].update(unborn=True, age_years=None)
    _complete(session, pre)
    born = valid_answers(
        "review", "2027-02-02", [child("B1", "Ash", "plan_continues", plan_start="2026-11-03")], family_ref="FAM-1"
    )
    born["children"][0].update(unborn=False, age_years=0)
    born.update(review_number=1, previous_conference_date="2026-11-03")
    cid = _complete(session, born)
    [ash] = cl.caseload(session, TODAY)
    assert (ash.case_ref, ash.child_name, ash.plan_start, ash.conference_id) == ("B1", "Ash", date(2026, 11, 3), cid)
    assert ash.months_on_plan == 7  # one plan, from the pre-birth conference
