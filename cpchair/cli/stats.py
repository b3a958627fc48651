"""`cpchair stats [--from D] [--to D] --json`: the service statistics of spec §6.2 over the merged store.

The period defaults to the reporting year (1 April–31 March) containing today; a partial period takes the
other end from that year. Without ``--json`` a short readable summary is printed.
"""

from __future__ import annotations

import argparse
import json

from cpchair.cli.period import add_period_arguments, period


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help="the service statistics", description=__doc__.split("\n\n")[0])
    add_period_arguments(p, uk_dates=False)
    p.add_argument("--json", action="store_true", help="print every figure as JSON")
    p.set_defaults(func=run, parser=p)


def run(args: argparse.Namespace) -> int:

    from cpchair.cli import opened_stores
    from cpchair.services.stats import compute_stats

    chosen = period(args, "stats")
    if chosen is None:
        return 2
    period_from, period_to = chosen
    with opened_stores() as (_local, store), store.session() as session:
        result = compute_stats(session, period_from, period_to)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        _print_summary(result)
    return 0


def _print_summary(s: dict) -> None:
    def show(p: float | None) -> str:
        return "–" if p is None else f"{p:.1f}%"

    c, t, f = s["conferences"], s["icpc_timeliness"], s["fathers"]
    print(f"Period {s['period']['from']} to {s['period']['to']}")
    print(
        f"Conferences: {c['total']} ({', '.join(f'{k} {v}' for k, v in c['by_type'].items())}); "
        f"children {c['children']}"
    )
    print(
        f"ICPC within 15 working days: {t['within']} of {t['timed']} ({show(t['pct'])}); "
        f"median {t['median_working_days']} working days"
    )
    print(
        f"Plans started: {s['category_at_plan_start']['total']}; ended: {s['plans_ended']['total']}; "
        f"on a plan as at {s['as_at']}: {s['plans_open_at_end']['total']}"
    )
    print(f"Fathers and male partners: {f['total']}; engaged with an agency {show(f['engaged_with_any_agency_pct'])}")
    ch = s["children"]
    print(f"Children discussed: {ch['discussed']}; different children: {ch['different']}")
