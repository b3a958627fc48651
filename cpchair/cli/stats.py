"""`cpchair stats [--from D] [--to D] --json`: the service statistics of spec §6.2 over the merged store.

The period defaults to the reporting year (1 April–31 March) containing today; a partial period takes the
other end from that year. Without ``--json`` a short readable summary is printed.
"""

from __future__ import annotations

import argparse
import json
from datetime import date


def _iso(text: str) -> date:
    try:
        return date.fromisoformat(text) if len(text) == 10 else date.fromisoformat("bad")
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: give it as YYYY-MM-DD") from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help="the service statistics", description=__doc__.split("\n\n")[0])
    p.add_argument("--from", dest="date_from", type=_iso, metavar="D", help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", type=_iso, metavar="D", help="last day (YYYY-MM-DD)")
    p.add_argument("--json", action="store_true", help="print every figure as JSON")
    p.set_defaults(func=run, parser=p)


def run(args: argparse.Namespace) -> int:
    import sys

    from cpchair.cli import open_db
    from cpchair.services.stats import compute_stats, default_period

    default_from, default_to = default_period()
    period_from = args.date_from or default_from
    period_to = args.date_to or default_to
    if period_from > period_to:
        print(f"cpchair stats: --from {period_from} is after --to {period_to}.", file=sys.stderr)
        return 2
    db = open_db()
    try:
        with db.session() as session:
            result = compute_stats(session, period_from, period_to)
    finally:
        db.dispose()
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
        f"open at the end: {s['plans_open_at_end']['total']}"
    )
    print(f"Fathers and male partners: {f['total']}; engaged with an agency {show(f['engaged_with_any_agency_pct'])}")
