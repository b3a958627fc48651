"""Conferences of every type with filled-in answers, for the minutes tests (services, PDF, CLI, GUI).

Each case is complete and valid by the questionnaire's rules, so what the minutes print is what a chair would
have after finishing the QA form.
"""

from __future__ import annotations

import random
from typing import Any

from cpchair.domain.questionnaire import load
from cpchair.services.conferences import blank_adult, blank_agency, blank_answers, blank_child
from cpchair.services.demo_minutes import demo_minutes

TYPES = ("initial", "pre_birth_initial", "review", "transfer_in")
DATES = {
    "initial": "2026-03-12",
    "pre_birth_initial": "2026-02-04",
    "review": "2026-05-20",
    "transfer_in": "2026-01-15",
}


def _child(name: str, age: int | None, decision: str, category: str | None, start: str | None, **kw) -> dict:
    c = blank_child()
    c.update(
        case_ref=f"C-{name[:3].upper()}",
        name=name,
        unborn=age is None,
        age_years=age,
        decision=decision,
        category=category,
        plan_start_date=start,
        plan_sequence="first",
        participation=None if age is None else ("pn0" if age < 4 else "pn6"),
        **kw,
    )
    return c


def answers_for(conference_type: str, *, plan: bool = True) -> dict[str, Any]:
    """Valid answers for a conference of this type; ``plan=False`` gives a no-plan / plan-ended decision."""
    q = load()
    day = DATES[conference_type]
    a = blank_answers(conference_type)
    a.update(family_ref="FAM-0042", family_name="Kowalski-Brown", conference_date=day, quorate=True)
    if conference_type in q.group("strategy_required_types"):
        a["strategy_discussion_date"] = {"initial": "2026-03-02", "pre_birth_initial": "2026-01-26"}[conference_type]
    if conference_type == "review":
        decision = "plan_continues" if plan else "plan_ended_cin"
        a["children"] = [
            _child("Maja", 7, decision, "neglect" if plan else None, "2025-11-20"),
            _child("Oliver", 3, decision, "neglect" if plan else None, "2025-11-20"),
        ]
    elif conference_type == "pre_birth_initial":
        decision = "plan_started" if plan else "no_plan_cin"
        a["children"] = [_child("", None, decision, "neglect" if plan else None, day if plan else None)]
    else:
        decision = "plan_started" if plan else "no_plan_early_help"
        a["children"] = [
            _child("Maja", 7, decision, "physical" if plan else None, day if plan else None),
            _child("Oliver", 3, decision, "physical" if plan else None, day if plan else None),
        ]
    a["issues"] = ["domestic_abuse", "parental_alcohol_misuse", "housing_financial"]
    mother, father = blank_adult(), blank_adult()
    mother.update(name="Anna Kowalska", relationship="mother", invited=True, attendance="attended_all")
    father.update(name="Jake Brown", relationship="birth_father", invited=True, attendance="did_not_attend")
    a["adults"] = [mother, father]
    agencies = []
    for code, att, rep in (
        ("police", "attended", "on_time"),
        ("school", "attended_virtually", "late"),
        ("health_visitor", "apologies", "on_time"),
        ("gp", "did_not_attend", "none"),
    ):
        ag = blank_agency(code)
        ag.update(attendance=att, report=rep)
        agencies.append(ag)
    a["agencies"] = agencies
    a["quality"] = {k: next(iter(q.codes[k])) for k in q.quality_keys}
    a["quality"]["dissent"] = "parental"
    a["quality"]["interpreter"] = "provided"
    return a


def minutes_for(answers: dict[str, Any], seed: int = 7) -> dict[str, Any]:
    m = demo_minutes(answers, random.Random(seed), "Ruth Adeyemi")
    assert m is not None
    return m
