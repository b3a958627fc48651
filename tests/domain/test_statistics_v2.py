"""The figures that need the version 2 questionnaire (docs/statistics.md), each against a plain second
implementation on generated data that mixes version 1 records, records carried from version 1 and records
made on version 2; then cases worked out by hand.

The plain versions share nothing with ``cpchair.domain.statistics_v2``: they select the records of the period
with list comprehensions, count with ``sum`` over them, take medians with ``statistics.median`` on the full
list of values and round with exact fractions.
"""

from __future__ import annotations

import copy
import math
import random
import statistics as pystats
from datetime import date, timedelta
from fractions import Fraction

import pytest

from cpchair.domain import statistics, statistics_v2
from cpchair.domain.questionnaire import load
from cpchair.domain.statistics_v2 import V2Figures
from cpchair.domain.validation import errors
from tests.domain.generated_records import generate
from tests.domain.test_statistics import PERIODS, d, differences

FATHERS = {"birth_father", "step_father_or_partner", "male_partner_not_in_household", "other_male_carer"}
PLAN = ("plan_started", "plan_continues")
V2_KEYS = statistics_v2.KEYS


def percent(n, total):
    return None if total == 0 else math.floor(Fraction(100 * n, total) * 10 + Fraction(1, 2)) / 10


def med(values):
    if not values:
        return None
    m = pystats.median(values)
    return int(m) if m == int(m) else m


def is_v2(r):
    return r["questionnaire_version"] == 2 and r.get("carried_from_version") is None


def tally(values, codes, other=None):
    out = {c: sum(v == c for v in values) for c in codes}
    if other is not None:
        out[other] = sum(v not in codes for v in values)
    return out


