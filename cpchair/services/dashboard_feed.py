"""The dashboard's figures from one pass over the merged conferences in the §6.2 order.

Why one ordered pass: a region's merged store holds a million conferences, and the dashboard and
``cpchair report`` used to hold every one of them parsed (about 11 KB each). Read in the order of
``statistics.conference_order``, a child's history is a small running state (``ChildHistory``), every
figure a set of counters (``PeriodFigures``), so memory follows the number of children and the period's
buckets, not the store's years. One stream feeds every accumulator the dashboard shows: the period, the
same dates a year earlier, each month (quarter for the fathers' figures) and each chair.

The in-memory ``dashboard.build`` sorts its list and feeds the same ``DashboardFeed`` as
``dashboard.load_dashboard`` feeds from the store, so the two cannot disagree; the tests prove both equal
to the plain definitions (``statistics.compute`` over all the records, bucket by bucket).

What a bucket's statistics read of the time before it: only time on plan (each child's latest conference
up to the bucket's end) and a child's history (``ChildFacts``). The first comes from the running state
when the stream passes the bucket's end ("checkpoints"), the second from ``ChildHistory`` as each
conference arrives, both over the conferences of the shown chair's records ("mine") or of everyone's
(a child's history), exactly as ``compute`` over those records defines them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from cpchair.domain import dates, statistics
from cpchair.domain.questionnaire import load
from cpchair.services.buckets import (
    ChairLine,
    Point,
    chair_names,
    fathers_only,
    headlines,
    months,
    quarters,
    time_on_plan,
)
from cpchair.services.figures import BUCKETS, FIGURE_KEYS, MONTH, QUARTER, Measure

#: a child's latest conference so far in some chair's records: (date, decision, plan_start_date, plan_end_date)
Latest = dict[str, tuple[date, str, Any]]


def a_year_earlier(period_from: date, period_to: date) -> tuple[date, date]:
    """The same dates a year before (29 February becomes 28 February), for "this year beside last year"."""
    return dates.add_months(period_from, -12), dates.add_months(period_to, -12)


@dataclass
class _Bucket:
    """One month or quarter: its label and dates, its figures, and its time-on-plan headline once known."""

    label: str
    start: date
    end: date
    figures: statistics.PeriodFigures
    time_on_plan: Measure | None = None


@dataclass
class Results:
    """What one pass gives: the period's statistics, a year earlier's, and the series (when asked for)."""

    stats: dict[str, Any]
    previous_from: date
    previous_to: date
    previous: dict[str, Any]
    over_time: dict[str, list[Point]]
    by_chair: dict[str, list[ChairLine]]


class DashboardFeed:
    """Feed it every merged conference dated on or before the period's end, in the §6.2 order, each with its
    chair's name (``add``), then ask for the ``results``.

    ``chair``: show one chair's conferences ("mine"); a child's history is still read over every chair's.
    ``with_series``: also the months, quarters and chairs. Conferences dated before ``earliest`` are only
    read for a child's history and latest conference: they may be reduced to id, date, updated_at and
    children (``stats.records_in_order``).
    """

    def __init__(self, period_from: date, period_to: date, chair: str | None = None, with_series: bool = True,
                 *, today: date | None = None) -> None:  # fmt: skip
        q = load(1)
        self.period_from, self.period_to, self.chair, self.with_series, self.today = (
            period_from, period_to, chair, with_series, today,
        )  # fmt: skip
        self.plan_decisions = frozenset(q.group("plan_decisions"))
        self.history = statistics.ChildHistory(self.plan_decisions)
        self.main = statistics.PeriodFigures(period_from, period_to, q, today=today)
        self.previous_from, self.previous_to = a_year_earlier(period_from, period_to)
        self.previous = statistics.PeriodFigures(self.previous_from, self.previous_to, q, today=today)
        self.previous_open: tuple[dict[str, int], int] | None = None
        self.earliest = min(self.previous_from, period_from)
        # each chair's latest conference of each child, for the chairs it is needed for
        self.latest_by_chair: dict[str | None, Latest] = {}
        self.months: list[_Bucket] = []
        self.quarters: list[_Bucket] = []
        self.chairs: dict[str | None, statistics.PeriodFigures] = {}
        if with_series:
            self.months = [_Bucket(label, s, e, statistics.PeriodFigures(s, e, q, today=today))
                           for label, s, e in months(period_from, period_to)]  # fmt: skip
            self.quarters = [_Bucket(label, s, e, statistics.PeriodFigures(s, e, q, today=today))
                             for label, s, e in quarters(period_from, period_to)]  # fmt: skip
        self._quarter_starts = [b.start for b in self.quarters]
        self._q = q
        # (date, what to do once every conference up to that date has been seen), in date order
        self._checkpoints: list[tuple[date, Callable[[], None]]] = [(self.previous_to, self._previous_done)]
        self._checkpoints += [(b.end, lambda b=b: self._month_done(b)) for b in self.months]
        self._checkpoints.sort(key=lambda c: c[0])
        self._next = 0
        self._finished = False

    # -- the stream --------------------------------------------------------------------------------------
    def add(self, rec: Mapping[str, Any], chair: str | None) -> None:
        order = statistics.conference_order(rec)
        day = order[0]
        if day > self.period_to:
            return
        self._pass(day)
        facts = self.history.add(rec, order, chair)
        mine = self.chair is None or chair == self.chair
        if self.with_series or (self.chair is not None and mine):
            latest = self.latest_by_chair.get(chair)
            if latest is None:
                latest = self.latest_by_chair[chair] = {}
            for child in rec["children"]:
                latest[child["child_key"]] = (day, child["decision"], child.get("plan_start_date"),
                                              child.get("plan_end_date"))  # fmt: skip
        if day < self.earliest:
            return
        if mine:
            if self.previous_from <= day <= self.previous_to:
                self.previous.add(rec, order, facts)
            if day >= self.period_from:
                self.main.add(rec, order, facts)
                if self.with_series:
                    self._month_of(day).figures.add(rec, order, facts)
                    quarter = self.quarters[bisect_right(self._quarter_starts, day) - 1]
                    quarter.figures.add(fathers_only(rec), order, [])  # only the fathers' figures go by quarter
        if self.with_series and day >= self.period_from:
            figures = self.chairs.get(chair)
            if figures is None:
                figures = self.chairs[chair] = statistics.PeriodFigures(
                    self.period_from, self.period_to, self._q, today=self.today
                )
            figures.add(rec, order, facts)

    def _month_of(self, day: date) -> _Bucket:
        return self.months[(day.year - self.period_from.year) * 12 + day.month - self.period_from.month]

    def _pass(self, day: date) -> None:
        """Take every checkpoint dated before ``day``: no conference on or before it is still to come."""
        checkpoints = self._checkpoints
        while self._next < len(checkpoints) and checkpoints[self._next][0] < day:
            self._next += 1
            checkpoints[self._next - 1][1]()

    def _mine_latest(self) -> Iterator[tuple[date, str | None, Any, Any]]:
        """Each child's latest conference so far in the records shown (all, or the chosen chair's)."""
        if self.chair is None:
            return self.history.latest()
        return iter(self.latest_by_chair.get(self.chair, {}).values())

    def _previous_done(self) -> None:
        measured_at = self.previous.measured_at
        self.previous_open = statistics.open_plans(self._mine_latest(), measured_at, self.plan_decisions)

    def _month_done(self, bucket: _Bucket) -> None:
        if bucket.figures.total:  # a month without conferences is a gap: its time on plan is never shown
            bucket.time_on_plan = time_on_plan(self._mine_latest(), statistics.as_at(bucket.end, self.today))

    # -- the results -------------------------------------------------------------------------------------
    def results(self, chair_list: Sequence[str]) -> Results:
        """The figures, once every conference has been added; ``chair_list``: every chair's name, in the
        order the dashboard lists them (``buckets.chair_names``)."""
        if not self._finished:
            self._pass(date.max)
            self._finished = True
        stats = self.main.result(statistics.open_plans(self._mine_latest(), self.main.measured_at,
                                                       self.plan_decisions))  # fmt: skip
        previous = self.previous.result(self.previous_open)
        over_time: dict[str, list[Point]] = {}
        by_chair: dict[str, list[ChairLine]] = {}
        if self.with_series:
            over_time = self._over_time()
            by_chair = self._by_chair(chair_list)
        return Results(stats, self.previous_from, self.previous_to, previous, over_time, by_chair)

    def _over_time(self) -> dict[str, list[Point]]:
        """Every figure's headline month by month (fathers' attendance and reasons quarter by quarter); a
        bucket with no conferences is a gap (None), never a zero. A month still running is as at today."""
        out: dict[str, list[Point]] = {k: [] for k in FIGURE_KEYS}
        for bucket, spans in ((MONTH, self.months), (QUARTER, self.quarters)):
            keys = [k for k in FIGURE_KEYS if BUCKETS[k] == bucket]
            for b in spans:
                values = headlines(b.figures.result())
                if "time_on_plan" in keys and b.figures.total:
                    values["time_on_plan"] = b.time_on_plan
                for k in keys:
                    out[k].append(Point(b.label, b.start, b.end, values[k]))
        return out

    def _by_chair(self, chair_list: Sequence[str]) -> dict[str, list[ChairLine]]:
        """Every figure's headline for each chair (chairs with nothing in the period are left out).

        Counts over conferences, children and fathers add up across chairs to the service total; a child's
        history (for review timeliness, repeat plans, …) is read over every chair's records. A child's time
        on a plan belongs to the chair of that child's latest conference, so that figure adds up too.
        """
        out: dict[str, list[ChairLine]] = {k: [] for k in FIGURE_KEYS}
        measured_at = statistics.as_at(self.period_to, self.today)
        own: dict[str | None, list[tuple[date, str | None, Any, Any]]] = {}  # children whose latest is the chair's
        for state in self.history.children.values():
            own.setdefault(state.chair, []).append(
                (state.last_date, state.last_decision, state.last_start, state.last_end)
            )
        for chair in chair_list:
            figures = self.chairs.get(chair)
            if figures is None:
                continue  # nothing in the period: every headline a gap
            values = headlines(figures.result())
            if figures.total:  # as ``compute`` over all the chair's own records gives it
                values["time_on_plan"] = time_on_plan(self.latest_by_chair.get(chair, {}).values(), measured_at)
            if all(v is None for v in values.values()):
                continue
            values["time_on_plan"] = time_on_plan(own.get(chair, ()), measured_at)
            for k in FIGURE_KEYS:
                out[k].append(ChairLine(chair, values[k]))
        return out


def feed_records(feed: DashboardFeed, records: Iterable[Mapping[str, Any]], chair_of: Mapping[str, str]) -> None:
    """Feed records held in memory (any order): those up to the period's end, sorted into the §6.2 order."""
    until = feed.period_to
    mine = [r for r in records if statistics.as_date(r["conference_date"]) <= until]
    mine.sort(key=statistics.conference_order)
    for rec in mine:
        feed.add(rec, chair_of.get(rec["id"]))


def over_time(records: Sequence[dict], period_from: date, period_to: date, *,
              today: date | None = None) -> dict[str, list[Point]]:  # fmt: skip
    """Every figure's headline month by month (fathers' quarter by quarter), from records in memory."""
    feed = DashboardFeed(period_from, period_to, today=today)
    feed_records(feed, records, {})
    return feed.results([]).over_time


def by_chair(records: Sequence[dict], chair_of: dict[str, str], period_from: date, period_to: date, *,
             today: date | None = None) -> dict[str, list[ChairLine]]:  # fmt: skip
    """Every figure's headline for each chair, from records in memory (``DashboardFeed._by_chair``)."""
    feed = DashboardFeed(period_from, period_to, today=today)
    feed_records(feed, records, chair_of)
    return feed.results(chair_names(chair_of)).by_chair
