"""Valid questionnaire answers for tests: a record that ``complete`` accepts unless a test spoils it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from cpchair.domain import dates, rules
from cpchair.domain.questionnaire import load
from cpchair.services.conferences import blank_answers, blank_child


def child(
    case_ref: str, name: str, decision: str, *, category: str | None = "neglect", plan_start: str | None = None
) -> dict[str, Any]:
    c = blank_child()
    c.update(case_ref=case_ref, name=name, unborn=False, age_years=6, decision=decision, plan_sequence="first")
    if decision in load().group("plan_decisions"):
        c["category"] = category
    c["plan_start_date"] = plan_start
    return c


def valid_answers(
    conference_type: str = "initial",
    conference_date: str = "2026-03-10",
    children: list[dict[str, Any]] | None = None,
    *,
    family_ref: str = "FAM-1",
    family_name: str = "Smith",
) -> dict[str, Any]:
    """A complete, valid record. Initial conferences get a strategy discussion a week before (in timescale)."""
    q = load()
    a = blank_answers(conference_type)
    a.update(family_ref=family_ref, family_name=family_name, conference_date=conference_date)
    if conference_type in q.group("strategy_required_types"):
        a["strategy_discussion_date"] = (date.fromisoformat(conference_date) - timedelta(days=7)).isoformat()
    if children is None:
        if conference_type == "review":
            children = [child("C1", "Amy", "plan_continues", plan_start="2025-09-10")]
        else:
            children = [child("C1", "Amy", "plan_started", plan_start=conference_date)]
    a["children"] = children
    a["quality"] = {k: next(iter(q.codes[k])) for k in q.quality_keys}
    day = date.fromisoformat(conference_date)
    if conference_type == "review":  # the review follows a conference three months before
        a.update(review_number=2, previous_conference_date=dates.add_months(day, -3).isoformat())
    elif conference_type == "transfer_in":
        a["transfer_notified_date"] = (day - timedelta(days=14)).isoformat()
        for c in children:
            if c.get("decision") == "plan_started":
                c["original_plan_start_date"] = (day - timedelta(days=200)).isoformat()
    elif conference_type == "pre_birth_initial":
        a["expected_delivery_date"] = (day + timedelta(weeks=10)).isoformat()
    return rules.normalise(a)  # as a save stores it: the derived answers (quorum) worked out
