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
from cpchair.domain import dates
from cpchair.errors import CpchairError
from cpchair.gcpause import paused_gc
from cpchair.services.buckets import ChairLine, Point, chair_names, months, quarters
from cpchair.services.dashboard_feed import DashboardFeed, a_year_earlier, by_chair, feed_records, over_time
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
    "Point", "Row", "a_year_earlier", "build", "by_chair", "chair_names", "coverage_sentence", "default_period",
    "figures", "load_dashboard", "merged_records", "months", "only_chair", "over_time", "previous_reporting_year",
    "quarters",
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
    """The whole dashboard for a period (optionally one chair's conferences only), from merged records held
    in memory: sorted into the §6.2 order and fed to the same ``DashboardFeed`` as ``load_dashboard``."""
    feed = _feed(period_from, period_to, chair, with_series, today)
    feed_records(feed, records, chair_of)
    return _dashboard(feed, chair_names(chair_of), comparator_table)


def load_dashboard(
    session, period_from: date, period_to: date, chair: str | None = None, with_series: bool = True,
    *, today: date | None = None, comparator_table: comparators_domain.ComparatorTable | None = None,
) -> Dashboard:  # fmt: skip
    """The dashboard from the coordinator's merged store, in one pass over its records in the §6.2 order
    (``stats.records_in_order``): memory follows the number of children and the period's buckets, not the
    number of conferences. The comparators are the store's settings' unless given (``cpchair report``
    takes this installation's)."""
    from cpchair.services import comparators
    from cpchair.services import stats as stats_service
    from cpchair.storage.db import begin_snapshot

    feed = _feed(period_from, period_to, chair, with_series, today)
    begin_snapshot(session)  # the names and the records as of one moment: before a merge or after it, never half
    names = stats_service.chair_display_names(session)
    with paused_gc():  # parsed JSON holds no cycles: reference counting frees each record after its turn
        for rec, chair_id in stats_service.records_in_order(session, period_to, full_from=feed.earliest):
            feed.add(rec, names.get(chair_id))
    table = comparator_table if comparator_table is not None else comparators.load_table(session)
    return _dashboard(feed, chair_names(names), table)


def _feed(
    period_from: date, period_to: date, chair: str | None, with_series: bool, today: date | None
) -> DashboardFeed:
    if period_from > period_to:
        raise CpchairError(
            f"The period starts on {dates.format_uk(period_from)}, after it ends on {dates.format_uk(period_to)}: "
            "choose a start date on or before the end date."
        )
    return DashboardFeed(period_from, period_to, chair, with_series, today=today)


def _dashboard(
    feed: DashboardFeed, chairs: list[str], comparator_table: comparators_domain.ComparatorTable | None
) -> Dashboard:
    got = feed.results(chairs)
    dash = Dashboard(feed.period_from, feed.period_to, feed.chair, chairs, got.stats, figures(got.stats))
    dash.previous_from, dash.previous_to = got.previous_from, got.previous_to
    dash.previous = {f.key: f for f in figures(got.previous)}
    dash.comparisons = comparators_domain.comparisons_for(
        dash.figures, feed.period_from, feed.period_to, comparator_table
    )
    dash.over_time, dash.by_chair = got.over_time, got.by_chair
    return dash


def merged_records(session) -> tuple[list[dict], dict[str, str]]:
    """The merged, non-deleted records (read by the stats service) and each record's chair name, by id.

    Chairs are told apart by id; two chairs who share a display name are shown as "Name" and "Name (2)".
    """
    from cpchair.services import stats as stats_service
    from cpchair.storage.db import begin_snapshot

    records: list[dict] = []
    chair_of: dict[str, str] = {}
    begin_snapshot(session)  # the names and the records as of one moment (see load_dashboard)
    names = stats_service.chair_display_names(session)
    for group in stats_service.records_by_chair(session).values():
        name = names[group.chair_id]
        for r in group.records:
            records.append(r)
            chair_of[r["id"]] = name
    return records, chair_of
