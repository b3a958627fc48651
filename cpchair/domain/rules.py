"""Which answers apply, given the others, and the answers worked out from others (quorum, due dates, weeks
before delivery). No Qt: the services run ``normalise`` on every save, and the form runs the same
predicates to show and hide its questions.

Why one module decides both what the form shows and what is saved: a question the chair cannot see must
not keep an answer in the record (a category is null unless the child is on a plan, a reason is recorded
only for an adult not invited, ...). The same predicate hides the widget and nulls the value, so the two
can never disagree. Hidden widgets keep what was typed, so flipping a decision back restores it.

Derived answers (``derived = true`` in the definition) are never typed: the quorum is worked out from the
attendance recorded, a review's due dates from the previous conference, the weeks before the expected date
of delivery from that date. The validation checks them again, so a file from elsewhere cannot carry a
quorum its attendance does not support.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from typing import Any

from cpchair.domain import dates
from cpchair.domain.questionnaire import Questionnaire, load

EA_CHECK_CATEGORY = {"confirmed": "emotional", "changed_to_neglect": "neglect", "changed_to_multiple": "multiple"}


def emotional_abuse_issues(issues: Any, q: Questionnaire | None = None) -> bool:
    """True when the family's issues meet the guidance's test: domestic abuse with parental mental health or
    substance misuse."""
    found = set(issues or ())
    return "domestic_abuse" in found and not set((q or load()).group("emotional_abuse_cofactors")).isdisjoint(found)


def decision_list(record: dict[str, Any], q: Questionnaire | None = None) -> str:
    """The decision code list offered for the record's conference type (the definition's ``lists``)."""
    field = (q or load()).field("children.decision")
    if field.lists:
        return field.code_list_for(record.get("conference_type")) or "decision_initial"
    return "decision_review" if record.get("conference_type") == "review" else "decision_initial"


def applies(record: dict[str, Any], key: str, q: Questionnaire | None = None) -> bool:
    """Whether the question ``key`` (dotted) applies to the record's conference type (``types``)."""
    return (q or load()).field(key).applies_to(record.get("conference_type"))


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


def exclusion_applies(adult: dict[str, Any]) -> bool:
    return adult.get("attendance") == "excluded_by_chair"


def rationale_applies(adult: dict[str, Any]) -> bool:
    return reason_applies(adult) and adult.get("not_invited_reason") == "not_relevant"


def agency_details_apply(entry: dict[str, Any]) -> bool:
    return entry.get("invited") is True


def components_apply(child: dict[str, Any]) -> bool:
    return child.get("category") == "multiple"


def category_change_applies(record: dict[str, Any], child: dict[str, Any]) -> bool:
    return record.get("conference_type") == "review" and child.get("decision") == "plan_continues"


def original_start_applies(record: dict[str, Any], child: dict[str, Any]) -> bool:
    """A plan that began in another authority: taken over at a transfer-in, or carried through its reviews."""
    ctype, decision = record.get("conference_type"), child.get("decision")
    if ctype == "transfer_in":
        return decision == "plan_started"
    return ctype == "review" and decision is not None


def adjournment_applies(record: dict[str, Any]) -> bool:
    return record.get("adjourned") is True


def dissent_agencies_apply(record: dict[str, Any], q: Questionnaire | None = None) -> bool:
    q = q or load()
    if "dissent_by_professionals" not in q.groups:
        return False
    return (record.get("quality") or {}).get("dissent") in q.group("dissent_by_professionals")


def resolution_applies(escalation: dict[str, Any]) -> bool:
    return escalation.get("status") == "resolved"


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


# --- derived answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    """The quorum as worked out from attendance: children's social care and at least two other agencies."""

    quorate: bool
    reason: str | None  # a ``not_quorate_reason`` code, None when quorate
    social_care_present: bool
    other_agencies_present: int


def quorum(record: dict[str, Any], q: Questionnaire | None = None) -> Quorum | None:
    """None when the social care attendance was never recorded (a conference carried from version 1, whose
    quorum was typed and stays as recorded)."""
    q = q or load()
    sw, tm = record.get("social_worker_attendance"), record.get("team_manager_attendance")
    if sw is None and tm is None and record.get("carried_from_version") == 1:
        return None
    present = q.group("present")
    csc = sw in present or tm in present
    others = sum(1 for a in record.get("agencies") or () if a.get("invited") is True and a.get("attendance") in present)
    enough = others >= 2
    if csc and enough:
        reason = None
    elif enough:
        reason = "no_social_care"
    elif csc:
        reason = "too_few_agencies"
    else:
        reason = "no_social_care_too_few_agencies"
    return Quorum(reason is None, reason, csc, others)


@dataclass(frozen=True)
class ReviewDue:
    """The due dates a review was held against, and whether it was held within them."""

    due: date
    within: bool
    local_due: date
    within_local: bool


