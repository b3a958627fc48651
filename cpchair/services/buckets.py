"""Every figure's headline month by month (quarter by quarter for fathers) and chair by chair.

Why apart from the figure definitions: this is the one part of the dashboard that must be fast (the
coordinator switches period and chair on 20,000 merged conferences), so it is written for speed and proven
equal to the plain per-bucket statistics in the tests. The figures themselves come from
``cpchair.services.figures``; the arithmetic from ``cpchair.domain.statistics``.

Over time, a bucket with no data is ``None`` (a gap), never a zero: a month without conferences says
nothing about performance, and drawing it as 0% would read as a collapse.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from cpchair.domain import dates, statistics
from cpchair.domain.questionnaire import load
from cpchair.services.figures import BUCKETS, FIGURE_KEYS, MONTH, QUARTER, Measure, figures


@dataclass(frozen=True)
class Point:
    """One month or quarter of a figure's headline; ``value`` None is a gap (no data in that bucket)."""

    label: str
    start: date
    end: date
    value: Measure | None


@dataclass(frozen=True)
class ChairLine:
    chair: str
    value: Measure | None


def months(period_from: date, period_to: date) -> list[tuple[str, date, date]]:
    """The calendar months touching the period, each clipped to it: ``("Apr 2024", start, end)``."""
    out = []
    start = period_from
    while start <= period_to:
        next_month = dates.add_months(start.replace(day=1), 1)
        end = min(next_month - timedelta(days=1), period_to)
        out.append((start.strftime("%b %Y"), start, end))
        start = next_month
    return out


def quarters(period_from: date, period_to: date) -> list[tuple[str, date, date]]:
    """Quarters of the reporting year (Q1 = April–June), clipped to the period: ``("Q1 2024-25", ...)``."""
    out = []
    start = period_from
    while start <= period_to:
        index = ((start.month - 4) % 12) // 3
        ry_start, _ = dates.reporting_year(start)
        q_start = dates.add_months(ry_start, 3 * index)
        q_next = dates.add_months(q_start, 3)
        end = min(q_next - timedelta(days=1), period_to)
        out.append((f"Q{index + 1} {ry_start.year}-{(ry_start.year + 1) % 100:02d}", start, end))
        start = q_next
    return out


def compute(records: Sequence[dict], period_from: date, period_to: date, *, today: date | None = None,
            facts: statistics.Facts | None = None) -> dict:  # fmt: skip
    return statistics.compute(records, period_from, period_to, today=today, facts=facts)


def headlines(stats: dict) -> dict[str, Measure | None]:
    """Each figure's headline, None where the period has no conferences or the headline nothing to count."""
    if not stats["conferences"]["total"]:
        return dict.fromkeys(FIGURE_KEYS)
    return {f.key: (f.headline if f.headline.d else None) for f in figures(stats)}


def _by_date(records: Iterable[dict]) -> list[dict]:
    """Records sorted by conference date (ISO strings sort as dates), so a bucket's records are one slice."""
    return sorted(records, key=lambda r: str(r["conference_date"]))


def _slice(ordered: Sequence[dict], dates_: Sequence[str], start: date, end: date) -> Sequence[dict]:
    """The records of ``ordered`` (sorted by date, ``dates_`` their ISO dates) dated ``start``–``end``."""
    return ordered[bisect_left(dates_, start.isoformat()) : bisect_right(dates_, end.isoformat())]


def _open_plans(latest: Iterable[tuple], until: date) -> Measure | None:
    """The time-on-plan headline (on a plan 12 months or more, of all still on a plan at ``until``), counted
    as ``statistics.compute`` counts ``plans_open_at_end``; None when nobody is on a plan.

    A plan is in a band of 12 months or more exactly when ``until`` is on or after its start plus 12 calendar
    months (``duration_band``'s thresholds only grow), so each start's anniversary is worked out once and
    reused for every month, instead of banding every child again at each bucket.
    """
    plan_decisions = _plan_decisions()
    total = long = 0
    for *_order, decision, start in latest:
        if decision in plan_decisions and start is not None:
            total += 1
            long += _a_year_after(start) <= until
    return Measure.of(long, total) if total else None


@lru_cache(maxsize=1)
def _plan_decisions() -> frozenset[str]:
    return frozenset(load().group("plan_decisions"))


@lru_cache(maxsize=8192)
def _a_year_after(start: str | date) -> date:
    """``add_months(start, 12)``: the day a plan that started on ``start`` enters the 12-to-18-month band."""
    return dates.add_months(statistics.as_date(start), 12)


def _fathers_only(rec: dict) -> dict:
    """What the fathers' statistics read of a conference (its id, date, type, adults and version), no children,
    so ``compute`` counts the same conferences and fathers without banding every child's plan again."""
    return {
        "id": rec.get("id"),
        "conference_date": rec["conference_date"],
        "conference_type": rec["conference_type"],
        "children": (),
        "adults": rec.get("adults"),
        "questionnaire_version": rec.get("questionnaire_version"),  # the version 2 fathers' figure counts
        "carried_from_version": rec.get("carried_from_version"),  # only the records asked its questions
    }


