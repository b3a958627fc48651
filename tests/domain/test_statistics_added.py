"""The figures added to §6.2 (docs/statistics.md), each against a plain second implementation on generated data.

The plain versions below share nothing with ``cpchair.domain.statistics``: they add calendar months by
stepping from the first of the month, round with exact fractions, and read each child's history by sorting
all of its conferences, then looking back one conference at a time. The data is the seeded generator of
``tests/domain/generated_records.py`` (families followed over years, reviews on and around their due dates,
plans ended and started again, same-day reconvened reviews).
"""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction

import pytest

from cpchair.domain import statistics, statistics_v2
from cpchair.domain.questionnaire import load
from tests.domain.generated_records import Generator, generate
from tests.domain.test_statistics import PERIODS, d, differences, plus_months, working_days_after

PLAN = ("plan_started", "plan_continues")
FATHERS = {"birth_father", "step_father_or_partner", "male_partner_not_in_household", "other_male_carer"}


def percent(n, total):
    if total == 0:
        return None
    return math.floor(Fraction(100 * n, total) * 10 + Fraction(1, 2)) / 10


def histories(records, end):
    """child_key -> its conferences on or before ``end``, oldest first: (date, updated_at, id, child)."""
    out = {}
    for r in records:
        if d(r["conference_date"]) <= end:
            for c in r["children"]:
                out.setdefault(c["child_key"], []).append((d(r["conference_date"]), r["updated_at"], r["id"], c))
    for entries in out.values():
        entries.sort(key=lambda e: (e[0], e[1], e[2]))
    return out


