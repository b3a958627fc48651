"""The service statistics of interchange-v1 §6.2, computed from plain record dicts.

Why pure (no database, no Qt): the CLI, the coordinator's dashboard and the PDF report must show the very
same figures, and the conformance vectors test them. One function, ``compute``, takes every merged,
non-deleted record (the spec's §4 shape) and a period, and returns the exact ``cpchair stats --json``
shape. It makes one pass over the records, so 20,000 conferences take a fraction of a second.

Rounding: a percentage is ``100 × n / d`` rounded half-up to one decimal place on the exact decimal value
(``Decimal``), not Python's ``round`` on a binary float (which turns 6.25 into 6.2); ``None`` when d = 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any

from cpchair.domain import dates
from cpchair.domain.questionnaire import Questionnaire, load

#: (key, months from the start at which the band begins); each band runs up to the next one's start.
DURATION_BANDS: tuple[tuple[str, int], ...] = (
    ("under_3m", 0),
    ("3_to_6m", 3),
    ("6_to_12m", 6),
    ("12_to_18m", 12),
    ("18_to_24m", 18),
    ("24m_plus", 24),
)
TWO_YEARS_BAND = "24m_plus"
ATTENDED = frozenset({"attended", "attended_virtually"})
REPORTED = frozenset({"on_time", "late"})
EA_ANSWERS = ("confirmed", "changed_to_neglect", "changed_to_multiple")
_TENTH = Decimal("0.1")


def pct(n: int, d: int) -> float | None:
    """``100 × n / d`` rounded half-up to one decimal place; ``None`` when there is nothing to divide by."""
    if not d:
        return None
    return float((Decimal(100 * n) / Decimal(d)).quantize(_TENTH, rounding=ROUND_HALF_UP))


def duration_band(start: date, end: date) -> str:
    """The §6.2 band of a plan that ran from ``start`` to ``end``, in calendar months (``add_months``)."""
    band = DURATION_BANDS[0][0]
    for key, months in DURATION_BANDS[1:]:
        if end < dates.add_months(start, months):
            break
        band = key
    return band


def empty_bands() -> dict[str, int]:
    return {key: 0 for key, _ in DURATION_BANDS}


def _median(values: list[int]) -> int | float | None:
    """The median as a whole number when it is one (13), else the half (12.5); ``None`` for no values."""
    if not values:
        return None
    m = median(values)
    return int(m) if m == int(m) else float(m)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def compute(
    records: Iterable[Mapping[str, Any]], period_from: date, period_to: date, q: Questionnaire | None = None
) -> dict[str, Any]:
    """Every §6.2 figure for conferences dated ``period_from``–``period_to`` (both inclusive).

    ``records`` must be ALL merged, non-deleted conferences, not only those in the period:
    ``plans_open_at_end`` looks at each child's latest conference on or before ``period_to`` over all dates.
    Dates may be ISO strings (as in files) or ``date`` objects.
    """
    # The §6.2 figures are defined on the version 1 code lists (their keys are the contract of ``stats
    # --json``); version 2 records are counted by the same definitions.
    q = q or load(1)
    conference_types = tuple(q.codes["conference_type"])
    categories = tuple(q.codes["category"])
    issue_codes = tuple(q.codes["issue"])
    attendance_codes = tuple(q.codes["adult_attendance"])
    reason_codes = tuple(q.codes["not_invited_reason"])
    initial_types = frozenset(q.group("initial_types"))
    timed_types = frozenset(q.group("timed_types"))
    plan_decisions = frozenset(q.group("plan_decisions"))
    males = frozenset(q.group("male_relationships"))
    cofactors = frozenset(q.group("emotional_abuse_cofactors"))

    by_type = dict.fromkeys(conference_types, 0)
    total = children_total = 0
    working_days: list[int] = []
    within = 0
    cat_counts = dict.fromkeys(categories, 0)
    issue_conferences = 0
    issue_counts = dict.fromkeys(issue_codes, 0)
    fathers_total = fathers_engaged = 0
    father_attendance = dict.fromkeys(attendance_codes, 0)
    father_reasons = dict.fromkeys(reason_codes, 0)
    agency_counts: dict[str, dict[str, list[int]]] = {"initial": {}, "review": {}}  # agency -> [inv, att, rep]
    ended_bands = empty_bands()
    ea = {"flagged": 0, **dict.fromkeys(EA_ANSWERS, 0), "unanswered": 0}
    # child_key -> (conference_date, updated_at, id, decision, plan_start_date) of its latest conference <= to;
    # the id only breaks a tie of date and updated_at, so the answer never depends on the records' order.
    latest: dict[str, tuple[date, str, str, str | None, Any]] = {}

    for rec in records:
        conf_date = _as_date(rec["conference_date"])
        if conf_date > period_to:
            continue
        children = rec["children"]
        order = (conf_date, rec.get("updated_at") or "", rec.get("id") or "")
        for child in children:
            key = child["child_key"]
            seen = latest.get(key)
            if seen is None or order > seen[:3]:
                latest[key] = (*order, child["decision"], child.get("plan_start_date"))
        if conf_date < period_from:
            continue

        ctype = rec["conference_type"]
        total += 1
        by_type[ctype] = by_type.get(ctype, 0) + 1
        children_total += len(children)

        if ctype in timed_types:
            strategy = _as_date(rec.get("strategy_discussion_date"))
            if strategy is not None:
                days = dates.working_days_between(strategy, conf_date)
                working_days.append(days)
                within += days <= dates.ICPC_WORKING_DAYS

        issues = rec.get("issues") or ()
        ea_family = "domestic_abuse" in issues and not cofactors.isdisjoint(issues)
        any_plan = False
        for child in children:
            decision = child["decision"]
            on_plan = decision in plan_decisions
            any_plan = any_plan or on_plan
            category = child.get("category")
            if decision == "plan_started":
                cat_counts[category] = cat_counts.get(category, 0) + 1
            elif ctype == "review" and decision.startswith("plan_ended_"):
                start = _as_date(child["plan_start_date"])
                ended_bands[duration_band(start, conf_date)] += 1
            if on_plan and ea_family:
                check = child.get("emotional_abuse_check")
                if category == "emotional" or check is not None:
                    ea["flagged"] += 1
                    ea[check if check in EA_ANSWERS else "unanswered"] += 1
        if any_plan:
            issue_conferences += 1
            for issue in issues:
                issue_counts[issue] = issue_counts.get(issue, 0) + 1

        for adult in rec.get("adults") or ():
            if adult["relationship"] not in males:
                continue
            fathers_total += 1
            attendance = adult["attendance"]
            father_attendance[attendance] = father_attendance.get(attendance, 0) + 1
            reason = adult.get("not_invited_reason")
            if reason is not None:
                father_reasons[reason] = father_reasons.get(reason, 0) + 1
            if adult.get("engaged_agencies"):
                fathers_engaged += 1

        group = "initial" if ctype in initial_types else "review" if ctype == "review" else None
        if group is not None:
            per_agency = agency_counts[group]
            for entry in rec.get("agencies") or ():
                if not entry.get("invited"):
                    continue
                c = per_agency.setdefault(entry["agency"], [0, 0, 0])
                c[0] += 1
                c[1] += entry.get("attendance") in ATTENDED
                c[2] += entry.get("report") in REPORTED

    cat_total = sum(cat_counts.values())
    ended_total = sum(ended_bands.values())
    open_bands = empty_bands()
    for *_order, decision, start in latest.values():
        if decision in plan_decisions and start is not None:
            open_bands[duration_band(_as_date(start), period_to)] += 1
    agency_order = tuple(q.codes["agency"])

    def agency_table(counts: dict[str, list[int]]) -> dict[str, dict[str, Any]]:
        table = {}
        for agency in sorted(counts, key=lambda a: agency_order.index(a) if a in agency_order else len(agency_order)):
            invited, attended, reported = counts[agency]
            table[agency] = {
                "invited": invited,
                "attended": attended,
                "attended_pct": pct(attended, invited),
                "report": reported,
                "report_pct": pct(reported, invited),
            }
        return table

    return {
        "period": {"from": period_from.isoformat(), "to": period_to.isoformat()},
        "conferences": {"total": total, "by_type": by_type, "children": children_total},
        "icpc_timeliness": {
            "timed": len(working_days),
            "within": within,
            "pct": pct(within, len(working_days)),
            "median_working_days": _median(working_days),
        },
        "category_at_plan_start": {
            "total": cat_total,
            "counts": cat_counts,
            "pct": {c: pct(n, cat_total) for c, n in cat_counts.items()},
        },
        "issues": {"conferences": issue_conferences, "counts": issue_counts},
        "fathers": {
            "total": fathers_total,
            "attendance": father_attendance,
            "attendance_pct": {a: pct(n, fathers_total) for a, n in father_attendance.items()},
            "not_invited_reasons": father_reasons,
            "engaged_with_any_agency": fathers_engaged,
            "engaged_with_any_agency_pct": pct(fathers_engaged, fathers_total),
        },
        "agencies": {group: agency_table(counts) for group, counts in agency_counts.items()},
        "plans_ended": {
            "total": ended_total,
            "duration_bands": ended_bands,
            "lasting_2y_or_more": ended_bands[TWO_YEARS_BAND],
            "lasting_2y_or_more_pct": pct(ended_bands[TWO_YEARS_BAND], ended_total),
        },
        "plans_open_at_end": {"total": sum(open_bands.values()), "duration_bands": open_bands},
        "emotional_abuse_check": ea,
    }
