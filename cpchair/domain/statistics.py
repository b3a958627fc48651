"""The service statistics of interchange-v1 §6.2 (and the figures added since), from plain record dicts.

Why pure (no database, no Qt): the CLI, the coordinator's dashboard, the PDF report and the workbook must
show the very same figures, and the conformance vectors test them. One function, ``compute``, takes every
merged, non-deleted record (the spec's §4 shape) and a period, and returns the exact ``cpchair stats
--json`` shape. It makes one pass over the records, so 20,000 conferences take a fraction of a second.
Its body is ``PeriodFigures``, an accumulator (``add`` a conference, then ``result``), so that one stream can
feed several periods at once (the dashboard's months and chairs); ``compute_ordered`` takes a stream already
in the §6.2 order and keeps a small state per child (``ChildHistory``) instead of every child's conferences,
which is how a store of a million conferences is counted in bounded memory.

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

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
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


#: child_key -> (conference_date, updated_at, id, decision, plan_start_date, plan_end_date) of its latest
#: conference so far; ``plan_end_date`` (version 2) is the day a plan ended without another conference
Latest = dict[str, tuple[date, str, str, str | None, Any, Any]]


def note_latest(latest: Latest, rec: Mapping[str, Any], order: tuple[date, str, str] | None = None) -> None:
    """Keep ``rec``'s children in ``latest`` where it is their latest conference so far (``conference_order``)."""
    order = order or conference_order(rec)
    for child in rec["children"]:
        key = child["child_key"]
        seen = latest.get(key)
        if seen is None or order > seen[:3]:
            latest[key] = (*order, child["decision"], child.get("plan_start_date"), child.get("plan_end_date"))


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


NO_FACTS = ChildFacts()
Facts = dict[tuple[str, str], ChildFacts]


#: child_key -> its conferences: ((date, updated_at, id), decision, plan_start_date, category), any order
History = dict[str, list[tuple[tuple[date, str, str], str, Any, Any]]]


class ChildState:
    """One child's history so far, as a few values: what ``ChildFacts`` of its next conference needs.

    Why a running state: a region's store holds years of conferences, and keeping every conference of every
    child until the end of a pass made memory grow with the store's history. Walked in the §6.2 order, each
    conference's facts follow from this state alone, and the state then takes the conference in. Its size
    follows the child's number of plans (the start dates seen), not its number of conferences.
    ``last_date``/``last_decision``/``last_start`` are also the child's latest conference so far, which the
    "plans open at the end" figures read; ``chair`` the chair whose record that was (the dashboard's).
    """

    __slots__ = ("last_date", "last_decision", "last_category", "last_start", "last_end", "last_ended", "starts",
                 "started", "reviews", "chair")  # fmt: skip

    def __init__(self) -> None:
        self.last_date: date | None = None
        self.last_decision: str | None = None
        self.last_category: Any = None
        self.last_start: Any = None  # plan_start_date as the record gives it (text or date)
        self.last_end: Any = None  # plan_end_date of the latest conference (a plan ended without a conference)
        self.last_ended: date | None = None
        self.starts: tuple[str, ...] = ()  # start dates of plans on record (started or continued)
        self.started: tuple[str, ...] = ()  # start dates whose starting conference is on record
        self.reviews: dict[str | None, int] | None = None  # reviews (plan continued) on record, by start date
        self.chair: str | None = None

    def step(self, conf_date: date, decision: str, start: Any, category: Any,
             plan_decisions: frozenset[str]) -> ChildFacts:  # fmt: skip
        """The facts of the child's next conference (in the §6.2 order), then that conference taken in."""
        start_key = _start_key(start)
        prev_decision = self.last_decision
        on_plan_before = prev_decision in plan_decisions
        due = None
        reviewed = decision == "plan_continues" or decision.startswith("plan_ended_")
        if reviewed and on_plan_before:  # a review of a plan on record: due 3 months after it started, then 6
            months = FIRST_REVIEW_MONTHS if prev_decision == "plan_started" else LATER_REVIEW_MONTHS
            due = _months_after(self.last_date, months)
        reviews = self.reviews
        fact = ChildFacts(
            review_due=due,
            previous_category=self.last_category if on_plan_before else None,
            earlier_plan=any(s != start_key for s in self.starts),
            last_plan_ended=self.last_ended,
            earlier_reviews=reviews.get(start_key, 0) if reviews else 0,
            plan_start_on_record=start_key in self.started,
        )
        if decision == "plan_started" and start_key not in self.started:
            self.started += (start_key,)
        if decision in plan_decisions and start_key is not None and start_key not in self.starts:
            self.starts += (start_key,)
        if decision == "plan_continues":
            if reviews is None:
                reviews = self.reviews = {}
            reviews[start_key] = reviews.get(start_key, 0) + 1
        if decision.startswith("plan_ended_"):
            self.last_ended = conf_date
        self.last_date, self.last_decision, self.last_category, self.last_start = conf_date, decision, category, start
        return fact