def plain(records, start: date, end: date, today: date) -> dict:
    q = load()
    inside = [r for r in records if start <= d(r["conference_date"]) <= end]
    hist = histories(records, end)
    position = {(e[2], key): i for key, entries in hist.items() for i, e in enumerate(entries)}
    as_at = min(end, today)

    def before(rec, child):
        """The child's conferences before this one, newest first."""
        entries = hist[child["child_key"]]
        return list(reversed(entries[: position[(rec["id"], child["child_key"])]]))

    # children
    out = {"as_at": as_at.isoformat()}
    out["children"] = {
        "discussed": sum(len(r["children"]) for r in inside),
        "different": len({c["child_key"] for r in inside for c in r["children"]}),
    }

    # reviews within timescale
    reviews = within = untimed = 0
    per_child = {}
    changed = change_reviews = 0
    for r in inside:
        if r["conference_type"] != "review":
            continue
        for c in r["children"]:
            earlier = before(r, c)
            prev = earlier[0] if earlier else None
            if prev is None or prev[3]["decision"] not in PLAN:
                untimed += 1
            else:
                months = 3 if prev[3]["decision"] == "plan_started" else 6
                ok = d(r["conference_date"]) <= plus_months(prev[0], months)
                reviews += 1
                within += ok
                per_child[c["child_key"]] = per_child.get(c["child_key"], True) and ok
                if c["decision"] == "plan_continues":
                    change_reviews += 1
                    changed += c["category"] != prev[3]["category"]
    open_plans = overdue = 0
    for entries in hist.values():
        last_date, _u, _i, last = entries[-1]
        if last["decision"] in PLAN:
            open_plans += 1
            months = 3 if last["decision"] == "plan_started" else 6
            overdue += plus_months(last_date, months) < as_at
    out["review_timeliness"] = {
        "reviews": reviews, "within": within, "pct": percent(within, reviews), "not_timed": untimed,
        "children": len(per_child), "children_all_within": sum(per_child.values()),
        "children_all_within_pct": percent(sum(per_child.values()), len(per_child)),
        "open_plans_overdue_at_as_at": overdue, "open_plans_at_as_at": open_plans,
    }  # fmt: skip

    # late initial conferences
    reasons = {code: 0 for code in q.codes["delay_reason"]} | {"not_recorded": 0}
    late = 0
    for r in inside:
        timed = r["conference_type"] == "initial" and r["strategy_discussion_date"]
        if timed and working_days_after(d(r["strategy_discussion_date"]), d(r["conference_date"])) > 15:
            late += 1
            reasons[r["delay_reason"] or "not_recorded"] += 1
    out["icpc_late_reasons"] = {"late": late, "reasons": reasons}

    # repeat plans
    started = [(r, c) for r in inside for c in r["children"] if c["decision"] == "plan_started"]
    seq = {code: 0 for code in q.codes["plan_sequence"]}
    earlier_plan = within_2y = 0
    for r, c in started:
        seq[c["plan_sequence"]] += 1
        earlier = before(r, c)
        earlier_plan += any(
            e[3]["decision"] in PLAN and e[3]["plan_start_date"] != c["plan_start_date"] for e in earlier
        )
        ends = [e[0] for e in earlier if e[3]["decision"].startswith("plan_ended_")]
        within_2y += bool(ends) and plus_months(ends[0], 24) >= d(r["conference_date"])
    second = seq["second"] + seq["third_or_more"]
    out["repeat_plans"] = {
        "total": len(started), "sequence": seq, "sequence_recorded": sum(seq.values()),
        "second_or_later": second, "second_or_later_pct": percent(second, len(started)),
        "earlier_plan_on_record": earlier_plan, "within_2y_of_last_plan_ending": within_2y,
        "within_2y_of_last_plan_ending_pct": percent(within_2y, len(started)),
    }  # fmt: skip

    # plans ended at the first review
    ended = [(r, c) for r in inside if r["conference_type"] == "review" for c in r["children"]
             if c["decision"].startswith("plan_ended_")]  # fmt: skip
    known = first = 0
    for r, c in ended:
        earlier = [e for e in before(r, c) if e[3]["plan_start_date"] == c["plan_start_date"]]
        if any(e[3]["decision"] == "plan_started" for e in earlier):
            known += 1
            first += not any(e[3]["decision"] == "plan_continues" for e in earlier)
    out["plans_ended_at_first_review"] = {
        "total": len(ended), "history_on_record": known, "at_first_review": first,
        "at_first_review_pct": percent(first, known),
    }  # fmt: skip
    out["category_changes"] = {"reviews": change_reviews, "changed": changed,
                               "changed_pct": percent(changed, change_reviews)}  # fmt: skip

    # quality, dissent, escalations, quorum, participation
    keys = q.quality_keys
    out["plan_quality"] = {
        "conferences": len(inside),
        "answers": {k: {code: sum(r["quality"][k] == code for r in inside) for code in q.codes[k]} for k in keys},
        "unanswered": {k: 0 for k in keys},
    }
    dissent = {code: sum(r["quality"]["dissent"] == code for r in inside) for code in q.codes["dissent"]}
    anyd = len(inside) - dissent["none"]
    out["dissent"] = {"conferences": len(inside), "counts": dissent, "unanswered": 0, "any": anyd,
                      "any_pct": percent(anyd, len(inside))}  # fmt: skip
    escs = [e for r in inside for e in r["escalations"]]
    out["escalations"] = {
        "total": len(escs),
        "conferences_with_any": sum(bool(r["escalations"]) for r in inside),
        "by_type": {code: sum(e["type"] == code for e in escs) for code in q.codes["escalation_type"]},
        "by_subject": {code: sum(e["subject"] == code for e in escs) for code in q.codes["escalation_subject"]},
        "by_stage": {str(s): sum(e["stage"] == s for e in escs) for s in (1, 2, 3, 4)},
        "by_status": {code: sum(e["status"] == code for e in escs) for code in q.codes["escalation_status"]},
    }
    quorate = sum(r["quorate"] for r in inside)
    out["quorum"] = {"conferences": len(inside), "recorded": len(inside), "quorate": quorate,
                     "quorate_pct": percent(quorate, len(inside))}  # fmt: skip
    kids = [c for r in inside for c in r["children"]]
    out["participation"] = {
        "children": len(kids),
        "counts": {code: sum(c["participation"] == code for c in kids) for code in q.codes["participation"]}
        | {"not_recorded": sum(c["participation"] is None for c in kids)},
    }

    # agencies' scorecard
    card = {"initial": {}, "review": {}}
    for r in inside:
        group = "review" if r["conference_type"] == "review" else "initial"
        for a in r["agencies"]:
            if a["invited"]:
                row = card[group].setdefault(a["agency"], [0, 0, 0, 0])
                row[0] += 1
                row[1] += a["attendance"] in ("attended", "attended_virtually")
                row[2] += a["report"] in ("on_time", "late")
                row[3] += a["report"] == "on_time"
    order = list(q.codes["agency"])
    out["agency_scorecard"] = {
        g: {
            a: {"invited": v[0], "attended": v[1], "attended_pct": percent(v[1], v[0]), "report_provided": v[2],
                "report_provided_pct": percent(v[2], v[0]), "report_on_time": v[3],
                "report_on_time_pct": percent(v[3], v[0])}
            for a, v in sorted(rows.items(), key=lambda item: order.index(item[0]))
        }
        for g, rows in card.items()
    }  # fmt: skip

    # fathers
    males = [a for r in inside for a in r["adults"] if a["relationship"] in FATHERS]
    invited = sum(a["invited"] for a in males)
    attended = sum(a["attendance"] in ("attended_all", "attended_part", "attended_separately") for a in males)
    engaging = sum(bool(a["engaged_agencies"]) for a in males)
    out["fathers_summary"] = {
        "identified": len(males), "invited": invited, "invited_pct": percent(invited, len(males)),
        "attended": attended, "attended_pct": percent(attended, invited),
        "engaging": engaging, "engaging_pct": percent(engaging, len(males)),
        "engaging_by_agency": {code: sum(code in a["engaged_agencies"] for a in males) for code in q.codes["agency"]},
    }  # fmt: skip
    with_male = [r for r in inside if any(a["relationship"] in FATHERS for a in r["adults"])]
    none_invited = [r for r in with_male if not any(a["invited"] for a in r["adults"] if a["relationship"] in FATHERS)]
    some_not = [r for r in with_male if not all(a["invited"] for a in r["adults"] if a["relationship"] in FATHERS)]
    out["fathers_by_conference"] = {
        "conferences": len(inside), "with_male_adult": len(with_male),
        "no_male_adult_recorded": len(inside) - len(with_male), "no_male_invited": len(none_invited),
        "no_male_invited_pct": percent(len(none_invited), len(with_male)), "some_male_not_invited": len(some_not),
    }  # fmt: skip
    return out


