"""`cpchair report [--from D] [--to D] -o FILE.pdf [--xlsx FILE.xlsx] [--suppress-small]`: the service report.

Writes the coordinator's service report (a summary page, then a chart and a table per figure) from the merged
store and, with ``--xlsx``, the same numbers as an Excel workbook. The period defaults to the reporting year
(1 April–31 March) containing today. ``--suppress-small`` shows counts from 1 to 5 as "c" for a report that
leaves the service. Runs without a display and never imports Qt.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date


def _date(text: str) -> date:
    from cpchair.domain import dates

    try:
        if "/" in text:
            return dates.parse_uk(text)
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"'{text}' is not a date: give it as YYYY-MM-DD or DD/MM/YYYY")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write the service report PDF", description=__doc__.split("\n\n")[0])
    p.add_argument("--from", dest="date_from", type=_date, metavar="D", help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", type=_date, metavar="D", help="last day (YYYY-MM-DD)")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="where to write the PDF")
    p.add_argument("--xlsx", metavar="FILE.xlsx", help="also write the figures as an Excel workbook")
    p.add_argument(
        "--suppress-small", action="store_true", help='show counts from 1 to 5 as "c" (for reports leaving the service)'
    )
    p.add_argument("--chair", metavar="NAME", help="only the conferences of this chair")
    p.set_defaults(func=run, parser=p)


def run(args: argparse.Namespace) -> int:
    from cpchair import settings
    from cpchair.cli import open_db
    from cpchair.reports.service_report import write_report
    from cpchair.reports.workbook import write_workbook
    from cpchair.services import dashboard

    default_from, default_to = dashboard.default_period()
    period_from = args.date_from or default_from
    period_to = args.date_to or default_to
    if period_from > period_to:
        print(f"cpchair report: --from {period_from} is after --to {period_to}.", file=sys.stderr)
        return 2
    db = open_db()
    try:
        with db.session() as session:
            records, chair_of = dashboard.merged_records(session)
            service_name = settings.get(session, "service_name")
            logo_path = settings.get(session, "logo_path")
    finally:
        db.dispose()
    if args.chair and args.chair not in set(chair_of.values()):
        known = ", ".join(dashboard.chair_names(chair_of)) or "none yet"
        print(f"cpchair report: no merged conferences from a chair called {args.chair!r} (chairs: {known}).",
              file=sys.stderr)  # fmt: skip
        return 2
    dash = dashboard.build(records, chair_of, period_from, period_to, chair=args.chair)
    pdf = write_report(args.output, dash, suppress=args.suppress_small, service_name=service_name, logo_path=logo_path)
    print(pdf)
    if args.xlsx:
        print(write_workbook(args.xlsx, dash, suppress=args.suppress_small))
    return 0
