"""Which answers apply, given the others: the form's show/hide logic, kept free of Qt so it is easy to test.

Why one module decides both what the form shows and what it saves: a question the chair cannot see must
not keep an answer in the record (spec §4: a category is null unless the child is on a plan, a reason is
recorded only for an adult not invited, ...). The same predicate hides the widget and nulls the value, so
the two can never disagree. Hidden widgets keep what was typed, so flipping a decision back restores it.
"""

from __future__ import annotations

import copy
from typing import Any

from cpchair.domain.questionnaire import Questionnaire, load
from cpchair.domain.validation import EA_CHECK_CATEGORY, emotional_abuse_issues


def decision_list(record: dict[str, Any]) -> str:
    return "decision_review" if record.get("conference_type") == "review" else "decision_initial"


def delay_applies(record: dict[str, Any], q: Questionnaire | None = None) -> bool:
    return record.get("conference_type") in (q or load()).group("timed_types")


def on_plan(child: dict[str, Any], q: Questionnaire | None = None) -> bool:
    return child.get("decision") in (q or load()).group("plan_decisions")


def plan_start_applies(record: dict[str, Any], child: dict[str, Any]) -> bool:
    """A plan started here (its start is the conference date), or any review (the plan began earlier)."""
    return child.get("decision") == "plan_started" or record.get("conference_type") == "review"


def plan_start_fixed(child: dict[str, Any]) -> bool:
    """A plan started at this conference starts on the conference date: the form fills it in."""
    return child.get("decision") == "plan_started"


def age_applies(child: dict[str, Any]) -> bool:
    return child.get("unborn") is not True


def reason_applies(adult: dict[str, Any]) -> bool:
    return adult.get("invited") is False


def agency_details_apply(entry: dict[str, Any]) -> bool:
    return entry.get("invited") is True


def ea_check_stands(record: dict[str, Any], child: dict[str, Any], q: Questionnaire | None = None) -> bool:
    """An emotional-abuse answer stays only while it still describes the child's category and the issues."""
    check = child.get("emotional_abuse_check")
    if check not in EA_CHECK_CATEGORY:
        return check is None
    return (
        emotional_abuse_issues(record.get("issues"), q)
        and on_plan(child, q)
        and EA_CHECK_CATEGORY[check] == child.get("category")
    )


def normalise(record: dict[str, Any], q: Questionnaire | None = None) -> dict[str, Any]:
    """A copy of ``record`` with every answer that does not apply set to None, and the answers the form
    derives (plan start = conference date, attendance 'Not invited') filled in."""
    q = q or load()
    rec = copy.deepcopy(record)
    if not delay_applies(rec, q):
        rec["delay_reason"] = None
    for child in rec.get("children") or []:
        if not age_applies(child):
            child["age_years"] = None
        if not on_plan(child, q):
            child["category"] = None
        if plan_start_fixed(child):
            child["plan_start_date"] = rec.get("conference_date")
        elif not plan_start_applies(rec, child):
            child["plan_start_date"] = None
        if not ea_check_stands(rec, child, q):
            child["emotional_abuse_check"] = None
    for adult in rec.get("adults") or []:
        if reason_applies(adult):
            adult["attendance"] = "not_invited"
        else:
            adult["not_invited_reason"] = None
            if adult.get("attendance") == "not_invited":
                adult["attendance"] = None
    for entry in rec.get("agencies") or []:
        if not agency_details_apply(entry):
            entry["attendance"] = None
            entry["report"] = None
    return rec
