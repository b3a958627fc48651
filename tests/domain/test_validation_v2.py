"""What questionnaire version 2 adds, rule by rule: each case a chair records, the answers the rules work out
(quorum, due dates, weeks before delivery), and what is refused, by the problem's code (never its words)."""

from __future__ import annotations

import copy

import pytest

from cpchair.domain import rules
from cpchair.domain.local_rules import completion_problems, local_problems
from cpchair.domain.questionnaire import load
from cpchair.domain.validation import errors, validate_record
from tests.services.records import child, valid_answers


def codes(answers) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in completion_problems(answers):
        out.setdefault(p.path, []).append(p.code)
    return out


def saved(answers, interval: int = 6):
    return rules.normalise(answers, local_interval_months=interval)


def agencies(*attended: str):
    q = load()
    return [q.blank_entry("agencies", agency=a, attendance="attended", report="on_time") for a in attended]


def review(**changes):
    a = valid_answers("review", "2026-03-10", [child("C1", "Amy", "plan_continues", plan_start="2025-09-10")])
    a.update(changes)
    return saved(a)


def test_version_2_keeps_every_version_1_code_with_its_meaning():
    v1, v2 = load(1), load(2)
    for name, items in v1.codes.items():
        assert set(items) <= set(v2.codes[name]), name
        for code, label in items.items():
            assert v2.codes[name][code] == label, (name, code)
    assert v1.version == 1 and v2.version == 2


def test_the_quorum_is_worked_out_from_attendance_and_says_why_not():
    a = valid_answers()
    a["agencies"] = agencies("police", "school")
    assert (saved(a)["quorate"], saved(a)["not_quorate_reason"]) == (True, None)
    a["social_worker_attendance"], a["team_manager_attendance"] = "apologies", "not_invited"
    assert (saved(a)["quorate"], saved(a)["not_quorate_reason"]) == (False, "no_social_care")
    a["team_manager_attendance"] = "attended_virtually"  # the team manager is children's social care too
    assert saved(a)["quorate"] is True
    a["agencies"] = agencies("police")
    assert saved(a)["not_quorate_reason"] == "too_few_agencies"
    typed = saved(a) | {"quorate": True}  # typed against the attendance: refused
    assert codes(typed)["quorate"] == ["derived_mismatch"]
    assert codes(saved(a)) == {}  # not quorate never blocks completing


def test_multiple_records_at_least_two_of_its_categories():
    a = valid_answers(children=[child("C1", "Amy", "plan_started", category="multiple")])
    assert codes(saved(a))["children[0].category_components"] == ["components_required"]
    a["children"][0]["category_components"] = ["neglect", "physical"]
    assert codes(saved(a)) == {}
    a["children"][0]["category"] = "neglect"  # no longer multiple: the components are blanked on save
    assert saved(a)["children"][0]["category_components"] == []


def test_the_category_a_plan_started_with_is_kept_and_a_change_at_review_is_recorded():
    a = valid_answers(children=[child("C1", "Amy", "plan_started", category="physical")])
    assert saved(a)["children"][0]["category_at_plan_start"] == "physical"
    r = review()
    r["children"][0].update(category="neglect", category_changed_from="emotional", category_at_plan_start="emotional")
    assert codes(saved(r)) == {}
    r["children"][0]["category_changed_from"] = "neglect"  # from itself: not a change, blanked on save
    assert saved(r)["children"][0]["category_changed_from"] is None
    assert codes(r)["children[0].category_changed_from"] == ["category_changed_same"]


def test_a_review_knows_its_due_dates_and_keeps_its_lateness():
    first = review(review_number=1, previous_conference_date="2025-12-09")  # 3 months: due 09/03/2026
    assert (first["review_due_date"], first["review_within_timescale"]) == ("2026-03-09", False)
    later = review(review_number=2, previous_conference_date="2025-09-10")  # 6 months: due 10/03/2026
    assert (later["review_due_date"], later["review_within_timescale"]) == ("2026-03-10", True)
    local = saved(later, interval=5)  # a local 5 months is a second target, not a replacement
    assert (local["review_due_date"], local["review_within_timescale"]) == ("2026-03-10", True)
    assert (local["review_local_due_date"], local["review_within_local_target"]) == ("2026-02-10", False)
    assert codes(first) == {} and codes(local) == {}  # late is recorded, never blocking
    forged = copy.deepcopy(first) | {"review_within_timescale": True}
    assert codes(forged)["review_due_date"] == ["derived_mismatch"]


