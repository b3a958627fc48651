"""The service statistics of interchange-v1 §6.2 (and the figures added since), from plain record dicts.

Why pure (no database, no Qt): the CLI, the coordinator's dashboard, the PDF report and the workbook must
show the very same figures, and the conformance vectors test them. One function, ``compute``, takes every
merged, non-deleted record (the spec's §4 shape) and a period, and returns the exact ``cpchair stats
--json`` shape. It makes one pass over the records, so 20,000 conferences take a fraction of a second.

This module is also the one home of the statistics' building blocks, so that every output uses the same
arithmetic: ``pct`` (exact half-up rounding), the duration bands (``duration_band``, ``BAND_LABELS``),
the "latest conference" order (``conference_order``, ``note_latest``) and the as-at date of a period still
running (``as_at``).

Rounding: a percentage is ``100 × n / d`` rounded half-up to one decimal place on the exact decimal value
(``Decimal``), not Python's ``round`` on a binary float (which turns 6.25 into 6.2); ``None`` when d = 0.

Keys: ``CONTRACT_KEYS`` are the spec's, exactly as §6.2 defines them (the conformance vectors check them).
The keys after them are this project's additions, documented in ``docs/statistics.md``; each says what it
counts over, and those that need a child's history say how many cases the records on file could not time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
BANDS: tuple[str, ...] = tuple(key for key, _ in DURATION_BANDS)
BAND_LABELS = {
    "under_3m": "Under 3 months",
    "3_to_6m": "3 to 6 months",
    "6_to_12m": "6 to 12 months",
    "12_to_18m": "12 to 18 months",
    "18_to_24m": "18 to 24 months",
    "24m_plus": "2 years or more",
}
TWO_YEARS_BAND = "24m_plus"
YEAR_OR_MORE_BANDS = ("12_to_18m", "18_to_24m", "24m_plus")
ATTENDED = frozenset({"attended", "attended_virtually"})
REPORTED = frozenset({"on_time", "late"})
FATHER_ATTENDED = ("attended_all", "attended_part", "attended_separately")
EA_ANSWERS = ("confirmed", "changed_to_neglect", "changed_to_multiple")
FIRST_REVIEW_MONTHS = 3  # Working Together: the first review within 3 months of the initial conference
LATER_REVIEW_MONTHS = 6  # then at intervals of no more than 6 months
REPEAT_WINDOW_MONTHS = 24  # "a second plan within two years of the last one ending"
STAGES = ("1", "2", "3", "4")
_TENTH = Decimal("0.1")

#: The keys of interchange-v1 §6.2, in the spec's order.
CONTRACT_KEYS = (
    "period",
    "conferences",
    "icpc_timeliness",
    "category_at_plan_start",
    "issues",
    "fathers",
    "agencies",
    "plans_ended",
    "plans_open_at_end",
    "emotional_abuse_check",
)


def pct(n: int | None, d: int | None) -> float | None:
    """``100 × n / d`` rounded half-up to one decimal place; ``None`` when there is nothing to divide by."""
    if n is None or not d:
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
    return dict.fromkeys(BANDS, 0)


def as_at(period_to: date, today: date | None = None) -> date:
    """The date a snapshot figure is measured at: the period's end, or today while the period still runs.

    Spec §6.2 (``plans_open_at_end``): a period still running is measured as it stands today, never at a
    future date, so that a plan is never said to have lasted months that have not happened yet.
    """
    return min(period_to, today or date.today())


def as_date(value: Any) -> date | None:
    """A date from a record (ISO text in files, ``date`` in the database); None stays None."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def conference_order(rec: Mapping[str, Any]) -> tuple[date, str, str]:
    """The order of §6.2's "latest conference": by date, then ``updated_at``, then ``id``.

    The id only breaks a tie of date and updated_at, so an answer never depends on the order records arrive in.
    """
    return (as_date(rec["conference_date"]), rec.get("updated_at") or "", rec.get("id") or "")


#: child_key -> (conference_date, updated_at, id, decision, plan_start_date) of its latest conference so far
Latest = dict[str, tuple[date, str, str, str | None, Any]]


