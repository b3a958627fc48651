"""`cpchair report [--from D] [--to D] -o FILE.pdf [--xlsx FILE.xlsx] [--no-suppress]`: the service report.

Writes the coordinator's service report (a summary page, then a chart and a table per figure) from the merged
store and, with ``--xlsx``, the same numbers as an Excel workbook. The period defaults to the reporting year
(1 April–31 March) containing today. Small numbers are suppressed by default (counts from 1 to 5, and what
they could be worked out from, shown as "c"), since a report usually leaves the service; ``--no-suppress``
prints every number, for use inside the service only. (``--suppress-small``, the old switch, is still
accepted and changes nothing.) Runs without a display and never imports Qt.
"""

from __future__ import annotations

import argparse
import sys

from cpchair.cli.period import add_period_arguments, period


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write the service report PDF", description=__doc__.split("\n\n")[0])
    add_period_arguments(p, uk_dates=True)
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="where to write the PDF")
    p.add_argument("--xlsx", metavar="FILE.xlsx", help="also write the figures as an Excel workbook")
    p.add_argument(
        "--no-suppress",
        action="store_true",
        help="print every number, small ones too (for use inside the service only; by default counts from 1 to 5 "
        'and what they could be worked out from are shown as "c")',
    )
    p.add_argument("--suppress-small", action="store_true", help=argparse.SUPPRESS)  # the default now: kept working
    p.add_argument("--chair", metavar="NAME", help="only the conferences of this chair")
    p.set_defaults(func=run, parser=p)


def run(args: argparse.Namespace) -> int:
    from cpchair import settings
    from cpchair.cli import opened_stores
    from cpchair.cli.progress import Progress
    from cpchair.reports.service_report import write_report
    from cpchair.reports.suppression import disclosure
    from cpchair.reports.workbook import write_workbook
    from cpchair.services import comparators, dashboard, stats

    chosen = period(args, "report")
    if chosen is None:
        return 2
    period_from, period_to = chosen
    if args.suppress_small and args.no_suppress:
        print("cpchair report: --suppress-small and --no-suppress contradict each other; give one.", file=sys.stderr)
        return 2

    progress = Progress()
    progress("Reading the merged conferences…")
    try:
        with opened_stores() as (local, store):
            with local.session() as session:
                table = comparators.load_table(session)  # comparators are this installation's, as settings
                service_name = settings.get(session, "service_name")
                logo_path = settings.get(session, "logo_path")
            with store.session() as session:
                names = dashboard.chair_names(stats.chair_display_names(session))
                if args.chair and args.chair not in names:
                    progress.done()
                    known = ", ".join(names) or "none yet"
                    print(f"cpchair report: no merged conferences from a chair called {args.chair!r} "
                          f"(chairs: {known}).", file=sys.stderr)  # fmt: skip
                    return 2
                progress(f"Calculating the figures for {stats.count_records(session):,} conferences…")
                # one pass over the store in the §6.2 order: memory follows the children, not the conferences
                dash = dashboard.load_dashboard(session, period_from, period_to, chair=args.chair,
                                                comparator_table=table)  # fmt: skip
    finally:
        progress.done()
    try:
        dis = disclosure(dash, on=not args.no_suppress)
        progress("Writing the report PDF…")
        pdf = write_report(args.output, dash, disclosed=dis, service_name=service_name, logo_path=logo_path)
        workbook = None
        if args.xlsx:
            progress("Writing the workbook…")
            workbook = write_workbook(args.xlsx, dash, disclosed=dis)
    finally:
        progress.done()
    print(pdf)
    if workbook is not None:
        print(workbook)
    return 0
