"""The §6.2 statistics against a deliberately simple, separate implementation, figure by figure.

The independent version below shares nothing with ``cpchair.domain.statistics`` or ``cpchair.domain.dates``:
it counts working days one day at a time with the ``holidays`` package, adds calendar months by stepping
from the first of the month, rounds with exact fractions, and finds each child's latest conference by
sorting. The data set is generated (seeded) over five reporting years and three chairs, with strategy
discussions just before Christmas and Easter and plans starting on 29–31 January and 31 August.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from fractions import Fraction

import holidays
import pytest

from cpchair.domain import statistics
from cpchair.domain.validation import errors
from tests.domain.generated_records import HOLIDAY_STRATEGIES, MONTH_END_STARTS, generate

ENGLAND = holidays.country_holidays("GB", subdiv="ENG", years=range(2015, 2031))
CONFERENCE_TYPES = ["initial", "pre_birth_initial", "review", "transfer_in"]
CATEGORIES = ["neglect", "emotional", "physical", "sexual", "multiple"]
ISSUES = [
    "domestic_abuse", "parental_mental_health", "parental_alcohol_misuse", "parental_drug_misuse",
    "parental_learning_disability", "parental_physical_illness", "child_mental_health", "child_sexual_exploitation",
    "child_criminal_exploitation", "going_missing", "gangs", "trafficking", "fgm", "faith_based_abuse", "young_carer",
    "housing_financial", "other",
]  # fmt: skip
ATTENDANCE = ["attended_all", "attended_part", "attended_separately", "did_not_attend", "not_invited"]
REASONS = [
    "whereabouts_unknown", "mother_unwilling", "in_prison", "excluded_risk", "identity_unknown", "deceased",
    "not_relevant", "other",
]  # fmt: skip
FATHERS = {"birth_father", "step_father_or_partner", "male_partner_not_in_household", "other_male_carer"}
BANDS = [("under_3m", 0, 3), ("3_to_6m", 3, 6), ("6_to_12m", 6, 12), ("12_to_18m", 12, 18), ("18_to_24m", 18, 24)]


# --- the independent implementation ----------------------------------------------------------------------


def d(text):
    return date(int(text[0:4]), int(text[5:7]), int(text[8:10]))


def working_days_after(start: date, end: date) -> int:
    n = 0
    day = start + timedelta(days=1)
    while day <= end:
        if day.weekday() < 5 and day not in ENGLAND:
            n += 1
        day += timedelta(days=1)
    return n


def plus_months(start: date, months: int) -> date:
    first = date(start.year, start.month, 1)
    for _ in range(months):
        first = (first + timedelta(days=32)).replace(day=1)
    last_day = ((first + timedelta(days=32)).replace(day=1) - timedelta(days=1)).day
    return first.replace(day=min(start.day, last_day))


def band_of(start: date, end: date) -> str:
    if end >= plus_months(start, 24):
        return "24m_plus"
    for name, low, high in BANDS:
        if plus_months(start, low) <= end < plus_months(start, high):
            return name
    raise AssertionError("no band")


def percent(n, total):
    if total == 0:
        return None
    exact = Fraction(100 * n, total)
    return math.floor(exact * 10 + Fraction(1, 2)) / 10


def middle(values):
    if not values:
        return None
    s = sorted(values)
    if len(s) % 2:
        return s[len(s) // 2]
    return (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2


def expected_stats(records, start: date, end: date) -> dict:
    inside = [r for r in records if start <= d(r["conference_date"]) <= end]
    out = {"period": {"from": start.isoformat(), "to": end.isoformat()}}

    by_type = {t: 0 for t in CONFERENCE_TYPES}
    kids = 0
    for r in inside:
        by_type[r["conference_type"]] += 1
        kids += len(r["children"])
    out["conferences"] = {"total": len(inside), "by_type": by_type, "children": kids}

    days = []
    for r in inside:
        if r["conference_type"] == "initial" and r["strategy_discussion_date"]:
            days.append(working_days_after(d(r["strategy_discussion_date"]), d(r["conference_date"])))
    within = len([x for x in days if x <= 15])
    out["icpc_timeliness"] = {
        "timed": len(days),
        "within": within,
        "pct": percent(within, len(days)),
        "median_working_days": middle(days),
    }

    cats = {c: 0 for c in CATEGORIES}
    for r in inside:
        for c in r["children"]:
            if c["decision"] == "plan_started":
                cats[c["category"]] += 1
    total = sum(cats.values())
    out["category_at_plan_start"] = {
        "total": total,
        "counts": cats,
        "pct": {c: percent(n, total) for c, n in cats.items()},
    }

    issue_counts = {i: 0 for i in ISSUES}
    planned = 0
    for r in inside:
        if any(c["decision"] in ("plan_started", "plan_continues") for c in r["children"]):
            planned += 1
            for i in r["issues"]:
                issue_counts[i] += 1
    out["issues"] = {"conferences": planned, "counts": issue_counts}

    men = [a for r in inside for a in r["adults"] if a["relationship"] in FATHERS]
    attendance = {a: len([m for m in men if m["attendance"] == a]) for a in ATTENDANCE}
    reasons = {x: len([m for m in men if m["not_invited_reason"] == x]) for x in REASONS}
    engaged = len([m for m in men if len(m["engaged_agencies"]) > 0])
    out["fathers"] = {
        "total": len(men),
        "attendance": attendance,
        "attendance_pct": {a: percent(n, len(men)) for a, n in attendance.items()},
        "not_invited_reasons": reasons,
        "engaged_with_any_agency": engaged,
        "engaged_with_any_agency_pct": percent(engaged, len(men)),
    }

    agencies = {}
    for group, types in (("initial", {"initial", "pre_birth_initial", "transfer_in"}), ("review", {"review"})):
        table = {}
        for r in inside:
            if r["conference_type"] not in types:
                continue
            for a in r["agencies"]:
                if a["invited"]:
                    row = table.setdefault(a["agency"], {"invited": 0, "attended": 0, "report": 0})
                    row["invited"] += 1
                    if a["attendance"] in ("attended", "attended_virtually"):
                        row["attended"] += 1
                    if a["report"] in ("on_time", "late"):
                        row["report"] += 1
        for row in table.values():
            row["attended_pct"] = percent(row["attended"], row["invited"])
            row["report_pct"] = percent(row["report"], row["invited"])
        agencies[group] = table
    out["agencies"] = agencies

    ended = {name: 0 for name, _, _ in BANDS} | {"24m_plus": 0}
    for r in inside:
        if r["conference_type"] != "review":
            continue
        for c in r["children"]:
            if c["decision"].startswith("plan_ended_"):
                ended[band_of(d(c["plan_start_date"]), d(r["conference_date"]))] += 1
    n_ended = sum(ended.values())
    out["plans_ended"] = {
        "total": n_ended,
        "duration_bands": ended,
        "lasting_2y_or_more": ended["24m_plus"],
        "lasting_2y_or_more_pct": percent(ended["24m_plus"], n_ended),
    }

    history = {}
    for r in records:
        if d(r["conference_date"]) <= end:
            for c in r["children"]:
                history.setdefault(c["child_key"], []).append((r["conference_date"], r["updated_at"], r["id"], c))
    open_bands = {name: 0 for name, _, _ in BANDS} | {"24m_plus": 0}
    for entries in history.values():
        entries.sort(key=lambda e: (e[0], e[1], e[2]))
        last = entries[-1][3]
        ended_without_conference = last.get("plan_end_date") and d(last["plan_end_date"]) <= end
        if last["decision"] in ("plan_started", "plan_continues") and not ended_without_conference:
            open_bands[band_of(d(last["plan_start_date"]), end)] += 1
    out["plans_open_at_end"] = {"total": sum(open_bands.values()), "duration_bands": open_bands}

    ea = {"flagged": 0, "confirmed": 0, "changed_to_neglect": 0, "changed_to_multiple": 0, "unanswered": 0}
    for r in inside:
        issues = set(r["issues"])
        if "domestic_abuse" not in issues:
            continue
        if not issues & {"parental_mental_health", "parental_alcohol_misuse", "parental_drug_misuse"}:
            continue
        for c in r["children"]:
            if c["decision"] not in ("plan_started", "plan_continues"):
                continue
            if c["category"] == "emotional" or c["emotional_abuse_check"] is not None:
                ea["flagged"] += 1
                ea[c["emotional_abuse_check"] or "unanswered"] += 1
    out["emotional_abuse_check"] = ea
    return out


def differences(got, want, path="") -> list[str]:
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return [f"{path}: {got!r} is not an object"]
        found = [f"{path}.{k}: missing" for k in want if k not in got]
        found += [f"{path}.{k}: unexpected" for k in got if k not in want]
        for k in want:
            if k in got:
                found += differences(got[k], want[k], f"{path}.{k}")
        return found
    if type(got) is bool or type(want) is bool or (got is None) != (want is None) or got != want:
        return [f"{path}: cpchair {got!r}, independent {want!r}"]
    return []


# --- the data set ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def records():
    recs = [r for _chair, r in generate(2500, seed=20240401)]
    bad = [(r["id"], p) for r in recs for p in errors(r)]
    assert bad == [], f"the generator made invalid records: {bad[:3]}"
    return recs


PERIODS = [
    (date(2021, 4, 1), date(2022, 3, 31)),
    (date(2022, 4, 1), date(2023, 3, 31)),
    (date(2023, 4, 1), date(2024, 3, 31)),
    (date(2024, 4, 1), date(2025, 3, 31)),
    (date(2025, 4, 1), date(2026, 3, 31)),
    (date(2024, 1, 1), date(2024, 2, 29)),  # ends on a leap day
    (date(2023, 6, 1), date(2023, 8, 31)),  # ends on 31 August
    (date(2022, 12, 19), date(2023, 1, 31)),  # over Christmas, ends on 31 January
    (date(2019, 1, 1), date(2019, 12, 31)),  # before any data: every percentage null
]


def test_the_data_set_covers_the_edge_cases(records):
    """Without the edge cases in the data the comparison below would prove much less."""
    strategies = {r["strategy_discussion_date"] for r in records}
    assert len(strategies & {x.isoformat() for x in HOLIDAY_STRATEGIES}) >= 5
    starts = {c["plan_start_date"] for r in records for c in r["children"]}
    assert len(starts & {x.isoformat() for x in MONTH_END_STARTS}) >= 5
    years = {r["conference_date"][:4] for r in records}
    assert {"2021", "2022", "2023", "2024", "2025"} <= years
    assert len({r["family_key"] for r in records}) > 300
    # some plans end exactly on a band boundary (end == start + k months)
    on_boundary = [
        (c["plan_start_date"], r["conference_date"])
        for r in records
        if r["conference_type"] == "review"
        for c in r["children"]
        if any(plus_months(d(c["plan_start_date"]), k) == d(r["conference_date"]) for k in (3, 6, 12, 18, 24))
    ]
    assert len(on_boundary) >= 10
    assert any(r["conference_type"] == "review" and d(r["conference_date"]) >= plus_months(
        d(r["children"][0]["plan_start_date"]), 24) for r in records)  # fmt: skip


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p[0]}_{p[1]}")
def test_every_figure_equals_the_independent_computation(records, period):
    got = statistics.compute(records, *period)
    want = expected_stats(records, *period)
    assert list(got)[: len(statistics.CONTRACT_KEYS)] == list(statistics.CONTRACT_KEYS)
    assert differences({k: got[k] for k in statistics.CONTRACT_KEYS}, want) == []


def test_records_in_any_order_give_the_same_figures(records):
    period = PERIODS[3]
    assert statistics.compute(list(reversed(records)), *period) == statistics.compute(records, *period)


def test_a_period_with_no_conferences_has_null_percentages_and_all_keys(records):
    s = statistics.compute(records, date(2019, 1, 1), date(2019, 12, 31))
    assert s["conferences"]["total"] == 0
    assert s["icpc_timeliness"] == {"timed": 0, "within": 0, "pct": None, "median_working_days": None}
    assert set(s["category_at_plan_start"]["pct"]) == set(CATEGORIES)
    assert all(v is None for v in s["category_at_plan_start"]["pct"].values())
    assert set(s["issues"]["counts"]) == set(ISSUES)
    assert s["agencies"] == {"initial": {}, "review": {}}
    assert s["plans_ended"]["lasting_2y_or_more_pct"] is None
    assert set(s["plans_open_at_end"]["duration_bands"]) == {"under_3m", "3_to_6m", "6_to_12m", "12_to_18m",
                                                             "18_to_24m", "24m_plus"}  # fmt: skip


# --- hand-checked edge cases -------------------------------------------------------------------------------


def _record(ctype, conf, children, *, strategy=None, updated="T10:00:00Z", rid="1", issues=(), adults=()):
    return {
        "id": rid,
        "conference_type": ctype,
        "conference_date": conf,
        "strategy_discussion_date": strategy,
        "children": children,
        "issues": list(issues),
        "adults": list(adults),
        "agencies": [],
        "updated_at": conf + updated,
    }


def _child(key, decision, start=None, category=None, check=None):
    return {
        "child_key": key,
        "decision": decision,
        "category": category,
        "plan_start_date": start,
        "emotional_abuse_check": check,
    }


@pytest.mark.parametrize(
    ("strategy", "conference", "days"),
    [
        ("2024-03-28", "2024-04-19", 14),  # Maundy Thursday: Good Friday and Easter Monday do not count
        ("2024-03-28", "2024-04-22", 15),
        ("2024-03-28", "2024-04-23", 16),
        ("2023-12-22", "2024-01-15", 13),  # Christmas, Boxing Day and New Year's Day do not count
        ("2023-04-28", "2023-05-22", 14),  # May 2023: early May and the Coronation bank holiday
        ("2024-01-10", "2024-01-10", 0),  # same day
    ],
)
def test_icpc_working_days_skip_bank_holidays(strategy, conference, days):
    rec = _record("initial", conference, [_child("ck_a", "plan_started", conference, "neglect")], strategy=strategy)
    s = statistics.compute([rec], date(2023, 1, 1), date(2024, 12, 31))
    assert s["icpc_timeliness"]["median_working_days"] == days
    assert s["icpc_timeliness"]["within"] == (1 if days <= 15 else 0)
    assert working_days_after(d(strategy), d(conference)) == days


@pytest.mark.parametrize(
    ("start", "end", "band"),
    [
        ("2024-01-31", "2024-04-29", "under_3m"),
        ("2024-01-31", "2024-04-30", "3_to_6m"),  # 31 Jan + 3 months = 30 April
        ("2024-01-29", "2024-02-29", "under_3m"),
        ("2023-08-31", "2024-02-28", "3_to_6m"),
        ("2023-08-31", "2024-02-29", "6_to_12m"),  # 31 Aug + 6 months = 29 Feb in a leap year
        ("2022-08-31", "2023-02-28", "6_to_12m"),  # ... and 28 Feb otherwise
        ("2023-01-30", "2024-07-29", "12_to_18m"),
        ("2023-01-30", "2024-07-30", "18_to_24m"),
        ("2022-01-31", "2024-01-30", "18_to_24m"),
        ("2022-01-31", "2024-01-31", "24m_plus"),
    ],
)
def test_duration_bands_use_calendar_months(start, end, band):
    assert statistics.duration_band(d(start), d(end)) == band == band_of(d(start), d(end))
    rec = _record("review", end, [_child("ck_a", "plan_ended_cin", start)])
    s = statistics.compute([rec], d(end), d(end))
    assert s["plans_ended"]["duration_bands"][band] == 1
    assert s["plans_ended"]["lasting_2y_or_more"] == (1 if band == "24m_plus" else 0)


def test_open_plans_use_each_childs_latest_conference_over_all_dates():
    recs = [
        _record("initial", "2020-03-02", [_child("ck_old", "plan_started", "2020-03-02", "neglect")], rid="a"),
        _record("initial", "2024-01-31", [_child("ck_ended", "plan_started", "2024-01-31", "physical")], rid="b"),
        _record("review", "2024-03-01", [_child("ck_ended", "plan_ended_cin", "2024-01-31")], rid="c"),
        # same day twice: the later update decides
        _record("initial", "2024-02-05", [_child("ck_tie", "plan_started", "2024-02-05", "sexual")], rid="d",
                updated="T09:00:00Z"),
        _record("initial", "2024-02-05", [_child("ck_tie", "no_plan_cin")], rid="e", updated="T11:00:00Z"),
        # after the period's end: ignored, so the plan is still open at the end
        _record("initial", "2024-03-04", [_child("ck_late", "plan_started", "2024-03-04", "neglect")], rid="f"),
        _record("review", "2024-06-03", [_child("ck_late", "plan_ended_cin", "2024-03-04")], rid="g"),
    ]  # fmt: skip
    s = statistics.compute(recs, date(2023, 4, 1), date(2024, 3, 31))
    assert s["plans_open_at_end"] == {
        "total": 2,
        "duration_bands": {"under_3m": 1, "3_to_6m": 0, "6_to_12m": 0, "12_to_18m": 0, "18_to_24m": 0,
                           "24m_plus": 1},
    }  # fmt: skip


def test_a_plan_recorded_as_ended_without_a_conference_is_open_only_until_it_ended():
    """Version 2: the chair records that a plan ended without another conference (the family moved away, the
    child turned 18). Until that day the child is on a plan; from it, not: in the contract's figure, in the
    dashboard's months and in the streamed statistics alike."""
    from cpchair.services.dashboard import build

    ended = _child("ck_moved", "plan_started", "2023-01-09", "neglect")
    ended.update(plan_end_reason="moved_to_other_authority", plan_end_date="2024-02-14")
    recs = [
        _record("initial", "2023-01-09", [ended], rid="a"),
        _record("initial", "2023-01-16", [_child("ck_stays", "plan_started", "2023-01-16", "physical")], rid="b"),
    ]
    before = statistics.compute(recs, date(2023, 4, 1), date(2024, 2, 13))
    on_the_day = statistics.compute(recs, date(2023, 4, 1), date(2024, 2, 14))
    assert before["plans_open_at_end"]["total"] == 2 and before["plans_open_at_end"]["duration_bands"]["12_to_18m"] == 2
    assert on_the_day["plans_open_at_end"] == {
        "total": 1,
        "duration_bands": {"under_3m": 0, "3_to_6m": 0, "6_to_12m": 0, "12_to_18m": 1, "18_to_24m": 0, "24m_plus": 0},
    }
    ordered = statistics.compute_ordered(sorted(recs, key=statistics.conference_order), date(2023, 4, 1),
                                         date(2024, 2, 14))  # fmt: skip
    assert ordered["plans_open_at_end"] == on_the_day["plans_open_at_end"]
    # a conference of another family each month, so that every month is measured (a month with none is a gap)
    others = [_record("initial", day, [_child(f"ck_{day}", "no_plan_cin")], rid=day) for day in
              ("2024-01-22", "2024-02-26", "2024-03-25")]  # fmt: skip
    chair_of = {"a": "Chair 1", "b": "Chair 2"} | {r["id"]: "Chair 2" for r in others}
    dash = build(recs + others, chair_of, date(2023, 4, 1), date(2024, 3, 31))
    months = {p.label: p.value for p in dash.over_time["time_on_plan"]}
    assert (months["Jan 2024"].n, months["Jan 2024"].d) == (2, 2)  # both on a plan 12 months or more at 31 Jan
    assert (months["Feb 2024"].n, months["Feb 2024"].d) == (1, 1)  # at 29 Feb the moved child's plan had ended
    chairs = {line.chair: line.value for line in dash.by_chair["time_on_plan"]}
    assert (chairs["Chair 2"].n, chairs["Chair 2"].d) == (1, 1) and "Chair 1" not in chairs


