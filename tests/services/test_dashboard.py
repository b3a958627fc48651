"""The dashboard's figures: the same numbers as the statistics, month by month with gaps, and chair by chair."""

from __future__ import annotations

import json
import random
import shutil
from datetime import date

import pytest

from cpchair.domain.statistics import child_facts, compute
from cpchair.services import dashboard
from cpchair.services.merge import merge_folder
from tests.domain.generated_records import generate

YEAR = (date(2024, 4, 1), date(2025, 3, 31))


@pytest.fixture
def merged(db, conformance, tmp_path):
    """The conformance share merged into a fresh coordinator database (copied first: merging only reads)."""
    share = tmp_path / "share"
    shutil.copytree(conformance / "share", share)
    with db.session() as s:
        summary = merge_folder(s, share, allow_unsigned=True)
    assert [f.status for f in summary.files] == ["merged"] * 6
    with db.session() as s:
        return dashboard.merged_records(s)


@pytest.fixture
def expected(conformance):
    return json.loads((conformance / "expected-stats.json").read_text("utf-8"))["periods"]["2024-04-01_2025-03-31"]


def test_figures_carry_the_statistics_numbers_with_their_denominators(merged, expected):
    records, chair_of = merged
    dash = dashboard.build(records, chair_of, *YEAR, with_series=False)
    assert [f.key for f in dash.figures] == list(dashboard.FIGURE_KEYS)
    assert {f.key: f.bucket for f in dash.figures} == dashboard.BUCKETS

    icpc = dash.figure("icpc_timeliness")
    t = expected["icpc_timeliness"]
    assert (icpc.headline.n, icpc.headline.d) == (t["within"], t["timed"])
    assert icpc.headline.pct == pytest.approx(t["pct"], abs=0.05)
    assert icpc.denominator_text == "of 58 initial conferences"
    assert icpc.national is not None and icpc.national.pct == 81.4

    cat = dash.figure("category")
    assert {r.code: r.measures[0].n for r in cat.rows} == expected["category_at_plan_start"]["counts"]
    assert {r.measures[0].d for r in cat.rows} == {expected["category_at_plan_start"]["total"]}

    ended = dash.figure("plans_ended")
    assert ended.national is not None and ended.national.pct == 4.4
    assert sum(r.measures[0].n for r in ended.rows) == expected["plans_ended"]["total"]

    police = next(r for r in dash.figure("agencies_review").rows if r.code == "police")
    e = expected["agencies"]["review"]["police"]
    assert [(m.n, m.d) for m in police.measures[:2]] == [(e["attended"], e["invited"]), (e["report"], e["invited"])]
    on_time = police.measures[2]  # the scorecard's third measure: reports on time, of invitations
    assert on_time.d == e["invited"] and on_time.n <= e["report"]

    fathers = dash.figure("fathers_attendance")
    assert fathers.headline.d == expected["fathers"]["total"]
    assert fathers.bucket == dashboard.QUARTER
    assert dash.figure("emotional_abuse_check").headline.d == expected["emotional_abuse_check"]["flagged"]


def test_over_time_is_monthly_with_quarters_for_fathers_and_adds_up(merged, expected):
    records, chair_of = merged
    dash = dashboard.build(records, chair_of, *YEAR)
    icpc = dash.over_time["icpc_timeliness"]
    assert [p.label for p in icpc] == [
        "Apr 2024", "May 2024", "Jun 2024", "Jul 2024", "Aug 2024", "Sep 2024",
        "Oct 2024", "Nov 2024", "Dec 2024", "Jan 2025", "Feb 2025", "Mar 2025",
    ]  # fmt: skip
    assert sum(p.value.n for p in icpc if p.value) == expected["icpc_timeliness"]["within"]
    assert sum(p.value.d for p in icpc if p.value) == expected["icpc_timeliness"]["timed"]

    fathers = dash.over_time["fathers_attendance"]
    assert [p.label for p in fathers] == ["Q1 2024-25", "Q2 2024-25", "Q3 2024-25", "Q4 2024-25"]
    assert [(p.start, p.end) for p in fathers][0] == (date(2024, 4, 1), date(2024, 6, 30))
    assert sum(p.value.d for p in fathers) == expected["fathers"]["total"]
    assert len(dash.over_time["fathers_not_invited"]) == 4