def review_months(review_number: int, local_interval_months: int) -> tuple[int, int]:
    """(statutory, local) months after the previous conference: the first review within 3 months of the
    initial (pre-birth, transfer-in) conference, later ones within 6; the local target applies to the
    later ones and never exceeds the statutory 6 months."""
    if review_number <= 1:
        return dates.FIRST_REVIEW_MONTHS, dates.FIRST_REVIEW_MONTHS
    local = min(local_interval_months, dates.DEFAULT_REVIEW_INTERVAL_MONTHS)
    return dates.DEFAULT_REVIEW_INTERVAL_MONTHS, local


def review_due(
    record: dict[str, Any], local_interval_months: int = dates.DEFAULT_REVIEW_INTERVAL_MONTHS
) -> ReviewDue | None:
    if record.get("conference_type") != "review":
        return None
    previous = _iso(record.get("previous_conference_date"))
    conf = _iso(record.get("conference_date"))
    number = record.get("review_number")
    if previous is None or conf is None or number.__class__ is not int or number < 1:
        return None
    statutory, local = review_months(number, local_interval_months)
    due = dates.add_months(previous, statutory)
    local_due = dates.add_months(previous, local)
    return ReviewDue(due, conf <= due, local_due, conf <= local_due)


def weeks_before_edd(conference: date | None, edd: date | None) -> int | None:
    """Whole weeks from the pre-birth conference to the expected date of delivery (None when unknown or
    not after the conference)."""
    if conference is None or edd is None or edd <= conference:
        return None
    return min((edd - conference).days // 7, 42)


def _iso(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return dates.parse_iso(value) if isinstance(value, str) else None
    except ValueError:
        return None


# --- the whole record ----------------------------------------------------------------------------------


def normalise(
    record: dict[str, Any],
    q: Questionnaire | None = None,
    *,
    local_interval_months: int = dates.DEFAULT_REVIEW_INTERVAL_MONTHS,
) -> dict[str, Any]:
    """A copy of ``record`` with every answer that does not apply blanked, and the answers the rules
    derive (plan start = conference date, attendance 'Not invited', the quorum, due dates) filled in.
    Works for version 1 answers too (the version 2 parts are skipped when the definition lacks them)."""
    q = q or load()
    rec = copy.deepcopy(record)
    ctype = rec.get("conference_type")
    v2 = q.version >= 2
    if v2:
        for f in q.all_fields():
            if f.types and not f.applies_to(ctype) and f.key in rec:
                rec[f.key] = [] if f.kind == "multi" else ("" if f.kind == "text" else None)
    if not delay_applies(rec, q):
        rec["delay_reason"] = None
    adjourned = v2 and adjournment_applies(rec)
    for child in rec.get("children") or []:
        if v2:
            if adjourned and ctype == "review":
                child["decision"] = "plan_continues"
            elif adjourned:
                child["decision"] = "adjourned"
            elif child.get("decision") == "adjourned":
                child["decision"] = None
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
        if v2:
            for sub in q.field("children").fields:
                if sub.types and not sub.applies_to(ctype):
                    child[sub.key] = [] if sub.kind == "multi" else None
            if not components_apply(child):
                child["category_components"] = []
            if child.get("decision") == "plan_started":
                child["category_at_plan_start"] = child.get("category")
            elif ctype != "review" or child.get("decision") is None:
                child["category_at_plan_start"] = None
            if not category_change_applies(rec, child) or child.get("category_changed_from") == child.get("category"):
                child["category_changed_from"] = None
            if not original_start_applies(rec, child):
                child["original_plan_start_date"] = None
            if not on_plan(child, q):
                child["plan_end_reason"] = None
                child["plan_end_date"] = None
    for adult in rec.get("adults") or []:
        if reason_applies(adult):
            adult["attendance"] = "not_invited"
        else:
            adult["not_invited_reason"] = None
            if adult.get("attendance") == "not_invited":
                adult["attendance"] = None
        if v2:
            if not exclusion_applies(adult):
                adult["exclusion_reason"] = None
            if not rationale_applies(adult):
                adult["not_relevant_rationale"] = ""
    for entry in rec.get("agencies") or []:
        if not agency_details_apply(entry):
            entry["attendance"] = None
            entry["report"] = None
    if not v2:
        return rec

    if not adjourned:
        rec["adjournment_reason"] = None
        rec["reconvene_date"] = None
    found = quorum(rec, q)
    if found is not None:
        rec["quorate"] = found.quorate
        rec["not_quorate_reason"] = found.reason
    elif rec.get("quorate"):
        rec["not_quorate_reason"] = None
    if ctype == "pre_birth_initial":
        rec["weeks_before_edd"] = weeks_before_edd(
            _iso(rec.get("conference_date")), _iso(rec.get("expected_delivery_date"))
        )
    due = review_due(rec, local_interval_months)
    rec["review_due_date"] = due.due.isoformat() if due else None
    rec["review_within_timescale"] = due.within if due else None
    rec["review_local_due_date"] = due.local_due.isoformat() if due else None
    rec["review_within_local_target"] = due.within_local if due else None
    professional = dissent_agencies_apply(rec, q)
    if not professional:
        rec["dissent_agencies"] = []
    for esc in rec.get("escalations") or []:
        if not professional:
            esc["from_dissent"] = False
        if not resolution_applies(esc):
            esc["resolved_on"] = None
            esc["outcome"] = None
    return rec
