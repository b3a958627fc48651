"""The coordinator's figures: each figure as rows of numbers with their denominators, over time and by chair.

Why this module exists apart from the statistics: ``cpchair.domain.statistics.compute`` gives the exact
numbers of spec §6.2 for one period; the service manages performance monthly, so the dashboard, the PDF and
the workbook all need the same figures (a) as labelled rows with n, % and the denominator, (b) month by
month (quarter by quarter for fathers, as the 2013 service report did) and (c) chair by chair. Doing that
here, once, keeps the three outputs telling the same story. Everything is plain data: the GUI and the
reports only lay it out.

Over time, a bucket with no data is ``None`` (a gap), never a zero: a month without conferences says
nothing about performance, and drawing it as 0% would read as a collapse.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from cpchair.domain import dates, national
from cpchair.domain.questionnaire import load
from cpchair.services.stats import default_period as stats_default_period

MONTH = "month"
QUARTER = "quarter"

BANDS = ("under_3m", "3_to_6m", "6_to_12m", "12_to_18m", "18_to_24m", "24m_plus")
BAND_LABELS = {
    "under_3m": "Under 3 months",
    "3_to_6m": "3 to 6 months",
    "6_to_12m": "6 to 12 months",
    "12_to_18m": "12 to 18 months",
    "18_to_24m": "18 to 24 months",
    "24m_plus": "2 years or more",
}
ATTENDED_CODES = ("attended_all", "attended_part", "attended_separately")
EA_ANSWERS = ("confirmed", "changed_to_neglect", "changed_to_multiple", "unanswered")
EA_LABELS = {"unanswered": "Not answered"}


def pct(n: int | None, d: int | None) -> float | None:
    """Spec §6.2: ``100 × n / d`` to one decimal place (half away from zero), None when d is 0."""
    if n is None or not d:
        return None
    return int(1000 * n / d + 0.5) / 10 if n >= 0 else -int(-1000 * n / d + 0.5) / 10


@dataclass(frozen=True)
class Measure:
    """``n`` of ``d`` and its percentage (taken from the statistics where they give one)."""

    n: int
    d: int
    pct: float | None

    @classmethod
    def of(cls, n: int, d: int, given: float | None = None) -> Measure:
        return cls(n, d, given if given is not None else pct(n, d))


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class FigureData:
    """One figure ready to draw: its rows, what the rows are counted over, and its headline measure."""

    key: str
    title: str
    question: str  # what the figure answers, one sentence
    measure_names: tuple[str, ...]  # one per measure in each row: ("Children",) or ("Attended", "Report")
    population: str  # what the denominator counts: "initial conferences"
    rows: tuple[Row, ...]
    headline_label: str
    headline: Measure
    bucket: str = MONTH
    national: national.NationalFigure | None = None
    notes: tuple[str, ...] = ()

    @property
    def denominator_text(self) -> str:
        return f"of {self.headline.d:,} {self.population}"


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

    def figure(self, key: str) -> FigureData:
        return next(f for f in self.figures if f.key == key)


# --- figures from one period's statistics -----------------------------------------------------------------


def _coded_rows(list_name: str, counts: dict[str, int], total: int, pcts: dict | None = None) -> tuple[Row, ...]:
    q = load()
    pcts = pcts or {}
    return tuple(
        Row(code, q.label(list_name, code), (Measure.of(counts.get(code, 0), total, pcts.get(code)),))
        for code in q.codes[list_name]
        if code in counts
    )


def _band_rows(bands: dict[str, int], total: int) -> tuple[Row, ...]:
    return tuple(Row(b, BAND_LABELS[b], (Measure.of(bands.get(b, 0), total),)) for b in BANDS)


def _time_on_plan(s: dict) -> FigureData:
    o = s["plans_open_at_end"]
    long = sum(o["duration_bands"][b] for b in ("12_to_18m", "18_to_24m", "24m_plus"))
    return FigureData(
        "time_on_plan",
        "Time on a child protection plan",
        "How long had the children still on a plan at the end of the period been on it?",
        ("Children",),
        "children on a plan at the end of the period",
        _band_rows(o["duration_bands"], o["total"]),
        "On a plan 12 months or more",
        Measure.of(long, o["total"]),
    )


def _plans_ended(s: dict) -> FigureData:
    e = s["plans_ended"]
    return FigureData(
        "plans_ended",
        "Plans ended, by how long they lasted",
        "Of the plans that ended at a review in the period, how many had lasted 2 years or more?",
        ("Children",),
        "plans ended",
        _band_rows(e["duration_bands"], e["total"]),
        "Lasted 2 years or more",
        Measure.of(e["lasting_2y_or_more"], e["total"], e.get("lasting_2y_or_more_pct")),
        national=national.for_figure("plans_ended"),
    )


def _category(s: dict) -> FigureData:
    c = s["category_at_plan_start"]
    return FigureData(
        "category",
        "Category at the start of a plan",
        "Under which category did children's plans start?",
        ("Children",),
        "children whose plan started",
        _coded_rows("category", c["counts"], c["total"], c.get("pct")),
        "Emotional abuse",
        Measure.of(c["counts"].get("emotional", 0), c["total"], (c.get("pct") or {}).get("emotional")),
    )


def _issues(s: dict) -> FigureData:
    i = s["issues"]
    return FigureData(
        "issues",
        "Issues identified where a child is on a plan",
        "Which issues were identified at conferences where a child's plan started or continued?",
        ("Conferences",),
        "conferences with a plan",
        _coded_rows("issue", i["counts"], i["conferences"]),
        "Domestic abuse",
        Measure.of(i["counts"].get("domestic_abuse", 0), i["conferences"]),
        notes=("A conference may identify more than one issue, so the rows add up to more than the total.",),
    )


def _fathers_attendance(s: dict) -> FigureData:
    f = s["fathers"]
    attended = sum(f["attendance"].get(c, 0) for c in ATTENDED_CODES)
    return FigureData(
        "fathers_attendance",
        "Fathers and male partners: attendance",
        "Did fathers and male partners take part in the conference?",
        ("Fathers and male partners",),
        "fathers and male partners",
        _coded_rows("adult_attendance", f["attendance"], f["total"], f.get("attendance_pct")),
        "Attended all, part or separately",
        Measure.of(attended, f["total"]),
        bucket=QUARTER,
    )


def _fathers_not_invited(s: dict) -> FigureData:
    f = s["fathers"]
    not_invited = f["attendance"].get("not_invited", 0)
    return FigureData(
        "fathers_not_invited",
        "Fathers and male partners: reasons for not inviting",
        "When a father or male partner was not invited, why not?",
        ("Not invited",),
        "fathers and male partners not invited",
        _coded_rows("not_invited_reason", f["not_invited_reasons"], not_invited),
        "Not invited (of all fathers)",
        Measure.of(not_invited, f["total"], (f.get("attendance_pct") or {}).get("not_invited")),
        bucket=QUARTER,
    )


def _fathers_engagement(s: dict) -> FigureData:
    f = s["fathers"]
    engaged = Measure.of(f["engaged_with_any_agency"], f["total"], f.get("engaged_with_any_agency_pct"))
    return FigureData(
        "fathers_engagement",
        "Fathers and male partners: engagement with agencies",
        "How many fathers and male partners were engaging with at least one agency?",
        ("Fathers and male partners",),
        "fathers and male partners",
        (
            Row("engaged", "Engaging with at least one agency", (engaged,)),
            Row("not_engaged", "Not engaging with any agency", (Measure.of(f["total"] - engaged.n, f["total"]),)),
        ),
        "Engaging with an agency",
        engaged,
    )


def _agencies(s: dict, which: str) -> FigureData:
    q = load()
    a = s["agencies"][which]
    rows = tuple(
        Row(
            code,
            q.label("agency", code),
            (
                Measure.of(a[code]["attended"], a[code]["invited"], a[code].get("attended_pct")),
                Measure.of(a[code]["report"], a[code]["invited"], a[code].get("report_pct")),
            ),
        )
        for code in q.codes["agency"]
        if code in a
    )
    invited = sum(v["invited"] for v in a.values())
    attended = sum(v["attended"] for v in a.values())
    if which == "initial":
        title, pop = "Agencies at initial conferences", "invitations to initial conferences"
        question = "Which agencies attended, and sent a report, when invited to an initial or transfer-in conference?"
    else:
        title, pop = "Agencies at review conferences", "invitations to review conferences"
        question = "Which agencies attended, and sent a report, when invited to a review conference?"
    return FigureData(
        f"agencies_{which}",
        title,
        question,
        ("Attended", "Report received"),
        pop,
        rows,
        "Invitations attended",
        Measure.of(attended, invited),
        notes=("Each row counts the conferences to which that agency was invited.",),
    )


def _icpc(s: dict) -> FigureData:
    t = s["icpc_timeliness"]
    late = t["timed"] - t["within"]
    median = t.get("median_working_days")
    notes = (f"Median working days from strategy discussion to conference: {median:g}.",) if median is not None else ()
    return FigureData(
        "icpc_timeliness",
        "Initial conferences within 15 working days",
        "Were initial conferences held within 15 working days of the strategy discussion?",
        ("Initial conferences",),
        "initial conferences",
        (
            Row("within", "Within 15 working days", (Measure.of(t["within"], t["timed"], t.get("pct")),)),
            Row("late", "After 15 working days", (Measure.of(late, t["timed"]),)),
        ),
        "Within 15 working days",
        Measure.of(t["within"], t["timed"], t.get("pct")),
        national=national.for_figure("icpc_timeliness"),
        notes=notes,
    )


def _emotional_abuse(s: dict) -> FigureData:
    q = load()
    e = s["emotional_abuse_check"]
    rows = tuple(
        Row(a, EA_LABELS.get(a) or q.label("emotional_abuse_check", a), (Measure.of(e.get(a, 0), e["flagged"]),))
        for a in EA_ANSWERS
    )
    answered = e["flagged"] - e.get("unanswered", 0)
    return FigureData(
        "emotional_abuse_check",
        "The emotional-abuse check",
        "Where domestic abuse came with parental mental ill-health or substance misuse and the category was "
        "emotional abuse, did the chair confirm or change it?",
        ("Children",),
        "children flagged",
        rows,
        "Check answered",
        Measure.of(answered, e["flagged"]),
    )


FIGURE_BUILDERS: tuple[Callable[[dict], FigureData], ...] = (
    _icpc,
    _time_on_plan,
    _plans_ended,
    _category,
    _issues,
    _fathers_attendance,
    _fathers_not_invited,
    _fathers_engagement,
    lambda s: _agencies(s, "initial"),
    lambda s: _agencies(s, "review"),
    _emotional_abuse,
)
FIGURE_KEYS = (
    "icpc_timeliness",
    "time_on_plan",
    "plans_ended",
    "category",
    "issues",
    "fathers_attendance",
    "fathers_not_invited",
    "fathers_engagement",
    "agencies_initial",
    "agencies_review",
    "emotional_abuse_check",
)


def figures(stats: dict) -> list[FigureData]:
    """Every figure of the dashboard and the report, in reading order, from one period's statistics."""
    return [build(stats) for build in FIGURE_BUILDERS]