def plain(records, start: date, end: date) -> dict:
    q = load(2)
    agencies = list(q.codes["csc_or_agency"])
    inside = [r for r in records if start <= d(r["conference_date"]) <= end]
    asked = [r for r in inside if is_v2(r)]
    out = {}

    prof = [r for r in asked if r["quality"]["dissent"] in ("professional", "both")]
    escalated = [r for r in prof if any(e["from_dissent"] for e in r["escalations"])]
    out["dissent_by_agency"] = {
        "counted": len(asked), "in_period": len(inside), "professional": len(prof),
        "professional_pct": percent(len(prof), len(asked)),
        "by_agency": {a: sum(a in r["dissent_agencies"] for r in prof) for a in agencies},
        "escalated": len(escalated), "escalated_pct": percent(len(escalated), len(prof)),
        "escalated_by_agency": {a: sum(a in r["dissent_agencies"] for r in escalated) for a in agencies},
    }  # fmt: skip

    escs = [e for r in asked for e in r["escalations"]]
    resolved = [e for e in escs if e["status"] == "resolved"]
    days = [(d(e["resolved_on"]) - d(e["raised_on"])).days for e in resolved]
    out["escalations_by_agency"] = {
        "counted": len(escs), "in_period": sum(len(r["escalations"]) for r in inside),
        "directed_at": tally([e["directed_at"] for e in escs], agencies, "not_recorded"),
        "from_dissent": sum(e["from_dissent"] for e in escs), "resolved": len(resolved),
        "open": len(escs) - len(resolved),
        "outcomes": tally([e["outcome"] for e in resolved], list(q.codes["escalation_outcome"]), "not_recorded"),
        "days_timed": len(days), "days_to_resolve_median": med(days),
        "days_to_resolve_bands": {
            "within_7d": sum(x <= 7 for x in days), "8_to_28d": sum(8 <= x <= 28 for x in days),
            "29_to_90d": sum(29 <= x <= 90 for x in days), "over_90d": sum(x > 90 for x in days),
        },
    }  # fmt: skip

    reasons = [None if r["quorate"] else r["not_quorate_reason"] for r in asked]
    counts = {"quorate": sum(r["quorate"] is True for r in asked)}
    counts |= {c: reasons.count(c) for c in q.codes["not_quorate_reason"]}
    counts["not_recorded"] = sum(not r["quorate"] and r["not_quorate_reason"] is None for r in asked)
    out["quorum_from_attendance"] = {
        "counted": len(asked), "in_period": len(inside), "counts": counts,
        "quorate_pct": percent(counts["quorate"], len(asked)),
        "social_care_present": sum(r["social_worker_attendance"] in ("attended", "attended_virtually")
                                   or r["team_manager_attendance"] in ("attended", "attended_virtually")
                                   for r in asked),
    }  # fmt: skip

    def continuing(recs):
        return [c for r in recs if r["conference_type"] == "review" for c in r["children"]
                if c["decision"] == "plan_continues"]  # fmt: skip

    cont = continuing(asked)
    changed = [c["category_changed_from"] for c in cont if c["category_changed_from"]]
    out["category_change_recorded"] = {
        "counted": len(cont), "in_period": len(continuing(inside)), "changed": len(changed),
        "changed_pct": percent(len(changed), len(cont)), "changed_from": tally(changed, list(q.codes["category"])),
    }  # fmt: skip

    def on_plan(recs):
        return [c for r in recs for c in r["children"] if c["decision"] in PLAN]

    plans = on_plan(asked)
    multiple = [c for c in plans if c["category"] == "multiple"]
    out["category_components"] = {
        "counted": len(plans), "in_period": len(on_plan(inside)), "multiple": len(multiple),
        "multiple_pct": percent(len(multiple), len(plans)),
        "components": {c: sum(c in k["category_components"] for k in multiple) for c in q.codes["category_component"]},
    }  # fmt: skip

    reviews = [r for r in asked if r["conference_type"] == "review"]
    within = sum(r["review_within_timescale"] is True for r in reviews)
    late = [r for r in reviews if r["review_within_timescale"] is False]
    first = [r for r in reviews if r["review_number"] == 1]
    out["review_due_recorded"] = {
        "counted": len(reviews), "in_period": sum(r["conference_type"] == "review" for r in inside),
        "counts": {"within": within, "late": len(late),
                   "not_recorded": sum(r["review_within_timescale"] is None for r in reviews)},
        "within_pct": percent(within, within + len(late)),
        "within_local_target": sum(r["review_within_local_target"] is True for r in reviews),
        "first_reviews": len(first), "first_reviews_within": sum(r["review_within_timescale"] for r in first),
        "days_late_median": med([(d(r["conference_date"]) - d(r["review_due_date"])).days for r in late]),
    }  # fmt: skip

    ends = [c["plan_end_reason"] for c in plans if c["plan_end_reason"]]
    out["plans_ended_without_conference"] = {
        "counted": len(plans), "in_period": len(on_plan(inside)), "ended": len(ends),
        "ended_pct": percent(len(ends), len(plans)),
        "reasons": tally(ends, list(q.codes["plan_end_without_conference"])),
    }  # fmt: skip

    adjourned = [r for r in asked if r["adjourned"]]
    initial_kids = [c for r in asked if r["conference_type"] != "review" for c in r["children"]]
    out["adjournments"] = {
        "counted": len(asked), "in_period": len(inside), "adjourned": len(adjourned),
        "adjourned_pct": percent(len(adjourned), len(asked)),
        "reasons": tally([r["adjournment_reason"] for r in adjourned], list(q.codes["adjournment_reason"]),
                         "not_recorded"),
        "initial_children": len(initial_kids),
        "children_adjourned": sum(c["decision"] == "adjourned" for c in initial_kids),
    }  # fmt: skip

    kids = [c for r in asked for c in r["children"]]
    answers, unanswered = {}, {}
    for key in ("lead_practitioner_role", "lead_practitioner_agency", "parent_advocacy", "chair_met_parents",
                "reports_shared_with_family", "family_network_meeting"):  # fmt: skip
        answers[key] = tally([r[key] for r in asked], list(q.codes[key]))
        unanswered[key] = sum(r[key] is None for r in asked)
    for key in ("child_seen", "views_route"):
        answers[key] = tally([c[key] for c in kids], list(q.codes[key]))
        unanswered[key] = sum(c[key] is None for c in kids)
    out["working_together"] = {
        "counted": len(asked), "in_period": len(inside), "children_counted": len(kids),
        "children_in_period": sum(len(r["children"]) for r in inside), "answers": answers, "unanswered": unanswered,
    }  # fmt: skip

    men = [a for r in asked for a in r["adults"] if a["relationship"] in FATHERS]
    yes_no = list(q.codes["yes_no_not_known"])
    excluded = [a for a in men if a["attendance"] == "excluded_by_chair"]
    out["fathers_parental_responsibility"] = {
        "counted": len(men), "in_period": sum(a["relationship"] in FATHERS for r in inside for a in r["adults"]),
        "parental_responsibility": tally([a["parental_responsibility"] for a in men], yes_no, "not_recorded"),
        "with_pr_invited": sum(a["parental_responsibility"] == "yes" and a["invited"] for a in men),
        "lives_in_household": tally([a["lives_in_household"] for a in men], yes_no, "not_recorded"),
        "excluded_by_chair": len(excluded),
        "exclusion_reasons": tally([a["exclusion_reason"] for a in excluded], list(q.codes["exclusion_reason"]),
                                   "not_recorded"),
    }  # fmt: skip
    return out