def note_latest(latest: Latest, rec: Mapping[str, Any], order: tuple[date, str, str] | None = None) -> None:
    """Keep ``rec``'s children in ``latest`` where it is their latest conference so far (``conference_order``)."""
    order = order or conference_order(rec)
    for child in rec["children"]:
        key = child["child_key"]
        seen = latest.get(key)
        if seen is None or order > seen[:3]:
            latest[key] = (*order, child["decision"], child.get("plan_start_date"))


def _median(values: list[int]) -> int | float | None:
    """The median as a whole number when it is one (13), else the half (12.5); ``None`` for no values."""
    if not values:
        return None
    m = median(values)
    return int(m) if m == int(m) else float(m)


# --- a child's history ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildFacts:
    """What a child's earlier conferences say about one of its conferences (record id, child_key).

    ``review_due``: the day the review was due (the previous conference + 3 months after the plan started,
    + 6 months after a review); None when no earlier conference of the plan is on record.
    ``previous_category``: the category at the previous conference while on the plan (None if none).
    ``earlier_plan``: a plan (started or continued, with another start date) is on record before this one.
    ``last_plan_ended``: the date of the latest earlier conference that ended a plan, if any.
    ``earlier_reviews``: reviews (plan continued) of the same plan on record before this conference.
    ``plan_start_on_record``: the conference that started this plan is on record.
    """

    review_due: date | None = None
    previous_category: str | None = None
    earlier_plan: bool = False
    last_plan_ended: date | None = None
    earlier_reviews: int = 0
    plan_start_on_record: bool = False


Facts = dict[tuple[str, str], ChildFacts]


#: child_key -> its conferences: ((date, updated_at, id), decision, plan_start_date, category), any order
History = dict[str, list[tuple[tuple[date, str, str], str, Any, Any]]]


def note_history(history: History, rec: Mapping[str, Any], order: tuple[date, str, str]) -> None:
    """Keep what a child's history needs of ``rec`` (a few references per child, not the record)."""
    for child in rec["children"]:
        entry = (order, child["decision"], child.get("plan_start_date"), child.get("category"))
        history.setdefault(child["child_key"], []).append(entry)


def child_facts(
    records: Iterable[Mapping[str, Any]], until: date, plan_decisions: frozenset[str] | None = None
) -> Facts:
    """``ChildFacts`` for every child at every conference on or before ``until``, from each child's history.

    A conference's facts depend only on that child's earlier conferences, so facts worked out once up to a
    period's end hold for every month inside it (the dashboard relies on this).
    """
    history: History = {}
    for rec in records:
        order = conference_order(rec)
        if order[0] <= until:
            note_history(history, rec, order)
    return facts_of(history, plan_decisions)


def facts_of(history: History, plan_decisions: frozenset[str] | None = None) -> Facts:
    """Walk each child's conferences in the §6.2 order and say, of each, what came before it."""
    plan_decisions = plan_decisions or frozenset(load().group("plan_decisions"))
    facts: Facts = {}
    for key, entries in history.items():
        entries.sort(key=lambda e: e[0])
        prev_date: date | None = None
        prev_decision: str | None = None
        prev_category: str | None = None
        plan_starts: set[Any] = set()
        started_on_record: set[Any] = set()
        reviews_of: dict[Any, int] = {}
        last_ended: date | None = None
        for order, decision, start, category in entries:
            start_key = str(start) if start is not None else None
            on_plan_before = prev_decision in plan_decisions
            due = None
            reviewed = decision == "plan_continues" or decision.startswith("plan_ended_")
            if reviewed and on_plan_before:  # a review of a plan on record: due 3 months after it started, then 6
                months = FIRST_REVIEW_MONTHS if prev_decision == "plan_started" else LATER_REVIEW_MONTHS
                due = dates.add_months(prev_date, months)
            facts[(order[2], key)] = ChildFacts(
                review_due=due,
                previous_category=prev_category if on_plan_before else None,
                earlier_plan=bool(plan_starts - {start_key}),
                last_plan_ended=last_ended,
                earlier_reviews=reviews_of.get(start_key, 0),
                plan_start_on_record=start_key in started_on_record,
            )
            if decision == "plan_started":
                started_on_record.add(start_key)
            if decision in plan_decisions and start_key is not None:
                plan_starts.add(start_key)
            if decision == "plan_continues":
                reviews_of[start_key] = reviews_of.get(start_key, 0) + 1
            if decision.startswith("plan_ended_"):
                last_ended = order[0]
            prev_date, prev_decision, prev_category = order[0], decision, category
    return facts


