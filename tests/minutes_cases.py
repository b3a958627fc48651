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


ADDRESS = "14 Elm Grove, Anytown"
GRANDMOTHER = "Maternal grandmother lives locally and is in regular contact."
POLICE_TEXT = "Police intelligence: the address is flagged for a MARAC safety plan."
PART_ONE = "In her part Anna Kowalska said the children are frightened of the shouting."
PART_TWO = "In his part Jake Brown said he will attend the perpetrator programme."


def restricted_case() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """An initial conference whose minutes withhold things from the father, the family and the young person:
    (answers, minutes, local record data). Adult 3 was not invited because the mother would not give details."""
    from cpchair.services.conferences import blank_adult

    answers = answers_for("initial")
    partner = blank_adult()
    partner.update(
        name="Lee Smith",
        relationship="male_partner_not_in_household",
        invited=False,
        attendance="not_invited",
        not_invited_reason="mother_unwilling",
    )
    answers["adults"].append(partner)
    mins = minutes_for(answers)
    assert GRANDMOTHER in mins["household"]
    mins["agency_contributions"]["police"] = POLICE_TEXT
    father = {"adult:2": "Jake Brown (Birth father)"}
    local = {
        "facts": {
            "address": ADDRESS,
            "social_worker": "Sarah Okafor",
            "team_manager": "Claire Douglas",
            "s47_outcome": "significant_harm",
            "review_date": "2026-06-10",
            "review_time": "10:00",
            "review_venue": "Meeting Room 2, Civic Centre",
            "children": [{"dob": "2018-09-01", "edd": ""}, {"dob": "2022-11-30", "edd": ""}],
        },
        "attendees": [
            {"name": "Sarah Okafor", "role": "Social worker", "agency": "csc", "attendance": "attended"},
            {"name": "DC Mark Ellis", "role": "Detective constable", "agency": "police", "attendance": "attended"},
            {"name": "Sam Hale", "role": "IDVA", "agency": "domestic_abuse_service", "attendance": "attended"},
            {"name": "Lucy Grant", "role": "Health visitor", "agency": "health_visitor", "attendance": "apologies"},
        ],
        "restrictions": [
            {"ref": "address", "passage": "", "from": ["adult:2"], "names": father},
            {"ref": "text:household", "passage": GRANDMOTHER, "from": ["adult:2"], "names": father},
            {"ref": "attendee:3", "passage": "", "from": ["adult:2"], "names": father},
            {"ref": "contribution:police", "passage": "", "from": ["family"], "names": {}},
            {"ref": "adult:3:reason", "passage": "", "from": ["family"], "names": {}},
            {"ref": "child:1:dob", "passage": "", "from": ["young_person"], "names": {}},
        ],
        "split": [],
        "child_letter": "You were brave to tell Mrs Okafor about the shouting.",
    }
    return answers, mins, local


def split_case() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A review where the parents attended separately: each part's notes go only to the parent who was there."""
    answers = answers_for("review")
    for adult in answers["adults"]:
        adult["attendance"] = "attended_separately"
    mins = minutes_for(answers)
    local = {
        "split": [
            {
                "title": "Part 1: with Anna",
                "attended": ["adult:1"],
                "names": {"adult:1": "Anna Kowalska (Mother)"},
                "sections": ["text:parents_views"],
                "text": PART_ONE,
            },
            {
                "title": "Part 2: with Jake",
                "attended": ["adult:2"],
                "names": {"adult:2": "Jake Brown (Birth father)"},
                "sections": [],
                "text": PART_TWO,
            },
        ]
    }
    return answers, mins, local