@pytest.fixture(scope="module")
def records():
    recs = [r for _chair, r in generate(2500, seed=20240402, v2=0.6)]
    bad = [(r["id"], p) for r in recs for p in errors(r)]
    assert bad == [], f"the generator made invalid records: {bad[:3]}"
    return recs


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p[0]}_{p[1]}")
def test_every_version_2_figure_equals_the_plain_computation(records, period):
    got = statistics.compute(records, *period)
    want = plain(records, *period)
    assert differences({k: got[k] for k in V2_KEYS}, want) == []


def test_the_data_mixes_every_kind_of_record_and_exercises_each_figure(records):
    """Without these cases in the data the comparison above would prove little."""
    kinds = {(r["questionnaire_version"], r.get("carried_from_version")) for r in records}
    assert kinds == {(1, None), (2, 1), (2, None)}
    s = statistics.compute(records, date(2024, 4, 1), date(2025, 3, 31))
    assert 0 < s["dissent_by_agency"]["counted"] < s["dissent_by_agency"]["in_period"]
    assert s["dissent_by_agency"]["escalated"] > 10
    e = s["escalations_by_agency"]
    assert e["resolved"] > 20 and all(n > 3 for n in e["days_to_resolve_bands"].values())
    assert all(n > 0 for c, n in s["quorum_from_attendance"]["counts"].items() if c != "not_recorded")
    assert s["category_change_recorded"]["changed"] > 10 and s["category_components"]["multiple"] > 10
    r = s["review_due_recorded"]["counts"]
    assert r["within"] > 10 and r["late"] > 10
    assert s["plans_ended_without_conference"]["ended"] > 5
    assert s["adjournments"]["adjourned"] > 5 and s["adjournments"]["children_adjourned"] > 0
    assert s["fathers_parental_responsibility"]["excluded_by_chair"] > 5


def test_the_version_2_keys_follow_every_other_key(records):
    got = list(statistics.compute(records, *PERIODS[3]))
    assert list(V2Figures().result()) == list(V2_KEYS)
    assert got[: len(statistics.CONTRACT_KEYS)] == list(statistics.CONTRACT_KEYS)
    assert got[-len(V2_KEYS) :] == list(V2_KEYS)


def test_every_version_2_key_is_documented():
    from tests.conftest import REPO

    text = (REPO / "docs" / "statistics.md").read_text("utf-8")
    for key in V2_KEYS:
        assert f"| `{key}` |" in text, key