def test_a_review_needs_the_conference_it_follows():
    r = review(previous_conference_date=None)
    assert codes(r)["previous_conference_date"] == ["required"]
    r = review(previous_conference_date="2026-03-10")
    assert codes(r)["previous_conference_date"] == ["previous_conference_not_before"]


def test_pre_birth_keeps_the_expected_date_local_and_exports_the_weeks_before_it():
    a = valid_answers("pre_birth_initial", "2026-03-10", [child("U1", "Baby", "plan_started")])
    a["children"][0].update(unborn=True, age_years=None)
    a["expected_delivery_date"] = "2026-05-20"  # 10 weeks and 1 day after the conference
    assert saved(a)["weeks_before_edd"] == 10
    assert "expected_delivery_date" in load().local_keys()
    a["expected_delivery_date"] = None
    assert [p.code for p in local_problems(saved(a))] == ["edd_required"]
    a["expected_delivery_date"] = "2026-03-01"
    assert [p.code for p in local_problems(saved(a))] == ["edd_before_conference"]


def test_transfer_in_records_when_the_service_was_told_and_the_real_plan_start():
    a = valid_answers("transfer_in", "2026-03-10")
    assert codes(a) == {}
    assert a["children"][0]["original_plan_start_date"] < a["children"][0]["plan_start_date"]
    b = copy.deepcopy(a)
    b["transfer_notified_date"] = "2026-03-11"
    assert codes(b)["transfer_notified_date"] == ["transfer_notified_after"]
    b = copy.deepcopy(a)
    b["children"][0]["original_plan_start_date"] = None
    assert codes(b)["children[0].original_plan_start_date"] == ["required"]
    b["children"][0]["original_plan_start_date"] = "2026-04-01"
    assert codes(b)["children[0].original_plan_start_date"] == ["original_start_after"]


def test_a_plan_can_end_without_a_conference_with_a_reason_and_a_date():
    a = valid_answers()
    a["children"][0].update(plan_end_reason="became_looked_after", plan_end_date="2026-04-20")
    assert codes(saved(a)) == {}
    a["children"][0]["plan_end_date"] = None
    assert codes(saved(a))["children[0].plan_end_reason"] == ["plan_end_needs"]
    a["children"][0]["plan_end_date"] = "2026-01-01"
    assert codes(saved(a))["children[0].plan_end_date"] == ["plan_end_before"]
    no_plan = valid_answers(children=[child("C1", "Amy", "no_plan_cin")])
    no_plan["children"][0].update(plan_end_reason="died", plan_end_date="2026-04-20")
    assert codes(no_plan)["children[0].plan_end_reason"] == ["plan_end_not_applicable"]
    assert saved(no_plan)["children"][0]["plan_end_reason"] is None  # blanked on save


def test_an_adjourned_conference_has_its_reason_its_reconvene_date_and_no_decision_yet():
    a = valid_answers()
    a["adjourned"] = True
    s = saved(a)
    assert s["children"][0]["decision"] == "adjourned" and s["children"][0]["category"] is None
    assert codes(s)["adjournment_reason"] == ["adjournment_needs"]
    a.update(adjournment_reason="information_missing", reconvene_date="2026-03-24")
    assert codes(saved(a)) == {}
    a["reconvene_date"] = "2026-03-10"
    assert codes(saved(a))["reconvene_date"] == ["reconvene_not_after"]
    r = review(adjourned=True, adjournment_reason="agency_absent", reconvene_date="2026-03-17")
    assert r["children"][0]["decision"] == "plan_continues" and codes(r) == {}  # the plan stands meanwhile
    not_adjourned = valid_answers()
    not_adjourned["children"][0]["decision"] = "adjourned"
    assert codes(not_adjourned)["children[0].decision"] == ["adjourned_decision_only"]


