"""The months, quarters and chairs the dashboard's series go by, and a bucket's headlines.

Why apart from the figure definitions: the series are the one part of the dashboard that must be fast (the
coordinator switches period and chair on 20,000 merged conferences), so their building blocks are written
for speed; ``cpchair.services.dashboard_feed`` fills the buckets in one pass and the tests prove it equal
to the plain per-bucket statistics. The figures themselves come from ``cpchair.services.figures``; the
arithmetic from ``cpchair.domain.statistics``.

Over time, a bucket with no data is ``None`` (a gap), never a zero: a month without conferences says
nothing about performance, and drawing it as 0% would read as a collapse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from cpchair.domain import dates, statistics
from cpchair.domain.questionnaire import load
from cpchair.services.figures import FIGURE_KEYS, Measure, figures


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


def headlines(stats: dict) -> dict[str, Measure | None]:
    """Each figure's headline, None where the period has no conferences or the headline nothing to count."""
    if not stats["conferences"]["total"]:
        return dict.fromkeys(FIGURE_KEYS)
    return {f.key: (f.headline if f.headline.d else None) for f in figures(stats)}


def time_on_plan(latest: Iterable[tuple], until: date) -> Measure | None:
    """The time-on-plan headline (on a plan 12 months or more, of all still on a plan at ``until``), counted
    as ``statistics.compute`` counts ``plans_open_at_end``; None when nobody is on a plan.

    A plan is in a band of 12 months or more exactly when ``until`` is on or after its start plus 12 calendar
    months (``duration_band``'s thresholds only grow), so each start's anniversary is worked out once and
    reused for every month, instead of banding every child again at each bucket.
    """
    plan_decisions = _plan_decisions()
    total = long = 0
    for *_order, decision, start, end in latest:
        if decision in plan_decisions and start is not None and not statistics.plan_ended_by(end, until):
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


def fathers_only(rec: dict) -> dict:
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


def chair_names(chair_of: dict[str, str]) -> list[str]:
    return sorted(set(chair_of.values()), key=str.casefold)