# --- days, for what is timed in days (an escalation's resolution) ----------------------------------------

#: (key, the first day of the band); each band runs up to the next one's start.
DAY_BANDS: tuple[tuple[str, int], ...] = (("within_7d", 0), ("8_to_28d", 8), ("29_to_90d", 29), ("over_90d", 91))
DAY_BAND_LABELS = {
    "within_7d": "Within 7 days",
    "8_to_28d": "8 to 28 days",
    "29_to_90d": "29 to 90 days",
    "over_90d": "Over 90 days",
}


def day_band(days: int) -> str:
    """The ``DAY_BANDS`` band of a number of days."""
    band = DAY_BANDS[0][0]
    for key, first in DAY_BANDS[1:]:
        if days < first:
            break
        band = key
    return band


def median_of_counts(counts: Mapping[int, int]) -> int | float | None:
    """The median (as ``_median`` gives it) of values held as value -> how many times it occurs.

    Why a histogram: a stream's figures keep counters, not one entry per record, so memory stays bounded.
    """
    total = sum(counts.values())
    if not total:
        return None
    lower_at, upper_at = (total - 1) // 2, total // 2
    lower = upper = None
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if lower is None and seen > lower_at:
            lower = value
        if seen > upper_at:
            upper = value
            break
    return _median([lower, upper])


# --- the statistics ---------------------------------------------------------------------------------------