def over_time(
    records: Sequence[dict],
    period_from: date,
    period_to: date,
    *,
    today: date | None = None,
    facts: statistics.Facts | None = None,
) -> dict[str, list[Point]]:
    """Every figure's headline month by month (fathers' attendance and reasons quarter by quarter).

    Why not ``compute`` over every record up to each bucket's end: with years of merged data that reads the
    whole history 16 times. Records before a bucket matter only for time on plan and for the figures read
    from a child's history; the histories are worked out once (``facts``), each bucket's statistics come
    from its own slice of the date-sorted records, and time on plan from one sweep through the history that
    keeps each child's latest conference as it goes. A month still running is measured as at today.
    """
    ordered = _by_date(records)
    iso = [str(r["conference_date"]) for r in ordered]
    if facts is None:
        facts = statistics.child_facts(ordered, period_to, _plan_decisions())
    out: dict[str, list[Point]] = {k: [] for k in FIGURE_KEYS}
    latest: statistics.Latest = {}
    swept = 0
    for bucket, spans in ((MONTH, months(period_from, period_to)), (QUARTER, quarters(period_from, period_to))):
        keys = [k for k in FIGURE_KEYS if BUCKETS[k] == bucket]
        for label, start, end in spans:
            mine = _slice(ordered, iso, start, end)
            if bucket == QUARTER:  # only the fathers' figures go by quarter: they need each conference's adults
                mine = [_fathers_only(r) for r in mine]
            stats = compute(mine, start, end, today=today, facts=facts)
            values = headlines(stats)
            if "time_on_plan" in keys and stats["conferences"]["total"]:
                stop = bisect_right(iso, end.isoformat())
                for rec in ordered[swept:stop]:
                    statistics.note_latest(latest, rec)
                swept = stop
                values["time_on_plan"] = _open_plans(latest.values(), statistics.as_at(end, today))
            for k in keys:
                out[k].append(Point(label, start, end, values[k]))
    return out


def by_chair(
    records: Sequence[dict],
    chair_of: dict[str, str],
    period_from: date,
    period_to: date,
    *,
    today: date | None = None,
    facts: statistics.Facts | None = None,
) -> dict[str, list[ChairLine]]:
    """Every figure's headline for each chair (chairs with nothing in the period are left out).

    Counts over conferences, children and fathers add up across chairs to the service total; a child's
    history (for review timeliness, repeat plans, …) is read over every chair's records. A child's time on
    a plan belongs to the chair of that child's latest conference, so that figure adds up too.
    """
    out: dict[str, list[ChairLine]] = {k: [] for k in FIGURE_KEYS}
    if facts is None:
        facts = statistics.child_facts(records, period_to, _plan_decisions())
    measured_at = statistics.as_at(period_to, today)
    latest = latest_chair_by_child(records, chair_of, period_to)
    limit = period_to.isoformat()
    first = period_from.isoformat()
    in_period: dict[str, list[dict]] = {}
    chair_latest: dict[str, statistics.Latest] = {}
    for r in records:
        when = str(r["conference_date"])
        if when > limit:
            continue
        chair = chair_of.get(r["id"])
        statistics.note_latest(chair_latest.setdefault(chair, {}), r)
        if when >= first:
            in_period.setdefault(chair, []).append(r)
    for chair in chair_names(chair_of):
        stats = compute(in_period.get(chair, []), period_from, period_to, today=today, facts=facts)
        values = headlines(stats)
        mine = chair_latest.get(chair, {})
        if stats["conferences"]["total"]:
            values["time_on_plan"] = _open_plans(mine.values(), measured_at)  # as compute over all theirs gives
        if all(v is None for v in values.values()):
            continue
        own = [v for child, v in mine.items() if latest.get(child) == chair]
        values["time_on_plan"] = _open_plans(own, measured_at)
        for k in FIGURE_KEYS:
            out[k].append(ChairLine(chair, values[k]))
    return out


def latest_chair_by_child(records: Sequence[dict], chair_of: dict[str, str], until: date) -> dict[str, str]:
    """The chair of each child's latest conference on or before ``until`` (the §6.2 order, with its tie-break)."""
    best: dict[str, tuple[Any, str]] = {}
    for r in records:
        order = statistics.conference_order(r)
        if order[0] > until:
            continue
        for c in r["children"]:
            seen = best.get(c["child_key"])
            if seen is None or order > seen[0]:
                best[c["child_key"]] = (order, chair_of.get(r["id"], ""))
    return {child: v[1] for child, v in best.items()}


def chair_names(chair_of: dict[str, str]) -> list[str]:
    return sorted(set(chair_of.values()), key=str.casefold)