def test_a_month_without_conferences_is_a_gap_not_a_zero(merged):
    records, chair_of = merged
    without_august = [r for r in records if not r["conference_date"].startswith("2024-08")]
    dash = dashboard.build(without_august, chair_of, date(2024, 6, 1), date(2025, 9, 30))
    points = {p.label: p.value for p in dash.over_time["icpc_timeliness"]}
    assert points["Aug 2024"] is None
    assert points["Jul 2024"] is not None and points["Sep 2024"] is not None
    # the conformance data ends in May 2025: later months are gaps too, for every monthly figure
    for key in dashboard.FIGURE_KEYS:
        series = {p.label: p.value for p in dash.over_time[key]}
        if "Jul 2025" in series:
            assert [series[m] for m in ("Jul 2025", "Aug 2025", "Sep 2025")] == [None, None, None], key
    quarters = {p.label: p.value for p in dash.over_time["fathers_attendance"]}
    assert quarters["Q2 2025-26"] is None and quarters["Q1 2025-26"] is not None


def test_the_split_by_chair_adds_up_to_the_service_total(merged):
    records, chair_of = merged
    dash = dashboard.build(records, chair_of, *YEAR)
    assert dash.chairs == ["Chair 1", "Chair 2", "Chair 3"]
    for key in ("icpc_timeliness", "time_on_plan", "fathers_attendance", "issues", "agencies_initial", "category"):
        lines = dash.by_chair[key]
        assert [line.chair for line in lines] == dash.chairs
        total = dash.figure(key).headline
        assert sum(line.value.n for line in lines) == total.n, key
        assert sum(line.value.d for line in lines) == total.d, key


def test_choosing_a_chair_shows_only_their_conferences(merged):
    records, chair_of = merged
    everyone = dashboard.build(records, chair_of, *YEAR, with_series=False)
    one = dashboard.build(records, chair_of, *YEAR, chair="Chair 2")
    line = next(x for x in everyone_by_chair(records, chair_of) if x.chair == "Chair 2")
    assert one.figure("icpc_timeliness").headline == line.value
    assert one.stats["conferences"]["total"] < everyone.stats["conferences"]["total"]


def everyone_by_chair(records, chair_of):
    return dashboard.by_chair(records, chair_of, *YEAR)["icpc_timeliness"]


def test_load_dashboard_reads_the_merged_database(db, merged, expected):
    with db.session() as s:
        dash = dashboard.load_dashboard(s, *YEAR, with_series=False)
    assert dash.stats["conferences"] == expected["conferences"]


def test_periods_split_into_months_and_reporting_quarters():
    assert dashboard.months(date(2025, 1, 15), date(2025, 3, 10)) == [
        ("Jan 2025", date(2025, 1, 15), date(2025, 1, 31)),
        ("Feb 2025", date(2025, 2, 1), date(2025, 2, 28)),
        ("Mar 2025", date(2025, 3, 1), date(2025, 3, 10)),
    ]
    assert dashboard.quarters(date(2025, 2, 15), date(2025, 12, 31)) == [
        ("Q4 2024-25", date(2025, 2, 15), date(2025, 3, 31)),
        ("Q1 2025-26", date(2025, 4, 1), date(2025, 6, 30)),
        ("Q2 2025-26", date(2025, 7, 1), date(2025, 9, 30)),
        ("Q3 2025-26", date(2025, 10, 1), date(2025, 12, 31)),
    ]
    assert dashboard.default_period(date(2026, 3, 31)) == (date(2025, 4, 1), date(2026, 3, 31))
    assert dashboard.previous_reporting_year(date(2026, 4, 1)) == (date(2025, 4, 1), date(2026, 3, 31))


def test_a_period_ending_before_it_starts_is_refused_with_a_sentence():
    from cpchair.errors import CpchairError

    with pytest.raises(CpchairError, match="choose a start date on or before the end date"):
        dashboard.build([], {}, date(2025, 4, 1), date(2025, 3, 31))


def test_each_england_figure_names_the_row_it_compares_with(merged):
    """The dashed England line is drawn on that row only: 4.4% is of plans lasting 2 years or more, not of
    plans ending under 3 months."""
    records, chair_of = merged
    dash = dashboard.build(records, chair_of, *YEAR, with_series=False)
    compared = {f.key: f for f in dash.figures if f.national is not None}
    assert set(compared) == {"icpc_timeliness", "plans_ended"}
    for fig in compared.values():
        row = next(r for r in fig.rows if r.code == fig.national.row)
        assert row.measures[0] == fig.headline  # the row England's figure is about is the figure's headline


# --- the fast build against the plain one ------------------------------------------------------------------


