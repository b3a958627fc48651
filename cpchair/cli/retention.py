"""``cpchair retention --dry-run | --apply``: list, or remove, the personal details kept past the retention period.

``--dry-run`` (the default) changes nothing: it lists the conferences due, by date and type, and what is kept
and why. ``--apply`` removes the names, case references, notes and minutes of exactly those conferences (the
pseudonymous record stays), records each removal in the audit log, and prints how many were done.
"""

from __future__ import annotations

import argparse
import json
from datetime import date


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: give it as YYYY-MM-DD") from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "retention",
        help="list or remove personal details kept past the retention period",
        description="Names, case references, notes and minutes are kept on this computer for the retention "
        "period (Settings, default 12 months) after a child's plan ended, or after a conference where no plan "
        "followed, and only until the conference was exported. Without --apply nothing is changed.",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="list what is due, change nothing (the default)")
    mode.add_argument("--apply", action="store_true", help="remove the personal details of the conferences due")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--today", type=_day, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)  # for tests and checks
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cpchair.cli import open_db
    from cpchair.services import retention

    db = open_db()
    try:
        with db.session() as s:
            found = retention.review(s, args.today)
            done: list[str] = []
            if args.apply and found.due:
                done = retention.apply(s, args.today, conference_ids=[d.conference_id for d in found.due])
            s.commit()
        if done:
            retention.clear_leftovers(db)
    finally:
        db.dispose()
    if args.json:
        out = {
            "today": found.today.isoformat(),
            "months": found.months,
            "due": [d.as_json() for d in found.due],
            "removed": done,
            "kept": {
                "not_exported": found.not_exported,
                "open_plans": found.open_plans,
                "within_period": found.within_period,
            },
        }
        print(json.dumps(out, indent=1))
        return 0
    print(found.summary())
    for d in found.due:
        print(f"  {d.conference_date.isoformat()}  {d.type_label:28}  ended {d.ended.isoformat()}  {d.conference_id}")
    if args.apply:
        print(f"Removed the names, case references, notes and minutes of {len(done)} conference(s).")
    elif found.due:
        print("Nothing was changed. Run with --apply to remove them.")
    return 0
