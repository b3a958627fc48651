"""Valid, varied questionnaire answers for the export tests, with recognisable local-only values.

Every local field holds a string containing ``SECRET`` so a test can assert that no byte of it reaches
an export file. Imported as ``interchange.answers`` (``tests/`` is on sys.path via its conftest).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from cpchair.domain import rules
from cpchair.domain.questionnaire import load
from cpchair.services import conferences as svc

SECRET = "SECRET"


def varied_answers(i: int = 0, conference_type: str | None = None) -> dict[str, Any]:
    """A complete record that exercises every part of the questionnaire (adults, agencies, escalations)."""
    q = load()
    types = ("initial", "review", "pre_birth_initial", "transfer_in")
    ctype = conference_type or types[i % len(types)]
    conf = date(2025, 4, 8) + timedelta(weeks=i % 100)  # always a Tuesday
    a = svc.blank_answers(ctype)
    a.update(
        family_ref=f"{SECRET}-FAM-{i}",
        family_name=f"{SECRET} Family {i}",
        notes=f"{SECRET} notes: the chair's own words {i}",
        conference_date=conf.isoformat(),
        quorate=True,
        issues=["domestic_abuse", "parental_mental_health"] if i % 2 else [],
    )
    if ctype in q.group("strategy_required_types"):
        a["strategy_discussion_date"] = (conf - timedelta(days=7)).isoformat()
    kids = []
    for n in range(1 + i % 2):
        c = svc.blank_child()
        c.update(case_ref=f"{SECRET}-C-{i}-{n}", name=f"{SECRET} Child {n}", unborn=False, age_years=3 + n)
        c["plan_sequence"] = "first"
        if ctype == "review":
            c.update(
                decision="plan_continues", category="neglect", plan_start_date=(conf - timedelta(days=180)).isoformat()
            )
        else:
            c.update(decision="plan_started", category="neglect", plan_start_date=conf.isoformat())
        c["participation"] = "pn0"
        kids.append(c)
    a["children"] = kids
    mother = svc.blank_adult()
    mother.update(name=f"{SECRET} Mother", relationship="mother", invited=True, attendance="attended_all")
    mother["engaged_agencies"] = ["gp", "health_visitor"]
    father = svc.blank_adult()
    father.update(name=f"{SECRET} Father", relationship="birth_father", invited=False, attendance="not_invited")
    father["not_invited_reason"] = "whereabouts_unknown"
    a["adults"] = [mother, father]
    police = svc.blank_agency("police")
    police.update(attendance="attended", report="on_time")
    gp = svc.blank_agency("gp")
    gp.update(invited=False)
    a["agencies"] = [police, gp]
    escalation = svc.blank_escalation()
    escalation.update(
        type="practice_alert", subject="drift_or_delay", directed_at="childrens_social_care", raised_on=conf.isoformat()
    )
    a["escalations"] = [escalation]
    a["quality"] = {k: next(iter(q.codes[k])) for k in q.quality_keys}
    if ctype == "review":
        a.update(review_number=2, previous_conference_date=(conf - timedelta(days=150)).isoformat())
    if ctype == "transfer_in":
        a["transfer_notified_date"] = (conf - timedelta(days=14)).isoformat()
        for c in a["children"]:
            c["original_plan_start_date"] = (conf - timedelta(days=200)).isoformat()
    if ctype == "pre_birth_initial":
        a["expected_delivery_date"] = (conf + timedelta(weeks=10)).isoformat()
    return rules.normalise(a)  # as a save stores it


def add_completed(session, n: int = 1, start: int = 0) -> list[str]:
    """``n`` completed conferences; returns their ids."""
    ids = []
    for i in range(start, start + n):
        cid = svc.create(session, varied_answers(i))
        svc.complete(session, cid)
        ids.append(cid)
    return ids