# --- periods ----------------------------------------------------------------------------------------------


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


default_period = stats_default_period  # one definition of the default period, shared with `cpchair stats`


def previous_reporting_year(today: date | None = None) -> tuple[date, date]:
    start, _ = default_period(today)
    return dates.reporting_year(start - timedelta(days=1))


# --- over time and by chair -------------------------------------------------------------------------------


def _compute(records: Sequence[dict], period_from: date, period_to: date) -> dict:
    from cpchair.domain.statistics import compute

    return compute(records, period_from, period_to)


def _by_date(records: Iterable[dict]) -> list[dict]:
    """Records sorted by conference date (ISO strings sort as dates), so a bucket's records are one slice."""
    return sorted(records, key=lambda r: str(r["conference_date"]))


def _slice(ordered: Sequence[dict], dates_: Sequence[str], start: date, end: date) -> Sequence[dict]:
    """The records of ``ordered`` (sorted by date, ``dates_`` their ISO dates) dated ``start``–``end``."""
    return ordered[bisect_left(dates_, start.isoformat()) : bisect_right(dates_, end.isoformat())]


def _headlines_of(stats: dict) -> dict[str, Measure | None]:
    if not stats["conferences"]["total"]:
        return dict.fromkeys(FIGURE_KEYS)
    return {f.key: (f.headline if f.headline.d else None) for f in figures(stats)}


