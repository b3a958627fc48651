"""The coordinator's dashboard: loading the merged records and putting one period's figures together.

Split by job (house review 2): the figure definitions and their registry live in
``cpchair.services.figures``, the month/quarter/chair bucketing in ``cpchair.services.buckets``, the
statistics' arithmetic in ``cpchair.domain.statistics``; this module loads the records and builds a
``Dashboard`` — the period's figures, the same figures a year earlier, each figure's comparators (England,
the authority and its statistical neighbours), and the series over time and by chair. The GUI, the PDF and
the workbook only lay a ``Dashboard`` out, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from cpchair.domain import comparators as comparators_domain
from cpchair.domain import dates, statistics
from cpchair.services.buckets import ChairLine, Point, by_chair, chair_names, months, over_time, quarters
from cpchair.services.figures import (
    BUCKETS,
    FIGURE_KEYS,
    MONTH,
    QUARTER,
    REGISTRY,
    FigureData,
    Measure,
    Row,
    coverage_sentence,
    figures,
)
from cpchair.services.stats import default_period as stats_default_period

__all__ = [
    "BUCKETS", "FIGURE_KEYS", "MONTH", "QUARTER", "REGISTRY", "ChairLine", "Dashboard", "FigureData", "Measure",
    "Point", "Row", "build", "by_chair", "chair_names", "coverage_sentence", "default_period", "figures",
    "load_dashboard", "merged_records", "months", "only_chair", "over_time", "previous_reporting_year", "quarters",
]  # fmt: skip


@dataclass
class Dashboard:
    period_from: date
    period_to: date
    chair: str | None
    chairs: list[str]
    stats: dict[str, Any]
    figures: list[FigureData]
    over_time: dict[str, list[Point]] = field(default_factory=dict)
    by_chair: dict[str, list[ChairLine]] = field(default_factory=dict)
    previous_from: date | None = None
    previous_to: date | None = None
    previous: dict[str, FigureData] = field(default_factory=dict)  # the same figures a year earlier
    comparisons: dict[str, list[comparators_domain.Comparison]] = field(default_factory=dict)

    def figure(self, key: str) -> FigureData:
        return next(f for f in self.figures if f.key == key)

    @property
    def as_at(self) -> date:
        """The date the snapshot figures (time on plan) are measured at: the period's end, or today."""
        return date.fromisoformat(self.stats["as_at"])

    @property
    def previous_label(self) -> str:
        if self.previous_from is None or self.previous_to is None:
            return "Last year"
        return f"{dates.format_uk(self.previous_from)} to {dates.format_uk(self.previous_to)}"


default_period = stats_default_period  # one definition of the default period, shared with `cpchair stats`


def previous_reporting_year(today: date | None = None) -> tuple[date, date]:
    start, _ = default_period(today)
    return dates.reporting_year(start - timedelta(days=1))


def a_year_earlier(period_from: date, period_to: date) -> tuple[date, date]:
    """The same dates a year before (29 February becomes 28 February), for "this year beside last year"."""
    return dates.add_months(period_from, -12), dates.add_months(period_to, -12)


def only_chair(records: Iterable[dict], chair_of: dict[str, str], chair: str | None) -> list[dict]:
    return [r for r in records if chair is None or chair_of.get(r["id"]) == chair]


def build(
    records: Sequence[dict],
    chair_of: dict[str, str],
    period_from: date,
    period_to: date,
    chair: str | None = None,
    with_series: bool = True,
    *,
    today: date | None = None,
    comparator_table: comparators_domain.ComparatorTable | None = None,
) -> Dashboard:
    """The whole dashboard for a period (optionally one chair's conferences only), from merged records."""
    if period_from > period_to:
        from cpchair.errors import CpchairError

        raise CpchairError(
            f"The period starts on {dates.format_uk(period_from)}, after it ends on {dates.format_uk(period_to)}: "
            "choose a start date on or before the end date."
        )
    mine = only_chair(records, chair_of, chair)
    # a child's history is read over every chair's records, even when one chair's figures are shown
    facts = statistics.child_facts(records, period_to)
    stats = statistics.compute(mine, period_from, period_to, today=today, facts=facts)
    dash = Dashboard(period_from, period_to, chair, chair_names(chair_of), stats, figures(stats))
    prev_from, prev_to = a_year_earlier(period_from, period_to)
    prev_stats = statistics.compute(mine, prev_from, prev_to, today=today, facts=facts)
    dash.previous_from, dash.previous_to = prev_from, prev_to
    dash.previous = {f.key: f for f in figures(prev_stats)}
    dash.comparisons = comparators_domain.comparisons_for(dash.figures, period_from, period_to, comparator_table)
    if with_series:
        dash.over_time = over_time(mine, period_from, period_to, today=today, facts=facts)
        dash.by_chair = by_chair(records, chair_of, period_from, period_to, today=today, facts=facts)
    return dash


def load_dashboard(
    session, period_from: date, period_to: date, chair: str | None = None, with_series: bool = True,
    *, today: date | None = None,
) -> Dashboard:  # fmt: skip
    """The dashboard from the coordinator's merged database, with the comparators chosen in its settings."""
    from cpchair.services import comparators

    records, chair_of = merged_records(session)
    table = comparators.load_table(session)
    return build(records, chair_of, period_from, period_to, chair, with_series, today=today, comparator_table=table)


def merged_records(session) -> tuple[list[dict], dict[str, str]]:
    """The merged, non-deleted records (read by the stats service) and each record's chair name, by id.

    Chairs are told apart by id; two chairs who share a display name are shown as "Name" and "Name (2)".
    """
    from cpchair.services import stats as stats_service

    records: list[dict] = []
    chair_of: dict[str, str] = {}
    seen: dict[str, int] = {}
    for group in stats_service.records_by_chair(session).values():
        seen[group.chair_name] = seen.get(group.chair_name, 0) + 1
        name = group.chair_name if seen[group.chair_name] == 1 else f"{group.chair_name} ({seen[group.chair_name]})"
        for r in group.records:
            records.append(r)
            chair_of[r["id"]] = name
    return records, chair_of