@lru_cache(maxsize=32768)
def _months_after(day: date, months: int) -> date:
    """``dates.add_months``, remembered: a service's conferences fall on a few thousand days, and working
    the same review due date out again for every child was a third of the statistics' time."""
    return dates.add_months(day, months)


_START_KEYS: dict[Any, str] = {}


def _start_key(start: Any) -> str | None:
    """A plan's start date as one shared text (``str``): a few thousand dates serve every child's state."""
    if start is None:
        return None
    key = _START_KEYS.get(start)
    if key is None:
        if len(_START_KEYS) > 100_000:  # not dates after all: never let the cache grow without end
            _START_KEYS.clear()
        key = _START_KEYS.setdefault(start, str(start))
    return key


class ChildHistory:
    """Every child's ``ChildState``, fed conferences in the §6.2 order (``conference_order``), one at a time.

    Memory follows the number of different children (a small state each), not the number of conferences:
    the way ``services.stats`` and ``services.dashboard`` read a store of a million. ``add`` refuses a
    conference that comes before the previous one, because every fact would then be silently wrong.
    """

    def __init__(self, plan_decisions: frozenset[str] | None = None) -> None:
        self.plan_decisions = plan_decisions or frozenset(load().group("plan_decisions"))
        self.children: dict[str, ChildState] = {}
        self._last: tuple[date, str, str] | None = None

    def add(self, rec: Mapping[str, Any], order: tuple[date, str, str] | None = None,
            chair: str | None = None) -> list[ChildFacts]:  # fmt: skip
        """Each child's facts at ``rec`` (in the record's order of children), then ``rec`` taken in."""
        order = order or conference_order(rec)
        if self._last is not None and order < self._last:
            raise ValueError(f"conference {order[2]} came out of the §6.2 order (date, updated_at, id)")
        self._last = order
        children = self.children
        plan_decisions = self.plan_decisions
        out = []
        for child in rec["children"]:
            key = child["child_key"]
            state = children.get(key)
            if state is None:
                state = children[key] = ChildState()
            out.append(state.step(order[0], child["decision"], child.get("plan_start_date"), child.get("category"),
                                  plan_decisions))  # fmt: skip
            state.last_end = child.get("plan_end_date")
            state.chair = chair
        return out

    def latest(self) -> Iterator[tuple[date, str, Any, Any]]:
        """Each child's latest conference so far: (date, decision, plan_start_date, plan_end_date)."""
        for s in self.children.values():
            yield s.last_date, s.last_decision, s.last_start, s.last_end


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
    period's end hold for every month inside it.
    """
    history: History = {}
    for rec in records:
        order = conference_order(rec)
        if order[0] <= until:
            note_history(history, rec, order)
    return facts_of(history, plan_decisions)


def facts_of(history: History, plan_decisions: frozenset[str] | None = None) -> Facts:
    """Walk each child's conferences in the §6.2 order and say, of each, what came before it (the same
    ``ChildState`` steps as a stream in that order takes, so both give the same facts)."""
    plan_decisions = plan_decisions or frozenset(load().group("plan_decisions"))
    facts: Facts = {}
    for key, entries in history.items():
        entries.sort(key=lambda e: e[0])
        state = ChildState()
        for order, decision, start, category in entries:
            facts[(order[2], key)] = state.step(order[0], decision, start, category, plan_decisions)
    return facts


def open_plans(
    latest: Iterable[tuple[date, str | None, Any, Any]], measured_at: date, plan_decisions: frozenset[str]
) -> tuple[dict[str, int], int]:
    """The children on a plan at ``measured_at`` by time on it, and how many of them are overdue a review,
    from each child's latest conference (date, decision, plan_start_date, plan_end_date) on or before it.

    A plan the chair recorded as ended without another conference (version 2: ``plan_end_date`` on or before
    ``measured_at``; the child moved away, was adopted, turned 18) is no longer open: counting it would keep the
    child "on a plan" for ever and swell the long-plan bands. Version 1 records have no such date, so the
    contract's vectors are unchanged."""
    bands = empty_bands()
    overdue = 0
    for last_date, decision, start, end in latest:
        if decision not in plan_decisions or plan_ended_by(end, measured_at):
            continue
        if start is not None:
            bands[duration_band(as_date(start), measured_at)] += 1
        months = FIRST_REVIEW_MONTHS if decision == "plan_started" else LATER_REVIEW_MONTHS
        overdue += dates.add_months(last_date, months) < measured_at
    return bands, overdue


