"""``cpchair demo [--conferences N] [--seed S] [--replace]``: fill the data folder with realistic sample data.

It refuses a data folder that already holds conferences (demo records mixed with real ones could never be
told apart) unless ``--replace`` is given, which deletes them first.
"""

from __future__ import annotations

import argparse


def _count(text: str) -> int:
    from cpchair.services.demo import MAX_CONFERENCES

    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 1 <= n <= MAX_CONFERENCES:
        raise argparse.ArgumentTypeError(f"choose between 1 and {MAX_CONFERENCES}")
    return n


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="fill the data folder with realistic sample data",
        description="Fill the data folder with a demo chair's conferences over several years: families, "
        "reviews, plans still open today, a few drafts. Names are fictional; exports use a demo key.",
    )
    p.add_argument("--conferences", type=_count, default=600, metavar="N", help="how many conferences (default 600)")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="the same seed makes the same data (default 1)")
    p.add_argument(
        "--replace",
        action="store_true",
        help="first delete every conference this data folder holds (outright: no deletion reaches a coordinator)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cpchair import paths
    from cpchair.cli import open_db
    from cpchair.cli.progress import Progress
    from cpchair.domain import dates
    from cpchair.domain.questionnaire import load
    from cpchair.services import demo

    progress = Progress()
    db = open_db()
    try:
        with db.session() as s:
            summary = demo.generate(s, args.conferences, args.seed, replace=args.replace, progress=progress)
            s.commit()
    finally:
        progress.done()
    q = load()
    if summary.replaced:
        print(f"Deleted the {summary.replaced} conference(s) this data folder held.")
    print(
        f"Made {summary.conferences} demo conferences ({summary.complete} complete, {summary.drafts} drafts) "
        f"for {summary.families} families and {summary.children} children, "
        f"{dates.format_uk(summary.first_date)} to {dates.format_uk(summary.last_date)}."
    )
    for code in q.codes["conference_type"]:
        print(f"  {q.label('conference_type', code)}: {summary.by_type.get(code, 0)}")
    print(
        f"Children on a plan today: {summary.on_plan_today} (longest {summary.longest_open_plan_months} months); "
        f"families with a review overdue: {summary.reviews_overdue}."
    )
    key = "the demo pseudonymisation key" if summary.demo_key_installed else "the pseudonymisation key already here"
    print(f"Chair: {summary.chair_name}. Exports use {key} (fingerprint {summary.key_fingerprint}).")
    print(f"Data folder: {paths.data_dir()}")
    return 0