def test_percentages_round_half_up_on_the_exact_value():
    assert statistics.pct(1, 16) == 6.3  # 6.25: Python's round() would give 6.2
    assert statistics.pct(1, 8) == 12.5
    assert statistics.pct(2, 3) == 66.7
    assert statistics.pct(1, 3) == 33.3
    assert statistics.pct(5, 5) == 100.0
    assert statistics.pct(0, 0) is None


def test_median_can_be_a_half_day():
    recs = [
        _record("initial", conf, [_child("ck_" + conf, "plan_started", conf, "neglect")], strategy=s, rid=conf)
        for s, conf in (("2024-06-03", "2024-06-14"), ("2024-06-03", "2024-06-17"))  # 9 and 10 working days
    ]
    assert statistics.compute(recs, date(2024, 4, 1), date(2025, 3, 31))["icpc_timeliness"][
        "median_working_days"] == 9.5  # fmt: skip


def test_emotional_abuse_check_counts_flagged_children():
    issues = ["domestic_abuse", "parental_drug_misuse"]
    rec = _record(
        "initial",
        "2024-05-01",
        [
            _child("ck_1", "plan_started", "2024-05-01", "emotional"),
            _child("ck_2", "plan_started", "2024-05-01", "emotional", "confirmed"),
            _child("ck_3", "plan_started", "2024-05-01", "neglect", "changed_to_neglect"),
            _child("ck_4", "plan_started", "2024-05-01", "neglect"),  # not flagged
            _child("ck_5", "no_plan_cin"),
        ],
        issues=issues,
    )
    other = _record("initial", "2024-05-02", [_child("ck_6", "plan_started", "2024-05-02", "emotional")],
                    issues=["domestic_abuse"], rid="2")  # fmt: skip
    s = statistics.compute([rec, other], date(2024, 4, 1), date(2025, 3, 31))
    assert s["emotional_abuse_check"] == {
        "flagged": 3,
        "confirmed": 1,
        "changed_to_neglect": 1,
        "changed_to_multiple": 0,
        "unanswered": 1,
    }