def plan_ended_by(end: Any, day: date) -> bool:
    """A plan recorded as ended without a conference (``plan_end_date``) had ended by ``day``."""
    return end is not None and as_date(end) <= day


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

    ``records`` must be ALL merged, non-deleted conferences, not only those in the period, in any order:
    ``plans_open_at_end`` and the figures read from a child's history look at earlier conferences too.
    Records dated before the period need only ``id``, ``conference_date``, ``updated_at`` and ``children``.
    Dates may be ISO strings (as in files) or ``date`` objects. ``today`` fixes the as-at date (tests);
    ``facts`` (from ``child_facts`` up to at least ``period_to``) saves working the histories out again.

    Records in any order need each child's whole history kept until the end (``note_history``); a stream
    already in the §6.2 order needs only a running state per child: ``compute_ordered``. Both feed the same
    ``PeriodFigures``, so they cannot disagree.
    """
    figures = PeriodFigures(period_from, period_to, q, today=today)
    history: History | None = {} if facts is None else None
    latest: Latest = {}
    for rec in records:
        order = conference_order(rec)
        if order[0] > period_to:
            continue
        note_latest(latest, rec, order)
        if history is not None:
            note_history(history, rec, order)
        if order[0] < period_from:
            continue
        if facts is None:
            figures.add(rec, order)  # its children's facts once every record has been seen
        else:
            figures.add(rec, order, [facts.get((order[2], c["child_key"]), NO_FACTS) for c in rec["children"]])
    if history is not None:
        figures.settle(facts_of(history, figures.plan_decisions))
    return figures.result(open_plans(((v[0], v[3], v[4], v[5]) for v in latest.values()), figures.measured_at,
                                     figures.plan_decisions))  # fmt: skip


def compute_ordered(
    records: Iterable[Mapping[str, Any]],
    period_from: date,
    period_to: date,
    q: Questionnaire | None = None,
    *,
    today: date | None = None,
) -> dict[str, Any]:
    """``compute`` over records given in the §6.2 order (``conference_order``), in memory that follows the
    number of different children instead of the number of conferences (``ChildHistory``).

    Raises ValueError when a record comes out of that order.
    """
    figures = PeriodFigures(period_from, period_to, q, today=today)
    history = ChildHistory(figures.plan_decisions)
    for rec in records:
        order = conference_order(rec)
        if order[0] > period_to:
            continue
        facts = history.add(rec, order)
        if order[0] >= period_from:
            figures.add(rec, order, facts)
    return figures.result(open_plans(history.latest(), figures.measured_at, figures.plan_decisions))


class PeriodFigures:
    """Every figure of one period, fed its conferences one at a time: the body of ``compute``.

    ``add`` takes a conference dated in the period with its children's ``ChildFacts`` (or None: then
    ``settle`` gives them once known); ``result`` takes the "plans open at the end" counts (``open_plans``,
    from each child's latest conference up to the period's end, which only the caller sees) and returns the
    ``cpchair stats --json`` shape. The state is counters, the period's working-day counts and the set of
    its different children: it follows the period, not the store's history. The dashboard feeds one stream
    into several of these (the period, a year earlier, each month and each chair).

    Figures kept in another module join as parts (``_parts``): each has ``add(rec)``, called with every
    conference of the period, and ``result()``, a dict of keys added to the result.
    """

    def __init__(self, period_from: date, period_to: date, q: Questionnaire | None = None, *,
                 today: date | None = None) -> None:  # fmt: skip
        # The §6.2 figures are defined on the version 1 code lists (their keys are the contract of ``stats
        # --json``); version 2 records are counted by the same definitions.
        q = self.q = q or load(1)
        self.period_from, self.period_to = period_from, period_to
        self.measured_at = as_at(period_to, today)
        self.agency_codes = tuple(q.codes["agency"])
        self.initial_types = frozenset(q.group("initial_types"))
        self.timed_types = frozenset(q.group("timed_types"))
        self.plan_decisions = frozenset(q.group("plan_decisions"))
        self.males = frozenset(q.group("male_relationships"))
        self.cofactors = frozenset(q.group("emotional_abuse_cofactors"))
        self.quality_keys = q.quality_keys
        self.pending: list[tuple[str, str, str, str, date, Any]] = []  # children waiting for their facts

        self.by_type = dict.fromkeys(q.codes["conference_type"], 0)
        self.total = self.children_total = 0
        self.different_children: set[str] = set()
        self.working_days: list[int] = []
        self.within = 0
        self.late_reasons = {**dict.fromkeys(q.codes["delay_reason"], 0), "not_recorded": 0}
        self.cat_counts = dict.fromkeys(q.codes["category"], 0)
        self.issue_conferences = 0
        self.issue_counts = dict.fromkeys(q.codes["issue"], 0)
        self.fathers_total = self.fathers_engaged = self.fathers_invited = self.fathers_attended = 0
        self.father_attendance = dict.fromkeys(q.codes["adult_attendance"], 0)
        self.father_reasons = dict.fromkeys(q.codes["not_invited_reason"], 0)
        self.fathers_by_agency = dict.fromkeys(self.agency_codes, 0)
        self.with_male = self.no_male_invited = self.some_male_not_invited = 0
        #: group -> agency -> [invited, attended, report, on_time]
        self.agency_counts: dict[str, dict[str, list[int]]] = {"initial": {}, "review": {}}
        self.ended_bands = empty_bands()
        self.ea = {"flagged": 0, **dict.fromkeys(EA_ANSWERS, 0), "unanswered": 0}
        self.reviews = self.reviews_within = self.reviews_untimed = 0
        self.child_reviews: dict[str, bool] = {}  # child_key -> every review of it in the period was within time
        self.sequence = dict.fromkeys(q.codes["plan_sequence"], 0)
        self.earlier_plan = self.within_two_years = 0
        self.ended_first = self.ended_history_unknown = 0
        self.changes = self.change_reviews = 0
        self.quality = {k: dict.fromkeys(q.codes[k], 0) for k in self.quality_keys}
        self.quality_unanswered = dict.fromkeys(self.quality_keys, 0)
        self.dissent = dict.fromkeys(q.codes["dissent"], 0)
        self.dissent_unanswered = 0
        self.esc_total = self.esc_conferences = 0
        self.esc_type = dict.fromkeys(q.codes["escalation_type"], 0)
        self.esc_subject = dict.fromkeys(q.codes["escalation_subject"], 0)
        self.esc_stage = dict.fromkeys(STAGES, 0)
        self.esc_status = dict.fromkeys(q.codes["escalation_status"], 0)
        self.quorate = self.quorum_recorded = 0
        self.participation = {**dict.fromkeys(q.codes["participation"], 0), "not_recorded": 0}
        self.parts = self._parts()

    def _parts(self) -> list[Any]:
        """Accumulators of further figures over the same conferences: each ``add(rec)`` and ``result() ->
        dict``, built here so that ``compute`` and every stream count them alike."""
        from cpchair.domain.statistics_v2 import V2Figures  # the version 2 figures (its own module; it imports this)

        return [V2Figures()]

    def add(self, rec: Mapping[str, Any], order: tuple[date, str, str] | None = None,
            facts: list[ChildFacts] | None = None) -> None:  # fmt: skip
        """Count one conference dated in the period; ``facts``: one per child, in the record's order."""
        order = order or conference_order(rec)
        conf_date, rid = order[0], order[2]
        children = rec["children"]
        ctype = rec["conference_type"]
        plan_decisions = self.plan_decisions
        self.total += 1
        self.by_type[ctype] = self.by_type.get(ctype, 0) + 1
        self.children_total += len(children)

        if ctype in self.timed_types:
            strategy = as_date(rec.get("strategy_discussion_date"))
            if strategy is not None:
                days = dates.working_days_between(strategy, conf_date)
                self.working_days.append(days)
                if days <= dates.ICPC_WORKING_DAYS:
                    self.within += 1
                else:
                    reason = rec.get("delay_reason")
                    self.late_reasons[reason if reason in self.late_reasons else "not_recorded"] += 1

        issues = rec.get("issues") or ()
        ea_family = "domestic_abuse" in issues and not self.cofactors.isdisjoint(issues)
        any_plan = False
        participation, cat_counts, sequence, ea = self.participation, self.cat_counts, self.sequence, self.ea
        for i, child in enumerate(children):
            key = child["child_key"]
            self.different_children.add(key)
            decision = child["decision"]
            on_plan = decision in plan_decisions
            any_plan = any_plan or on_plan
            category = child.get("category")
            if facts is None:
                self.pending.append((rid, key, ctype, decision, conf_date, category))
            else:
                self._history_figures(key, ctype, decision, conf_date, category, facts[i])
            pn = child.get("participation")
            participation[pn if pn in participation else "not_recorded"] += 1
            if decision == "plan_started":
                cat_counts[category] = cat_counts.get(category, 0) + 1
                seq = child.get("plan_sequence")
                if seq in sequence:
                    sequence[seq] += 1
            elif ctype == "review" and decision.startswith("plan_ended_"):
                start = as_date(child["plan_start_date"])
                self.ended_bands[duration_band(start, conf_date)] += 1
            if on_plan and ea_family:
                check = child.get("emotional_abuse_check")
                if category == "emotional" or check is not None:
                    ea["flagged"] += 1
                    ea[check if check in EA_ANSWERS else "unanswered"] += 1
        if any_plan:
            self.issue_conferences += 1
            issue_counts = self.issue_counts
            for issue in issues:
                issue_counts[issue] = issue_counts.get(issue, 0) + 1

        males_here = invited_here = 0
        for adult in rec.get("adults") or ():
            if adult["relationship"] not in self.males:
                continue
            males_here += 1
            self.fathers_total += 1
            attendance = adult["attendance"]
            self.father_attendance[attendance] = self.father_attendance.get(attendance, 0) + 1
            invited = bool(adult.get("invited"))
            invited_here += invited
            self.fathers_invited += invited
            self.fathers_attended += attendance in FATHER_ATTENDED
            reason = adult.get("not_invited_reason")
            if reason is not None:
                self.father_reasons[reason] = self.father_reasons.get(reason, 0) + 1
            engaged = adult.get("engaged_agencies") or ()
            if engaged:
                self.fathers_engaged += 1
            for agency in set(engaged):
                self.fathers_by_agency[agency] = self.fathers_by_agency.get(agency, 0) + 1
        if males_here:
            self.with_male += 1
            self.no_male_invited += invited_here == 0
            self.some_male_not_invited += invited_here < males_here

        group = "initial" if ctype in self.initial_types else "review" if ctype == "review" else None
        if group is not None:
            per_agency = self.agency_counts[group]
            for entry in rec.get("agencies") or ():
                if not entry.get("invited"):
                    continue
                c = per_agency.setdefault(entry["agency"], [0, 0, 0, 0])
                c[0] += 1
                c[1] += entry.get("attendance") in ATTENDED
                c[2] += entry.get("report") in REPORTED
                c[3] += entry.get("report") == "on_time"

        answers = rec.get("quality") or {}
        quality = self.quality
        for k in self.quality_keys:
            a = answers.get(k)
            if a in quality[k]:
                quality[k][a] += 1
            else:
                self.quality_unanswered[k] += 1
        d_answer = answers.get("dissent")
        if d_answer in self.dissent:
            self.dissent[d_answer] += 1
        else:
            self.dissent_unanswered += 1
        escalations = rec.get("escalations") or ()
        self.esc_conferences += bool(escalations)
        for e in escalations:
            self.esc_total += 1
            pairs = ((self.esc_type, e.get("type")), (self.esc_subject, e.get("subject")),
                     (self.esc_stage, str(e.get("stage"))), (self.esc_status, e.get("status")))  # fmt: skip
            for table, value in pairs:
                if value in table:
                    table[value] += 1
        if isinstance(rec.get("quorate"), bool):
            self.quorum_recorded += 1
            self.quorate += rec["quorate"]
        for part in self.parts:
            part.add(rec)

    def settle(self, facts: Facts) -> None:
        """Count the figures read from a child's history for the children ``add`` was given no facts for."""
        for rid, key, ctype, decision, conf_date, category in self.pending:
            self._history_figures(key, ctype, decision, conf_date, category, facts.get((rid, key), NO_FACTS))
        self.pending = []

    def _history_figures(self, key: str, ctype: str, decision: str, conf_date: date, category: Any,
                         fact: ChildFacts) -> None:  # fmt: skip
        if decision == "plan_started":
            self.earlier_plan += fact.earlier_plan
            ended = fact.last_plan_ended
            self.within_two_years += ended is not None and dates.add_months(ended, REPEAT_WINDOW_MONTHS) >= conf_date
        elif ctype == "review" and decision.startswith("plan_ended_"):
            if fact.plan_start_on_record:
                self.ended_first += fact.earlier_reviews == 0
            else:
                self.ended_history_unknown += 1
        if ctype == "review" and decision != "plan_started":
            if fact.review_due is None:
                self.reviews_untimed += 1
            else:
                self.reviews += 1
                ok = conf_date <= fact.review_due
                self.reviews_within += ok
                self.child_reviews[key] = self.child_reviews.get(key, True) and ok
            if decision == "plan_continues" and fact.previous_category is not None:
                self.change_reviews += 1
                self.changes += category != fact.previous_category

    def result(self, plans_open: tuple[dict[str, int], int] | None = None) -> dict[str, Any]:
        """The figures (``cpchair stats --json``); ``plans_open``: ``open_plans`` at ``measured_at`` (none
        when not given: the dashboard's months, which take time on plan from their own sweep)."""
        if self.pending:
            raise RuntimeError("PeriodFigures.result before settle: children are waiting for their facts")
        open_bands, overdue = plans_open if plans_open is not None else (empty_bands(), 0)
        period_from, period_to, measured_at = self.period_from, self.period_to, self.measured_at
        cat_total = sum(self.cat_counts.values())
        ended_total = sum(self.ended_bands.values())
        open_total = sum(open_bands.values())

        def agency_table(counts: dict[str, list[int]], scorecard: bool) -> dict[str, dict[str, Any]]:
            table = {}
            for agency in sorted(
                counts, key=lambda a: self.agency_codes.index(a) if a in self.agency_codes else len(self.agency_codes)
            ):
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

        seq_total = sum(self.sequence.values())
        second_or_later = self.sequence.get("second", 0) + self.sequence.get("third_or_more", 0)
        children_reviewed = len(self.child_reviews)
        all_within = sum(self.child_reviews.values())
        out = {
            "period": {"from": period_from.isoformat(), "to": period_to.isoformat()},
            "conferences": {"total": self.total, "by_type": self.by_type, "children": self.children_total},
            "icpc_timeliness": {
                "timed": len(self.working_days),
                "within": self.within,
                "pct": pct(self.within, len(self.working_days)),
                "median_working_days": _median(self.working_days),
            },
            "category_at_plan_start": {
                "total": cat_total,
                "counts": self.cat_counts,
                "pct": {c: pct(n, cat_total) for c, n in self.cat_counts.items()},
            },
            "issues": {"conferences": self.issue_conferences, "counts": self.issue_counts},
            "fathers": {
                "total": self.fathers_total,
                "attendance": self.father_attendance,
                "attendance_pct": {a: pct(n, self.fathers_total) for a, n in self.father_attendance.items()},
                "not_invited_reasons": self.father_reasons,
                "engaged_with_any_agency": self.fathers_engaged,
                "engaged_with_any_agency_pct": pct(self.fathers_engaged, self.fathers_total),
            },
            "agencies": {group: agency_table(counts, False) for group, counts in self.agency_counts.items()},
            "plans_ended": {
                "total": ended_total,
                "duration_bands": self.ended_bands,
                "lasting_2y_or_more": self.ended_bands[TWO_YEARS_BAND],
                "lasting_2y_or_more_pct": pct(self.ended_bands[TWO_YEARS_BAND], ended_total),
            },
            "plans_open_at_end": {"total": open_total, "duration_bands": open_bands},
            "emotional_abuse_check": self.ea,
            # --- additions (docs/statistics.md) ---
            "as_at": measured_at.isoformat(),
            "children": {"discussed": self.children_total, "different": len(self.different_children)},
            "review_timeliness": {
                "reviews": self.reviews,
                "within": self.reviews_within,
                "pct": pct(self.reviews_within, self.reviews),
                "not_timed": self.reviews_untimed,
                "children": children_reviewed,
                "children_all_within": all_within,
                "children_all_within_pct": pct(all_within, children_reviewed),
                "open_plans_overdue_at_as_at": overdue,
                "open_plans_at_as_at": open_total,
            },
            "icpc_late_reasons": {
                "late": len(self.working_days) - self.within,
                "reasons": self.late_reasons,
            },
            "repeat_plans": {
                "total": cat_total,
                "sequence": self.sequence,
                "sequence_recorded": seq_total,
                "second_or_later": second_or_later,
                "second_or_later_pct": pct(second_or_later, cat_total),
                "earlier_plan_on_record": self.earlier_plan,
                "within_2y_of_last_plan_ending": self.within_two_years,
                "within_2y_of_last_plan_ending_pct": pct(self.within_two_years, cat_total),
            },
            "plans_ended_at_first_review": {
                "total": ended_total,
                "history_on_record": ended_total - self.ended_history_unknown,
                "at_first_review": self.ended_first,
                "at_first_review_pct": pct(self.ended_first, ended_total - self.ended_history_unknown),
            },
            "category_changes": {
                "reviews": self.change_reviews,
                "changed": self.changes,
                "changed_pct": pct(self.changes, self.change_reviews),
            },
            "plan_quality": {"conferences": self.total, "answers": self.quality, "unanswered": self.quality_unanswered},
            "dissent": {
                "conferences": self.total,
                "counts": self.dissent,
                "unanswered": self.dissent_unanswered,
                "any": self.total - self.dissent.get("none", 0) - self.dissent_unanswered,
                "any_pct": pct(
                    self.total - self.dissent.get("none", 0) - self.dissent_unanswered,
                    self.total - self.dissent_unanswered,
                ),
            },
            "escalations": {
                "total": self.esc_total,
                "conferences_with_any": self.esc_conferences,
                "by_type": self.esc_type,
                "by_subject": self.esc_subject,
                "by_stage": self.esc_stage,
                "by_status": self.esc_status,
            },
            "quorum": {
                "conferences": self.total,
                "recorded": self.quorum_recorded,
                "quorate": self.quorate,
                "quorate_pct": pct(self.quorate, self.quorum_recorded),
            },
            "participation": {"children": self.children_total, "counts": self.participation},
            "agency_scorecard": {group: agency_table(counts, True) for group, counts in self.agency_counts.items()},
            "fathers_summary": {
                "identified": self.fathers_total,
                "invited": self.fathers_invited,
                "invited_pct": pct(self.fathers_invited, self.fathers_total),
                "attended": self.fathers_attended,
                "attended_pct": pct(self.fathers_attended, self.fathers_invited),
                "engaging": self.fathers_engaged,
                "engaging_pct": pct(self.fathers_engaged, self.fathers_total),
                "engaging_by_agency": self.fathers_by_agency,
            },
            "fathers_by_conference": {
                "conferences": self.total,
                "with_male_adult": self.with_male,
                "no_male_adult_recorded": self.total - self.with_male,
                "no_male_invited": self.no_male_invited,
                "no_male_invited_pct": pct(self.no_male_invited, self.with_male),
                "some_male_not_invited": self.some_male_not_invited,
            },
        }
        for part in self.parts:
            out.update(part.result())
        return out