# child_key -> (conference_date, updated_at, id, decision, plan_start_date): the same order as statistics.compute
_Latest = dict[str, tuple[date, str, str, str | None, Any]]


def _note_latest(latest: _Latest, rec: dict) -> None:
    """Keep ``rec``'s children in ``latest`` when it is their latest conference so far (spec §6.2 order).

    The order (date, updated_at, id) is total, so the result does not depend on the order records arrive in:
    sweeping records by date gives, at each bucket's end, what ``compute`` finds over all earlier records.
    """
    order = (_as_date(rec["conference_date"]), rec.get("updated_at") or "", rec.get("id") or "")
    for child in rec["children"]:
        key = child["child_key"]
        seen = latest.get(key)
        if seen is None or order > seen[:3]:
            latest[key] = (*order, child["decision"], child.get("plan_start_date"))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


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
    return dates.add_months(_as_date(start), 12)


def _fathers_only(rec: dict) -> dict:
    """What the fathers' statistics read of a conference (its date, type and adults), and no children, so
    ``compute`` counts the same conferences and fathers without banding every child's plan again."""
    return {
        "conference_date": rec["conference_date"],
        "conference_type": rec["conference_type"],
        "children": (),
        "adults": rec.get("adults"),
    }


#: Fathers' figures go by quarter, as the 2013 service report showed them; every other figure by month.
BUCKETS = {k: (QUARTER if k.startswith("fathers_") and k != "fathers_engagement" else MONTH) for k in FIGURE_KEYS}