# --- worked out by hand ------------------------------------------------------------------------------------


def _trio(records):
    """A version 1 record, the same carried to version 2, and a record made on version 2."""
    v2 = next(r for r in records if is_v2(r) and r["conference_type"] == "review" and r["escalations"])
    v1 = next(r for r in records if r["questionnaire_version"] == 1)
    carried = next(r for r in records if r.get("carried_from_version") == 1)
    return [copy.deepcopy(x) for x in (v1, carried, v2)]


def test_only_the_record_made_on_version_2_is_counted_and_the_others_are_said_to_be_there(records):
    recs = _trio(records)
    acc = V2Figures()
    for r in recs:
        acc.add(r)
    out = acc.result()
    assert (out["adjournments"]["counted"], out["adjournments"]["in_period"]) == (1, 3)
    assert out["escalations_by_agency"]["counted"] == len(recs[2]["escalations"])
    assert out["escalations_by_agency"]["in_period"] == sum(len(r["escalations"]) for r in recs)
    assert out["review_due_recorded"]["counted"] == 1
    assert out["working_together"]["children_counted"] == len(recs[2]["children"])
    assert sum(out["quorum_from_attendance"]["counts"].values()) == 1  # the carried record's typed yes/no is not


def test_escalations_resolved_on_the_band_boundaries(records):
    rec = _trio(records)[2]
    rec["quality"]["dissent"], rec["dissent_agencies"] = "professional", ["police", "school"]
    template = rec["escalations"][0]
    rec["escalations"] = []
    for days, outcome in ((7, "agreed"), (8, "agreed"), (28, "withdrawn"), (29, "not_agreed"), (90, "agreed"),
                          (91, "escalated_further")):  # fmt: skip
        rec["escalations"].append({**template, "status": "resolved", "raised_on": "2024-01-31", "outcome": outcome,
                                   "resolved_on": (date(2024, 1, 31) + timedelta(days=days)).isoformat(),
                                   "directed_at": "childrens_social_care", "from_dissent": days == 7})  # fmt: skip
    rec["escalations"].append({**template, "status": "open", "resolved_on": None, "outcome": None,
                               "directed_at": "police", "from_dissent": False})  # fmt: skip
    assert errors(rec) == []
    s = statistics.compute([rec], date(2000, 1, 1), date(2030, 1, 1))
    e = s["escalations_by_agency"]
    assert e["days_to_resolve_bands"] == {"within_7d": 1, "8_to_28d": 2, "29_to_90d": 2, "over_90d": 1}
    assert e["days_to_resolve_median"] == 28.5  # of 7, 8, 28, 29, 90, 91
    assert e["outcomes"] == {"agreed": 3, "not_agreed": 1, "escalated_further": 1, "withdrawn": 1, "not_recorded": 0}
    assert (e["resolved"], e["open"], e["from_dissent"]) == (6, 1, 1)
    assert e["directed_at"]["childrens_social_care"] == 6 and e["directed_at"]["police"] == 1
    dissent = s["dissent_by_agency"]
    assert (dissent["professional"], dissent["escalated"], dissent["escalated_pct"]) == (1, 1, 100.0)
    assert dissent["by_agency"]["police"] == dissent["escalated_by_agency"]["school"] == 1


def test_the_median_of_a_histogram_is_the_median_of_its_values():
    rng = random.Random(4)
    for size in (1, 2, 3, 4, 7, 50, 51):
        values = [rng.randint(0, 40) for _ in range(size)]
        counts = {}
        for v in values:
            counts[v] = counts.get(v, 0) + 1
        assert statistics.median_of_counts(counts) == med(values), values
    assert statistics.median_of_counts({}) is None
    assert [statistics.day_band(n) for n in (0, 7, 8, 28, 29, 90, 91)] == [
        "within_7d", "within_7d", "8_to_28d", "8_to_28d", "29_to_90d", "29_to_90d", "over_90d"]  # fmt: skip