@pytest.fixture(scope="module")
def records():
    return [r for _chair, r in generate(2500, seed=20240401)]


TODAY = date(2025, 6, 16)  # inside the data, so that one period below is still running


@pytest.mark.parametrize("period", [*PERIODS, (date(2025, 4, 1), date(2026, 3, 31))], ids=lambda p: f"{p[0]}_{p[1]}")
def test_every_added_figure_equals_the_plain_computation(records, period):
    got = statistics.compute(records, *period, today=TODAY)
    want = plain(records, *period, TODAY)
    added = {k: v for k, v in got.items() if k not in statistics.CONTRACT_KEYS and k not in statistics_v2.KEYS}
    assert set(added) == set(want)
    assert differences(added, want) == []


def test_the_data_exercises_the_history_figures(records):
    """Without these cases in the data the comparison above would prove little."""
    s = statistics.compute(records, date(2023, 4, 1), date(2024, 3, 31))
    r = s["review_timeliness"]
    assert r["reviews"] > 200 and 0 < r["within"] < r["reviews"] and r["not_timed"] < r["reviews"] // 10
    assert s["plans_ended_at_first_review"]["at_first_review"] > 10
    assert s["category_changes"]["changed"] > 10
    assert (
        s["fathers_by_conference"]["no_male_invited"] > 5 and s["fathers_by_conference"]["no_male_adult_recorded"] > 5
    )