def _plain_headlines(records, start, end, facts=None):
    """A bucket the straightforward way: the statistics over every record, as spec §6.2 defines them."""
    stats = compute(records, start, end, facts=facts)
    if not stats["conferences"]["total"]:
        return dict.fromkeys(dashboard.FIGURE_KEYS)
    return {f.key: (f.headline if f.headline.d else None) for f in dashboard.figures(stats)}


def _plain_over_time(records, period_from, period_to, facts=None):
    out = {k: [] for k in dashboard.FIGURE_KEYS}
    for bucket, spans in (
        (dashboard.MONTH, dashboard.months(period_from, period_to)),
        (dashboard.QUARTER, dashboard.quarters(period_from, period_to)),
    ):
        for label, start, end in spans:
            values = _plain_headlines(records, start, end, facts)
            for k in dashboard.FIGURE_KEYS:
                if dashboard.BUCKETS[k] == bucket:
                    out[k].append(dashboard.Point(label, start, end, values[k]))
    return out


def _plain_by_chair(records, chair_of, period_from, period_to):
    """Each chair's statistics over all their records (each child's history read over every chair's records);
    time on plan over the children whose latest conference (over every chair's records) is theirs."""
    out = {k: [] for k in dashboard.FIGURE_KEYS}
    facts = child_facts(records, period_to)
    latest = {}
    for r in records:
        if r["conference_date"] > period_to.isoformat():
            continue
        order = (r["conference_date"], r["updated_at"], r["id"])
        for c in r["children"]:
            if c["child_key"] not in latest or order > latest[c["child_key"]][0]:
                latest[c["child_key"]] = (order, chair_of[r["id"]])
    for chair in dashboard.chair_names(chair_of):
        mine = [r for r in records if chair_of[r["id"]] == chair]
        values = _plain_headlines(mine, period_from, period_to, facts)
        if all(v is None for v in values.values()):
            continue
        own = [
            {**r, "children": [c for c in r["children"] if latest[c["child_key"]][1] == chair]}
            for r in mine
            if r["conference_date"] <= period_to.isoformat()
        ]
        plans = compute([r for r in own if r["children"]], period_from, period_to)["plans_open_at_end"]
        long = sum(plans["duration_bands"][b] for b in ("12_to_18m", "18_to_24m", "24m_plus"))
        values["time_on_plan"] = dashboard.Measure.of(long, plans["total"]) if plans["total"] else None
        for k in dashboard.FIGURE_KEYS:
            out[k].append(dashboard.ChairLine(chair, values[k]))
    return out


@pytest.fixture(scope="module")
def generated():
    """Four years of families; a fifth of the records moved to another chair, so a child's latest conference
    is often another chair's (the case where time on plan changes hands)."""
    rng = random.Random(7)
    records, chair_of = [], {}
    for chair, rec in generate(3000, seed=31, chairs=4):
        records.append(rec)
        chair_of[rec["id"]] = f"Chair {rng.randrange(4) if rng.random() < 0.2 else chair}"
    rng.shuffle(records)  # the merged database gives no date order
    return records, chair_of


@pytest.mark.parametrize(
    "period",
    [
        (date(2023, 4, 1), date(2024, 3, 31)),  # a reporting year with years of history before it
        (date(2025, 1, 15), date(2026, 2, 10)),  # mid-month ends, and months after the data stops
        (date(2021, 4, 1), date(2021, 6, 30)),  # the very start: little history
    ],
)
def test_the_fast_build_gives_exactly_the_plain_per_bucket_statistics(generated, period):
    records, chair_of = generated
    dash = dashboard.build(records, chair_of, *period)
    assert dash.stats == compute(records, *period)
    previous = dashboard.a_year_earlier(*period)
    assert {k: f.headline for k, f in dash.previous.items()} == {
        f.key: f.headline for f in dashboard.figures(compute(records, *previous))
    }  # this year beside last year: the same figures for the same dates a year earlier
    assert dash.over_time == _plain_over_time(records, *period)
    assert dash.by_chair == _plain_by_chair(records, chair_of, *period)
    assert any(line.value for line in dash.by_chair["time_on_plan"])
    assert sum(1 for p in dash.over_time["time_on_plan"] if p.value) >= 2

    one = dashboard.build(records, chair_of, *period, chair="Chair 1")
    theirs = [r for r in records if chair_of[r["id"]] == "Chair 1"]
    assert one.stats == compute(theirs, *period, facts=child_facts(records, period[1]))
    assert one.over_time == _plain_over_time(theirs, *period, child_facts(records, period[1]))