def compute(
    records: Iterable[Mapping[str, Any]],
    period_from: date,
    period_to: date,
    q: Questionnaire | None = None,
    *,
    today: date | None = None,
    facts: Facts | None = None,
) -> dict[str, Any]:
    """Every figure for conferences dated ``period_from``–``period_to`` (both inclusive).

    ``records`` must be ALL merged, non-deleted conferences, not only those in the period:
    ``plans_open_at_end`` and the figures read from a child's history look at earlier conferences too.
    Records dated before the period need only ``id``, ``conference_date``, ``updated_at`` and ``children``.
    Dates may be ISO strings (as in files) or ``date`` objects. ``today`` fixes the as-at date (tests);
    ``facts`` (from ``child_facts`` up to at least ``period_to``) saves working the histories out again.
    """
    # The §6.2 figures are defined on the version 1 code lists (their keys are the contract of ``stats
    # --json``); version 2 records are counted by the same definitions.
    q = q or load(1)
    conference_types = tuple(q.codes["conference_type"])
    categories = tuple(q.codes["category"])
    issue_codes = tuple(q.codes["issue"])
    attendance_codes = tuple(q.codes["adult_attendance"])
    reason_codes = tuple(q.codes["not_invited_reason"])
    agency_codes = tuple(q.codes["agency"])
    initial_types = frozenset(q.group("initial_types"))
    timed_types = frozenset(q.group("timed_types"))
    plan_decisions = frozenset(q.group("plan_decisions"))
    males = frozenset(q.group("male_relationships"))
    cofactors = frozenset(q.group("emotional_abuse_cofactors"))
    quality_keys = q.quality_keys
    # One pass over the records (a stream: ``services.stats`` reads them in batches). Figures read from a
    # child's history wait until every record has been seen: ``pending`` keeps what they need of each child
    # in the period, ``history`` what each child's history needs (unless ``facts`` were given).
    history: History | None = {} if facts is None else None
    pending: list[tuple[str, str, str, str, date, Any]] = []
    measured_at = as_at(period_to, today)

    by_type = dict.fromkeys(conference_types, 0)
    total = children_total = 0
    different_children: set[str] = set()
    working_days: list[int] = []
    within = 0
    late_reasons = {**dict.fromkeys(q.codes["delay_reason"], 0), "not_recorded": 0}
    cat_counts = dict.fromkeys(categories, 0)
    issue_conferences = 0
    issue_counts = dict.fromkeys(issue_codes, 0)
    fathers_total = fathers_engaged = fathers_invited = fathers_attended = 0
    father_attendance = dict.fromkeys(attendance_codes, 0)
    father_reasons = dict.fromkeys(reason_codes, 0)
    fathers_by_agency = dict.fromkeys(agency_codes, 0)
    with_male = no_male_invited = some_male_not_invited = 0
    agency_counts: dict[str, dict[str, list[int]]] = {"initial": {}, "review": {}}  # [inv, att, rep, on_time]
    ended_bands = empty_bands()
    ea = {"flagged": 0, **dict.fromkeys(EA_ANSWERS, 0), "unanswered": 0}
    reviews = reviews_within = reviews_untimed = 0
    child_reviews: dict[str, bool] = {}  # child_key -> every review of it in the period was within timescale
    sequence = dict.fromkeys(q.codes["plan_sequence"], 0)
    earlier_plan = within_two_years = 0
    ended_first = ended_history_unknown = 0
    changes = change_reviews = 0
    quality = {k: dict.fromkeys(q.codes[k], 0) for k in quality_keys}
    quality_unanswered = dict.fromkeys(quality_keys, 0)
    dissent = dict.fromkeys(q.codes["dissent"], 0)
    dissent_unanswered = 0
    esc_total = esc_conferences = 0
    esc_type = dict.fromkeys(q.codes["escalation_type"], 0)
    esc_subject = dict.fromkeys(q.codes["escalation_subject"], 0)
    esc_stage = dict.fromkeys(STAGES, 0)
    esc_status = dict.fromkeys(q.codes["escalation_status"], 0)
    quorate = quorum_recorded = 0
    participation = {**dict.fromkeys(q.codes["participation"], 0), "not_recorded": 0}
    latest: Latest = {}
    from cpchair.domain.statistics_v2 import V2Figures  # the version 2 figures (its own module; it imports this)

    v2 = V2Figures()
    for rec in records:
        order = conference_order(rec)
        conf_date = order[0]
        if conf_date > period_to:
            continue
        children = rec["children"]
        note_latest(latest, rec, order)
        if history is not None:
            note_history(history, rec, order)
        if conf_date < period_from:
            continue

        rid = order[2]
        ctype = rec["conference_type"]
        total += 1
        v2.add(rec)
        by_type[ctype] = by_type.get(ctype, 0) + 1
        children_total += len(children)

        if ctype in timed_types:
            strategy = as_date(rec.get("strategy_discussion_date"))
            if strategy is not None:
                days = dates.working_days_between(strategy, conf_date)
                working_days.append(days)
                if days <= dates.ICPC_WORKING_DAYS:
                    within += 1
                else:
                    reason = rec.get("delay_reason")
                    late_reasons[reason if reason in late_reasons else "not_recorded"] += 1

        issues = rec.get("issues") or ()
        ea_family = "domestic_abuse" in issues and not cofactors.isdisjoint(issues)
        any_plan = False
        for child in children:
            key = child["child_key"]
            different_children.add(key)
            decision = child["decision"]
            on_plan = decision in plan_decisions
            any_plan = any_plan or on_plan
            category = child.get("category")
            pending.append((rid, key, ctype, decision, conf_date, category))
            pn = child.get("participation")
            participation[pn if pn in participation else "not_recorded"] += 1
            if decision == "plan_started":
                cat_counts[category] = cat_counts.get(category, 0) + 1
                seq = child.get("plan_sequence")
                if seq in sequence:
                    sequence[seq] += 1
            elif ctype == "review" and decision.startswith("plan_ended_"):
                start = as_date(child["plan_start_date"])
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

        males_here = invited_here = 0
        for adult in rec.get("adults") or ():
            if adult["relationship"] not in males:
                continue
            males_here += 1
            fathers_total += 1
            attendance = adult["attendance"]
            father_attendance[attendance] = father_attendance.get(attendance, 0) + 1
            invited = bool(adult.get("invited"))
            invited_here += invited
            fathers_invited += invited
            fathers_attended += attendance in FATHER_ATTENDED
            reason = adult.get("not_invited_reason")
            if reason is not None:
                father_reasons[reason] = father_reasons.get(reason, 0) + 1
            engaged = adult.get("engaged_agencies") or ()
            if engaged:
                fathers_engaged += 1
            for agency in set(engaged):
                fathers_by_agency[agency] = fathers_by_agency.get(agency, 0) + 1
        if males_here:
            with_male += 1
            no_male_invited += invited_here == 0
            some_male_not_invited += invited_here < males_here

        group = "initial" if ctype in initial_types else "review" if ctype == "review" else None
        if group is not None:
            per_agency = agency_counts[group]
            for entry in rec.get("agencies") or ():
                if not entry.get("invited"):
                    continue
                c = per_agency.setdefault(entry["agency"], [0, 0, 0, 0])
                c[0] += 1
                c[1] += entry.get("attendance") in ATTENDED
                c[2] += entry.get("report") in REPORTED
                c[3] += entry.get("report") == "on_time"

        answers = rec.get("quality") or {}
        for k in quality_keys:
            a = answers.get(k)
            if a in quality[k]:
                quality[k][a] += 1
            else:
                quality_unanswered[k] += 1
        d_answer = answers.get("dissent")
        if d_answer in dissent:
            dissent[d_answer] += 1
        else:
            dissent_unanswered += 1
        escalations = rec.get("escalations") or ()
        esc_conferences += bool(escalations)
        for e in escalations:
            esc_total += 1
            for table, value in ((esc_type, e.get("type")), (esc_subject, e.get("subject")),
                                 (esc_stage, str(e.get("stage"))), (esc_status, e.get("status"))):  # fmt: skip
                if value in table:
                    table[value] += 1
        if isinstance(rec.get("quorate"), bool):
            quorum_recorded += 1
            quorate += rec["quorate"]

    if facts is None:
        facts = facts_of(history or {}, plan_decisions)
    for rid, key, ctype, decision, conf_date, category in pending:
        fact = facts.get((rid, key)) or ChildFacts()
        if decision == "plan_started":
            earlier_plan += fact.earlier_plan
            ended = fact.last_plan_ended
            within_two_years += ended is not None and dates.add_months(ended, REPEAT_WINDOW_MONTHS) >= conf_date
        elif ctype == "review" and decision.startswith("plan_ended_"):
            if fact.plan_start_on_record:
                ended_first += fact.earlier_reviews == 0
            else:
                ended_history_unknown += 1
        if ctype == "review" and decision != "plan_started":
            if fact.review_due is None:
                reviews_untimed += 1
            else:
                reviews += 1
                ok = conf_date <= fact.review_due
                reviews_within += ok
                child_reviews[key] = child_reviews.get(key, True) and ok
            if decision == "plan_continues" and fact.previous_category is not None:
                change_reviews += 1
                changes += category != fact.previous_category

    cat_total = sum(cat_counts.values())
    ended_total = sum(ended_bands.values())
    open_bands = empty_bands()
    overdue = 0
    for _d, _u, _i, decision, start in latest.values():
        if decision in plan_decisions and start is not None:
            open_bands[duration_band(as_date(start), measured_at)] += 1
    for _key, (last_date, _u, _i, decision, _start) in latest.items():
        if decision in plan_decisions:
            months = FIRST_REVIEW_MONTHS if decision == "plan_started" else LATER_REVIEW_MONTHS
            overdue += dates.add_months(last_date, months) < measured_at
    open_total = sum(open_bands.values())

    def agency_table(counts: dict[str, list[int]], scorecard: bool) -> dict[str, dict[str, Any]]:
        table = {}
        for agency in sorted(counts, key=lambda a: agency_codes.index(a) if a in agency_codes else len(agency_codes)):
            invited, attended, reported, on_time = counts[agency]
            row = {
                "invited": invited,
                "attended": attended,
                "attended_pct": pct(attended, invited),
            }
            if scorecard:
                row |= {
                    "report_provided": reported,
                    "report_provided_pct": pct(reported, invited),
                    "report_on_time": on_time,
                    "report_on_time_pct": pct(on_time, invited),
                }
            else:
                row |= {"report": reported, "report_pct": pct(reported, invited)}
            table[agency] = row
        return table

    seq_total = sum(sequence.values())
    second_or_later = sequence.get("second", 0) + sequence.get("third_or_more", 0)
    children_reviewed = len(child_reviews)
    all_within = sum(child_reviews.values())
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
        "agencies": {group: agency_table(counts, False) for group, counts in agency_counts.items()},
        "plans_ended": {
            "total": ended_total,
            "duration_bands": ended_bands,
            "lasting_2y_or_more": ended_bands[TWO_YEARS_BAND],
            "lasting_2y_or_more_pct": pct(ended_bands[TWO_YEARS_BAND], ended_total),
        },
        "plans_open_at_end": {"total": open_total, "duration_bands": open_bands},
        "emotional_abuse_check": ea,
        # --- additions (docs/statistics.md) ---
        "as_at": measured_at.isoformat(),
        "children": {"discussed": children_total, "different": len(different_children)},
        "review_timeliness": {
            "reviews": reviews,
            "within": reviews_within,
            "pct": pct(reviews_within, reviews),
            "not_timed": reviews_untimed,
            "children": children_reviewed,
            "children_all_within": all_within,
            "children_all_within_pct": pct(all_within, children_reviewed),
            "open_plans_overdue_at_as_at": overdue,
            "open_plans_at_as_at": open_total,
        },
        "icpc_late_reasons": {
            "late": len(working_days) - within,
            "reasons": late_reasons,
        },
        "repeat_plans": {
            "total": cat_total,
            "sequence": sequence,
            "sequence_recorded": seq_total,
            "second_or_later": second_or_later,
            "second_or_later_pct": pct(second_or_later, cat_total),
            "earlier_plan_on_record": earlier_plan,
            "within_2y_of_last_plan_ending": within_two_years,
            "within_2y_of_last_plan_ending_pct": pct(within_two_years, cat_total),
        },
        "plans_ended_at_first_review": {
            "total": ended_total,
            "history_on_record": ended_total - ended_history_unknown,
            "at_first_review": ended_first,
            "at_first_review_pct": pct(ended_first, ended_total - ended_history_unknown),
        },
        "category_changes": {
            "reviews": change_reviews,
            "changed": changes,
            "changed_pct": pct(changes, change_reviews),
        },
        "plan_quality": {"conferences": total, "answers": quality, "unanswered": quality_unanswered},
        "dissent": {
            "conferences": total,
            "counts": dissent,
            "unanswered": dissent_unanswered,
            "any": total - dissent.get("none", 0) - dissent_unanswered,
            "any_pct": pct(total - dissent.get("none", 0) - dissent_unanswered, total - dissent_unanswered),
        },
        "escalations": {
            "total": esc_total,
            "conferences_with_any": esc_conferences,
            "by_type": esc_type,
            "by_subject": esc_subject,
            "by_stage": esc_stage,
            "by_status": esc_status,
        },
        "quorum": {
            "conferences": total,
            "recorded": quorum_recorded,
            "quorate": quorate,
            "quorate_pct": pct(quorate, quorum_recorded),
        },
        "participation": {"children": children_total, "counts": participation},
        "agency_scorecard": {group: agency_table(counts, True) for group, counts in agency_counts.items()},
        "fathers_summary": {
            "identified": fathers_total,
            "invited": fathers_invited,
            "invited_pct": pct(fathers_invited, fathers_total),
            "attended": fathers_attended,
            "attended_pct": pct(fathers_attended, fathers_invited),
            "engaging": fathers_engaged,
            "engaging_pct": pct(fathers_engaged, fathers_total),
            "engaging_by_agency": fathers_by_agency,
        },
        "fathers_by_conference": {
            "conferences": total,
            "with_male_adult": with_male,
            "no_male_adult_recorded": total - with_male,
            "no_male_invited": no_male_invited,
            "no_male_invited_pct": pct(no_male_invited, with_male),
            "some_male_not_invited": some_male_not_invited,
        },
        **v2.result(),  # the figures that need the version 2 questionnaire (statistics_v2)
    }