def test_a_period_still_running_is_measured_as_at_today_never_at_its_end(records):
    """Time on plan for 2025-26 on 16 June 2025: durations run to 16 June, not to 31 March 2026."""
    year = (date(2025, 4, 1), date(2026, 3, 31))
    held = [r for r in records if d(r["conference_date"]) <= TODAY]  # on 16 June, nothing later is held yet
    running = statistics.compute(held, *year, today=TODAY)
    assert running["as_at"] == "2025-06-16"
    assert running["plans_open_at_end"] == statistics.compute(held, year[0], TODAY)["plans_open_at_end"]
    later = statistics.compute(held, *year, today=date(2027, 1, 1))
    assert later["as_at"] == "2026-03-31"  # once the period is over, its end
    assert later["plans_open_at_end"]["duration_bands"] != running["plans_open_at_end"]["duration_bands"]


def test_a_repeat_plan_within_two_years_of_the_last_ending_is_found_from_the_childs_history():
    gen = Generator(seed=5)
    key = gen.key("ck")

    def conf(ctype, day, decision, start, rid):
        child = {"child_key": key, "unborn": False, "age_years": 6, "decision": decision,
                 "category": "neglect" if decision in PLAN else None, "plan_start_date": start,
                 "plan_sequence": "first", "participation": None, "emotional_abuse_check": None}  # fmt: skip
        return gen.record(ctype, date.fromisoformat(day), [child], [], family_key="fk_" + "0" * 32, id=rid)

    records = [
        conf("initial", "2022-01-10", "plan_started", "2022-01-10", "a"),
        conf("review", "2022-04-08", "plan_continues", "2022-01-10", "b"),  # within 3 months
        conf("review", "2022-10-10", "plan_ended_cin", "2022-01-10", "c"),  # 6 months and 2 days: late
        conf("initial", "2024-10-09", "plan_started", "2024-10-09", "d"),  # a day within 2 years of the end
        conf("review", "2025-01-09", "plan_ended_cin", "2024-10-09", "e"),  # ended at the first review
    ]
    s = statistics.compute(records, date(2022, 1, 1), date(2025, 3, 31))
    assert (s["review_timeliness"]["reviews"], s["review_timeliness"]["within"]) == (3, 2)
    assert s["repeat_plans"]["within_2y_of_last_plan_ending"] == 1
    assert s["repeat_plans"]["earlier_plan_on_record"] == 1
    assert s["plans_ended_at_first_review"]["at_first_review"] == 1  # the second plan; the first had a review
    assert s["plans_ended_at_first_review"]["total"] == 2
    records[3]["conference_date"] = records[3]["children"][0]["plan_start_date"] = "2024-10-11"
    records[4]["children"][0]["plan_start_date"] = "2024-10-11"
    assert statistics.compute(records, date(2022, 1, 1), date(2025, 3, 31))["repeat_plans"][
        "within_2y_of_last_plan_ending"] == 0  # fmt: skip


def test_the_children_count_different_children_as_well_as_children_discussed():
    gen = Generator(seed=9)
    fam = gen.family()
    while len(fam) < 3:  # a family with reviews: the same children discussed again
        fam = gen.family()
    s = statistics.compute(fam, date(2000, 1, 1), date(2030, 1, 1))
    assert s["children"]["discussed"] == sum(len(r["children"]) for r in fam)
    assert s["children"]["different"] == len(fam[0]["children"]) < s["children"]["discussed"]


def test_the_contract_keys_come_first_and_unchanged(records):
    got = statistics.compute(records, *PERIODS[3])
    assert list(got)[: len(statistics.CONTRACT_KEYS)] == list(statistics.CONTRACT_KEYS)
    assert set(got["agencies"]["initial"]["police"]) == {"invited", "attended", "attended_pct", "report", "report_pct"}


def test_every_added_key_is_documented(records):
    """docs/statistics.md defines each key the project added beyond the contract, in a table row of its own."""
    from tests.conftest import REPO

    text = (REPO / "docs" / "statistics.md").read_text("utf-8")
    got = statistics.compute(records, *PERIODS[3])
    for key in got:
        if key not in statistics.CONTRACT_KEYS:
            assert f"| `{key}` |" in text, key
    assert all(f"`{key}`" in text for key in statistics.CONTRACT_KEYS)