def over_time(records: Sequence[dict], period_from: date, period_to: date) -> dict[str, list[Point]]:
    """Every figure's headline month by month (fathers' attendance and reasons quarter by quarter).

    Why not ``compute`` over every record up to each bucket's end: with years of merged data that reads the
    whole history 16 times. Records before a bucket only matter for ``plans_open_at_end`` (time on plan), so
    each bucket's statistics are computed from its own slice of the date-sorted records, and time on plan
    from one sweep through the history that keeps each child's latest conference as it goes.
    """
    ordered = _by_date(records)
    iso = [str(r["conference_date"]) for r in ordered]
    out: dict[str, list[Point]] = {k: [] for k in FIGURE_KEYS}
    latest: _Latest = {}
    swept = 0
    for bucket, spans in ((MONTH, months(period_from, period_to)), (QUARTER, quarters(period_from, period_to))):
        keys = [k for k in FIGURE_KEYS if BUCKETS[k] == bucket]
        for label, start, end in spans:
            mine = _slice(ordered, iso, start, end)
            if bucket == QUARTER:  # only the fathers' figures go by quarter: they need each conference's adults
                mine = [_fathers_only(r) for r in mine]
            stats = _compute(mine, start, end)
            values = _headlines_of(stats)
            if "time_on_plan" in keys and stats["conferences"]["total"]:
                stop = bisect_right(iso, end.isoformat())
                for rec in ordered[swept:stop]:
                    _note_latest(latest, rec)
                swept = stop
                values["time_on_plan"] = _open_plans(latest.values(), end)
            for k in keys:
                out[k].append(Point(label, start, end, values[k]))
    return out


