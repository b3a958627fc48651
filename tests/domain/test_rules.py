"""The form's show/hide rules (cpchair.domain.rules, no Qt): what does not apply is saved as null, and what
the form derives is filled in, so a record saved from the form never breaks a rule by leftover answers."""

from __future__ import annotations

from cpchair.domain import rules
from cpchair.domain.validation import errors
from cpchair.services import conferences


def record(ctype="initial", **child):
    a = conferences.blank_answers(ctype)
    a.update(conference_date="2025-03-14", strategy_discussion_date="2025-03-03")
    a["children"][0].update(age_years=5, plan_sequence="first", **child)
    a["quality"] = {k: "not_applicable" for k in a["quality"]}
    a["quality"].update(sw_report_to_chair="on_the_day", interpreter="not_required", dissent="none")
    return a


def test_a_plan_started_here_starts_on_the_conference_date():
    rec = rules.normalise(record(decision="plan_started", category="sexual", plan_start_date=None))
    assert rec["children"][0]["plan_start_date"] == "2025-03-14"
    assert errors(rec) == []


def test_no_plan_means_no_category_and_no_plan_start():
    rec = rules.normalise(record(decision="no_plan_cin", category="neglect", plan_start_date="2025-03-14"))
    assert (rec["children"][0]["category"], rec["children"][0]["plan_start_date"]) == (None, None)
    assert errors(rec) == []


def test_a_review_keeps_the_plan_start_the_chair_typed():
    rec = record("review", decision="plan_continues", category="neglect", plan_start_date="2024-12-02")
    rec["strategy_discussion_date"] = None
    assert rules.normalise(rec)["children"][0]["plan_start_date"] == "2024-12-02"
    assert rules.plan_start_applies(rec, rec["children"][0]) and not rules.plan_start_fixed(rec["children"][0])


def test_an_unborn_child_has_no_age_and_only_initial_conferences_keep_a_delay_reason():
    rec = record(unborn=True, decision="no_plan_nfa")
    rec["delay_reason"] = "other"
    out = rules.normalise(rec)
    assert out["children"][0]["age_years"] is None and out["delay_reason"] == "other"
    rec["conference_type"] = "transfer_in"
    assert rules.normalise(rec)["delay_reason"] is None


def test_attendance_follows_the_invitation():
    rec = record(decision="no_plan_nfa")
    rec["adults"] = [dict(conferences.blank_adult(), relationship="birth_father", invited=False, attendance=None)]
    rec["adults"][0]["not_invited_reason"] = "in_prison"
    out = rules.normalise(rec)
    assert out["adults"][0]["attendance"] == "not_invited"
    rec["adults"][0].update(invited=True, attendance="not_invited")
    out = rules.normalise(rec)
    assert (out["adults"][0]["attendance"], out["adults"][0]["not_invited_reason"]) == (None, None)


def test_an_agency_not_invited_keeps_no_attendance_or_report():
    rec = record(decision="no_plan_nfa")
    rec["agencies"] = [{"agency": "gp", "invited": False, "attendance": "attended", "report": "late"}]
    assert rules.normalise(rec)["agencies"][0] == {"agency": "gp", "invited": False, "attendance": None, "report": None}


def test_an_emotional_abuse_answer_goes_when_it_no_longer_fits():
    rec = record(decision="plan_started", category="neglect", emotional_abuse_check="changed_to_neglect")
    rec["issues"] = ["domestic_abuse", "parental_drug_misuse"]
    assert rules.normalise(rec)["children"][0]["emotional_abuse_check"] == "changed_to_neglect"
    rec["children"][0]["category"] = "physical"
    assert rules.normalise(rec)["children"][0]["emotional_abuse_check"] is None
    rec["children"][0].update(category="neglect", emotional_abuse_check="changed_to_neglect")
    rec["issues"] = ["domestic_abuse"]
    assert rules.normalise(rec)["children"][0]["emotional_abuse_check"] is None


def test_normalise_does_not_change_its_argument():
    rec = record(decision="no_plan_cin", category="neglect")
    rules.normalise(rec)
    assert rec["children"][0]["category"] == "neglect"