def test_adults_excluded_by_the_chair_and_the_rationale_for_not_relevant():
    q = load()
    a = valid_answers()
    father = q.blank_entry("adults", name="Dad", relationship="birth_father", attendance="excluded_by_chair")
    a["adults"] = [father]
    assert codes(saved(a))["adults[0].exclusion_reason"] == ["exclusion_reason_required"]
    father["exclusion_reason"] = "risk_of_violence"
    assert codes(saved(a)) == {}
    other = q.blank_entry("adults", name="X", relationship="other_male_carer", invited=False)
    other["not_invited_reason"] = "not_relevant"
    a["adults"] = [other]
    assert codes(saved(a))["adults[0].not_relevant_rationale"] == ["not_relevant_rationale_required"]
    other["not_relevant_rationale"] = "No contact with the child for ten years."
    assert codes(saved(a)) == {}
    assert "not_relevant_rationale" in q.local_keys("adults")


def test_dissent_names_who_and_links_to_the_escalation():
    q = load()
    a = valid_answers()
    a["quality"]["dissent"] = "professional"
    assert codes(saved(a))["dissent_agencies"] == ["dissent_agencies_required"]
    a["dissent_agencies"] = ["school"]
    esc = q.blank_entry(
        "escalations", type="formal_escalation", subject="threshold_or_category", stage=2, raised_on="2026-03-11"
    )
    esc.update(directed_at="childrens_social_care", from_dissent=True)
    a["escalations"] = [esc]
    assert codes(saved(a)) == {}
    esc.update(status="resolved")
    assert codes(saved(a))["escalations[0].resolved_on"] == ["resolved_needs"]
    esc.update(resolved_on="2026-03-01", outcome="agreed")
    assert codes(saved(a))["escalations[0].resolved_on"] == ["resolved_before_raised"]
    a["quality"]["dissent"] = "none"  # no professional dissent: who and the link are blanked on save
    s = saved(a)
    assert s["dissent_agencies"] == [] and s["escalations"][0]["from_dissent"] is False


def test_the_emotional_abuse_prompt_never_blames_the_abused_parent_and_never_blocks():
    text = load().guidance["emotional_abuse"].text
    assert "in their own right (Domestic Abuse Act 2021)" in text
    assert "never hold the abused parent responsible" in text
    assert "poor parenting" not in load().guidance["emotional_abuse"].text
    assert "poor parenting" in load(1).guidance["emotional_abuse"].text  # version 1 stays as published
    a = valid_answers(children=[child("C1", "Amy", "plan_started", category="emotional")])
    a["issues"] = ["domestic_abuse", "parental_mental_health"]
    assert codes(saved(a)) == {}  # unanswered: still completes
    a["children"][0]["emotional_abuse_check"] = "confirmed"
    assert saved(a)["children"][0]["emotional_abuse_check"] == "confirmed"


@pytest.mark.parametrize("version", [1, 2])
def test_every_problem_carries_the_code_of_its_rule(version):
    q = load(version)
    broken = {"questionnaire_version": version, "conference_type": "initial", "children": [{}], "quality": {}}
    problems = validate_record(broken)
    assert problems and all(p.code for p in problems)
    assert {p.code for p in problems} <= set(q.messages) | {"bad_code", "bank_holiday"}
    for p in problems:
        if p.code in q.messages and "{" not in q.messages[p.code]:
            assert p.message == q.message(p.code)


def test_a_conference_carried_from_version_1_is_not_asked_the_new_questions():
    a = valid_answers("review", "2026-03-10", [child("C1", "Amy", "plan_continues", plan_start="2025-09-10")])
    for key in ("review_number", "previous_conference_date", "social_worker_attendance", "team_manager_attendance"):
        a[key] = None
    assert {p.path for p in errors(saved(a))} >= {"review_number", "social_worker_attendance"}
    a["carried_from_version"] = 1
    a["quorate"] = True  # typed in version 1: kept, since no attendance says otherwise
    assert codes(saved(a)) == {} and saved(a)["quorate"] is True