def by_chair(
    records: Sequence[dict], chair_of: dict[str, str], period_from: date, period_to: date
) -> dict[str, list[ChairLine]]:
    """Every figure's headline for each chair (chairs with nothing in the period are left out).

    Counts over conferences, children and fathers add up across chairs to the service total. A child's
    time on a plan belongs to the chair of that child's latest conference, so that figure adds up too.
    Each chair's statistics come from their conferences in the period only; each child's latest conference
    per chair comes from one pass over the history (see ``over_time`` for why).
    """
    out: dict[str, list[ChairLine]] = {k: [] for k in FIGURE_KEYS}
    latest = _latest_chair_by_child(records, chair_of, period_to)
    limit = period_to.isoformat()
    first = period_from.isoformat()
    in_period: dict[str, list[dict]] = {}
    chair_latest: dict[str, _Latest] = {}
    for r in records:
        when = str(r["conference_date"])
        if when > limit:
            continue
        chair = chair_of.get(r["id"])
        _note_latest(chair_latest.setdefault(chair, {}), r)
        if when >= first:
            in_period.setdefault(chair, []).append(r)
    for chair in chair_names(chair_of):
        stats = _compute(in_period.get(chair, []), period_from, period_to)
        values = _headlines_of(stats)
        mine = chair_latest.get(chair, {})
        if stats["conferences"]["total"]:
            values["time_on_plan"] = _open_plans(mine.values(), period_to)  # as compute over all theirs gives
        if all(v is None for v in values.values()):
            continue
        own = [v for child, v in mine.items() if latest.get(child) == chair]
        values["time_on_plan"] = _open_plans(own, period_to)
        for k in FIGURE_KEYS:
            out[k].append(ChairLine(chair, values[k]))
    return out


def _latest_chair_by_child(records: Sequence[dict], chair_of: dict[str, str], until: date) -> dict[str, str]:
    """The chair of each child's latest conference on or before ``until`` (spec §6.2 ``plans_open_at_end``)."""
    best: dict[str, tuple[str, str, str]] = {}
    limit = until.isoformat()
    for r in records:
        when = str(r["conference_date"])
        if when > limit:
            continue
        for c in r["children"]:
            key = (when, str(r.get("updated_at", "")))
            if c["child_key"] not in best or key > best[c["child_key"]][:2]:
                best[c["child_key"]] = (*key, chair_of.get(r["id"], ""))
    return {child: v[2] for child, v in best.items()}


def chair_names(chair_of: dict[str, str]) -> list[str]:
    return sorted(set(chair_of.values()), key=str.casefold)


def only_chair(records: Iterable[dict], chair_of: dict[str, str], chair: str | None) -> list[dict]:
    return [r for r in records if chair is None or chair_of.get(r["id"]) == chair]


def build(
    records: Sequence[dict],
    chair_of: dict[str, str],
    period_from: date,
    period_to: date,
    chair: str | None = None,
    with_series: bool = True,
) -> Dashboard:
    """The whole dashboard for a period (optionally one chair's conferences only), from merged records."""
    if period_from > period_to:
        from cpchair.errors import CpchairError

        raise CpchairError(
            f"The period starts on {dates.format_uk(period_from)}, after it ends on {dates.format_uk(period_to)}: "
            "choose a start date on or before the end date."
        )
    mine = only_chair(records, chair_of, chair)
    stats = _compute(mine, period_from, period_to)
    dash = Dashboard(period_from, period_to, chair, chair_names(chair_of), stats, figures(stats))
    if with_series:
        dash.over_time = over_time(mine, period_from, period_to)
        dash.by_chair = by_chair(records, chair_of, period_from, period_to)
    return dash


def load_dashboard(
    session, period_from: date, period_to: date, chair: str | None = None, with_series: bool = True
) -> Dashboard:
    """The dashboard from the coordinator's merged database."""
    records, chair_of = merged_records(session)
    return build(records, chair_of, period_from, period_to, chair, with_series)


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
